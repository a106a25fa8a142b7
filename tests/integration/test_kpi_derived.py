"""Derived KPIs: their measurements are computed from the department's feedback when read, against
the target in force for each period, and are never typed in."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.core import clock
from tests.integration.kpi_helpers import make_kpi, put_measurement


@pytest.fixture()
def parks_feedback(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2017, 4, 15, 12, tzinfo=timezone.utc))
    # Two actionable posts in March 2017 (Chicago time): one answered in 1 h, one in 10 h (target 6 h)
    for n, (received, answered) in enumerate([("2017-03-14T09:00:00-05:00", "2017-03-14T10:00:00-05:00"),
                                              ("2017-03-20T09:00:00-05:00", "2017-03-20T19:00:00-05:00")]):
        response = api.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body={
            "channel": "twitter", "received_at": received, "first_responded_at": answered,
            "category": "request_for_help", "actionable": True, "comment": f"post {n}"})
        assert response.status_code == 201, response.body


def test_a_share_kpi_is_computed_from_feedback(parks_feedback, api, tokens):
    # Given a monthly KPI derived from the share answered within target, target 90%
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks", name="Social answered within 6 hours",
                   unit="percent", direction="higher", target=90, derived_from="voc.within_target_share")
    base = f"/departments/parks/kpis/{kpi['id']}/measurements"
    # When its measurements are read
    listed = api.get(base, token=tokens["dcxo-parks"]).json
    # Then March 2017 is 50% (one of two within target): missed by 40 points
    assert [(m["period"], m["value"], m["attainment"], m["gap"]) for m in listed["items"]] == [
        ("2017-03", 50.0, "missed", -40.0)]
    assert listed["items"][0]["source"] == "computed from feedback (voc.within_target_share)"
    one = api.get(f"{base}/2017-03", token=tokens["ccxo"]).json
    assert one["value"] == 50.0 and one["sample_size"] == 2
    assert api.get(f"{base}/2017-04", token=tokens["ccxo"]).status_code == 404
    # And nobody can type a value in
    refused = put_measurement(api, tokens["dcxo-parks"], "parks", kpi["id"], "2017-03", value=95)
    assert refused.status_code == 409


def test_a_mean_hours_kpi_uses_the_target_in_force(parks_feedback, api, tokens):
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks", derived_from="voc.first_response_hours_mean")
    base = f"/departments/parks/kpis/{kpi['id']}/measurements"
    march = api.get(f"{base}/2017-03", token=tokens["dcxo-parks"]).json
    assert (march["value"], march["target"], march["attainment"], march["gap"]) == (5.5, 6.0, "met", 0.5)
    # A stricter target from April on leaves March's attainment as it was
    patched = api.patch(f"/departments/parks/kpis/{kpi['id']}", token=tokens["dcxo-parks"],
                        body={"target": 4, "effective_from": "2017-04"})
    assert patched.status_code == 200, patched.body
    assert api.get(f"{base}/2017-03", token=tokens["dcxo-parks"]).json["attainment"] == "met"


def test_a_quarterly_derived_kpi_covers_its_months(parks_feedback, api, tokens):
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks", frequency="quarterly", derived_from="voc.volume",
                   unit="count", direction="higher", target=1)
    listed = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens["dcxo-parks"]).json
    assert [(m["period"], m["value"]) for m in listed["items"]] == [("2017-Q1", 2.0)]
