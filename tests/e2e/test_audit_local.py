"""Audit follow-up over HTTP on chalice local + DynamoDB Local: a recommendation walked through its
lifecycle, and two simultaneous transitions of which exactly one wins."""
from __future__ import annotations

import threading
import uuid


def _department(stack, tokens, dept: str) -> None:
    stack.request("POST", "/departments", token=tokens["ccxo"], body={
        "id": dept, "name": dept, "time_zone": "America/New_York",
        "dcxo_contact": {"name": "DCXO", "email": f"dcxo@{dept}.example.gov"}})


def _recommendation(stack, tokens, dept: str) -> str:
    status, _, report = stack.request("POST", "/audit-reports", token=tokens["auditor"], body={
        "number": f"E2E-{uuid.uuid4().hex[:8]}", "title": "Social Media Customer Inquiries",
        "issuer": "oig", "issued_on": "2017-05-08", "category": "operations_management"})
    assert status == 201, report
    status, _, rec = stack.request("POST", f"/audit-reports/{report['id']}/recommendations",
                                   token=tokens["auditor"], body={
        "department": dept, "number": 1, "text": "Address staffing shortfalls.",
        "requires_concurrence": True, "questioned_costs": "0",
        "finding": {"criteria": "6h target", "condition": "16h average", "cause": "staffing",
                    "effect": "flushed posts"}})
    assert status == 201, rec
    return f"/departments/{dept}/recommendations/{rec['id']}"


def test_a_recommendation_walks_its_lifecycle_over_http(stack, e2e_tokens):
    _department(stack, e2e_tokens, "parks")
    dcxo = e2e_tokens["dcxo-parks"]
    rec = _recommendation(stack, e2e_tokens, "parks")
    status, _, decided = stack.request("PUT", rec + "/management-decision", token=dcxo, body={
        "decision": "partially_agree", "action_plan": "Select platforms",
        "responsible_officials": ["VP Corporate Communications"], "target_date": "2017-09-30"})
    assert status == 200, decided
    assert stack.request("POST", rec + "/transitions", token=dcxo, body={"to": "in_progress"})[0] == 200
    status, _, action = stack.request("POST", rec + "/actions", token=dcxo, body={
        "description": "Weekend staffing", "owner": "VP", "due_date": "2017-09-30"})
    assert status == 201
    status, _, evidence = stack.request("POST", f"{rec}/actions/{action['id']}/evidence", token=dcxo,
                                        body={"url": "https://intranet.example.gov/plan"})
    assert status == 201
    status, _, refused = stack.request("POST", rec + "/transitions", token=dcxo,
                                       body={"to": "closed_implemented", "evidence_ids": [evidence["id"]]})
    assert status == 409 and [d["allowed"] for d in refused["error"]["details"]] == ["closure_requested"]
    assert stack.request("POST", rec + "/transitions", token=dcxo, body={
        "to": "closure_requested", "evidence_ids": [evidence["id"]]})[0] == 200
    status, _, closed = stack.request("POST", rec + "/transitions", token=e2e_tokens["auditor"],
                                      body={"to": "closed_implemented"})
    assert status == 200 and closed["status"] == "closed_implemented"
    status, _, verified = stack.request("GET", rec + "/history/verify", token=dcxo)
    assert verified == {"valid": True, "entries": 7, "first_broken": None}


def test_two_simultaneous_transitions_one_wins(stack, e2e_tokens):
    _department(stack, e2e_tokens, "parks")
    rec = _recommendation(stack, e2e_tokens, "parks")
    stack.request("PUT", rec + "/management-decision", token=e2e_tokens["dcxo-parks"], body={
        "decision": "disagree", "responsible_officials": ["VP"], "comments": "privacy"})
    barrier, results = threading.Barrier(2), []

    def send(token: str, body: dict) -> None:
        barrier.wait()
        results.append(stack.request("POST", rec + "/transitions", token=token, body=body)[0])

    # The same move twice at once: the loser either read the old version (its transaction's
    # condition fails) or the new state (the lifecycle refuses in_progress -> in_progress).
    threads = [threading.Thread(target=send, args=(e2e_tokens["dcxo-parks"], {"to": "in_progress"}))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    status, _, verified = stack.request("GET", rec + "/history/verify", token=e2e_tokens["auditor"])
    assert verified == {"valid": True, "entries": 3, "first_broken": None}
