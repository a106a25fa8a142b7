"""The demo's second look (issue 26): the SMOC has an OIG plan with a closed sample of September
2016, the rollup shows its rate, and seeding again creates nothing."""
from __future__ import annotations

from devtools import issuer, seed_reviews
from devtools.seed import seed
from tests.integration import review_helpers as rh


def test_the_smoc_has_a_closed_second_look(api):
    created = seed()
    assert any("second look 2016-09" in line for line in created)
    assert seed_reviews.seed() == []
    auditor = issuer.mint("auditor")
    plans = api.get("/departments/corp-comms/review-plans", token=auditor).json["items"]
    plan = next(p for p in plans if p["name"] == seed_reviews.PLAN_NAME)
    samples = api.get(f"/departments/corp-comms/review-plans/{plan['id']}/samples", token=auditor).json["items"]
    assert [(s["period"], s["status"], s["population_size"]) for s in samples] == [("2016-09", "closed", 60)]
    sample = api.get(f"/departments/corp-comms/review-plans/{plan['id']}/samples/{samples[0]['id']}",
                     token=auditor).json
    assert sample["sample_size"] == rh.cochran(60, rh.Z95, 0.15, 0.5)
    # The verdicts follow the seed's rule: the complaints and requests for help were actionable.
    found = [i for i in sample["items"] if i["verdict"]["misclassified"]]
    assert all(i["verdict"]["actionable"] for i in found)
    assert {i["classification_at_draw"]["category"] for i in found} <= seed_reviews.ACTIONABLE_AFTER_ALL
    assert sample["result"]["misclassified"] == len(found) > 0
    row = next(r for r in api.get("/rollup?period=FY2017", token=auditor).json["departments"]
               if r["department"] == "corp-comms")
    assert row["second_look"]["sample_id"] == sample["id"]
    assert abs(row["second_look"]["rate"] - len(found) / sample["sample_size"]) < 1e-6
