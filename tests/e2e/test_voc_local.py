"""Voice of the customer over HTTP on chalice local + DynamoDB Local: a CSV import, its retry, a
response, the overdue list and the summary."""
from __future__ import annotations

import json
import urllib.request
import uuid

from devtools import issuer


def _csv(stack, token: str, dept: str, text: str) -> dict:
    request = urllib.request.Request(f"{stack.base}/departments/{dept}/feedback/imports", data=text.encode(),
                                     method="POST", headers={"Content-Type": "text/csv",
                                                             "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_feedback_import_response_and_summary_over_http(stack, e2e_tokens):
    dept = f"voc-{uuid.uuid4().hex[:8]}"
    status, _, _ = stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body={
        "id": dept, "name": "SMOC", "time_zone": "America/New_York",
        "dcxo_contact": {"name": "DCXO", "email": "dcxo@smoc.example.gov"}})
    assert status == 201
    token = issuer.mint("dcxo", dept)
    # Given a CSV export of three posts, one of them broken
    text = ("channel,received_at,category,comment,source_system,source_id\r\n"
            "twitter,2017-03-14T19:05:00-04:00,request_for_help,\"where is 9400 1118 9922 3100 0123 45?\",sp,1\r\n"
            "instagram,2017-03-15T10:00:00-04:00,complaint,crushed box,sp,2\r\n"
            "fax,2017-03-15T10:00:00-04:00,complaint,?,sp,3\r\n")
    # When it is imported twice
    first, again = _csv(stack, token, dept, text), _csv(stack, token, dept, text)
    # Then the good rows were created once, the bad one named, and the retry created nothing
    assert (first["created"], first["rejected"], again["created"], again["duplicates"]) == (2, 1, 0, 2)
    assert first["rows"][2]["errors"][0]["field"] == "channel"
    tweet = first["rows"][0]["id"]
    status, _, record = stack.request("GET", f"/departments/{dept}/feedback/{tweet}", token=token)
    assert status == 200 and record["comment"] == "where is [tracking]?" and record["out_of_hours"] is True
    # When the tweet is answered (late), only Instagram stays overdue
    status, _, answered = stack.request("POST", f"/departments/{dept}/feedback/{tweet}/responses", token=token,
                                        body={"responded_at": "2017-03-15T09:00:00-04:00", "responder": "agent",
                                              "channel": "twitter"})
    assert status == 201 and answered["response_hours"] == 13.916667
    status, _, overdue = stack.request("GET", f"/departments/{dept}/feedback?overdue=true", token=token)
    assert [f["channel"] for f in overdue["items"]] == ["instagram"]
    status, _, summary = stack.request("GET", f"/departments/{dept}/voc-summary?period=2017-Q1",
                                       token=e2e_tokens["auditor"])
    assert status == 200
    assert (summary["volume"], summary["responded"], summary["overdue_unanswered"]) == (2, 1, 1)
    assert summary["within_target_share"] == 0 and summary["out_of_hours_share"] == 0.5
    assert summary["by_channel"]["instagram"]["within_target_share"] == 0
    assert summary["first_response_hours"] == {"mean": 13.916667, "median": 13.916667}
