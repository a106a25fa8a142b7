"""The surge watch over HTTP on chalice local + DynamoDB Local: a SMOC-like 23 December imported in
batches (the hourly items written in the import's own transactions), its backtest equal to the
test's own computation, and refused to another department's DCXO."""
from __future__ import annotations

import uuid
from datetime import datetime

from devtools import issuer
from tests.integration import watch_helpers as wh


def test_a_backtest_over_http_equals_the_tests_own_figures(stack, e2e_tokens):
    dept = f"watch-{uuid.uuid4().hex[:8]}"
    status, _, _ = stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body={
        "id": dept, "name": "SMOC", "time_zone": "America/New_York",
        "dcxo_contact": {"name": "DCXO", "email": "dcxo@smoc.example.gov"}})
    assert status == 201
    token = issuer.mint("dcxo", dept)
    rows = wh.smoc_rows()
    for start in range(0, len(rows), 50):
        status, _, answer = stack.request("POST", f"/departments/{dept}/feedback/imports", token=token,
                                          body=rows[start:start + 50])
        assert status == 200 and answer["created"] == len(rows[start:start + 50]), answer
    status, _, found = stack.request("GET", f"/departments/{dept}/watch?at=2016-12-23T17:00:00Z",
                                     token=e2e_tokens["auditor"])
    assert status == 200, found
    whole = next(s for s in found["surges"] if s["scope"] == "department")
    want = wh.expected_surge(rows, wh.AT)
    assert (whole["observed"], whole["baseline"]["values"]) == (want["observed"], want["values"])
    assert abs(whole["z"] - want["z"]) < 1e-6 and whole["surge"] is True
    want = wh.expected_backlog(rows, wh.AT)
    got = found["backlog"]
    assert (got["unanswered"], got["overdue"], got["at_risk"]) == (want["unanswered"], want["overdue"], want["at_risk"])
    assert abs(got["capacity_per_staffed_hour"] - want["capacity_per_staffed_hour"]) < 1e-6
    assert datetime.fromisoformat(got["first_breach_at"]) == want["first_breach_at"]
    # another department's DCXO sees none of it
    status, _, refused = stack.request("GET", f"/departments/{dept}/watch", token=issuer.mint("dcxo", "parks"))
    assert status == 403 and dept not in str(refused)
