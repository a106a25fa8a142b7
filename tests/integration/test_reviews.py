"""Second look (issue 26): plans, the seeded draw re-derived by the test's own code, one sample per
plan and period, verdicts that reclassify in the same transaction, the close's Wilson estimate, the
queue and the plan's history chain."""
from __future__ import annotations

from chalicelib.reporting import reconcile
from tests.integration import review_helpers as rh
from tests.integration.ledger_helpers import drain  # noqa: F401 - fixture

PLANS = "/departments/parks/review-plans"


def _draw(api, token, plan, period="2017-03"):
    return api.post(f"{PLANS}/{plan['id']}/samples", token=token, body={"period": period})


def test_the_oig_review_reproduced_48_of_205(seeded, tokens, tmp_path):
    api, auditor = seeded, tokens["auditor"]
    population = rh.import_posts(api, tokens["dcxo-parks"], "parks", 436)
    rh.import_posts(api, tokens["dcxo-parks"], "parks", 20, actionable=True)  # outside the population
    plan = rh.make_plan(api, auditor, "parks", margin=0.05)
    expected_n = rh.cochran(436, rh.Z95, 0.05, 0.5)
    assert expected_n == 205  # the population was chosen so that Cochran gives the OIG's sample size
    response = _draw(api, auditor, plan)
    assert response.status_code == 201, response.body
    sample = response.json
    assert (sample["population_size"], sample["sample_size"], sample["status"]) == (436, 205, "open")
    assert len(sample["seed"]) == 64 and int(sample["seed"], 16) >= 0 and sample["seed"] == sample["seed"].lower()
    drawn = [item["feedback_id"] for item in sample["items"]]
    assert drawn == rh.rederive(sample["seed"], population, 205)
    assert all(item["classification_at_draw"] == {"actionable": False, "category": "other"} and item["verdict"] is None
               for item in sample["items"])

    url = f"{PLANS}/{plan['id']}/samples/{sample['id']}"
    for index, feedback_id in enumerate(drawn):
        found = index < 48
        response = api.put(f"{url}/items/{feedback_id}", token=auditor,
                           body={"actionable": found, "category": "request_for_help" if found else "other",
                                 "note": "asks for help" if found else ""})
        assert response.status_code == 200, response.body
    closed = api.post(f"{url}/close", token=auditor)
    assert closed.status_code == 200, closed.body
    result = closed.json["result"]
    low, high = rh.wilson(48, 205, rh.Z95)
    assert (result["reviewed"], result["misclassified"]) == (205, 48)
    assert round(result["rate"], 3) == 0.234 and abs(result["rate"] - 48 / 205) < 1e-6
    assert (round(result["interval"]["low"], 3), round(result["interval"]["high"], 3)) == (0.181, 0.297)
    assert abs(result["interval"]["low"] - low) < 1e-6 and abs(result["interval"]["high"] - high) < 1e-6
    assert result["interval"]["method"] == "wilson" and result["interval"]["confidence"] == 0.95
    assert abs(result["projected"]["count"] - 436 * 48 / 205) < 0.01
    assert abs(result["projected"]["high"] - 436 * high) < 0.01

    # The 48 posts found actionable are now due a response and overdue, and the counters agree.
    summary = api.get("/departments/parks/voc-summary?period=2017-03", token=auditor).json
    assert summary["overdue_unanswered"] == 20 + 48  # the 20 actionable from the start, and the 48
    overdue = api.get("/departments/parks/feedback?overdue=true&limit=200", token=tokens["dcxo-parks"]).json["items"]
    assert sorted(item["id"] for item in overdue if item["source_system"] == "review-test"
                  and item["id"] in drawn) == sorted(drawn[:48])
    record = api.get(f"/departments/parks/feedback/{drawn[0]}", token=auditor).json
    assert record["actionable"] is True and record["category"] == "request_for_help"
    assert record["classifications"][-1]["reason"] == "second look: OIG second look 2017-03"
    assert reconcile.reconcile("parks")["drift"] == {}

    # Offline: the population as classified at the draw (the 48 reclassified still in it) and the seed
    # re-derive the sample, with `cxgov sample verify`.
    pages, cursor = [], None
    while True:
        page = api.get(f"{url}/population?limit=100" + (f"&cursor={cursor}" if cursor else ""), token=auditor).json
        pages.append(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(pages) >= 5 and sorted(i for p in pages for i in p["items"]) == sorted(population)
    final = api.get(url, token=auditor).json
    assert _cli(tmp_path, final, pages) == (0, "VERIFIED")
    forged = {**final, "items": [final["items"][1], final["items"][0], *final["items"][2:]]}
    assert _cli(tmp_path, forged, pages)[0] == 1
    forged = {**final, "result": {**final["result"], "misclassified": 47}}
    assert _cli(tmp_path, forged, pages) == (1, "FAILED result: the verdicts give 48 of 205, the result says 47 of 205")


def _cli(tmp_path, sample, pages) -> tuple[int, str]:
    import contextlib
    import io
    import json

    from cxgov_cli import sample as command

    (tmp_path / "sample.json").write_text(json.dumps(sample))
    args = [str(tmp_path / "sample.json")]
    for number, page in enumerate(pages):
        (tmp_path / f"population-{number}.json").write_text(json.dumps(page))
        args += ["--population", str(tmp_path / f"population-{number}.json")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = command.main(args)
    return code, out.getvalue().strip().splitlines()[-1]


def test_draw_rules_second_draw_close_early_roles_queue_and_history(seeded, tokens):
    api, auditor, dcxo = seeded, tokens["auditor"], tokens["dcxo-parks"]
    population = rh.import_posts(api, dcxo, "parks", 60)
    plan = rh.make_plan(api, auditor, "parks")
    assert _draw(api, auditor, plan, "2099-01").status_code == 400  # not ended
    assert _draw(api, auditor, plan, "2017-Q1").status_code == 400  # a monthly plan
    assert _draw(api, dcxo, plan).status_code == 403  # an auditor's plan
    assert _draw(api, auditor, plan, "2017-02").status_code == 409  # nothing to review
    sample = _draw(api, auditor, plan).json
    n = rh.cochran(60, rh.Z95, 0.2, 0.5)
    assert sample["sample_size"] == n == 18
    assert [i["feedback_id"] for i in sample["items"]] == rh.rederive(sample["seed"], population, n)
    second = _draw(api, auditor, plan)
    assert second.status_code == 409 and second.json["error"]["details"][0]["field"] == "period"
    # A post of the period recorded after the draw is not in the population the sample came from
    late = rh.import_posts(api, dcxo, "parks", 1, channel="email")
    drawn_from = api.get(f"{PLANS}/{plan['id']}/samples/{sample['id']}/population", token=dcxo).json
    assert sorted(drawn_from["items"]) == sorted(population) and late[0] not in drawn_from["items"]

    url = f"{PLANS}/{plan['id']}/samples/{sample['id']}"
    first = sample["items"][0]["feedback_id"]
    refused = api.put(f"{url}/items/{first}", token=dcxo, body={"actionable": True})
    assert refused.status_code == 403, refused.body
    assert api.put(f"{url}/items/{population[0] if population[0] not in [i['feedback_id'] for i in sample['items']] else 'x'}",
                   token=auditor, body={"actionable": True}).status_code == 404
    assert api.put(f"{url}/items/{first}", token=auditor, body={"actionable": False}).status_code == 200
    assert api.put(f"{url}/items/{first}", token=auditor, body={"actionable": False}).status_code == 200  # same again
    assert api.put(f"{url}/items/{first}", token=auditor, body={"actionable": True}).status_code == 409  # final
    early = api.post(f"{url}/close", token=auditor)
    assert early.status_code == 409 and f"{n - 1} of {n} items" in early.json["error"]["details"][0]["message"]

    queue = api.get("/reviews?status=open", token=auditor).json["items"]
    assert [(s["id"], s["remaining"]) for s in queue] == [(sample["id"], n - 1)]
    assert api.get("/reviews", token=tokens["ccxo"]).json["items"] == []  # not the ccxo's to review
    for item in sample["items"][1:]:
        assert api.put(f"{url}/items/{item['feedback_id']}", token=auditor, body={"actionable": False}).status_code == 200
    closed = api.post(f"{url}/close", token=auditor).json
    assert closed["status"] == "closed" and closed["result"]["rate"] == 0 and closed["result"]["misclassified"] == 0
    assert api.post(f"{url}/close", token=auditor).status_code == 409
    assert api.get("/reviews?status=open", token=auditor).json["items"] == []
    listed = api.get(f"{PLANS}/{plan['id']}/samples", token=dcxo).json["items"]
    assert [(s["id"], s["status"], s["items"]) for s in listed] == [(sample["id"], "closed", None)]

    history = api.get(f"{PLANS}/{plan['id']}/history?limit=200", token=dcxo).json["items"]
    events = [entry["event"] for entry in history]
    assert events == ["review_plan_created", "sample_drawn"] + ["verdict_given"] * n + ["sample_closed"]
    assert history[1]["changes"]["seed"] == sample["seed"]
    assert all(entry["rec_id"] == f"review-plan-{plan['id']}" for entry in history)
    assert api.get(f"{PLANS}/{plan['id']}/history/verify", token=auditor).json == {
        "valid": True, "entries": n + 3, "first_broken": None}


def test_dcxo_plans_and_patch_rules(seeded, tokens, drain):
    api, dcxo = seeded, tokens["dcxo-parks"]
    rh.import_posts(api, dcxo, "parks", 5)
    own = rh.make_plan(api, dcxo, "parks", reviewer_role="dcxo")
    audit = rh.make_plan(api, tokens["auditor"], "parks")
    assert api.patch(f"{PLANS}/{audit['id']}", token=dcxo, body={"margin": 0.1}).status_code == 403
    assert api.patch(f"{PLANS}/{own['id']}", token=dcxo, body={"reviewer_role": "auditor"}).status_code == 403
    changed = api.patch(f"{PLANS}/{own['id']}", token=dcxo, body={"margin": 0.1, "version": 1})
    assert changed.status_code == 200 and changed.json["margin"] == 0.1 and changed.json["version"] == 2
    assert api.patch(f"{PLANS}/{own['id']}", token=dcxo, body={"margin": 0.15, "version": 1}).status_code == 409
    bad = api.post(PLANS, token=dcxo, body={"name": "x", "frequency": "weekly", "reviewer_role": "dcxo"})
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "frequency"
    sample = _draw(api, dcxo, own).json
    assert sample["sample_size"] == 5  # the whole population: n is at most N
    assert api.get("/reviews", token=dcxo).json["items"][0]["id"] == sample["id"]
    # A sample keeps the reviewer role of its draw: handing the plan to the auditors changes no sample
    assert api.patch(f"{PLANS}/{own['id']}", token=tokens["ccxo"], body={"reviewer_role": "auditor"}).status_code == 200
    item_url = f"{PLANS}/{own['id']}/samples/{sample['id']}/items/{sample['items'][0]['feedback_id']}"
    assert api.put(item_url, token=tokens["auditor"], body={"actionable": False}).status_code == 403
    assert api.put(item_url, token=dcxo, body={"actionable": False}).status_code == 200
    assert _draw(api, dcxo, own, "2017-04").status_code == 403  # new draws are the auditors'
    listed = api.get(PLANS, token=dcxo).json["items"]
    assert {p["id"] for p in listed} == {own["id"], audit["id"]}

    # Every step reaches the org-wide ledger: the own plan's creation, change and draw, the other's creation
    from chalicelib.ledger import store as ledger

    assert drain() == 6  # own plan: created, changed, drawn, handed over, a verdict; the other: created
    for plan_id, seq in ((own["id"], 1), (own["id"], 2), (own["id"], 3), (own["id"], 5), (audit["id"], 1)):
        assert ledger.entry_position("parks", f"review-plan-{plan_id}", seq) is not None, (plan_id, seq)
    # ... and the plan's bundle verifies offline as a recommendation's does
    from cxgov_cli import verify
    from tests.integration.ledger_helpers import public_pem

    bundle = api.get(f"{PLANS}/{own['id']}/history/bundle", token=tokens["auditor"])
    assert bundle.status_code == 200, bundle.body
    assert bundle.json["rec_id"] == f"review-plan-{own['id']}" and len(bundle.json["entries"]) == 5
    verify.verify_bundle(bundle.json, public_pem())
