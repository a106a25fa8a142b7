"""The demo seed's journeys, KPIs and measurements: realistic (MS-AR-17-006) and repeatable."""
from __future__ import annotations

from chalicelib.db import aggregates
from devtools import seed


def test_seed_kpis_is_repeatable_and_tells_the_audits_story(api, tokens):
    # Given the demo organisation seeded twice
    seed.seed()
    counters = {dept: aggregates.read(dept, ["KPI"])["KPI"] for dept in seed.DEMO_KPIS}
    assert seed.seed() == [] and seed.seed_kpis() == []
    # Then the second run created and counted nothing
    assert {dept: aggregates.read(dept, ["KPI"])["KPI"] for dept in seed.DEMO_KPIS} == counters
    # And the SMOC's KPIs read as the audit found them in FY2016
    listed = api.get("/departments/corp-comms/kpis", token=tokens["ccxo"]).json["items"]
    by_name = {k["name"]: k for k in listed}
    assert len(listed) == 4
    within = by_name["Social media first response within 6 hours"]
    months = api.get(f"/departments/corp-comms/kpis/{within['id']}/measurements?limit=200",
                     token=tokens["ccxo"]).json["items"]
    assert len(months) == 12 and all(m["attainment"] == "missed" and m["history"] == [] for m in months)
    assert sum(m["numerator"] for m in months) / sum(m["denominator"] for m in months) == 0.43
    hours = by_name["Social media average first response time"]
    values = [m["value"] for m in api.get(f"/departments/corp-comms/kpis/{hours['id']}/measurements",
                                          token=tokens["ccxo"]).json["items"]]
    assert sum(values) / len(values) == 16
    fy = by_name["Social media responses within target, FY"]
    assert fy["latest"] == {"period": "FY2016", "attainment": "missed"}
    # And the derived KPI waits for the VoC data: 4 defined (1 derived), 3 missed, 1 without data
    assert counters["corp-comms"] == {"kpi__defined": 4, "kpi__missed": 3, "kpi__derived": 1}
