"""A reminders scenario built through the API on a moved clock, and moto's SES for the job."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import boto3

from chalicelib.core import clock
from tests.integration.audit_helpers import decide, link_evidence, make_rec, make_report, rec_url, transition

SENDER = "cxgov digests <digests@cxgov.example.gov>"
BASE = "https://cx.example.gov/v1"
# A Monday: 11:30 UTC is 07:30 in New York (EDT), the digest hour of the tests' org zone.
READ_AT = datetime(2017, 10, 2, 11, 30, tzinfo=timezone.utc)
TODAY = READ_AT.date()


def at(moment: datetime):
    return lambda: moment


def on(day: str, hour: int = 15) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


def feedback(api, tokens, dept: str, received: datetime, answered_after_hours: float | None) -> None:
    body = {"channel": "twitter", "received_at": received.isoformat(), "category": "request_for_help"}
    if answered_after_hours is not None:
        body["first_responded_at"] = (received + timedelta(hours=answered_after_hours)).isoformat()
    response = api.post(f"/departments/{dept}/feedback", token=tokens[f"dcxo-{dept}"], body=body)
    assert response.status_code == 201, response.body


def later_evidence(api, tokens, rec: dict) -> str:
    """A link on an action due long after the scenario's day (so the action itself is not due)."""
    response = api.post(rec_url(rec) + "/actions", token=tokens[f"dcxo-{rec['department']}"],
                        body={"description": "Publish the staffing plan", "owner": "VP Operations",
                              "due_date": "2018-06-01"})
    assert response.status_code == 201, response.body
    return link_evidence(api, tokens, rec, response.json["id"])


def build_scenario(api, tokens, monkeypatch) -> dict:
    """Recommendations, actions and feedback in parks and harbour, made between 20 and 28 September
    2017 (each step on its own day), to be read on Monday 2 October 2017."""
    def set_day(day: str) -> None:
        monkeypatch.setattr(clock, "now", at(on(day)))

    set_day("2017-09-20")
    made: dict = {}
    old = make_report(api, tokens, issued_on="2016-05-01")
    recent = make_report(api, tokens, issued_on="2017-08-01")
    nearly_a_year = make_report(api, tokens, issued_on="2016-11-01")
    # A: no decision, issued 2016-05-01 -> overdue on the decision and final-action clocks
    made["A"] = make_rec(api, tokens, report_id=old)
    # B: decided on 20 Sep (not evaluated), target 22 Oct (20 days out); four actions
    made["B"] = make_rec(api, tokens, report_id=recent)
    assert decide(api, tokens, made["B"], target_date="2017-10-22").status_code == 200
    made["B_actions"] = {}
    for name, due, status in (("in 10 days", "2017-10-12", "planned"), ("in 20 days", "2017-10-22", "planned"),
                              ("done late", "2017-09-01", "done"), ("7 days late", "2017-09-25", "in_progress")):
        response = api.post(rec_url(made["B"]) + "/actions", token=tokens["dcxo-parks"],
                            body={"description": f"Action {name}", "owner": "VP Operations", "due_date": due,
                                  "status": status})
        assert response.status_code == 201, response.body
        made["B_actions"][name] = response.json["id"]
    # C: closure requested on 20 Sep, returned by the auditor on 25 Sep with a reason
    made["C"] = make_rec(api, tokens, report_id=recent)
    assert decide(api, tokens, made["C"], target_date="2018-03-31").status_code == 200
    assert api.post(rec_url(made["C"]) + "/resolution", token=tokens["auditor"],
                    body={"resolved": True}).status_code == 200
    assert transition(api, tokens["dcxo-parks"], made["C"], "in_progress").status_code == 200
    evidence = later_evidence(api, tokens, made["C"])
    assert transition(api, tokens["dcxo-parks"], made["C"], "closure_requested",
                      evidence_ids=[evidence]).status_code == 200
    set_day("2017-09-25")
    assert transition(api, tokens["auditor"], made["C"], "in_progress",
                      reason="The plan covers one platform only").status_code == 200
    # E: one year on 1 Nov 2017 (30 days out), target 1 Jun 2017 (123 days past), evaluated
    set_day("2017-09-20")
    made["E"] = make_rec(api, tokens, report_id=nearly_a_year)
    assert decide(api, tokens, made["E"], target_date="2017-06-01").status_code == 200
    assert api.post(rec_url(made["E"]) + "/resolution", token=tokens["auditor"],
                    body={"resolved": True}).status_code == 200
    # F: closed: nothing, even though it is long past everything
    made["F"] = make_rec(api, tokens, report_id=old)
    assert transition(api, tokens["auditor"], made["F"], "closed_not_implemented",
                      reason="management disagreed").status_code == 200
    # D (harbour): closure requested on 28 Sep -> the auditor's; harbour itself has nothing due
    made["D"] = make_rec(api, tokens, dept="harbour", report_id=recent)
    assert decide(api, tokens, made["D"], target_date="2018-06-30").status_code == 200
    assert api.post(rec_url(made["D"]) + "/resolution", token=tokens["auditor"],
                    body={"resolved": True}).status_code == 200
    assert transition(api, tokens["dcxo-harbour"], made["D"], "in_progress").status_code == 200
    evidence = later_evidence(api, tokens, made["D"])
    set_day("2017-09-28")
    assert transition(api, tokens["dcxo-harbour"], made["D"], "closure_requested",
                      evidence_ids=[evidence]).status_code == 200
    # Feedback (6-hour targets). parks: August 5 of 5 within target; September 4 within, 1 late,
    # 1 never answered (received 28 Sep: overdue). harbour: August 10/10, September 9/10.
    set_day("2017-09-30")
    for n in range(5):
        feedback(api, tokens, "parks", on("2017-08-10") + timedelta(hours=n), 1)
    for n in range(4):
        feedback(api, tokens, "parks", on("2017-09-10") + timedelta(hours=n), 2)
    feedback(api, tokens, "parks", on("2017-09-11"), 30)
    made["parks_unanswered_at"] = on("2017-09-28", 14)
    feedback(api, tokens, "parks", made["parks_unanswered_at"], None)
    for n in range(10):
        feedback(api, tokens, "harbour", on("2017-08-12") + timedelta(hours=n), 1)
    for n in range(10):
        feedback(api, tokens, "harbour", on("2017-09-12") + timedelta(hours=n), 1 if n else 9)
    monkeypatch.setattr(clock, "now", at(READ_AT))
    return made


def ses_identity() -> None:
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity="digests@cxgov.example.gov")


def sent_messages() -> list:
    """What moto's SES accepted, parsed."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [message_from_bytes(m.raw_data.encode(), policy=policy.default) for m in backend.sent_messages]


def parts(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def job_env(monkeypatch, outbox) -> None:
    for name, value in {"CXGOV_DIGEST_SENDER": SENDER, "CXGOV_ORG_TIME_ZONE": "America/New_York",
                        "CXGOV_DIGEST_HOUR": "7", "CXGOV_DASHBOARD_BASE_URL": BASE,
                        "CXGOV_OUTBOX_DIR": str(outbox)}.items():
        monkeypatch.setenv(name, value)
