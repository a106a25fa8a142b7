"""A SMOC-like 23 December for the watch's tests: eight weeks of ordinary Friday-before intake, then
an overnight surge nobody answers, and the test's own computation of every figure from the rows
(hour by hour on the wall clock, independent of chalicelib/watch/rules.py)."""
from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

ET = ZoneInfo("America/New_York")
AT = datetime(2016, 12, 23, 12, tzinfo=ET).astimezone(timezone.utc)  # Friday 12:00 Eastern
BASELINE = [14, 17, 12, 19, 16, 13, 15, 18]
TARGET = timedelta(hours=6)


def _row(received: datetime, responded: datetime | None, n: int, channel: str = "twitter") -> dict:
    row = {"channel": channel, "category": "complaint", "actionable": True,
           "received_at": received.astimezone(timezone.utc).isoformat(),
           "source_system": "smoc-test", "source_id": f"r{n:05d}"}
    if responded is not None:
        row["first_responded_at"] = responded.astimezone(timezone.utc).isoformat()
    return row


def smoc_rows() -> list[dict]:
    rows: list[dict] = []
    for week, count in enumerate(BASELINE, start=1):
        start = AT - timedelta(days=7 * week, hours=24)
        for i in range(count):
            received = start + timedelta(minutes=70 * i)
            rows.append(_row(received, received + timedelta(hours=3), len(rows),
                             "twitter" if i % 2 else "facebook"))
    thursday_evening = datetime(2016, 12, 22, 19, tzinfo=ET)
    for i in range(60):  # out of hours, nobody answers
        rows.append(_row(thursday_evening + timedelta(minutes=10 * i), None, len(rows)))
    friday_morning = datetime(2016, 12, 23, 8, tzinfo=ET)
    for i in range(10):  # answered within the hour
        received = friday_morning + timedelta(minutes=5 * i)
        rows.append(_row(received, received + timedelta(hours=1), len(rows)))
    late_morning = datetime(2016, 12, 23, 11, tzinfo=ET)
    for i in range(30):  # due from 17:00 Friday
        rows.append(_row(late_morning + timedelta(minutes=2 * i), None, len(rows)))
    return rows


def import_rows(api, token: str, dept: str, rows: list[dict]) -> None:
    for start in range(0, len(rows), 200):
        answer = api.post(f"/departments/{dept}/feedback/imports", token=token, body=rows[start:start + 200])
        assert answer.status_code == 200, answer.body
        assert all(r["status"] == "created" for r in answer.json["rows"]), answer.json


# --- the test's own computation -------------------------------------------------------------------

def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def staffed(hour_start: datetime) -> bool:
    """Mon-Fri 08:00-18:00 Eastern, for an hour starting on the hour."""
    local = hour_start.astimezone(ET)
    return local.weekday() < 5 and 8 <= local.hour < 18


def expected_surge(rows: list[dict], at: datetime, channel: str | None = None) -> dict:
    def count(end: datetime) -> int:
        return sum(1 for r in rows if end - timedelta(hours=24) <= _t(r["received_at"]) < end
                   and (channel is None or r["channel"] == channel))

    x = count(at)
    b = [count(at - timedelta(days=7 * w)) for w in range(1, 9)]
    m = statistics.median(b)
    mad = statistics.median([abs(v - m) for v in b])
    s = max(1.4826 * mad, max(m, 1) ** 0.5)
    return {"observed": x, "values": b, "median": m, "mad": mad, "z": (x - m) / s}


def expected_backlog(rows: list[dict], at: datetime) -> dict:
    first = at - timedelta(days=28)
    made = sum(1 for r in rows if r.get("first_responded_at")
               and first <= _t(r["first_responded_at"]) < at
               and staffed(_t(r["first_responded_at"]).replace(minute=0, second=0)))
    hours = sum(1 for h in range(28 * 24) if staffed(first + timedelta(hours=h)))
    c = made / hours
    queue = sorted(_t(r["received_at"]) + TARGET for r in rows
                   if first <= _t(r["received_at"]) < at
                   and (not r.get("first_responded_at") or _t(r["first_responded_at"]) >= at))
    overdue = [d for d in queue if d <= at]
    # the moment the k-th item is answered: staffed hours counted one wall-clock hour at a time
    answered_at, elapsed, hour = [], 0.0, at
    for k in range(len(queue)):
        need = (k + 1) / c
        while True:
            if staffed(hour) and elapsed + 1 >= need:
                answered_at.append(hour + timedelta(hours=need - elapsed))
                break
            if staffed(hour):
                elapsed += 1
            hour += timedelta(hours=1)
    risky = [d for d, t in zip(queue, answered_at) if d > at and d < t]
    next_staffed = at
    while not staffed(next_staffed):
        next_staffed += timedelta(hours=1)
    return {"unanswered": len(queue), "overdue": len(overdue), "capacity_per_staffed_hour": c,
            "at_risk": len(risky), "first_breach_at": min(risky) if risky else None,
            "next_staffed_at": next_staffed}
