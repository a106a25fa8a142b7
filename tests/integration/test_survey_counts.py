"""Responses collected first-hand count everywhere feedback counts (issue 30): the VoC summary, the
A-11 CX collection (offers included) and the A-11 responses export, each equal to what this test
counts of what it sent."""
from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta, timezone

from tests.integration import survey_helpers as h


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.body
    body = response.body.decode() if isinstance(response.body, bytes) else response.body
    reader = csv.reader(io.StringIO(body))
    header = next(reader)
    return [dict(zip(header, row)) for row in reader]


def test_responses_count_in_the_summary_and_both_a11_exports(seeded, api, tokens, monkeypatch):
    from chalicelib.core import clock

    # A Wednesday afternoon in February 2017 (FY2017-Q2), moved a minute after every 10 responses
    moment = {"now": datetime(2017, 2, 15, 16, 0, 0, tzinfo=timezone.utc)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    rng = random.Random(30)
    thumbs = h.make_survey(api, tokens)
    likert_journey = h.make_journey(api, tokens, survey_type="likert_scale")
    csat = h.make_survey(api, tokens, kind="csat", journey_id=likert_journey, questions=[])
    likert = h.make_survey(api, tokens, kind="a11_likert", journey_id=likert_journey, questions=[])

    views = {thumbs["id"]: 31, csat["id"]: 0, likert["id"]: 4}
    for survey_id, n in views.items():
        for _ in range(n):
            assert api.get(f"/s/{survey_id}/questions", headers={"Origin": h.SITE}).status_code == 200

    sent: list[tuple[str, dict]] = []
    plan = [thumbs["id"]] * 23 + [csat["id"]] * 9 + [likert["id"]] * 7
    rng.shuffle(plan)
    for n, survey_id in enumerate(plan):
        if n and n % 10 == 0:
            moment["now"] += timedelta(minutes=1)
        if survey_id == thumbs["id"]:
            answers = {"question_1": rng.choice(["up", "down"]),
                       "question_2": rng.sample(["effectiveness", "ease", "humanity", "other"], rng.randrange(0, 3))}
        elif survey_id == csat["id"]:
            answers = {"csat": rng.randrange(1, 6)}
        else:
            answers = {"question_1": rng.randrange(1, 6), "question_2": rng.sample(["ease", "efficiency"], 1)}
        if rng.random() < 0.3:
            answers["question_4" if survey_id != csat["id"] else "comment"] = "Thanks!"
        response = h.respond(api, survey_id, {"answers": answers, "lang": rng.choice(["en", "es"])}, origin=h.SITE)
        assert response.status_code == 202, response.body
        sent.append((survey_id, answers))

    mine = lambda sid: [a for s, a in sent if s == sid]  # noqa: E731
    ups = [a for a in mine(thumbs["id"]) if a["question_1"] == "up"]
    likert_agree = [a for a in mine(likert["id"]) if a["question_1"] >= 4]

    # The VoC summary of February
    summary = api.get("/departments/parks/voc-summary?period=2017-02", token=tokens["dcxo-parks"]).json
    assert summary["volume"] == len(sent) == 39
    assert summary["by_channel"]["web"]["volume"] == len(sent)
    assert summary["actionable"] == 0
    satisfied = len(ups) + len(likert_agree)
    assert summary["a11"]["satisfaction"] == round(satisfied / (len(mine(thumbs["id"])) + len(mine(likert["id"]))), 6)
    top2 = [a for a in mine(csat["id"]) if a["csat"] >= 4]
    assert summary["csat"] == round(len(top2) / len(mine(csat["id"])), 6)
    eased = [a for s, a in sent if s != csat["id"] and "ease" in a.get("question_2", [])]
    agree = [a for a in eased if a["question_1"] == "up" or (isinstance(a["question_1"], int) and a["question_1"] >= 4)]
    assert summary["a11"]["ease"] == round(len(agree) / len(eased), 6)

    # The A-11 CX collection of FY2017-Q2: per journey, customers, offers and respondents
    rows = {r["service_id"]: r for r in _csv(api.get(
        "/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2", token=tokens["dcxo-parks"]))}
    first = rows[thumbs["journey_id"]]
    assert int(first["volume_of_customers"]) == int(first["volume_of_respondents"]) == 23
    assert int(first["volume_of_customers_provided_survey_opportunity"]) == views[thumbs["id"]]  # 31 views, 23 answered
    second = rows[likert_journey]
    assert int(second["volume_of_customers"]) == int(second["volume_of_respondents"]) == 16
    # 4 views of the Likert survey, 7 of its responses (posted without a view: the 7 count as offers),
    # and 9 CSAT responses without views: offers are the responses
    assert int(second["volume_of_customers_provided_survey_opportunity"]) == 16

    # Each survey's own counts: its views and its responses
    for made in (thumbs, csat, likert):
        counts = api.get(f"/departments/parks/surveys/{made['id']}/counts?period=2017-02", token=tokens["ccxo"]).json
        assert (counts["views"], counts["responses"], counts["honeypot"]) == (views[made["id"]], len(mine(made["id"])), 0)
    assert api.get(f"/departments/parks/surveys/{thumbs['id']}/counts?period=2017-01",
                   token=tokens["ccxo"]).json["responses"] == 0
    assert api.get(f"/departments/parks/surveys/{thumbs['id']}/counts?period=2017-13",
                   token=tokens["ccxo"]).status_code == 400

    # The A-11 responses export: one row per response, its answer columns as given
    responses = _csv(api.get("/departments/parks/exports/a11-cx-responses.csv?quarter=FY2017-Q2",
                             token=tokens["ccxo"]))
    assert len(responses) == len(sent)
    assert sum(r["question_1"] == "1" for r in responses) == len(ups) + sum(
        a["question_1"] == 1 for a in mine(likert["id"]))
    chose_ease_up = [a for a in ups if "ease" in a["question_2"]]
    assert sum(r["positive_ease"] == "1" for r in responses) == len(chose_ease_up) + sum(
        "ease" in a["question_2"] and a["question_1"] >= 4 for a in mine(likert["id"]))
    assert sum(r["question_4"] == "Thanks!" for r in responses) == sum(
        "Thanks!" in (a.get("question_4"), a.get("comment")) for _, a in sent)
