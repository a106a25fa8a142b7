"""Every figure of the VoC summary against a direct computation over the same records, the stored
aggregates against the recount, and the reconcile command finding and repairing drift."""
from __future__ import annotations

import random
import statistics
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core import clock
from chalicelib.db import aggregates
from chalicelib.db.transactions import transaction
from chalicelib.voc import reconcile as voc_reconcile
from chalicelib.voc.counters import A11_DRIVERS
from devtools import callcount, issuer
from tests.integration.conftest import department_body

START = datetime(2017, 2, 20, tzinfo=timezone.utc)
CHANNELS = ["twitter", "facebook", "instagram", "email", "app_311"]


@pytest.fixture()
def moving(monkeypatch):
    state = {"now": START}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def _populate(api, token, rng: random.Random, count: int, moving) -> None:
    moving["now"] = datetime(2017, 4, 30, tzinfo=timezone.utc)
    rows = []
    for n in range(count):
        received = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
        row = {"channel": rng.choice(CHANNELS), "received_at": received.isoformat(),
               "category": rng.choice(["complaint", "request_for_help", "question", "compliment"]),
               "actionable": rng.random() < 0.8, "source_system": "sim", "source_id": str(n)}
        if rng.random() < 0.6:
            row["nps"] = rng.randrange(0, 11)
        if rng.random() < 0.5:
            row["csat"] = rng.randrange(1, 6)
            row["ces"] = rng.randrange(1, 8)
            row["a11"] = {d: rng.randrange(1, 6) for d in rng.sample(A11_DRIVERS, 3)}
        rows.append(row)
    result = api.post("/departments/sim/feedback/imports", token=token, body=rows).json
    assert result["created"] == count
    ids = [r["id"] for r in result["rows"]]
    for feedback_id, row in zip(ids, rows):
        roll = rng.random()
        if roll < 0.55 and row["channel"] != "instagram":  # Instagram is never answered
            received = datetime.fromisoformat(row["received_at"])
            delay = timedelta(minutes=rng.choice([5, 59, 61, 359, 360, 361, 600, 960, 3000, 12000]))
            response = api.post(f"/departments/sim/feedback/{feedback_id}/responses", token=token,
                                body={"responded_at": (received + delay).isoformat(), "responder": "agent",
                                      "channel": row["channel"]})
            assert response.status_code == 201, response.body
        if roll > 0.85:
            flip = api.post(f"/departments/sim/feedback/{feedback_id}/classifications", token=token,
                            body={"actionable": not row["actionable"], "reason": "second look"})
            assert flip.status_code == 201, flip.body


