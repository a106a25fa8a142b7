"""`GET /me/digest` for every role on a scenario built through the API (tests/integration/
reminder_helpers.py), read on Monday 2 October 2017. The expected items are read off the scenario
here, rule by rule, not taken from the code."""
from __future__ import annotations

from datetime import date

from devtools import callcount
from tests.integration.reminder_helpers import BASE, TODAY, build_scenario, job_env


def _by_kind(items: list[dict]) -> list[tuple]:
    return [(i["kind"], i["recommendation_id"], i["action_id"]) for i in items]


def _days(day: str) -> int:
    return (TODAY - date.fromisoformat(day)).days


def test_each_role_gets_exactly_what_is_due(seeded, api, tokens, monkeypatch, tmp_path):
    # Given the scenario, read on 2 October 2017
    job_env(monkeypatch, tmp_path)
    made = build_scenario(api, tokens, monkeypatch)
    A, B, C, D, E = (made[k]["id"] for k in "ABCDE")
    actions = made["B_actions"]

    # When parks' dcxo reads its digest
    parks = api.get("/me/digest", token=tokens["dcxo-parks"])
    assert parks.status_code == 200, parks.body
    items = parks.json["items"]
    # Then: A overdue on the decision and final-action clocks, E past its target date, C's closure
    # request returned, B's target date 20 days out, B's action 7 days late and the one due in 10
    # days (not the one in 20 days, not the done one), and the one overdue feedback item; not F (closed)
    assert _by_kind(items) == [
        ("recommendation_overdue", A, None), ("recommendation_overdue", E, None),
        ("closure_returned", C, None), ("target_date_approaching", B, None),
        ("action_overdue", B, actions["7 days late"]), ("action_due", B, actions["in 10 days"]),
        ("feedback_overdue", None, None)]
    a, e, c, b, late, soon, fb = items
    assert [(k["clock"], k["due_on"], k["days_overdue"]) for k in a["clocks"]] == [
        ("decision", "2016-11-01", _days("2016-11-01")), ("final_action", "2017-05-01", _days("2017-05-01"))]
    assert [(k["clock"], k["due_on"], k["days_overdue"]) for k in e["clocks"]] == [
        ("target_date", "2017-06-01", _days("2017-06-01"))]
    assert c["reason"] == "The plan covers one platform only" and c["clocks"][0]["days_since"] == 7
    assert c["dates"]["closure_returned_on"] == "2017-09-25"
    assert (b["clocks"][0]["clock"], b["clocks"][0]["days_left"]) == ("target_date", 20)
    assert (late["clocks"][0]["days_overdue"], soon["clocks"][0]["days_left"]) == (7, 10)
    assert fb["count"] == 1 and fb["oldest_received_at"] == made["parks_unanswered_at"].isoformat(timespec="seconds")
    # And every item links to its resource and its dashboard page
    assert a["link"] == f"/departments/parks/recommendations/{A}"
    assert a["dashboard_link"] == f"{BASE}/dashboard/recommendations/parks/{A}"
    assert late["link"] == f"/departments/parks/recommendations/{B}/actions/{actions['7 days late']}"
    assert fb["link"] == "/departments/parks/feedback?overdue=true"
    assert fb["dashboard_link"] == f"{BASE}/dashboard/departments/parks"
    for item in items:  # each link answers the ccxo with the resource
        assert api.get(item["link"], token=tokens["ccxo"]).status_code == 200, item["link"]

    # When harbour's dcxo reads its digest, Then it is empty: D awaits the auditor, its action is
    # due in 2018, its target date is more than 30 days out, its feedback is answered
    harbour = api.get("/me/digest", token=tokens["dcxo-harbour"]).json
    assert harbour["items"] == [] and harbour["department"] == "harbour"

    # When the auditor reads its digest, Then: D's closure request (4 days), B's unevaluated
    # decision (12 days), E reaching one year on 1 Nov 2017 (30 days out)
    auditor = api.get("/me/digest", token=tokens["auditor"]).json["items"]
    assert _by_kind(auditor) == [("closure_request_awaiting", D, None),
                                 ("decision_awaiting_evaluation", B, None), ("one_year_approaching", E, None)]
    assert [i["age_days"] for i in auditor[:2]] == [4, 12]
    assert auditor[0]["department"] == "harbour"
    assert (auditor[2]["clocks"][0]["due_on"], auditor[2]["clocks"][0]["days_left"]) == ("2017-11-01", 30)

    # When the ccxo reads its digest, Then: E more than 90 days past its target; parks' share within
    # target fell from 5/5 (August) to 4/6 (September; the unanswered item counts against it), but
    # harbour's from 10/10 to 9/10 is exactly 10 points, not more
    ccxo = api.get("/me/digest", token=tokens["ccxo"]).json
    assert _by_kind(ccxo["items"]) == [("target_date_escalation", E, None), ("within_target_drop", None, None)]
    drop = ccxo["items"][1]
    assert (drop["department"], drop["previous_month"], drop["month"]) == ("parks", "2017-08", "2017-09")
    assert drop["previous_share"] == 1.0 and abs(drop["share"] - 4 / 6) < 1e-9
    assert drop["drop_points"] == round((1 - 4 / 6) * 100, 1)
    # And the org totals: A, B, C, E (parks) and D (harbour) open; F closed in FY2017, not this FY
    assert ccxo["totals"] == {"departments": 2, "escalations": 1, "recommendations": {
        "open": 5, "overdue": {"decision": 1, "final_action": 1, "target_date": 1},
        "closure_requested": 1, "closed_this_fy": 0}}


