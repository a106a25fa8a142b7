"""Issue 25.2 through HTTP: staff text that enters a recommendation's chained history (decision,
resolution, transition reason, corrective actions and their notes, evidence) and a feedback
response's responder are redacted before they are written: once chained, nothing can remove them.
And a customer's comment in the written forms the previous rules let through."""
from __future__ import annotations

import json

from chalicelib.db.items import CxgovItem
from tests.integration.audit_helpers import decide, make_rec, rec_url, transition

# What each piece of staff text carries, and what must be stored instead.
SECRETS = ["078-05-1120", "078051120", "jane.doe@example.com", "202-555-0173", "4111 1111 1111 1111",
           "912-78-1234", "josé@correo.es", "0044 20 7946 0958", "agent.smith@example.gov"]


def _stored_text() -> str:
    """Every attribute of every item in the table, as one text."""
    return "\n".join(json.dumps(item.attribute_values, default=str, ensure_ascii=False)
                     for item in CxgovItem.scan())


def test_staff_text_is_redacted_before_it_enters_the_chained_history(seeded, api, tokens):
    rec = make_rec(api, tokens)
    dcxo, auditor = tokens["dcxo-parks"], tokens["auditor"]
    # Given staff text holding personal data in every field that enters the history
    decided = decide(api, tokens, rec, action_plan="Call the resident back at 202-555-0173",
                     comments="Refunded card 4111 1111 1111 1111")
    assert decided.status_code == 200, decided.body
    resolved = api.post(rec_url(rec) + "/resolution", token=auditor,
                        body={"resolved": True, "comments": "Resident reachable on 0044 20 7946 0958"})
    assert resolved.status_code == 200, resolved.body
    action = api.post(rec_url(rec) + "/actions", token=dcxo, body={
        "description": "Refund the resident, ITIN 912-78-1234", "owner": "VP Corporate Communications",
        "due_date": "2017-09-30", "progress_note": "Receipt mailed to josé@correo.es"})
    assert action.status_code == 201, action.body
    evidence = api.post(f"{rec_url(rec)}/actions/{action.json['id']}/evidence", token=dcxo,
                        body={"url": "https://intranet.example.gov/refund.pdf",
                              "description": "Refund form for SSN 078051120"})
    assert evidence.status_code == 201, evidence.body
    assert transition(api, dcxo, rec, "in_progress").status_code == 200
    # When the auditor closes it with a reason naming the resident's SSN and e-mail
    closed = transition(api, auditor, rec, "closed_not_implemented",
                        reason="Manager sent SSN 078-05-1120 and jane.doe@example.com by mistake")
    assert closed.status_code == 200, closed.body
    # Then the history holds the text with each piece replaced by its kind
    history = api.get(rec_url(rec) + "/history", token=auditor).json["items"]
    changes = {entry["event"]: entry["changes"] for entry in history}
    assert changes["closed_not_implemented"]["reason"] == "Manager sent SSN [ssn] and [email] by mistake"
    assert changes["management_decision"]["action_plan"]["to"] == "Call the resident back at [phone]"
    assert changes["management_decision"]["comments"]["to"] == "Refunded card [card]"
    assert changes["resolution"]["comments"] == "Resident reachable on [phone]"
    assert changes["action_created"]["description"] == "Refund the resident, ITIN [itin]"
    assert changes["action_created"]["progress_note"] == "Receipt mailed to [email]"
    assert changes["evidence_added"]["description"] == "Refund form for SSN [ssn]"
    # And what is read of the recommendation and its action says the same
    read = api.get(rec_url(rec), token=auditor).json
    assert read["resolution"]["action_plan"] == "Call the resident back at [phone]"
    notes = api.get(f"{rec_url(rec)}/actions/{action.json['id']}", token=dcxo).json["progress_notes"]
    assert [n["note"] for n in notes] == ["Receipt mailed to [email]"]
    # And no item of the table holds any of it, and the chain still verifies
    stored = _stored_text()
    assert [secret for secret in SECRETS if secret in stored] == []
    verified = api.get(rec_url(rec) + "/history/verify", token=auditor).json
    assert verified["valid"] is True and verified["entries"] == len(history)


def test_a_progress_note_added_later_is_redacted_too(seeded, api, tokens):
    rec = make_rec(api, tokens)
    dcxo = tokens["dcxo-parks"]
    action = api.post(rec_url(rec) + "/actions", token=dcxo, body={
        "description": "Hire weekend agents", "owner": "VP Corporate Communications", "due_date": "2017-09-30"})
    patched = api.patch(f"{rec_url(rec)}/actions/{action.json['id']}", token=dcxo,
                        body={"progress_note": "Candidate's SSN 078 05 1120 on file", "version": 1})
    assert patched.status_code == 200, patched.body
    assert [n["note"] for n in patched.json["progress_notes"]] == ["Candidate's SSN [ssn] on file"]
    history = api.get(rec_url(rec) + "/history", token=tokens["auditor"]).json["items"]
    assert history[-1]["changes"]["progress_note"] == "Candidate's SSN [ssn] on file"
    assert "1120" not in _stored_text()


def test_a_responder_is_redacted_before_it_is_kept_with_the_feedback(seeded, api, tokens):
    dcxo = tokens["dcxo-parks"]
    created = api.post("/departments/parks/feedback", token=dcxo, body={
        "channel": "twitter", "received_at": "2017-03-15T14:00:00+00:00", "category": "complaint"})
    assert created.status_code == 201, created.body
    answered = api.post(f"/departments/parks/feedback/{created.json['id']}/responses", token=dcxo,
                        body={"responder": "agent.smith@example.gov", "channel": "twitter"})
    assert answered.status_code == 201, answered.body
    assert [r["responder"] for r in answered.json["responses"]] == ["[email]"]
    assert "agent.smith" not in _stored_text()


def test_a_comment_in_the_forms_of_issue_25_is_stored_redacted(seeded, api, tokens):
    # Given a post holding each form the previous rules let through
    comment = ("Écrivez à josé@correo.es ou 用户@例子。广告; SSN 078.05.1120, ITIN 912 78 1234, card "
               "4111.1111.1111.1111, parcel 9400-1118-9922-3100-0123-45, ea123456789us, call 0044 20 7946 0958")
    created = api.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body={
        "channel": "twitter", "received_at": "2017-03-15T14:00:00+00:00", "category": "complaint",
        "comment": comment})
    # Then the record keeps each replaced by its kind, and the count per kind
    assert created.status_code == 201, created.body
    assert created.json["comment"] == ("Écrivez à [email] ou [email]; SSN [ssn], ITIN [itin], card [card], "
                                       "parcel [tracking], [tracking], call [phone]")
    assert created.json["redactions"] == {"email": 2, "ssn": 1, "itin": 1, "card": 1, "tracking": 2, "phone": 1}
    stored = _stored_text()
    assert [s for s in ("josé@", "例子", "1120", "912 78", "4111", "9400-", "ea1234", "7946") if s in stored] == []
