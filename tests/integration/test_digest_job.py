"""The digest job on moto's SES v2: one message per recipient and day with something due (text and
HTML with the dashboard links, an .eml in the outbox), nothing twice, the CCXO's weekly, throttling
retried, a rejected address reported without stopping the others, the hour gate."""
from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import clock
from chalicelib.reminders import store as reminders_dal
from chalicelib.reminders import job
from tests.integration.reminder_helpers import (
    BASE,
    READ_AT,
    at,
    build_scenario,
    job_env,
    parts,
    sent_messages,
    ses_identity,
)

CONTACTS = {"ccxo": [{"name": "Morgan Reyes", "email": "morgan.reyes@cx.example.gov"}],
            "auditors": [{"name": "Priya Natarajan", "email": "priya@oig.example.gov"},
                         {"name": "Internal Audit", "email": "audit@city.example.gov"}]}


@pytest.fixture()
def scenario(seeded, api, tokens, monkeypatch, tmp_path):
    job_env(monkeypatch, tmp_path / "outbox")
    ses_identity()
    made = build_scenario(api, tokens, monkeypatch)
    assert api.put("/settings/contacts", token=tokens["ccxo"], body=CONTACTS).status_code == 200
    monkeypatch.setattr(job, "_sleep", lambda seconds: None)
    return made


def _status(run) -> dict:
    return {(r.role, r.department or r.email): r.status for r in run.recipients}


def test_one_message_per_recipient_with_something_due_and_never_twice(scenario, api, tokens, tmp_path):
    # When the job runs on Monday 2 October 2017
    run = job.run(READ_AT)
    # Then parks' dcxo, both auditors and the ccxo get one message each; harbour (nothing due) none
    assert _status(run) == {("dcxo", "parks"): "sent", ("dcxo", "harbour"): "nothing_due",
                            ("auditor", "priya@oig.example.gov"): "sent",
                            ("auditor", "audit@city.example.gov"): "sent",
                            ("ccxo", "morgan.reyes@cx.example.gov"): "sent"}
    messages = sent_messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == [
        "audit@city.example.gov", "dcxo@parks.example.gov", "morgan.reyes@cx.example.gov",
        "priya@oig.example.gov"]
    # And each holds exactly what that recipient's GET /me/digest holds, in text and HTML, with links
    by_to = {m["To"].addresses[0].addr_spec: m for m in messages}
    for email, token in (("dcxo@parks.example.gov", "dcxo-parks"), ("priya@oig.example.gov", "auditor"),
                         ("morgan.reyes@cx.example.gov", "ccxo")):
        message = by_to[email]
        assert message["From"].addresses[0].addr_spec == "digests@cxgov.example.gov"
        assert message["Auto-Submitted"] == "auto-generated"
        text, html = parts(message)
        digest = api.get("/me/digest", token=tokens[token]).json["items"]
        assert f"{len(digest)} item" in message["Subject"]
        for item in digest:
            assert item["summary"] in text and item["dashboard_link"] in text, (email, item["kind"])
            assert f'href="{item["dashboard_link"]}"' in html, (email, item["kind"])
    assert f"{BASE}/dashboard/recommendations/parks/{scenario['A']['id']}" in parts(by_to["dcxo@parks.example.gov"])[0]
    assert "Organisation totals (2 departments): 5 open" in " ".join(parts(by_to["morgan.reyes@cx.example.gov"])[0].split())
    # And each was written to the outbox as an .eml file
    emls = sorted(p.name for p in (tmp_path / "outbox" / "2017-10-02").iterdir())
    assert emls == ["auditor-org-audit@city.example.gov.eml", "auditor-org-priya@oig.example.gov.eml",
                    "ccxo-org-morgan.reyes@cx.example.gov.eml", "dcxo-parks-dcxo@parks.example.gov.eml"]
    # When it runs again the same day (a re-run, or a retried invocation), Then it sends nothing
    again = job.run(READ_AT + timedelta(minutes=20))
    assert {r.status for r in again.recipients} == {"already_sent", "nothing_due"}
    assert len(sent_messages()) == 4
    assert len(list((tmp_path / "outbox" / "2017-10-02").iterdir())) == 4
    # And the sends are on record, one per recipient and day
    assert [(s["email"], s["status"], s["attempts"]) for s in reminders_dal.sends("parks", "2017-10-02")] == [
        ("dcxo@parks.example.gov", "sent", 1)]