def test_changes_move_items_in_and_out(seeded, api, tokens, monkeypatch, tmp_path):
    # Given the scenario
    job_env(monkeypatch, tmp_path)
    made = build_scenario(api, tokens, monkeypatch)
    B = made["B"]
    url = f"/departments/parks/recommendations/{B['id']}"
    late = made["B_actions"]["7 days late"]
    # When the late action is done and the target date moves out by two months
    assert api.patch(f"{url}/actions/{late}", token=tokens["dcxo-parks"], body={"status": "done"}).status_code == 200
    decided = api.put(f"{url}/management-decision", token=tokens["dcxo-parks"], body={
        "decision": "partially_agree", "action_plan": "Staff the SMOC on select platforms.",
        "responsible_officials": ["VP Corporate Communications"], "target_date": "2017-12-31"})
    assert decided.status_code == 200, decided.body
    # Then neither is in parks' digest any more; the action due in 10 days still is
    kinds = {(i["kind"], i["recommendation_id"], i["action_id"])
             for i in api.get("/me/digest", token=tokens["dcxo-parks"]).json["items"]}
    assert ("action_overdue", B["id"], late) not in kinds
    assert ("target_date_approaching", B["id"], None) not in kinds
    assert ("action_due", B["id"], made["B_actions"]["in 10 days"]) in kinds
    # When the auditor closes B, Then none of B's items remain, for anyone
    closed = api.post(f"{url}/transitions", token=tokens["auditor"],
                      body={"to": "closed_not_implemented", "reason": "no longer relevant"})
    assert closed.status_code == 200, closed.body
    for role in ("dcxo-parks", "auditor", "ccxo"):
        items = api.get("/me/digest", token=tokens[role]).json["items"]
        assert B["id"] not in {i["recommendation_id"] for i in items}, role
    # When the auditor reopens it, Then its open action due in 10 days is back
    reopened = api.post(f"{url}/transitions", token=tokens["auditor"], body={"to": "in_progress", "reason": "new facts"})
    assert reopened.status_code == 200, reopened.body
    kinds = {(i["kind"], i["action_id"]) for i in api.get("/me/digest", token=tokens["dcxo-parks"]).json["items"]}
    assert ("action_due", made["B_actions"]["in 10 days"]) in kinds


def test_a_digest_reads_indexes_and_aggregates_not_records(seeded, api, tokens, monkeypatch, tmp_path):
    # Given the scenario
    job_env(monkeypatch, tmp_path)
    build_scenario(api, tokens, monkeypatch)
    # When each role reads its digest, Then it costs a handful of calls and no Scan
    # (since issue 26 and 27 the dcxo and the ccxo also read their open second-look samples and open alerts)
    for role, most in (("dcxo-parks", 5), ("auditor", 2), ("ccxo", 6)):
        with callcount.counting() as calls:
            assert api.get("/me/digest", token=tokens[role]).status_code == 200
        assert calls["Scan"] == 0, (role, calls)
        assert sum(calls.values()) <= most, (role, calls)


def test_the_index_written_by_the_changes_equals_a_rebuild_from_the_records(seeded, api, tokens, monkeypatch,
                                                                              tmp_path):
    from chalicelib.audits import due_index as index
    from chalicelib.audits import due_store

    # Given the scenario (creations, decisions, evaluations, actions, transitions, a return, a close)
    job_env(monkeypatch, tmp_path)
    build_scenario(api, tokens, monkeypatch)
    # When each department's entries are recomputed from its records, Then nothing differs
    for dept in ("parks", "harbour"):
        assert index.rebuild_department(dept) == (0, 0), dept
    # When an entry is lost (data written before the index existed), Then the rebuild restores it
    # and the digest shows its item again
    before = api.get("/me/digest", token=tokens["dcxo-parks"]).json["items"]
    [lost] = [e for e in due_store.department_entries("parks") if e["sk"].startswith("REC#")][:1]
    due_store.write_entries([], [index.Entry("parks", lost["sk"], lost["org_pk"], lost["attention_on"],
                                             lost["facts"], lost["rec_id"])])
    assert len(api.get("/me/digest", token=tokens["dcxo-parks"]).json["items"]) < len(before)
    assert index.rebuild_department("parks") == (1, 0)
    assert api.get("/me/digest", token=tokens["dcxo-parks"]).json["items"] == before


def test_a_long_digest_shows_the_most_urgent_and_counts_all(seeded, api, tokens, monkeypatch, tmp_path):
    from chalicelib.reminders import job
    from tests.integration.reminder_helpers import READ_AT, parts, sent_messages, ses_identity

    # Given the scenario and digests limited to 2 items
    job_env(monkeypatch, tmp_path)
    ses_identity()
    build_scenario(api, tokens, monkeypatch)
    full = api.get("/me/digest", token=tokens["dcxo-parks"]).json
    monkeypatch.setenv("CXGOV_DIGEST_MAX_ITEMS", "2")
    # When parks' dcxo reads it, Then the first two come, with every item counted by kind
    short = api.get("/me/digest", token=tokens["dcxo-parks"]).json
    assert short["items"] == full["items"][:2] and short["truncated"] is True
    assert short["counts"] == full["counts"] == {"recommendation_overdue": 2, "closure_returned": 1,
                                                 "target_date_approaching": 1, "action_overdue": 1,
                                                 "action_due": 1, "feedback_overdue": 1}
    # And the message lists two and says how many there are
    job.run(READ_AT)
    [message] = [m for m in sent_messages() if m["To"].addresses[0].addr_spec == "dcxo@parks.example.gov"]
    text, html = parts(message)
    assert "7 things need attention" in text and "Showing the 2 most urgent of 7 items" in text
    assert text.count("\n* ") == 2 and html.count("<li ") == 2
    assert "7 items" in message["Subject"]
