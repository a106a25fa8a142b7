"""The demo's second look (issue 26): the SMOC has an OIG plan with a closed sample of September
2016, the rollup shows its rate, and seeding again creates nothing."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from chalicelib.core import clock
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


def test_the_smocs_sample_re_derives_from_its_population_as_classified_at_the_draw(api, monkeypatch):
    """The seed gives its verdicts within the draw's second: the reclassifications they carry are
    undone in the population an auditor downloads (a trail kept to the second kept them, and the
    verdicts' posts dropped out of it). The clock ticks a microsecond a call, all within one second."""
    ticks = itertools.count()
    start = datetime(2026, 12, 7, 12, 0, 0, 1000, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(microseconds=next(ticks)))
    seed()
    auditor = issuer.mint("auditor")
    base = "/departments/corp-comms/review-plans"
    plan = next(p for p in api.get(base, token=auditor).json["items"] if p["name"] == seed_reviews.PLAN_NAME)
    listed = api.get(f"{base}/{plan['id']}/samples", token=auditor).json["items"][0]
    sample = api.get(f"{base}/{plan['id']}/samples/{listed['id']}", token=auditor).json
    population = api.get(f"{base}/{plan['id']}/samples/{listed['id']}/population", token=auditor).json
    assert population["next_cursor"] is None
    assert len(set(population["items"])) == len(population["items"]) == sample["population_size"] == 60
    assert sample["result"]["misclassified"] > 0  # reclassified posts are part of the population
    chosen = rh.rederive(sample["seed"], population["items"], sample["sample_size"])
    assert sorted(chosen) == sorted(i["feedback_id"] for i in sample["items"])