def _direct(records: list[dict], now: datetime) -> dict:
    """The summary's figures computed straight from the records (no counters)."""
    def hours(rs):
        minutes = [(datetime.fromisoformat(r["first_responded_at"]) - datetime.fromisoformat(r["received_at"]))
                   .total_seconds() // 60 for r in rs]
        return {"mean": round(statistics.fmean(r["response_hours"] for r in rs), 6) if rs else None,
                "median": round(statistics.median(minutes) / 60, 6) if rs else None}

    def within(rs):
        due = [r for r in rs if r["actionable"] and (r["first_responded_at"] or r["overdue"])]
        ok = [r for r in due if r["first_responded_at"] and r["first_responded_at"] <= r["due_at"]]
        return round(len(ok) / len(due), 6) if due else None

    def share(part, whole):
        return round(len(part) / len(whole), 6) if whole else None

    responded = [r for r in records if r["first_responded_at"]]
    nps = [r["nps"] for r in records if r["nps"] is not None]
    csat = [r["csat"] for r in records if r["csat"] is not None]
    ces = [r["ces"] for r in records if r["ces"] is not None]
    ever = [r for r in records if r["actionable"] or any(c["to_actionable"] for c in r["classifications"])
            or (r["classifications"] and r["classifications"][0]["from_actionable"])]
    dropped = [r for r in records if any(c["from_actionable"] and not c["to_actionable"] for c in r["classifications"])]
    by_channel = {}
    for channel in sorted({r["channel"] for r in records}):
        rs = [r for r in records if r["channel"] == channel]
        answered = [r for r in rs if r["first_responded_at"]]
        by_channel[channel] = {"volume": len(rs), "responded": len(answered), "within_target_share": within(rs),
                               "first_response_hours": hours(answered),
                               "overdue_unanswered": sum(r["overdue"] for r in rs)}
    return {
        "volume": len(records), "responded": len(responded),
        "actionable": sum(r["actionable"] for r in records),
        "first_response_hours": hours(responded), "within_target_share": within(records),
        "overdue_unanswered": sum(r["overdue"] for r in records),
        "out_of_hours_share": share([r for r in records if r["out_of_hours"]], records),
        "nps": round((sum(s >= 9 for s in nps) - sum(s <= 6 for s in nps)) / len(nps) * 100, 6) if nps else None,
        "csat": round(sum(s >= 4 for s in csat) / len(csat), 6) if csat else None,
        "ces": round(statistics.fmean(ces), 6) if ces else None,
        "a11": {d: share([r for r in records if r["a11"][d] is not None and r["a11"][d] >= 4],
                         [r for r in records if r["a11"][d] is not None]) for d in A11_DRIVERS},
        "reclassified_not_actionable": {
            "count": len(dropped), "share": share(dropped, ever),
            "changes": sum(1 for r in records for c in r["classifications"]
                           if c["from_actionable"] and not c["to_actionable"])},
        "by_channel": by_channel,
        "by_category": {c: n for c in ["complaint", "request_for_help", "question", "compliment"]
                        if (n := sum(r["category"] == c for r in records))},
    }


def _records(api, token) -> list[dict]:
    found, cursor = [], None
    while True:
        page = api.get("/departments/sim/feedback?limit=200" + (f"&cursor={cursor}" if cursor else ""),
                       token=token).json
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


def _in_period(record: dict, months: set[str]) -> bool:
    local = datetime.fromisoformat(record["received_at"]).astimezone(
        __import__("zoneinfo").ZoneInfo("America/New_York"))
    return local.strftime("%Y-%m") in months


def _flat(value, prefix=""):
    if isinstance(value, dict):
        return {k: v for key, sub in value.items() for k, v in _flat(sub, f"{prefix}.{key}").items()}
    return {prefix: value}


def test_every_summary_figure_matches_the_records(seeded, tokens, moving):
    # Given a department with 150 records: every channel, answered early, late or never
    assert seeded.post("/departments", token=tokens["ccxo"], body=department_body(
        "sim", time_zone="America/New_York")).status_code == 201
    token = issuer.mint("dcxo", "sim")
    _populate(seeded, token, random.Random(17), 150, moving)
    # When the summary is read at moments when some items are overdue and others not yet due
    for now in (datetime(2017, 3, 10, 12, 7, tzinfo=timezone.utc), datetime(2017, 4, 30, tzinfo=timezone.utc)):
        moving["now"] = now
        records = _records(seeded, token)
        for period, months in [("2017-03", {"2017-03"}), ("2017-Q1", {"2017-02", "2017-03"}),
                               ("FY2017", {"2017-02", "2017-03"})]:
            summary = seeded.get(f"/departments/sim/voc-summary?period={period}", token=tokens["auditor"]).json
            expected = _flat(_direct([r for r in records if _in_period(r, months)], now))
            # Then every figure equals the direct computation over the same records
            got = _flat(summary)
            for name, value in expected.items():
                assert got[name] == pytest.approx(value, abs=1e-5), (now, period, name)
            assert summary["period"] == period and summary["department"] == "sim"
            assert summary["overdue_unanswered"] > 0 and summary["by_channel"]["instagram"]["responded"] == 0
    # And the stored aggregates equal the recount from the records
    report = voc_reconcile.reconcile("sim")
    assert report["records"] == 150 and report["drift"] == {}


def test_a_summary_reads_the_same_items_at_any_volume(seeded, tokens, moving):
    assert seeded.post("/departments", token=tokens["ccxo"], body=department_body(
        "sim", time_zone="America/New_York")).status_code == 201
    token = issuer.mint("dcxo", "sim")
    moving["now"] = datetime(2017, 4, 30, tzinfo=timezone.utc)
    rows = [{"channel": CHANNELS[n % 4], "received_at": (START + timedelta(days=12, minutes=n)).isoformat(),
             "source_system": "v", "source_id": str(n)} for n in range(150)]
    reads = []
    for batch in (rows[:20], rows[20:]):  # 20 records, then 150: the same months, channels and due days
        assert seeded.post("/departments/sim/feedback/imports", token=token, body=batch).status_code == 200
        with callcount.counting() as calls:
            assert seeded.get("/departments/sim/voc-summary?period=2017-03", token=token).status_code == 200
        reads.append(dict(calls))
    assert reads[0] == reads[1] == {"GetItem": 1, "Query": 3}


def test_reconcile_reports_and_repairs_drift(seeded, tokens, moving):
    assert seeded.post("/departments", token=tokens["ccxo"], body=department_body("sim")).status_code == 201
    token = issuer.mint("dcxo", "sim")
    moving["now"] = datetime(2017, 4, 30, tzinfo=timezone.utc)
    rows = [{"channel": "twitter", "received_at": "2017-03-02T15:00:00Z", "source_system": "d", "source_id": str(n),
             "first_responded_at": "2017-03-02T16:00:00Z"} for n in range(3)]
    seeded.post("/departments/sim/feedback/imports", token=token, body=rows)
    # Given counters that drifted (a lost write, a bug, a manual edit)
    with transaction() as tx:
        aggregates.add_counters(tx, "sim", "VOC#2017-03", {"voc__volume": 2, "voc__ch__sms__volume": 1})
    # Then the reconcile reports exactly that, and repairs it on request
    report = voc_reconcile.reconcile("sim")
    assert report["drift"] == {"VOC#2017-03": {"voc__ch__sms__volume": {"stored": 1, "expected": 0},
                                               "voc__volume": {"stored": 5, "expected": 3}}}
    assert voc_reconcile.reconcile("sim", repair=True)["repaired"] is True
    assert voc_reconcile.reconcile("sim")["drift"] == {}
    summary = seeded.get("/departments/sim/voc-summary?period=2017-03", token=token).json
    assert summary["volume"] == 3 and set(summary["by_channel"]) == {"twitter"}
    # And the command line says the same
    from devtools import reconcile

    assert reconcile.main(["--dept", "sim"]) == 0
