"""An independent recount of VoC summary figures from hand-listed facts (UTC instants typed in the
tests themselves), to compare with what the API answers after an import."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass
class Fact:
    channel: str
    received: datetime
    responded: datetime | None = None
    due: datetime | None = None  # the source's own due time, else received + target


def figures(facts: list[Fact], target_hours: float, now: datetime, zone: str,
            staffed=("mon", "tue", "wed", "thu", "fri"), start=8, end=18) -> dict:
    def due(f: Fact) -> datetime:
        return f.due or f.received + timedelta(hours=target_hours)

    answered = [f for f in facts if f.responded]
    within = [f for f in answered if f.responded <= due(f)]
    overdue = [f for f in facts if f.responded is None and due(f) <= now]
    hours = [(f.responded - f.received).total_seconds() / 3600 for f in answered]
    minutes = sorted(int((f.responded - f.received).total_seconds() // 60) for f in answered)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

    def out_of_hours(f: Fact) -> bool:
        local = f.received.astimezone(ZoneInfo(zone))
        return not (days[local.weekday()] in staffed and start <= local.hour < end)

    by_channel = {}
    for channel in sorted({f.channel for f in facts}):
        mine = [f for f in facts if f.channel == channel]
        by_channel[channel] = {"volume": len(mine), "responded": sum(1 for f in mine if f.responded)}
    return {
        "volume": len(facts),
        "responded": len(answered),
        "within_target_share": round(len(within) / (len(answered) + len(overdue)), 6)
        if answered or overdue else None,
        "overdue_unanswered": len(overdue),
        "mean_hours": round(sum(hours) / len(hours), 6) if hours else None,
        "median_hours": round(statistics.median(minutes) / 60, 6) if minutes else None,
        "out_of_hours_share": round(sum(map(out_of_hours, facts)) / len(facts), 6) if facts else None,
        "by_channel": by_channel,
    }


def assert_summary(summary: dict, expected: dict) -> None:
    assert summary["volume"] == expected["volume"]
    assert summary["responded"] == expected["responded"]
    assert summary["within_target_share"] == expected["within_target_share"]
    assert summary["overdue_unanswered"] == expected["overdue_unanswered"]
    assert summary["first_response_hours"]["mean"] == expected["mean_hours"]
    assert summary["first_response_hours"]["median"] == expected["median_hours"]
    assert summary["out_of_hours_share"] == expected["out_of_hours_share"]
    assert {c: {"volume": v["volume"], "responded": v["responded"]}
            for c, v in summary["by_channel"].items()} == expected["by_channel"]
