"""The due-date index entries a recommendation and its actions have, from their state alone."""
from __future__ import annotations

import json

from chalicelib.audits import due_index as index


def rec(**overrides) -> dict:
    base = {"department": "parks", "rec_id": "r1", "report_id": "rep1", "report_number": "IA-2024-07",
            "number": 1, "text": "Route reports into 311", "status": "open", "issued_on": "2024-03-15"}
    base.update(overrides)
    return base


def action(**overrides) -> dict:
    base = {"action_id": "a1", "description": "Build the interface", "owner": "CIO",
            "due_date": "2024-12-31", "status": "planned"}
    base.update(overrides)
    return base


def test_an_open_recommendation_has_a_department_and_an_org_entry():
    entries = index.rec_entries(rec())
    assert sorted(entries) == ["ORG#r1", "REC#r1"]
    dept, org = entries["REC#r1"], entries["ORG#r1"]
    # No decision: the department's from the day after the decision was due (6 months)
    assert (dept.org_pk, dept.attention_on) == ("parks#DUE", "2024-09-16")
    assert dept.org_sk == "2024-09-16#parks#REC#r1"
    # The org's from 30 days before the first anniversary
    assert (org.org_pk, org.attention_on) == ("DUE", "2025-02-13")
    assert json.loads(dept.facts)["report_number"] == "IA-2024-07"


def test_a_decision_with_a_target_date_moves_the_entries():
    decided = rec(decision=json.dumps({"decision": "agree", "decided_at": "2024-04-01T10:00:00+00:00"}),
                  target_date="2024-06-30")
    entries = index.rec_entries(decided)
    assert entries["REC#r1"].attention_on == "2024-05-31"  # 30 days before the target date
    assert entries["ORG#r1"].attention_on == "2024-04-01"  # a decision awaiting evaluation
    evaluated = index.rec_entries({**decided, "resolution": json.dumps({"resolved": True})})
    assert evaluated["ORG#r1"].attention_on == "2024-09-29"  # 91 days after the target date


def test_closing_retires_the_recommendations_and_its_actions_entries_and_reopening_restores_them():
    before, after = rec(), rec(status="closed_implemented", closed_on="2024-05-01")
    actions = [action(), action(action_id="a2", status="done")]
    puts, retire = index.rec_change(before, after, actions)
    assert puts == []
    assert sorted(e.sk for e in retire) == ["ACT#r1#a1", "ORG#r1", "REC#r1"]  # the done action had none
    puts, retire = index.rec_change(after, rec(status="in_progress"), actions)
    assert retire == [] and sorted(e.sk for e in puts) == ["ACT#r1#a1", "ORG#r1", "REC#r1"]
    assert next(e for e in puts if e.sk == "ACT#r1#a1").attention_on == "2024-12-17"


def test_a_change_that_moves_nothing_writes_nothing():
    item = rec(target_date="2024-06-30")
    assert index.rec_change(item, dict(item)) == ([], [])
    # and an action marked done leaves the index
    assert [e.sk for e in index.difference(index.action_entries(item, action()),
                                           index.action_entries(item, action(status="done")))[1]] == ["ACT#r1#a1"]
