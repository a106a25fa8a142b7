"""Audit follow-up through HTTP: reports, recommendations, the lifecycle by role, evidence, the
chained history, overdue clocks, lists, exports, counters and DynamoDB calls per request."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from chalicelib.core import clock
from chalicelib.db import aggregates
from chalicelib.db.items import CxgovItem, HistoryItem, RecommendationItem
from devtools import callcount
from tests.integration.audit_helpers import (
    BUCKET,
    dcxo,
    decide,
    drive,
    link_evidence,
    make_action,
    make_rec,
    make_report,
    rec_body,
    rec_url,
    report_body,
    s3,
    sha256_b64,
    transition,
)

STATUSES = ("open", "in_progress", "closure_requested", "closed_implemented", "closed_not_implemented")
# DESIGN.md's lifecycle, by hand: (requires_concurrence, state) -> {role: allowed targets}
LIFECYCLE = {
    (True, "open"): {"dcxo": ["in_progress"], "auditor": ["closed_not_implemented"]},
    (True, "in_progress"): {"dcxo": ["closure_requested"], "auditor": ["closed_not_implemented"]},
    (True, "closure_requested"): {"dcxo": [], "auditor": ["closed_implemented", "closed_not_implemented",
                                                          "in_progress"]},
    (True, "closed_implemented"): {"dcxo": [], "auditor": ["in_progress"]},
    (True, "closed_not_implemented"): {"dcxo": [], "auditor": ["in_progress"]},
    (False, "open"): {"dcxo": ["in_progress"], "auditor": ["closed_not_implemented"]},
    (False, "in_progress"): {"dcxo": ["closed_implemented"], "auditor": ["closed_not_implemented"]},
    (False, "closed_implemented"): {"dcxo": [], "auditor": ["in_progress"]},
    (False, "closed_not_implemented"): {"dcxo": [], "auditor": ["in_progress"]},
}


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def _at(text: str):
    moment = datetime.fromisoformat(text)
    return lambda: moment.replace(tzinfo=moment.tzinfo or timezone.utc)


@pytest.fixture()
def bucket(api):
    s3().create_bucket(Bucket=BUCKET)
    return BUCKET


# --- reports ---
def test_auditor_issues_reports_with_unique_numbers(seeded, api, tokens):
    # Given an auditor issuing MS-AR-17-006
    created = api.post("/audit-reports", token=tokens["auditor"], body=report_body(number="MS-AR-17-006"))
    assert created.status_code == 201
    assert created.json["number"] == "MS-AR-17-006" and created.json["monetary_impact"] == "0.00"
    # When the same number is issued again (any case), Then it is a 409 naming `number`
    again = api.post("/audit-reports", token=tokens["auditor"], body=report_body(number="ms-ar-17-006"))
    assert again.status_code == 409 and _fields(again) == {"number"}
    # And a dcxo or the ccxo cannot issue reports
    for role in ("ccxo", "dcxo-parks"):
        assert api.post("/audit-reports", token=tokens[role], body=report_body()).status_code == 403
    listed = api.get("/audit-reports", token=tokens["ccxo"]).json["items"]
    assert [r["number"] for r in listed] == ["MS-AR-17-006"]


@pytest.mark.parametrize("overrides, field", [
    ({"issuer": "nsa"}, "issuer"), ({"category": "finance"}, "category"),
    ({"issued_on": "08/05/2017"}, "issued_on"), ({"issued_on": "2999-01-01"}, "issued_on"),
    ({"monetary_impact": 12.5}, "monetary_impact"), ({"monetary_impact": "-1"}, "monetary_impact"),
    ({"monetary_impact": "1.234"}, "monetary_impact"), ({"number": "MS AR 17"}, "number"),
    ({"title": ""}, "title"), ({"colour": "red"}, "colour"),
])
def test_bad_reports_are_refused_naming_the_field(seeded, api, tokens, overrides, field):
    response = api.post("/audit-reports", token=tokens["auditor"], body=report_body(**overrides))
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    assert api.get("/audit-reports", token=tokens["auditor"]).json["items"] == []


def test_a_dcxo_reads_only_reports_holding_its_recommendations(seeded, api, tokens):
    # Given a report with a recommendation for harbour only, and one with one for parks
    harbour_rec = make_rec(api, tokens, dept="harbour")
    parks_rec = make_rec(api, tokens, dept="parks")
    # When the parks dcxo lists and reads reports
    listed = api.get("/audit-reports", token=tokens["dcxo-parks"]).json["items"]
    # Then it sees only the parks report; the harbour one is a 404 like an unknown id
    assert [r["id"] for r in listed] == [parks_rec["report_id"]]
    assert api.get(f"/audit-reports/{parks_rec['report_id']}", token=tokens["dcxo-parks"]).status_code == 200
    hidden = api.get(f"/audit-reports/{harbour_rec['report_id']}", token=tokens["dcxo-parks"])
    unknown = api.get("/audit-reports/0000000000000000000000", token=tokens["dcxo-parks"])
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json["error"]["message"] == unknown.json["error"]["message"]


# --- recommendations ---
def test_a_recommendation_lives_in_its_departments_partition(seeded, api, tokens):
    rec = make_rec(api, tokens, dept="harbour")
    assert rec["status"] == "open" and rec["version"] == 1
    assert rec["resolution"]["decision"] is None and rec["unsupported_costs"] == "200.00"
    items = [i for i in CxgovItem.scan() if getattr(i, "rec_id", None) == rec["id"]]
    assert items and all(i.pk.startswith("harbour#") for i in items)
    # Ids of harbour used under parks' path are a 404, never harbour's data
    other = api.get(f"/departments/parks/recommendations/{rec['id']}", token=tokens["ccxo"])
    assert other.status_code == 404 and "harbour" not in other.body.decode()


@pytest.mark.parametrize("overrides, field", [
    ({"unsupported_costs": "1300"}, "unsupported_costs"), ({"questioned_costs": 5}, "questioned_costs"),
    ({"department": "Parks"}, "department"), ({"department": "nowhere"}, "department"),
    ({"number": "1"}, "number"), ({"finding": {"criteria": "x"}}, "finding.condition"),
    ({"requires_concurrence": "yes"}, "requires_concurrence"), ({"owner": "x"}, "owner"),
])
def test_bad_recommendations_are_refused_and_nothing_is_written(seeded, api, tokens, overrides, field):
    report_id = make_report(api, tokens)
    response = api.post(f"/audit-reports/{report_id}/recommendations", token=tokens["auditor"],
                        body=rec_body(**overrides))
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    assert api.get("/recommendations", token=tokens["auditor"]).json["items"] == []
    assert aggregates.read("parks", ["REC"])["REC"] == {}


def test_a_duplicate_number_in_a_report_is_a_409_and_writes_nothing(seeded, api, tokens):
    rec = make_rec(api, tokens, number=1)
    again = api.post(f"/audit-reports/{rec['report_id']}/recommendations", token=tokens["auditor"],
                     body=rec_body("harbour", number=1))
    assert again.status_code == 409 and _fields(again) == {"number"}
    assert [r["id"] for r in api.get("/recommendations", token=tokens["auditor"]).json["items"]] == [rec["id"]]
    assert aggregates.read("harbour", ["REC"])["REC"] == {}


# --- the lifecycle, by role, through HTTP ---
@pytest.mark.parametrize("concurrence, state", list(LIFECYCLE))
def test_every_allowed_and_refused_transition_by_role(seeded, api, tokens, concurrence, state):
    report_id = make_report(api, tokens)
    tokens_by_role = {"dcxo": tokens["dcxo-parks"], "auditor": tokens["auditor"]}

    def fresh():
        rec = make_rec(api, tokens, report_id=report_id, requires_concurrence=concurrence)
        if state == "open":
            assert decide(api, tokens, rec).status_code == 200  # decided, not yet started
        rec = drive(api, tokens, rec, state)
        evidence = link_evidence(api, tokens, rec) if state not in ("closed_implemented",
                                                                    "closed_not_implemented") else None
        return rec, evidence

    shared, evidence = fresh()
    for role, allowed in LIFECYCLE[(concurrence, state)].items():
        for target in STATUSES:
            body = {"reason": "stated reason", "evidence_ids": [evidence] if evidence else []}
            if target in allowed:
                rec, own_evidence = fresh()
                body["evidence_ids"] = [own_evidence] if own_evidence else []
                moved = transition(api, tokens_by_role[role], rec, target, **body)
                assert moved.status_code == 200, (role, state, target, moved.body)
                assert moved.json["status"] == target
            else:
                refused = transition(api, tokens_by_role[role], shared, target, **body)
                assert refused.status_code == 409, (role, state, target, refused.body)
                listed = [d["allowed"] for d in refused.json["error"]["details"] if "allowed" in d]
                assert listed == allowed, (role, state, target)
    # The ccxo reads but never moves a recommendation
    assert transition(api, tokens["ccxo"], shared, "in_progress", reason="x").status_code == 403
    assert api.get(rec_url(shared), token=tokens["ccxo"]).json["status"] == state


@pytest.mark.parametrize("state", ["open", "in_progress", "closure_requested"])
def test_a_dcxo_can_never_close_what_requires_concurrence(seeded, api, tokens, state):
    rec = drive(api, tokens, make_rec(api, tokens, requires_concurrence=True), state)
    evidence = link_evidence(api, tokens, rec)
    for target in ("closed_implemented", "closed_not_implemented"):
        response = transition(api, tokens["dcxo-parks"], rec, target, reason="done", evidence_ids=[evidence])
        assert response.status_code == 409
        assert target not in [d.get("allowed") for d in response.json["error"]["details"]]
    assert api.get(rec_url(rec), token=tokens["dcxo-parks"]).json["status"] == state


def test_guards_name_the_missing_decision_reason_and_evidence(seeded, api, tokens):
    rec = make_rec(api, tokens)
    no_decision = transition(api, tokens["dcxo-parks"], rec, "in_progress")
    assert no_decision.status_code == 409 and _fields(no_decision) == {"management_decision"}
    no_reason = transition(api, tokens["auditor"], rec, "closed_not_implemented")
    assert no_reason.status_code == 400 and _fields(no_reason) == {"reason"}
    rec = drive(api, tokens, rec, "in_progress")
    no_evidence = transition(api, tokens["dcxo-parks"], rec, "closure_requested")
    assert no_evidence.status_code == 409 and _fields(no_evidence) == {"evidence_ids"}
    unknown = transition(api, tokens["dcxo-parks"], rec, "closure_requested", evidence_ids=["0" * 21])
    assert unknown.status_code == 400 and _fields(unknown) == {"evidence_ids.0"}
    # Evidence of another recommendation does not count for this one
    elsewhere = link_evidence(api, tokens, make_rec(api, tokens))
    borrowed = transition(api, tokens["dcxo-parks"], rec, "closure_requested", evidence_ids=[elsewhere])
    assert borrowed.status_code == 400
    history = api.get(rec_url(rec) + "/history", token=tokens["auditor"]).json["items"]
    assert [e["event"] for e in history][-1] == "work_started"


def test_non_concurrence_returns_with_the_reason_and_reopen_is_recorded(seeded, api, tokens):
    rec = drive(api, tokens, make_rec(api, tokens), "closure_requested")
    back = transition(api, tokens["auditor"], rec, "in_progress", reason="Evidence covers Twitter only")
    assert back.status_code == 200 and back.json["status"] == "in_progress"
    closed = transition(api, tokens["auditor"], back.json, "closed_not_implemented", reason="No plan")
    assert closed.json["closed_on"] is not None
    reopened = transition(api, tokens["auditor"], closed.json, "in_progress", reason="New plan received")
    assert reopened.json["status"] == "in_progress" and reopened.json["closed_on"] is None
    events = [(e["event"], e["changes"]["reason"]) for e in
              api.get(rec_url(rec) + "/history", token=tokens["auditor"]).json["items"][-3:]]
    assert events == [("not_concurred", "Evidence covers Twitter only"),
                      ("closed_not_implemented", "No plan"), ("reopened", "New plan received")]


# --- decisions and resolution ---
def test_a_changed_target_date_keeps_the_original_and_every_change(seeded, api, tokens):
    rec = make_rec(api, tokens)
    first = decide(api, tokens, rec, target_date="2017-09-30")
    assert first.json["resolution"]["original_target_date"] == "2017-09-30"
    second = decide(api, tokens, rec, target_date="2018-03-31")
    third = decide(api, tokens, rec, target_date="2018-09-30", comments="Hiring freeze")
    resolution = third.json["resolution"]
    assert resolution["target_date"] == "2018-09-30"
    assert resolution["original_target_date"] == "2017-09-30"
    assert [(c["from"], c["to"]) for c in resolution["target_date_changes"]] == [
        (None, "2017-09-30"), ("2017-09-30", "2018-03-31"), ("2018-03-31", "2018-09-30")]
    assert second.json["version"] == 3
    history = api.get(rec_url(rec) + "/history", token=tokens["auditor"]).json["items"]
    assert [e["changes"]["target_date"]["to"] for e in history if e["event"] == "management_decision"] == [
        "2017-09-30", "2018-03-31", "2018-09-30"]
    # The same decision again writes nothing
    assert decide(api, tokens, rec, target_date="2018-09-30", comments="Hiring freeze").json["version"] == 4


@pytest.mark.parametrize("overrides, field", [
    ({"decision": "maybe"}, "decision"), ({"target_date": None}, "target_date"),
    ({"action_plan": None}, "action_plan"), ({"responsible_officials": []}, "responsible_officials"),
    ({"target_date": "2016-01-01"}, "target_date"), ({"agreed_amount": 3}, "agreed_amount"),
    ({"extra": 1}, "extra"),
])
def test_bad_decisions_are_named(seeded, api, tokens, overrides, field):
    rec = make_rec(api, tokens)
    response = decide(api, tokens, rec, **overrides)
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    assert api.get(rec_url(rec), token=tokens["auditor"]).json["version"] == 1


def test_a_disagreement_needs_no_plan_and_the_auditor_evaluates_it(seeded, api, tokens):
    rec = make_rec(api, tokens)
    early = api.post(rec_url(rec) + "/resolution", token=tokens["auditor"], body={"resolved": False})
    assert early.status_code == 409 and _fields(early) == {"management_decision"}
    disagreed = decide(api, tokens, rec, decision="disagree", action_plan=None, target_date=None,
                       responsible_officials=[], comments="Privacy and security concerns")
    assert disagreed.status_code == 200 and disagreed.json["resolution"]["target_date"] is None
    evaluated = api.post(rec_url(rec) + "/resolution", token=tokens["auditor"],
                         body={"resolved": False, "comments": "Non-responsive"})
    assert evaluated.json["resolution"]["resolved"] is False
    assert api.post(rec_url(rec) + "/resolution", token=tokens["dcxo-parks"],
                    body={"resolved": True}).status_code == 403


# --- actions and evidence ---
def test_actions_append_progress_notes_and_enter_the_history(seeded, api, tokens):
    rec = make_rec(api, tokens)
    action_id = make_action(api, tokens, rec)
    url = f"{rec_url(rec)}/actions/{action_id}"
    first = api.patch(url, token=tokens["dcxo-parks"], body={"progress_note": "Two agents hired", "version": 1})
    second = api.patch(url, token=tokens["dcxo-parks"], body={"status": "in_progress", "progress_note": "Trained"})
    assert second.status_code == 200, second.body
    assert [n["note"] for n in second.json["progress_notes"]] == ["Two agents hired", "Trained"]
    assert second.json["status"] == "in_progress" and first.json["version"] == 2
    stale = api.patch(url, token=tokens["dcxo-parks"], body={"owner": "Someone", "version": 1})
    assert stale.status_code == 409 and _fields(stale) == {"version"}
    assert api.patch(url, token=tokens["dcxo-parks"], body={"status": "finished"}).status_code == 400
    events = [e["event"] for e in api.get(rec_url(rec) + "/history", token=tokens["auditor"]).json["items"]]
    assert events == ["created", "action_created", "action_updated", "action_updated"]


def test_file_evidence_counts_only_once_its_bytes_match(seeded, api, tokens, bucket):
    # Given a recommendation in progress and a file declared with its SHA-256
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    action_id = make_action(api, tokens, rec)
    data = b"%PDF-1.7 staffing plan for weekends"
    digest = __import__("hashlib").sha256(data).hexdigest()
    created = api.post(f"{rec_url(rec)}/actions/{action_id}/evidence", token=tokens["dcxo-parks"],
                       body={"file_name": "plan.pdf", "content_type": "application/pdf", "sha256": digest})
    assert created.status_code == 201, created.body
    answer = created.json
    assert answer["upload_headers"]["x-amz-checksum-sha256"] == sha256_b64(data)
    assert answer["upload_headers"]["x-amz-sdk-checksum-algorithm"] == "SHA256"
    assert "x-amz-checksum-sha256" in answer["upload_url"].lower()  # among the signed headers
    evidence_url = f"{rec_url(rec)}/actions/{action_id}/evidence/{answer['id']}"
    # When nothing is uploaded, Then it is unconfirmed and cannot be cited
    assert api.get(evidence_url, token=tokens["auditor"]).json["confirmed"] is False
    cited = transition(api, tokens["dcxo-parks"], rec, "closure_requested", evidence_ids=[answer["id"]])
    assert cited.status_code == 409 and _fields(cited) == {"evidence_ids.0"}
    # When other bytes are stored under the key (moto, unlike S3, accepts them), Then still not confirmed
    put = requests.put(answer["upload_url"], data=b"other bytes", headers=answer["upload_headers"])
    assert put.status_code == 200
    assert api.get(evidence_url, token=tokens["auditor"]).json["confirmed"] is False
    # When the declared bytes are uploaded, Then the closure request confirms and cites it
    requests.put(answer["upload_url"], data=data, headers=answer["upload_headers"])
    cited = transition(api, tokens["dcxo-parks"], rec, "closure_requested", evidence_ids=[answer["id"]])
    assert cited.status_code == 200, cited.body
    shown = api.get(evidence_url, token=tokens["auditor"]).json
    assert shown["confirmed"] is True and shown["sha256"] == digest and shown["kind"] == "file"


@pytest.mark.parametrize("body, field", [
    ({}, "file_name"), ({"file_name": "a.pdf", "content_type": "application/pdf"}, "sha256"),
    ({"url": "http://plain.example.gov/x"}, "url"), ({"url": "https://x.gov/a", "sha256": "0" * 64}, "sha256"),
    ({"file_name": "../a", "content_type": "application/pdf", "sha256": "0" * 64}, "file_name"),
    ({"file_name": "a.pdf", "content_type": "application/pdf", "sha256": "XYZ"}, "sha256"),
])
def test_bad_evidence_is_named(seeded, api, tokens, body, field):
    rec = make_rec(api, tokens)
    action_id = make_action(api, tokens, rec)
    response = api.post(f"{rec_url(rec)}/actions/{action_id}/evidence", token=tokens["dcxo-parks"], body=body)
    assert response.status_code == 400, response.body
    assert field in _fields(response)


# --- concurrency and the chain ---
def test_a_lost_race_is_a_409_and_the_chain_stays_intact(seeded, api, tokens, monkeypatch):
    # Given two requests that both read the recommendation at version 2
    rec = make_rec(api, tokens)
    decide(api, tokens, rec)
    from chalicelib.audits import store as dal

    stale = dal.get_recommendation("parks", rec["id"])
    first = transition(api, tokens["dcxo-parks"], rec, "in_progress")
    assert first.status_code == 200
    # When the second one commits on what it read (the race DynamoDB decides by the version)
    monkeypatch.setattr(dal, "get_recommendation", lambda dept, rec_id: dict(stale))
    second = transition(api, tokens["auditor"], rec, "closed_not_implemented", reason="late")
    monkeypatch.undo()
    # Then it is a 409 and nothing of it was written
    assert second.status_code == 409 and _fields(second) == {"version"}
    current = api.get(rec_url(rec), token=tokens["auditor"]).json
    assert current["status"] == "in_progress" and current["version"] == 3
    verified = api.get(rec_url(rec) + "/history/verify", token=tokens["auditor"]).json
    assert verified == {"valid": True, "entries": 3, "first_broken": None}


def test_a_stale_version_in_the_body_is_a_409(seeded, api, tokens):
    rec = make_rec(api, tokens)
    decide(api, tokens, rec)
    first = transition(api, tokens["dcxo-parks"], rec, "in_progress", version=2)
    second = transition(api, tokens["auditor"], rec, "closed_not_implemented", reason="x", version=2)
    assert (first.status_code, second.status_code) == (200, 409)
    assert api.get(rec_url(rec) + "/history/verify", token=tokens["auditor"]).json["valid"] is True


@pytest.mark.parametrize("attribute, value", [("actor", "someone-else"), ("changes", '{"status":"x"}'),
                                              ("at", "2017-01-01T00:00:00+00:00")])
def test_editing_a_stored_history_entry_is_named_by_verify(seeded, api, tokens, attribute, value):
    # Given a recommendation with four history entries
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    make_action(api, tokens, rec)
    url = rec_url(rec) + "/history/verify"
    assert api.get(url, token=tokens["auditor"]).json == {"valid": True, "entries": 4, "first_broken": None}
    # When someone edits entry 3 directly in the table
    item = HistoryItem.get(f"parks#REC#{rec['id']}", "H#0000000003")
    item.update(actions=[getattr(HistoryItem, attribute).set(value)])
    # Then verify names exactly that entry
    assert api.get(url, token=tokens["dcxo-parks"]).json == {"valid": False, "entries": 4, "first_broken": 3}


def test_an_edit_that_also_rewrites_the_hash_is_still_named(seeded, api, tokens):
    from chalicelib.core import hashchain

    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    entries = api.get(rec_url(rec) + "/history", token=tokens["auditor"]).json["items"]
    forged = hashchain.seal({**entries[1], "actor": "forger"})
    item = HistoryItem.get(f"parks#REC#{rec['id']}", "H#0000000002")
    item.update(actions=[HistoryItem.actor.set("forger"), HistoryItem.hash.set(forged["hash"])])
    verified = api.get(rec_url(rec) + "/history/verify", token=tokens["auditor"]).json
    assert verified["first_broken"] == 2


def test_idempotent_transition_writes_once(seeded, api, tokens):
    rec = make_rec(api, tokens)
    decide(api, tokens, rec)
    key = {"Idempotency-Key": "move-rec-1-to-work"}
    first = api.post(rec_url(rec) + "/transitions", token=tokens["dcxo-parks"], body={"to": "in_progress"}, headers=key)
    again = api.post(rec_url(rec) + "/transitions", token=tokens["dcxo-parks"], body={"to": "in_progress"}, headers=key)
    assert first.status_code == again.status_code == 200 and first.json == again.json
    assert api.get(rec_url(rec) + "/history/verify", token=tokens["auditor"]).json["entries"] == 3


# --- overdue clocks, lists, export, reports ---
@pytest.mark.parametrize("now, expected", [
    ("2017-11-08T23:59:59+00:00", (False, False, False)),
    ("2017-11-09T00:00:00+00:00", (True, False, False)),
    ("2018-05-08T23:59:59+00:00", (True, False, False)),
    ("2018-05-09T00:00:00+00:00", (True, True, False)),
])
def test_overdue_clocks_without_a_decision_at_their_edges(seeded, api, tokens, monkeypatch, now, expected):
    monkeypatch.setattr(clock, "now", _at("2017-06-01T12:00:00+00:00"))
    rec = make_rec(api, tokens)
    monkeypatch.setattr(clock, "now", _at(now))
    read = api.get(rec_url(rec), token=tokens["dcxo-parks"]).json
    assert (read["overdue"]["decision"], read["overdue"]["final_action"], read["overdue"]["target_date"]) == expected
    listed = api.get("/recommendations?overdue=true", token=tokens["ccxo"]).json["items"]
    assert bool(listed) == any(expected)


def test_target_date_clock_and_age(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", _at("2017-06-01T12:00:00+00:00"))
    rec = make_rec(api, tokens)
    decide(api, tokens, rec, target_date="2017-09-30")
    monkeypatch.setattr(clock, "now", _at("2017-09-30T23:00:00+00:00"))
    on_target = api.get(rec_url(rec), token=tokens["ccxo"]).json
    assert on_target["overdue"] == {"decision": False, "final_action": False, "target_date": False}
    assert on_target["age_days"] == 145
    monkeypatch.setattr(clock, "now", _at("2017-10-01T00:00:01+00:00"))
    assert api.get(rec_url(rec), token=tokens["ccxo"]).json["overdue"]["target_date"] is True
    assert [r["id"] for r in api.get("/recommendations?overdue=true", token=tokens["ccxo"]).json["items"]] == [rec["id"]]
    assert api.get("/recommendations?overdue=false", token=tokens["ccxo"]).json["items"] == []


def test_lists_are_scoped_filtered_and_paged(seeded, api, tokens):
    report_id = make_report(api, tokens, issuer="gao")
    parks = [make_rec(api, tokens, report_id=report_id) for _ in range(3)]
    harbour = make_rec(api, tokens, dept="harbour")
    drive(api, tokens, parks[0], "in_progress")
    # A dcxo sees its own department only, and may not ask for another
    own = api.get("/recommendations", token=tokens["dcxo-parks"]).json["items"]
    assert {r["id"] for r in own} == {r["id"] for r in parks}
    assert api.get("/recommendations?department=harbour", token=tokens["dcxo-parks"]).status_code == 403
    # The auditor filters org-wide
    assert [r["id"] for r in api.get("/recommendations?department=harbour", token=tokens["auditor"]).json["items"]] == [harbour["id"]]
    assert [r["id"] for r in api.get("/recommendations?status=in_progress", token=tokens["auditor"]).json["items"]] == [parks[0]["id"]]
    assert len(api.get("/recommendations?issuer=gao", token=tokens["auditor"]).json["items"]) == 3
    assert len(api.get(f"/recommendations?report_id={report_id}", token=tokens["ccxo"]).json["items"]) == 3
    assert api.get("/recommendations?status=lost", token=tokens["ccxo"]).status_code == 400
    # Pages follow cursors bound to the caller and the filters
    seen, cursor = [], None
    while True:
        page = api.get("/recommendations?limit=1" + (f"&cursor={cursor}" if cursor else ""), token=tokens["ccxo"]).json
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([r["id"] for r in parks] + [harbour["id"]])
    first = api.get("/recommendations?limit=1", token=tokens["ccxo"]).json["next_cursor"]
    for other in (f"/recommendations?limit=1&status=open&cursor={first}", ):
        assert api.get(other, token=tokens["ccxo"]).status_code == 400
    assert api.get(f"/recommendations?limit=1&cursor={first}", token=tokens["dcxo-parks"]).status_code == 400


def test_csv_export_is_scoped_and_formula_safe(seeded, api, tokens):
    make_rec(api, tokens, text="=HYPERLINK(\"http://evil\")")
    make_rec(api, tokens, dept="harbour", text="+harbour secret")
    response = api.get("/exports/recommendations.csv", token=tokens["dcxo-parks"])
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.body.decode().splitlines()
    assert lines[0].startswith("id,report_id,report_number,department")
    assert len(lines) == 2 and "harbour" not in response.body.decode()
    assert lines[1].endswith(",'=HYPERLINK(\"\"http://evil\"\")\"") or "'=HYPERLINK" in lines[1]
    everything = api.get("/exports/recommendations.csv?department=harbour", token=tokens["auditor"]).body.decode()
    assert "'+harbour secret" in everything
    assert api.get("/exports/recommendations.csv?overdue=maybe", token=tokens["ccxo"]).status_code == 400


def test_unimplemented_report_lists_a_year_old_recommendations_with_money(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", _at("2017-06-01T12:00:00+00:00"))
    old = make_rec(api, tokens, report_id=make_report(api, tokens, issued_on="2016-05-08"),
                   questioned_costs="1000.10", unsupported_costs="0.10")
    make_rec(api, tokens, report_id=make_report(api, tokens, issued_on="2017-05-08"))
    closed = make_rec(api, tokens, report_id=make_report(api, tokens, issued_on="2015-01-01"))
    transition(api, tokens["auditor"], closed, "closed_not_implemented", reason="disagreed")
    # Closed on 2017-06-01: unimplemented on any earlier date, not after
    report = api.get("/reports/unimplemented?as_of=2017-07-01", token=tokens["auditor"]).json
    assert [i["id"] for i in report["items"]] == [old["id"]]
    assert report["totals"]["questioned_costs"] == "1000.10" and report["count"] == 1
    assert report["totals"]["unsupported_costs"] == "0.10" and report["items"][0]["age_days"] == 419
    on_anniversary = api.get("/reports/unimplemented?as_of=2017-05-08", token=tokens["ccxo"]).json
    assert {i["id"] for i in on_anniversary["items"]} == {old["id"], closed["id"]}
    day_before = api.get("/reports/unimplemented?as_of=2017-05-07", token=tokens["ccxo"]).json
    assert [i["id"] for i in day_before["items"]] == [closed["id"]]
    assert api.get("/reports/unimplemented?as_of=tomorrow", token=tokens["ccxo"]).status_code == 400
    assert api.get("/reports/unimplemented?as_of=2017-05-08", token=tokens["dcxo-parks"]).status_code == 403


def test_counters_follow_every_change_in_the_same_transaction(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", _at("2017-10-02T12:00:00+00:00"))
    rec = make_rec(api, tokens, requires_concurrence=False, questioned_costs="10", unsupported_costs="0")
    counters = aggregates.read("parks", ["REC"])["REC"]
    assert counters["rec__status__open"] == 1 and counters["rec__nodecision_by_issued__2017-05-08"] == 1
    assert counters["rec__money_open__questioned_costs_cents"] == 1000
    drive(api, tokens, rec, "closed_implemented")
    counters = aggregates.read("parks", ["REC"])["REC"]
    assert counters["rec__status__open"] == 0 and counters["rec__status__closed_implemented"] == 1
    assert counters["rec__closed_by_fy__fy2018__implemented"] == 1
    assert counters["rec__unclosed"] == 0 and counters["rec__money_open__questioned_costs_cents"] == 0
    assert counters["rec__closed_by_issuer__oig"] == 1 and counters["rec__unclosed_by_target__2017-09-30"] == 0


def test_dynamodb_calls_per_transition_and_per_history_page(seeded, api, tokens):
    rec = make_rec(api, tokens)
    decide(api, tokens, rec)
    with callcount.counting() as calls:
        assert transition(api, tokens["dcxo-parks"], rec, "in_progress").status_code == 200
    assert calls == {"GetItem": 1, "TransactWriteItems": 1}
    with callcount.counting() as calls:
        page = api.get(rec_url(rec) + "/history?limit=2", token=tokens["auditor"])
    assert len(page.json["items"]) == 2 and page.json["next_cursor"]
    assert calls == {"Query": 1}
    with callcount.counting() as calls:
        api.get(rec_url(rec) + "/history/verify", token=tokens["auditor"])
    assert calls == {"GetItem": 1, "Query": 1}
