"""Builders for the audit follow-up tests: reports, recommendations driven to any state, evidence."""
from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

import boto3

BUCKET = "cxgov-evidence-local"  # .chalice/config.json, stage local
FINDING = {
    "criteria": "Customers expect an answer within one hour; the SMOC's own target is six hours.",
    "condition": "First response took 16 hours on average; 43% met the six-hour target.",
    "cause": "Resources and staffing did not match the volume of posts.",
    "effect": "Posts not reviewed within 48 hours were flushed from the dashboard.",
}
_numbers = itertools.count(1)


def report_body(**overrides: Any) -> dict[str, Any]:
    body = {"number": f"MS-AR-17-{next(_numbers):03d}", "title": "Social Media Customer Inquiries",
            "issuer": "oig", "issued_on": "2017-05-08", "category": "operations_management",
            "monetary_impact": "0"}
    body.update(overrides)
    return body


def rec_body(dept: str = "parks", **overrides: Any) -> dict[str, Any]:
    body = {"department": dept, "number": next(_numbers),
            "text": "Develop strategies to address resources and staffing shortfalls.",
            "finding": FINDING, "priority": "high", "significant": True,
            "requires_concurrence": True, "questioned_costs": "1200.50",
            "unsupported_costs": "200", "funds_put_to_better_use": "0"}
    body.update(overrides)
    return body


def make_report(api, tokens, **overrides: Any) -> str:
    response = api.post("/audit-reports", token=tokens["auditor"], body=report_body(**overrides))
    assert response.status_code == 201, response.body
    return response.json["id"]


def make_rec(api, tokens, dept: str = "parks", report_id: str | None = None, **overrides: Any) -> dict:
    report_id = report_id or make_report(api, tokens)
    response = api.post(f"/audit-reports/{report_id}/recommendations", token=tokens["auditor"],
                        body=rec_body(dept, **overrides))
    assert response.status_code == 201, response.body
    return response.json


def rec_url(rec: dict) -> str:
    return f"/departments/{rec['department']}/recommendations/{rec['id']}"


def dcxo(tokens, dept: str) -> str:
    return tokens[f"dcxo-{dept}"]


def decide(api, tokens, rec: dict, **overrides: Any) -> Any:
    body = {"decision": "partially_agree", "action_plan": "Staff the SMOC on select platforms.",
            "responsible_officials": ["SVP Sales and Customer Relations", "VP Corporate Communications"],
            "target_date": "2017-09-30", "comments": "Only on select platforms."}
    body.update(overrides)
    return api.put(rec_url(rec) + "/management-decision", token=dcxo(tokens, rec["department"]), body=body)


def make_action(api, tokens, rec: dict) -> str:
    response = api.post(rec_url(rec) + "/actions", token=dcxo(tokens, rec["department"]), body={
        "description": "Hire and train weekend agents", "owner": "VP Corporate Communications",
        "due_date": "2017-09-30"})
    assert response.status_code == 201, response.body
    return response.json["id"]


def link_evidence(api, tokens, rec: dict, action_id: str | None = None) -> str:
    action_id = action_id or make_action(api, tokens, rec)
    response = api.post(f"{rec_url(rec)}/actions/{action_id}/evidence", token=dcxo(tokens, rec["department"]),
                        body={"url": "https://intranet.example.gov/smoc/staffing-plan.pdf"})
    assert response.status_code == 201, response.body
    return response.json["id"]


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def s3():
    return boto3.client("s3", region_name="us-east-1")


def transition(api, token: str, rec: dict, to: str, **body: Any) -> Any:
    return api.post(rec_url(rec) + "/transitions", token=token, body={"to": to, **body})


def drive(api, tokens, rec: dict, status: str) -> dict:
    """Moves a fresh (open) recommendation to `status` along the lifecycle; answers it re-read."""
    own = dcxo(tokens, rec["department"])
    steps: list[tuple[str, str, dict]] = []
    if status == "closed_not_implemented":
        steps = [("auditor", "closed_not_implemented", {"reason": "management disagreed"})]
    elif status != "open":
        assert decide(api, tokens, rec).status_code == 200
        steps.append(("dcxo", "in_progress", {}))
        if status in ("closure_requested", "closed_implemented"):
            evidence = link_evidence(api, tokens, rec)
            if rec["requires_concurrence"]:
                steps.append(("dcxo", "closure_requested", {"evidence_ids": [evidence]}))
                if status == "closed_implemented":
                    steps.append(("auditor", "closed_implemented", {}))
            else:
                assert status == "closed_implemented"
                steps.append(("dcxo", "closed_implemented", {"evidence_ids": [evidence]}))
    for role, to, body in steps:
        response = transition(api, own if role == "dcxo" else tokens[role], rec, to, **body)
        assert response.status_code == 200, response.body
    current = api.get(rec_url(rec), token=tokens["auditor"]).json
    assert current["status"] == status
    return current
