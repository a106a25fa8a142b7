"""Surveys collected first-hand (issue 30): definitions, the public page, questions and responses."""
from __future__ import annotations

from tests.integration import survey_helpers as h


def test_a_dcxo_defines_a_survey_of_its_journey_and_reads_it_back(seeded, api, tokens):
    journey_id = h.make_journey(api, tokens)
    created = api.post("/departments/parks/surveys", token=tokens["dcxo-parks"], body=h.survey_body(journey_id))
    assert created.status_code == 201, created.body
    survey = created.json
    assert survey["id"].startswith("parks_") and survey["department"] == "parks"
    assert survey["page_url"] == f"/s/{survey['id']}" and survey["embed_url"] == f"/s/{survey['id']}/embed.js"
    # The A-11 thumbs set as Touchpoints asks it, then the department's three, numbered in order
    assert [(q["id"], q["kind"]) for q in survey["questions"]] == [
        ("question_1", "thumbs"), ("question_2", "drivers"), ("question_4", "text"),
        ("own_1", "choice"), ("own_2", "rating"), ("own_3", "text")]
    drivers = survey["questions"][1]["options"]
    assert [o["value"] for o in drivers] == ["effectiveness", "ease", "efficiency", "transparency", "humanity",
                                             "employee", "other"]
    assert all(o["positive"]["es"] and o["negative"]["en"] for o in drivers)
    assert survey["questions"][3]["options"] == [{"value": "1", "text": {"en": "A friend", "es": "Un amigo"}},
                                                 {"value": "2", "text": {"en": "The web", "es": "La web"}}]
    read = api.get(f"/departments/parks/surveys/{survey['id']}", token=tokens["ccxo"])
    assert read.status_code == 200 and read.json == survey
    listed = api.get("/departments/parks/surveys", token=tokens["dcxo-parks"])
    assert [s["id"] for s in listed.json["items"]] == [survey["id"]]
    # Each kind has its standard set
    for kind, first in (("a11_likert", ("question_1", "rating", 1, 5)), ("csat", ("csat", "rating", 1, 5)),
                        ("nps", ("nps", "rating", 0, 10)), ("ces", ("ces", "rating", 1, 7))):
        other = h.make_survey(api, tokens, kind=kind, journey_id=journey_id, questions=[])
        q = other["questions"][0]
        assert (q["id"], q["kind"], q["scale"]["min"], q["scale"]["max"]) == first and q["required"]


def test_changes_keep_versions_and_an_inactive_survey_is_gone_from_the_public(seeded, api, tokens):
    survey = h.make_survey(api, tokens)
    url = f"/departments/parks/surveys/{survey['id']}"
    changed = api.patch(url, token=tokens["dcxo-parks"], body={"active": False, "version": 1})
    assert changed.status_code == 200 and changed.json["active"] is False and changed.json["version"] == 2
    stale = api.patch(url, token=tokens["dcxo-parks"], body={"active": True, "version": 1})
    assert stale.status_code == 409 and stale.json["error"]["details"][0]["field"] == "version"
    for path in ("", "/embed.js", "/questions"):
        assert api.get(f"/s/{survey['id']}{path}").status_code == 404
    refused = h.respond(api, survey["id"], {"answers": {"question_1": "up"}})
    assert refused.status_code == 404
    api.patch(url, token=tokens["dcxo-parks"], body={"active": True})
    assert api.get(f"/s/{survey['id']}/questions").status_code == 200


def _field(response) -> str:
    return response.json["error"]["details"][0]["field"]


def test_definitions_are_checked_field_by_field(seeded, api, tokens):
    journey_id = h.make_journey(api, tokens)
    harbour_journey = h.make_journey(api, tokens, dept="harbour")
    post = lambda body: api.post("/departments/parks/surveys", token=tokens["dcxo-parks"], body=body)  # noqa: E731
    cases = {
        "journey_id": h.survey_body(harbour_journey),  # another department's journey
        "kind": h.survey_body(journey_id, kind="ces_plus"),
        "title.es": h.survey_body(journey_id, title={"en": "How did we do?"}),  # offered in Spanish
        "questions.1.text.es": h.survey_body(journey_id, questions=[
            {"kind": "text", "text": {"en": "a", "es": "b"}}, {"kind": "text", "text": {"en": "c"}}]),
        "questions": h.survey_body(journey_id, questions=[{"kind": "text", "text": {"en": "q", "es": "p"}}] * 11),
        "allowed_origins": h.survey_body(journey_id, allowed_origins=["http://www.parks.example.gov"]),
        "languages": h.survey_body(journey_id, languages=["en", "en"]),
    }
    for field, body in cases.items():
        response = post(body)
        assert response.status_code == 400, (field, response.body)
        assert _field(response).startswith(field), (field, response.json)
    choice_without_options = h.survey_body(journey_id, questions=[{"kind": "choice", "text": {"en": "q", "es": "p"}}])
    assert post(choice_without_options).status_code == 400
    english_only = post(h.survey_body(journey_id, title={"en": "How did we do?"}, languages=["en"],
                                      questions=[{"kind": "text", "text": {"en": "Anything else?"}}]))
    assert english_only.status_code == 201, english_only.body
    assert api.post("/departments/parks/surveys", token=tokens["auditor"],
                    body=h.survey_body(journey_id)).status_code == 403


