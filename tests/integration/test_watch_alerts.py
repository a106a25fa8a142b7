"""The surge watch's hourly job over simulated hours (clock moved): alerts opened on the SMOC-like
23 December, mailed once to the DCXO and the CCXO, acknowledged, and resolved when the surge and
the risk are over; listed per department and org-wide."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core import clock
from chalicelib.reminders import alerts_job, job
from tests.integration import watch_helpers as wh


class Outbox:
    def __init__(self):
        self.sent: list[dict] = []

    def send_email(self, **request):
        self.sent.append(request)
        return {"MessageId": f"m{len(self.sent)}"}


@pytest.fixture()
def outbox(monkeypatch):
    box = Outbox()
    monkeypatch.setattr(job, "_ses", lambda: box)
    monkeypatch.setenv("CXGOV_DIGEST_SENDER", "cxgov <cxgov@example.gov>")
    return box


def _run_at(monkeypatch, moment):
    monkeypatch.setattr(clock, "now", lambda: moment)
    return alerts_job.run_scheduled()


def test_alerts_open_mail_once_are_acknowledged_and_resolve(seeded, tokens, outbox, monkeypatch):
    assert seeded.patch("/departments/parks", token=tokens["ccxo"],
                        body={"time_zone": "America/New_York"}).status_code == 200
    assert seeded.put("/settings/contacts", token=tokens["ccxo"], body={
        "ccxo": [{"name": "Chief", "email": "ccxo@example.gov"}], "auditors": []}).status_code == 200
    rows = wh.smoc_rows()
    wh.import_rows(seeded, tokens["dcxo-parks"], "parks", rows)
    # The test's own view of what must alert at Friday 17:00 UTC
    surges = {("department", "parks", None), ("channel", "twitter", "twitter")}
    for _, _, channel in surges:
        assert wh.expected_surge(rows, wh.AT, channel)["z"] >= 3.5
    assert wh.expected_backlog(rows, wh.AT)["at_risk"] >= 20
    before = _run_at(monkeypatch, wh.AT - timedelta(hours=20))  # Thursday 16:00 Eastern: before the surge
    assert before["opened"] == 0
    first = _run_at(monkeypatch, wh.AT + timedelta(minutes=5))
    listed = seeded.get("/departments/parks/alerts?status=open", token=tokens["dcxo-parks"]).json["items"]
    kinds = {(a["kind"], a["scope"], a["key"]) for a in listed}
    assert ("surge", "department", "parks") in kinds and ("surge", "channel", "twitter") in kinds
    assert ("backlog_risk", "department", "parks") in kinds
    assert first["opened"] == len(listed) and first["mailed"] == len(listed)
    # mailed once each, to the DCXO and the CCXO
    assert sorted(m["Destination"]["ToAddresses"][0] for m in outbox.sent) == sorted(
        ["dcxo@parks.example.gov", "ccxo@example.gov"] * len(listed))
    backlog = next(a for a in listed if a["kind"] == "backlog_risk")
    want = wh.expected_backlog(rows, wh.AT)
    assert backlog["figures"]["at_risk"] == want["at_risk"]
    assert backlog["figures"]["unanswered"] == want["unanswered"]
    import email
    import email.policy

    bodies = [email.message_from_bytes(m["Content"]["Raw"]["Data"], policy=email.policy.default).get_content()
              for m in outbox.sent]
    assert sum(f"{want['at_risk']} of {want['unanswered']} unanswered items" in b for b in bodies) == 2
    whole = wh.expected_surge(rows, wh.AT)
    assert sum(f"{whole['observed']} items in the 24 hours" in b for b in bodies) >= 2
    # Open alerts are in the DCXO's and the CCXO's digests
    for token in ("dcxo-parks", "ccxo"):
        digest = seeded.get("/me/digest", token=tokens[token]).json
        listed_in_digest = {i["alert_id"] for i in digest["items"] if i["kind"] == "watch_alert"}
        assert listed_in_digest == {a["id"] for a in listed}, token
    # The next hours: nothing new, nothing mailed again
    for hour in range(1, 4):
        again = _run_at(monkeypatch, wh.AT + timedelta(hours=hour, minutes=5))
        assert again["opened"] == 0 and again["mailed"] == 0
    assert len(outbox.sent) == 2 * len(listed)
    # Acknowledged by the DCXO (a note is required)
    url = f"/departments/parks/alerts/{backlog['id']}/acknowledge"
    assert seeded.post(url, token=tokens["dcxo-parks"], body={}).status_code == 400
    ack = seeded.post(url, token=tokens["dcxo-parks"], body={"note": "Saturday shift called in"})
    assert ack.status_code == 200, ack.body
    assert ack.json["acknowledged_by"] and ack.json["acknowledged_note"] == "Saturday shift called in"
    assert ack.json["resolved_at"] is None
    # Hour by hour until the 24-hour window has left the surge and every queued item is overdue
    hour, resolved = 4, 0
    while hour <= 30:
        resolved += _run_at(monkeypatch, wh.AT + timedelta(hours=hour, minutes=5))["resolved"]
        hour += 1
    assert resolved == len(listed)
    assert seeded.get("/departments/parks/alerts?status=open", token=tokens["ccxo"]).json["items"] == []
    everyone = seeded.get("/alerts", token=tokens["auditor"]).json["items"]
    assert {a["id"] for a in everyone} == {a["id"] for a in listed}
    assert all(a["resolved_at"] for a in everyone)
    # each change is in the alert's history, written with it
    mine = next(a for a in everyone if a["id"] == backlog["id"])
    assert [e["event"] for e in mine["history"]] == ["opened", "mailed", "acknowledged", "resolved"]
    assert mine["history"][2]["actor"] == ack.json["acknowledged_by"]
    assert len(outbox.sent) == 2 * len(listed)  # resolving mails nothing
    digest = seeded.get("/me/digest", token=tokens["dcxo-parks"]).json
    assert not [i for i in digest["items"] if i["kind"] == "watch_alert"]


def test_alert_routes_refuse_bad_ids_and_other_roles(seeded, tokens):
    assert seeded.post("/departments/parks/alerts/nope/acknowledge", token=tokens["ccxo"],
                       body={"note": "x"}).status_code in (400, 404)
    assert seeded.post("/departments/parks/alerts/01b8zk3w6t7f2m9q4c6b0n1p2r/acknowledge", token=tokens["ccxo"],
                       body={"note": "x"}).status_code == 404
    assert seeded.get("/alerts", token=tokens["dcxo-parks"]).status_code == 403


def test_the_demo_years_holiday_peak_raises_an_alert_when_backtested(seeded, tokens, outbox, monkeypatch):
    from datetime import datetime, timezone

    from devtools import seed_year

    assert seeded.patch("/departments/parks", token=tokens["ccxo"],
                        body={"time_zone": "America/New_York"}).status_code == 200
    at = datetime(2016, 12, 24, 5, tzinfo=timezone.utc)  # midnight Eastern after Friday 23 December
    # the year's rows in the 24 hours before `at` and the same hours 1..8 weeks earlier (what surges read)
    windows = [(at - timedelta(days=7 * w, hours=24), at - timedelta(days=7 * w)) for w in range(9)]
    rows = [r for r in seed_year.feedback_rows("corp-comms")
            if any(a <= datetime.fromisoformat(r["received_at"]) < b for a, b in windows)]
    wh.import_rows(seeded, tokens["dcxo-parks"], "parks", rows)
    want = wh.expected_surge(rows, at)
    found = seeded.get("/departments/parks/watch?at=2016-12-24T05:00:00Z", token=tokens["ccxo"]).json
    whole = next(s for s in found["surges"] if s["scope"] == "department")
    assert (whole["observed"], whole["baseline"]["values"]) == (want["observed"], want["values"])
    assert whole["z"] == pytest.approx(want["z"], abs=1e-6) and want["z"] >= 3.5
    assert whole["surge"] is True
    print("holiday peak backtest:", want)
    ran = _run_at(monkeypatch, at + timedelta(minutes=5))
    assert ran["opened"] >= 1
    opened = seeded.get("/departments/parks/alerts", token=tokens["dcxo-parks"]).json["items"]
    assert ("surge", "department", "parks") in {(a["kind"], a["scope"], a["key"]) for a in opened}