def test_the_ccxo_digest_is_weekly(scenario, monkeypatch):
    # When the job runs on Tuesday, Then the dcxo and the auditors get Tuesday's, the ccxo nothing
    tuesday = READ_AT + timedelta(days=1)
    monkeypatch.setattr(clock, "now", at(tuesday))
    run = job.run(tuesday)
    assert ("ccxo", "morgan.reyes@cx.example.gov") not in _status(run)
    assert _status(run)[("dcxo", "parks")] == "sent"
    assert _status(run)[("auditor", "priya@oig.example.gov")] == "sent"


class _FlakySes:
    """Stands in front of moto's SES: throttles the first sends to one address, rejects another."""

    def __init__(self, real, throttle: dict[str, int], reject: set[str]):
        self.real, self.throttle, self.reject, self.calls = real, dict(throttle), reject, []

    def send_email(self, **request):
        to = request["Destination"]["ToAddresses"][0]
        self.calls.append(to)
        if self.throttle.get(to, 0) > 0:
            self.throttle[to] -= 1
            raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded."}},
                              "SendEmail")
        if to in self.reject:
            raise ClientError({"Error": {"Code": "MessageRejected",
                                         "Message": f"Email address is not verified: {to}"}}, "SendEmail")
        return self.real.send_email(**request)


def test_throttling_is_retried_and_a_rejected_address_reported_while_others_are_sent(scenario, monkeypatch):
    real = job._ses()
    flaky = _FlakySes(real, throttle={"dcxo@parks.example.gov": 2}, reject={"priya@oig.example.gov"})
    monkeypatch.setattr(job, "_ses", lambda: flaky)
    # When the job runs while SES throttles parks' address twice and rejects one auditor's
    run = job.run(READ_AT)
    results = {(r.role, r.department or r.email): r for r in run.recipients}
    # Then parks' digest is sent on the third attempt
    parks = results[("dcxo", "parks")]
    assert (parks.status, parks.attempts) == ("sent", 3)
    # And the rejected one is failed after one attempt (no retry of a refusal), with SES's reason
    rejected = results[("auditor", "priya@oig.example.gov")]
    assert (rejected.status, rejected.attempts) == ("failed", 1)
    assert "MessageRejected" in rejected.error and "not verified" in rejected.error
    # And the other auditor and the ccxo still got theirs
    assert results[("auditor", "audit@city.example.gov")].status == "sent"
    assert results[("ccxo", "morgan.reyes@cx.example.gov")].status == "sent"
    assert len(sent_messages()) == 3
    # When the address is fixed and the job runs again that day, Then only the failed one is sent
    flaky.reject.clear()
    again = job.run(READ_AT + timedelta(hours=1))
    assert _status(again)[("auditor", "priya@oig.example.gov")] == "sent"
    assert {s for k, s in _status(again).items() if k[1] != "priya@oig.example.gov"} <= {"already_sent", "nothing_due"}
    assert len(sent_messages()) == 4
    record = [s for s in reminders_dal.sends(None, "2017-10-02") if s["email"] == "priya@oig.example.gov"]
    assert [(r["status"], r["attempts"]) for r in record] == [("sent", 2)]


def test_throttling_that_never_ends_is_reported_after_the_last_attempt(scenario, monkeypatch):
    flaky = _FlakySes(job._ses(), throttle={"dcxo@parks.example.gov": 99}, reject=set())
    monkeypatch.setattr(job, "_ses", lambda: flaky)
    run = job.run(READ_AT)
    parks = next(r for r in run.recipients if r.department == "parks")
    assert (parks.status, parks.attempts) == ("failed", 4)
    assert "TooManyRequestsException" in parks.error
    assert flaky.calls.count("dcxo@parks.example.gov") == 4
    assert _status(run)[("ccxo", "morgan.reyes@cx.example.gov")] == "sent"


