"""The follow-up reads through HTTP: a recommendation's corrective actions (list and read) and an
action's evidence (list, with `confirmed`), scoped as the recommendation."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
import requests

from chalicelib.core import clock
from tests.integration.audit_helpers import BUCKET, drive, link_evidence, make_action, make_rec, rec_url, s3


def _ticking(text: str):
    """A clock starting at `text` that moves one second per reading (ids are time-ordered)."""
    start = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    ticks = iter(range(10**6))
    return lambda: start + timedelta(seconds=next(ticks))


def _add_action(api, tokens, rec, description: str, due: str, **extra) -> dict:
    response = api.post(rec_url(rec) + "/actions", token=tokens["dcxo-parks"],
                        body={"description": description, "owner": "VP Operations", "due_date": due, **extra})
    assert response.status_code == 201, response.body
    return response.json


def test_a_recommendations_actions_list_in_creation_order_with_their_overdue_flag(seeded, api, tokens, monkeypatch):
    # Given a recommendation in progress with three actions, on 1 October 2017
    monkeypatch.setattr(clock, "now", _ticking("2017-10-01T12:00:00"))
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    late = _add_action(api, tokens, rec, "Hire weekend agents", "2017-09-30")
    today = _add_action(api, tokens, rec, "Publish response targets", "2017-10-01", status="in_progress")
    done = _add_action(api, tokens, rec, "Retire the 48-hour flush", "2017-09-01", status="done")
    # When the auditor, the ccxo and the department's dcxo list them
    for role in ("auditor", "ccxo", "dcxo-parks"):
        listed = api.get(rec_url(rec) + "/actions", token=tokens[role])
        # Then each sees all three in creation order; only the open one past its due date is overdue
        assert listed.status_code == 200, listed.body
        assert [a["id"] for a in listed.json["items"]] == [late["id"], today["id"], done["id"]]
        assert [a["overdue"] for a in listed.json["items"]] == [True, False, False]
        assert listed.json["items"][0]["description"] == "Hire weekend agents"
        assert listed.json["items"][0]["recommendation_id"] == rec["id"]
    # When filtered by status, Then only that status comes back
    done_only = api.get(rec_url(rec) + "/actions?status=done", token=tokens["auditor"]).json["items"]
    assert [a["id"] for a in done_only] == [done["id"]]


def test_actions_page_with_cursors_bound_to_the_recommendation(seeded, api, tokens):
    # Given a recommendation with five actions and another recommendation
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    other = drive(api, tokens, make_rec(api, tokens), "in_progress")
    made = [_add_action(api, tokens, rec, f"Action {n}", "2030-01-31")["id"] for n in range(5)]
    # When they are read two at a time
    seen, cursors, cursor = [], [], None
    while True:
        page = api.get(rec_url(rec) + "/actions?limit=2" + (f"&cursor={cursor}" if cursor else ""),
                       token=tokens["auditor"]).json
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
        cursors.append(cursor)
    first_cursor = cursors[0]
    # Then every action comes once, in order
    assert seen == made
    # And a cursor of this list is refused on the other recommendation's list
    refused = api.get(rec_url(other) + f"/actions?limit=2&cursor={first_cursor}", token=tokens["auditor"])
    assert refused.status_code == 400 and refused.json["error"]["details"][0]["field"] == "cursor"


def test_reading_one_action(seeded, api, tokens):
    # Given an action with a progress note
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    action = _add_action(api, tokens, rec, "Hire weekend agents", "2030-06-30", progress_note="Budget approved")
    # When it is read, Then it is the action as created, note included
    read = api.get(f"{rec_url(rec)}/actions/{action['id']}", token=tokens["auditor"])
    assert read.status_code == 200, read.body
    assert read.json["owner"] == "VP Operations" and read.json["due_date"] == "2030-06-30"
    assert [n["note"] for n in read.json["progress_notes"]] == ["Budget approved"]
    # When it is read under another recommendation of the same department, Then it is a 404
    other = make_rec(api, tokens)
    assert api.get(f"{rec_url(other)}/actions/{action['id']}", token=tokens["auditor"]).status_code == 404


@pytest.mark.parametrize("suffix", ["/actions", "/actions/0123456789abcdef", "/actions/0123456789abcdef/evidence",
                                    "/actions/not an id", "/actions/x/evidence"])
def test_what_does_not_exist_is_a_404(seeded, api, tokens, suffix):
    rec = make_rec(api, tokens)
    missing = f"/departments/parks/recommendations/0123456789abcdef{suffix}"
    existing = rec_url(rec) + suffix
    urls = [missing] if suffix == "/actions" else [missing, existing]
    for url in urls:
        response = api.get(url, token=tokens["ccxo"])
        assert response.status_code == 404, (url, response.body)
    # An existing recommendation without actions lists none
    assert api.get(rec_url(rec) + "/actions", token=tokens["ccxo"]).json == {"items": [], "next_cursor": None}


def test_evidence_lists_files_and_links_with_confirmed(seeded, api, tokens):
    # Given an action with a link and a file declared with its SHA-256, and another action's link
    s3().create_bucket(Bucket=BUCKET)
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    action_id = make_action(api, tokens, rec)
    link_id = link_evidence(api, tokens, rec, action_id)
    other_link = link_evidence(api, tokens, rec, make_action(api, tokens, rec))
    data = b"%PDF-1.7 weekend staffing plan"
    declared = api.post(f"{rec_url(rec)}/actions/{action_id}/evidence", token=tokens["dcxo-parks"],
                        body={"file_name": "plan.pdf", "content_type": "application/pdf",
                              "sha256": hashlib.sha256(data).hexdigest()}).json
    url = f"{rec_url(rec)}/actions/{action_id}/evidence"
    # When nothing is uploaded yet, Then the list shows the link confirmed and the file not
    listed = api.get(url, token=tokens["auditor"]).json["items"]
    assert [(e["id"], e["kind"], e["confirmed"]) for e in listed] == [
        (link_id, "link", True), (declared["id"], "file", False)]
    assert other_link not in {e["id"] for e in listed}
    # When the declared bytes are uploaded, Then the next list shows the file confirmed, with when
    assert requests.put(declared["upload_url"], data=data, headers=declared["upload_headers"]).status_code == 200
    listed = api.get(url, token=tokens["ccxo"]).json["items"]
    file_item = next(e for e in listed if e["id"] == declared["id"])
    assert file_item["confirmed"] is True and file_item["confirmed_at"] is not None
    assert file_item["file_name"] == "plan.pdf" and file_item["sha256"] == hashlib.sha256(data).hexdigest()
    # And the single read agrees
    single = api.get(f"{url}/{declared['id']}", token=tokens["dcxo-parks"]).json
    assert single["confirmed"] is True


def test_another_departments_dcxo_reads_none_of_it(seeded, api, tokens):
    # Given harbour's recommendation with an action and evidence
    rec = drive(api, tokens, make_rec(api, tokens, dept="harbour"), "in_progress")
    action_id = make_action(api, tokens, rec)
    link_evidence(api, tokens, rec, action_id)
    # When parks' dcxo asks for its actions, the action and its evidence, Then each is a 403
    for suffix in ("/actions", f"/actions/{action_id}", f"/actions/{action_id}/evidence"):
        response = api.get(rec_url(rec) + suffix, token=tokens["dcxo-parks"])
        assert response.status_code == 403, (suffix, response.body)
        assert "harbour" not in response.body.decode().replace("/departments/harbour", "")
    # And parks' own path with harbour's ids finds nothing (a 404, not harbour's action)
    own_path = f"/departments/parks/recommendations/{rec['id']}/actions/{action_id}"
    assert api.get(own_path, token=tokens["dcxo-parks"]).status_code == 404
