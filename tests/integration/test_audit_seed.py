"""The demo seed carries MS-AR-17-006 as DOMAIN.md tells it, and can run twice."""
from __future__ import annotations

from devtools.seed import seed


def test_seed_creates_the_audits_once(aws, api, tokens):
    # Given the demo seed run twice
    first = seed()
    assert "MS-AR-17-006" in first and "MS-MA-13-003" in first
    assert not {"MS-AR-17-006", "MS-MA-13-003"} & set(seed())
    # Then MS-AR-17-006 holds recommendation 1 (partially agreed, OIG concurrence) and 2 (closed)
    reports = {r["number"]: r for r in api.get("/audit-reports", token=tokens["auditor"]).json["items"]}
    assert reports["MS-AR-17-006"]["issued_on"] == "2017-05-08"
    assert reports["MS-AR-17-006"]["category"] == "operations_management"
    recs = api.get(f"/recommendations?report_id={reports['MS-AR-17-006']['id']}", token=tokens["auditor"]).json["items"]
    by_number = {r["number"]: r for r in recs}
    one, two = by_number[1], by_number[2]
    assert one["department"] == two["department"] == "corp-comms"
    assert one["resolution"]["decision"] == "partially_agree" and one["requires_concurrence"] is True
    assert one["resolution"]["target_date"] == "2017-09-30"
    assert one["resolution"]["responsible_officials"] == ["SVP Sales and Customer Relations",
                                                          "VP Corporate Communications"]
    assert two["resolution"]["decision"] == "disagree" and two["status"] == "closed_not_implemented"
    prior = api.get(f"/recommendations?report_id={reports['MS-MA-13-003']['id']}", token=tokens["auditor"]).json["items"]
    assert [(r["status"], r["resolution"]["target_date"]) for r in prior] == [("in_progress", "2014-09-30")]
    assert prior[0]["overdue"]["target_date"] is True
