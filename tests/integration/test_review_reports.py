"""Second look in the reports (issue 26): the digest lists the samples awaiting the recipient's
verdicts, the rollup shows each department's latest closed rate with its interval, and the derived
KPI classification_accuracy is 1 − the rate."""
from __future__ import annotations

from tests.integration import review_helpers as rh
from tests.integration.kpi_helpers import make_journey


def test_digest_rollup_and_kpi_of_a_closed_sample(seeded, tokens):
    api, dcxo = seeded, tokens["dcxo-parks"]
    rh.import_posts(api, dcxo, "parks", 5)
    plan = rh.make_plan(api, dcxo, "parks", reviewer_role="dcxo", name="Monthly self-check")
    sample = api.post(f"/departments/parks/review-plans/{plan['id']}/samples", token=dcxo,
                      body={"period": "2017-03"}).json
    assert sample["sample_size"] == 5

    awaiting = [i for i in api.get("/me/digest", token=dcxo).json["items"] if i["kind"] == "review_sample_awaiting"]
    assert [(i["sample_id"], i["period"], i["remaining"]) for i in awaiting] == [(sample["id"], "2017-03", 5)]
    assert awaiting[0]["link"] == f"/departments/parks/review-plans/{plan['id']}/samples/{sample['id']}"
    for role in ("auditor", "ccxo"):  # not theirs to review
        assert not [i for i in api.get("/me/digest", token=tokens[role]).json["items"]
                    if i["kind"] == "review_sample_awaiting"]

    url = f"/departments/parks/review-plans/{plan['id']}/samples/{sample['id']}"
    for index, item in enumerate(sample["items"]):
        assert api.put(f"{url}/items/{item['feedback_id']}", token=dcxo,
                       body={"actionable": index < 2}).status_code == 200
    assert api.post(f"{url}/close", token=dcxo).status_code == 200
    assert not [i for i in api.get("/me/digest", token=dcxo).json["items"] if i["kind"] == "review_sample_awaiting"]

    low, high = rh.wilson(2, 5, rh.Z95)
    own = api.get("/departments/parks/rollup?period=2017-03", token=dcxo).json["departments"][0]["second_look"]
    assert (own["period"], own["reviewed"], own["misclassified"], own["plan_name"]) == ("2017-03", 5, 2, "Monthly self-check")
    assert abs(own["rate"] - 0.4) < 1e-9
    assert abs(own["interval"]["low"] - low) < 1e-6 and abs(own["interval"]["high"] - high) < 1e-6
    org = {row["department"]: row["second_look"] for row in api.get("/rollup?period=2017-03",
                                                                     token=tokens["ccxo"]).json["departments"]}
    assert org["parks"] == own and org["harbour"] is None

    journey = make_journey(api, dcxo, "parks")["id"]
    kpi = api.post("/departments/parks/kpis", token=dcxo, body={
        "journey_id": journey, "name": "Classification accuracy", "target": 90, "frequency": "monthly",
        "catalogue_code": "classification_accuracy", "derived_from": "reviews.classification_accuracy"}).json
    measured = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-03", token=dcxo).json
    assert abs(measured["value"] - (1 - 2 / 5) * 100) < 1e-6 and measured["attainment"] == "missed"
    assert (measured["numerator"], measured["denominator"]) == (3, 5)
    listed = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=dcxo).json["items"]
    assert [m["period"] for m in listed] == ["2017-03"]
    assert api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-04", token=dcxo).status_code == 404
    catalogue = api.get("/kpi-catalogue?limit=200", token=dcxo).json["items"]
    assert any(entry["code"] == "classification_accuracy" for entry in catalogue)
