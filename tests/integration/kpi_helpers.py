"""Journeys, KPIs and measurements made through the API, for the tests that need some."""
from __future__ import annotations

from typing import Any

SOCIAL_JOURNEY = {"name": "Ask a question on social media",
                  "description": "A customer posts on the Facebook or Twitter account and expects an answer",
                  "channels": ["facebook", "twitter", "instagram"]}
FIRST_RESPONSE_KPI = {"name": "Social media first response time", "unit": "hours",
                      "direction": "lower", "target": 6, "frequency": "monthly", "standard": "custom"}


def make_journey(api, token: str, dept: str, **overrides: Any) -> dict:
    response = api.post(f"/departments/{dept}/journeys", token=token, body={**SOCIAL_JOURNEY, **overrides})
    assert response.status_code == 201, response.body
    return response.json


def make_kpi(api, token: str, dept: str, journey_id: str | None = None, **overrides: Any) -> dict:
    if journey_id is None:
        journey_id = make_journey(api, token, dept)["id"]
    response = api.post(f"/departments/{dept}/kpis", token=token,
                        body={**FIRST_RESPONSE_KPI, "journey_id": journey_id, **overrides})
    assert response.status_code == 201, response.body
    return response.json


def put_measurement(api, token: str, dept: str, kpi_id: str, period: str, **body: Any):
    return api.request("PUT", f"/departments/{dept}/kpis/{kpi_id}/measurements/{period}",
                       token=token, body=body)


def other_journey_id(api, tokens) -> str:
    return make_journey(api, tokens["ccxo"], "harbour")["id"]


def other_kpi_id(api, tokens) -> str:
    return make_kpi(api, tokens["ccxo"], "harbour")["id"]


def other_period(api, tokens) -> str:
    """A period measured on a KPI of the other department."""
    kpi_id = other_kpi_id(api, tokens)
    response = put_measurement(api, tokens["dcxo-harbour"], "harbour", kpi_id, "2017-03", value=9)
    assert response.status_code == 200, response.body
    return "2017-03"