def test_a_database_failure_for_one_recipient_does_not_stop_the_run(scenario, monkeypatch):
    claim = reminders_dal.claim_send

    def failing(dept, day, role, email, *args):
        if dept == "parks":
            raise RuntimeError("DynamoDB did not answer")
        return claim(dept, day, role, email, *args)

    monkeypatch.setattr(reminders_dal, "claim_send", failing)
    run = job.run(READ_AT)
    assert _status(run)[("dcxo", "parks")] == "failed"
    assert _status(run)[("auditor", "audit@city.example.gov")] == "sent"


def test_the_hourly_trigger_sends_only_at_the_digest_hour_of_the_org_zone(scenario, monkeypatch):
    # 10:30 UTC is 06:30 in New York: too early
    monkeypatch.setattr(clock, "now", at(READ_AT - timedelta(hours=1)))
    assert "skipped" in job.run_scheduled() and sent_messages() == []
    # 11:30 UTC is 07:30: the digest hour
    monkeypatch.setattr(clock, "now", at(READ_AT))
    answer = job.run_scheduled()
    assert (answer["sent"], answer["failed"], answer["nothing_due"]) == (4, 0, 1)
    # A retried invocation within the hour sends nothing more
    assert job.run_scheduled()["sent"] == 0 and len(sent_messages()) == 4


def test_the_sender_is_required(scenario, monkeypatch):
    monkeypatch.delenv("CXGOV_DIGEST_SENDER")
    with pytest.raises(RuntimeError, match="CXGOV_DIGEST_SENDER"):
        job.run(READ_AT)


def test_the_hours_after_the_digest_hour_retry_only_the_failed_sends(scenario, monkeypatch):
    from devtools import callcount

    flaky = _FlakySes(job._ses(), throttle={}, reject={"priya@oig.example.gov"})
    monkeypatch.setattr(job, "_ses", lambda: flaky)
    # Given the digest hour's run, in which one auditor's address was refused
    monkeypatch.setattr(clock, "now", at(READ_AT))
    assert job.run_scheduled()["failed"] == 1
    assert len(sent_messages()) == 3
    # When the address is fixed and the next hour's trigger fires
    flaky.reject.clear()
    monkeypatch.setattr(clock, "now", at(READ_AT + timedelta(hours=1)))
    answer = job.run_scheduled()
    # Then only that digest is sent, as of now
    assert answer["retry"] is True and (answer["sent"], answer["failed"]) == (1, 0)
    assert [m["To"].addresses[0].addr_spec for m in sent_messages()][3:] == ["priya@oig.example.gov"]
    # And the hour after that has nothing left to retry: one Query, nothing sent
    monkeypatch.setattr(clock, "now", at(READ_AT + timedelta(hours=2)))
    with callcount.counting() as calls:
        answer = job.run_scheduled()
    assert answer["sent"] == 0 and len(sent_messages()) == 4
    assert dict(calls) == {"Query": 1}
    # And later in the day the trigger does nothing
    monkeypatch.setattr(clock, "now", at(READ_AT + timedelta(hours=6)))
    assert "skipped" in job.run_scheduled()


def test_the_scheduled_lambda_sends_the_digests(scenario, api, monkeypatch):
    import boto3

    # Given the digest hour and the local stage's sender (its variables apply while the function
    # runs) verified in SES
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity="digests@cxgov.localhost")
    monkeypatch.setattr(clock, "now", at(READ_AT))
    # When EventBridge invokes the function Chalice generates for the schedule
    event = api.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                                detail={}, resources=["arn:aws:events:us-east-1:1:rule/digests"])
    answer = api.client.lambda_.invoke("send_digests", event).payload
    # Then it answers what it did, and SES has the messages; a retried invocation sends nothing
    assert (answer["sent"], answer["failed"], answer["nothing_due"]) == (4, 0, 1)
    assert api.client.lambda_.invoke("send_digests", event).payload["already_sent"] == 4
    assert len(sent_messages()) == 4
    assert {m["From"].addresses[0].addr_spec for m in sent_messages()} == {"digests@cxgov.localhost"}