def test_the_hosted_page_speaks_the_browsers_language(seeded, api, tokens):
    survey = h.make_survey(api, tokens)
    cases = {"es-MX,es;q=0.9,en;q=0.5": "es", "en-US,en;q=0.9": "en", "fr-FR,es;q=0.4,en;q=0.8": "en",
             "fr-FR,es;q=0.9": "es", "": "en"}
    for header, lang in cases.items():
        page = api.get(f"/s/{survey['id']}", headers={"Accept-Language": header})
        text = page.body.decode()
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        assert f'<html lang="{lang}">' in text, header
        assert ("¿Cómo lo hicimos?" if lang == "es" else "How did we do?") in text
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert "Set-Cookie" not in page.headers
    english_only = h.make_survey(api, tokens, title={"en": "Tell us"}, languages=["en"], questions=[])
    page = api.get(f"/s/{english_only['id']}", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in page.body.decode()


def test_questions_and_embed_are_public_and_cors_only_for_allowed_origins(seeded, api, tokens):
    survey = h.make_survey(api, tokens)
    allowed = api.get(f"/s/{survey['id']}/questions", headers={"Origin": h.SITE, "Host": h.HOST})
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == h.SITE
    assert [q["id"] for q in allowed.json["questions"]] == [q["id"] for q in survey["questions"]]
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    stranger = api.get(f"/s/{survey['id']}/questions", headers={"Origin": "https://evil.example.com"})
    assert stranger.status_code == 200 and "Access-Control-Allow-Origin" not in stranger.headers
    script = api.get(f"/s/{survey['id']}/embed.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert b'credentials: "omit"' in script.body
    for bad in ("parks", "parks_zz", "harbour_0123456789abcdef", "PARKS_0123456789abcdef"):
        assert api.get(f"/s/{bad}/questions").status_code == 404


def test_a_response_becomes_feedback_of_the_journey_with_personal_data_redacted(seeded, api, tokens):
    survey = h.make_survey(api, tokens)
    answers = {"question_1": "down", "question_2": ["ease", "other"], "question_4": "Write to jo@example.com",
               "own_1": "2", "own_2": 4, "own_3": "My email is ann@example.org"}
    response = h.respond(api, survey["id"], {"answers": answers, "page": "https://www.parks.example.gov/done?case=123",
                                             "lang": "es"}, origin=h.SITE)
    assert response.status_code == 202 and response.json == {"accepted": True}
    assert response.headers["Access-Control-Allow-Origin"] == h.SITE and "Set-Cookie" not in response.headers
    [record] = api.get("/departments/parks/feedback", token=tokens["dcxo-parks"]).json["items"]
    assert (record["channel"], record["journey_id"], record["survey_offered"], record["actionable"]) == (
        "web", survey["journey_id"], True, False)
    assert record["a11"]["satisfaction"] == 1 and record["a11"]["ease"] == 1
    assert record["survey"]["question_1"] == "0" and record["survey"]["negative_ease"] == "1"
    assert record["survey"]["negative_other"] == "1" and record["survey"]["positive_ease"] == ""
    assert "@" not in record["comment"] and record["redactions"] == {"email": 2}
    from chalicelib.surveys import store

    [kept] = store.responses("parks", survey["id"], record["id"][:4] + "-" + record["id"][4:6])
    assert kept["page"] == "https://www.parks.example.gov/done" and kept["lang"] == "es"
    assert kept["answers"]["own_1"] == "2" and kept["answers"]["own_2"] == 4
    assert "@" not in kept["answers"]["own_3"]
