"""The auditor's walk-through of docs/guides/auditor.md ("A recommendation from issue to closure"),
step by step: the auditor issues a report and a recommendation, the DCXO answers, the auditor
evaluates the answer and concurs with closure, and the history verifies. If the guide's calls stop
working, this fails in seconds (tests/e2e/test_docs_commands.py runs the guide's own commands too)."""
from __future__ import annotations


def test_the_auditors_walk_through(seeded, tokens):
    api, auditor, dcxo = seeded, tokens["auditor"], tokens["dcxo-parks"]
    # 1. The auditor issues a report ...
    report = api.post("/audit-reports", token=auditor, headers={"Idempotency-Key": "ig-2026-041"}, body={
        "number": "IG-26-041", "title": "Parks permit call center response times", "issuer": "oig",
        "issued_on": "2026-03-02", "category": "operations_management", "monetary_impact": "48500"})
    assert report.status_code == 201, report.body
    assert report.json["monetary_impact"] == "48500.00"
    # 2. ... and a recommendation to the parks department
    rec = api.post(f"/audit-reports/{report.json['id']}/recommendations", token=auditor, body={
        "department": "parks", "number": 1, "priority": "high", "questioned_costs": "48500",
        "text": "Answer permit calls within the two-minute target during the summer season.",
        "finding": {"criteria": "Target: 80% of calls answered within two minutes.",
                    "condition": "41% were answered within two minutes in summer 2025.",
                    "cause": "Seasonal staff are hired after the season opens.",
                    "effect": "Permit applicants abandon calls and apply in person."}})
    assert rec.status_code == 201, rec.body
    r = f"/departments/parks/recommendations/{rec.json['id']}"
    # The DCXO records the management decision and starts the work (their part)
    decided = api.put(r + "/management-decision", token=dcxo, body={
        "decision": "agree", "action_plan": "Hire seasonal staff by 1 April", "target_date": "2026-06-30",
        "responsible_officials": ["Director of Parks Operations"]})
    assert decided.status_code == 200, decided.body
    # 3. The auditor evaluates the decision: resolved
    evaluated = api.post(r + "/resolution", token=auditor, body={
        "resolved": True, "comments": "The plan addresses the finding."})
    assert evaluated.status_code == 200 and evaluated.json["resolution"]["resolved"] is True
    # The DCXO does the work and requests closure citing evidence
    assert api.post(r + "/transitions", token=dcxo, body={"to": "in_progress"}).status_code == 200
    action = api.post(r + "/actions", token=dcxo, body={
        "description": "Hire 12 seasonal agents", "owner": "Director of Parks Operations", "due_date": "2026-04-01"})
    evidence = api.post(f"{r}/actions/{action.json['id']}/evidence", token=dcxo,
                        body={"url": "https://intranet.example.gov/parks/hiring-2026.pdf"})
    requested = api.post(r + "/transitions", token=dcxo, body={"to": "closure_requested",
                                                               "evidence_ids": [evidence.json["id"]]})
    assert requested.status_code == 200, requested.body
    # 4. The auditor concurs: closed as implemented
    concurred = api.post(r + "/transitions", token=auditor, body={"to": "closed_implemented",
                                                                  "reason": "Evidence reviewed"})
    assert concurred.status_code == 200 and concurred.json["status"] == "closed_implemented"
    verified = api.get(r + "/history/verify", token=auditor).json
    events = [e["event"] for e in api.get(r + "/history", token=auditor).json["items"]]
    assert events == ["created", "management_decision", "resolution", "work_started", "action_created",
                      "evidence_added", "closure_requested", "concurred"]
    assert verified == {"valid": True, "entries": 8, "first_broken": None}
