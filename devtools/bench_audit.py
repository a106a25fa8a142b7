"""DynamoDB calls per audit follow-up request (transition, history page, verify), counted at
botocore's `_make_api_call` on the database `bench.py` already started."""
from __future__ import annotations

import json

from devtools import callcount, issuer


def run(client) -> None:
    auditor, dcxo = issuer.mint("auditor"), issuer.mint("dcxo", "parks")

    def call(method: str, path: str, token: str, body=None):
        with callcount.counting() as calls:
            response = client.http.request(method, path, body=json.dumps(body) if body else None,
                                           headers={"Content-Type": "application/json",
                                                    "Authorization": f"Bearer {token}"})
        return response, calls

    report, _ = call("POST", "/audit-reports", auditor, {
        "number": f"BENCH-{id(client):x}", "title": "Bench", "issuer": "internal",
        "issued_on": "2017-05-08", "category": "compliance"})
    report_id = json.loads(report.body)["id"]
    created, create_calls = call("POST", f"/audit-reports/{report_id}/recommendations", auditor, {
        "department": "parks", "number": 1, "text": "t", "requires_concurrence": True,
        "finding": {"criteria": "a", "condition": "b", "cause": "c", "effect": "d"}})
    rec = f"/departments/parks/recommendations/{json.loads(created.body)['id']}"
    cases = [("POST …/recommendations (create)", created, create_calls)]
    cases.append(("PUT …/management-decision", *call("PUT", rec + "/management-decision", dcxo, {
        "decision": "agree", "action_plan": "p", "responsible_officials": ["VP"], "target_date": "2017-09-30"})))
    cases.append(("POST …/transitions (open→in_progress)", *call("POST", rec + "/transitions", dcxo,
                                                                  {"to": "in_progress"})))
    cases.append(("POST …/transitions refused (409)", *call("POST", rec + "/transitions", dcxo,
                                                            {"to": "closed_implemented"})))
    cases.append(("GET …/history (page of 50)", *call("GET", rec + "/history", auditor)))
    cases.append(("GET …/history/verify", *call("GET", rec + "/history/verify", auditor)))
    cases.append(("GET …/recommendations/{rec_id}", *call("GET", rec, dcxo)))
    print("Audit follow-up, DynamoDB calls per request:")
    for label, response, calls in cases:
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"
        print(f"  {label:<38} {response.status_code}  calls {sum(calls.values())}: {detail}")
