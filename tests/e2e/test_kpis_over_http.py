"""KPIs over HTTP on chalice local + DynamoDB Local: a journey, a catalogue KPI, measurements with
a target change, a correction, a stale write and another department's journey."""
from __future__ import annotations

import uuid

from devtools import issuer


def _department(dept: str) -> dict:
    return {"id": dept, "name": f"{dept} social media", "time_zone": "America/New_York",
            "dcxo_contact": {"name": "DCXO", "email": f"dcxo@{dept}.example.gov"}}


def test_kpi_measurements_over_http(stack, e2e_tokens):
    # Given a department of its own with its DCXO, and another department with a journey
    dept, other = f"e2e-kpi-{uuid.uuid4().hex[:8]}", f"e2e-oth-{uuid.uuid4().hex[:8]}"
    for name in (dept, other):
        assert stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body=_department(name))[0] == 201
    dcxo = issuer.mint("dcxo", dept)
    journey_body = {"name": "Ask a question on social media", "channels": ["facebook", "twitter"]}
    status, _, journey = stack.request("POST", f"/departments/{dept}/journeys", token=dcxo, body=journey_body,
                                       headers={"Idempotency-Key": f"journey-{dept}"})
    assert status == 201 and journey["department"] == dept
    _, _, foreign = stack.request("POST", f"/departments/{other}/journeys", token=e2e_tokens["ccxo"],
                                  body=journey_body)
    # When the DCXO defines the six-hour KPI from the catalogue
    kpi_body = {"journey_id": journey["id"], "name": "Social media first response within 6 hours",
                "catalogue_code": "social_within_target", "target": 90, "frequency": "monthly"}
    status, _, kpi = stack.request("POST", f"/departments/{dept}/kpis", token=dcxo, body=kpi_body)
    assert status == 201 and (kpi["unit"], kpi["direction"]) == ("percent", "higher")
    # Then a KPI on the other department's journey is a 400 naming journey_id
    status, _, refused = stack.request("POST", f"/departments/{dept}/kpis", token=dcxo,
                                       body={**kpi_body, "journey_id": foreign["id"]})
    assert status == 400 and refused["error"]["details"][0]["field"] == "journey_id"
    assert other not in str(refused)
    base = f"/departments/{dept}/kpis/{kpi['id']}"
    # And January's 43 of 100 within target misses 90%
    status, _, january = stack.request("PUT", f"{base}/measurements/2017-01", token=dcxo,
                                       body={"numerator": 43, "denominator": 100, "source": "dashboard"})
    assert status == 200 and (january["value"], january["attainment"], january["gap"]) == (43, "missed", -47)
    # And a target of 40 from February on leaves January missed against 90
    status, _, patched = stack.request("PATCH", base, token=dcxo, body={"target": 40, "effective_from": "2017-02"})
    assert status == 200 and patched["target"] == 40
    status, _, february = stack.request("PUT", f"{base}/measurements/2017-02", token=dcxo,
                                        body={"numerator": 41, "denominator": 100})
    assert status == 200 and (february["target"], february["attainment"]) == (40, "met")
    # And a correction keeps the old value; a write against the old version is a 409
    status, _, corrected = stack.request("PUT", f"{base}/measurements/2017-02", token=dcxo,
                                         body={"numerator": 39, "denominator": 100, "version": 1})
    assert status == 200 and corrected["attainment"] == "missed"
    assert [h["value"] for h in corrected["history"]] == [41]
    status, _, stale = stack.request("PUT", f"{base}/measurements/2017-02", token=dcxo,
                                     body={"numerator": 50, "denominator": 100, "version": 1})
    assert status == 409 and stale["error"]["details"][0]["field"] == "version"
    # And percent over 100 and a quarter on a monthly KPI are 400s naming the field
    status, _, over = stack.request("PUT", f"{base}/measurements/2017-03", token=dcxo, body={"value": 120})
    assert status == 400 and over["error"]["details"][0]["field"] == "value"
    status, _, quarter = stack.request("PUT", f"{base}/measurements/2017-Q1", token=dcxo, body={"value": 50})
    assert status == 400 and quarter["error"]["details"][0]["field"] == "period"
    # And the list pages over HTTP with the target in force for each period
    status, _, page = stack.request("GET", f"{base}/measurements?limit=1", token=dcxo)
    assert status == 200 and [m["period"] for m in page["items"]] == ["2017-01"]
    status, _, rest = stack.request("GET", f"{base}/measurements?limit=1&cursor={page['next_cursor']}", token=dcxo)
    assert [(m["period"], m["target"], m["attainment"]) for m in page["items"] + rest["items"]] == \
        [("2017-01", 90, "missed"), ("2017-02", 40, "missed")]
    status, _, read = stack.request("GET", base, token=e2e_tokens["auditor"])
    assert read["latest"] == {"period": "2017-02", "attainment": "missed"}
