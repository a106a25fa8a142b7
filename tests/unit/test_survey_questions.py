"""A survey's rules without AWS (issue 30): answers checked against their questions, what they give
the feedback record, the browser's language, origins."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import BadRequest
from chalicelib.surveys import questions as rules

OWN = [{"kind": "choice", "text": {"en": "How?"}, "required": True, "options": [{"en": "a"}, {"en": "b"}]},
       {"kind": "rating", "text": {"en": "Wait?"}, "required": False, "scale": {"min": 0, "max": 3}},
       {"kind": "text", "text": {"en": "More?"}, "required": False}]


def _refused(kind: str, answers: dict) -> str:
    with pytest.raises(BadRequest) as caught:
        rules.validate(rules.questions_of(kind, OWN), answers)
    return caught.value.details[0]["field"]


def test_each_answer_is_checked_against_its_question():
    asked = rules.questions_of("a11_thumbs", OWN)
    assert [q["id"] for q in asked] == ["question_1", "question_2", "question_4", "own_1", "own_2", "own_3"]
    ok = rules.validate(asked, {"question_1": "up", "question_2": ["ease"], "own_1": "2", "own_2": 0, "own_3": " hi "})
    assert ok == {"question_1": "up", "question_2": ["ease"], "own_1": "2", "own_2": 0, "own_3": "hi"}
    assert _refused("a11_thumbs", {"question_1": "up"}) == "answers.own_1"  # required own choice
    assert _refused("a11_thumbs", {"question_1": 1, "own_1": "1"}) == "answers.question_1"
    assert _refused("a11_thumbs", {"question_1": "up", "own_1": "1", "own_2": 4}) == "answers.own_2"
    assert _refused("a11_thumbs", {"question_1": "up", "own_1": "1", "own_2": True}) == "answers.own_2"
    assert _refused("a11_thumbs", {"question_1": "up", "own_1": "1", "question_2": "ease"}) == "answers.question_2"
    assert _refused("nps", {"nps": 11, "own_1": "1"}) == "answers.nps"
    assert _refused("ces", {"ces": 0, "own_1": "1"}) == "answers.ces"
    assert rules.validate(rules.questions_of("nps", []), {"nps": 0}) == {"nps": 0}
    # Empty text and an empty driver list count as unanswered
    assert rules.validate(rules.questions_of("csat", []), {"csat": 5, "comment": "  ", }) == {"csat": 5}


@pytest.mark.parametrize("first,chosen,satisfaction,driver_score,side", [
    ("up", ["ease", "employee", "other"], 5, 5, "positive"),
    ("down", ["ease", "employee", "other"], 1, 1, "negative"),
])
def test_thumbs_answers_become_a11_scores_and_touchpoints_columns(first, chosen, satisfaction, driver_score, side):
    asked = rules.questions_of("a11_thumbs", [])
    data = rules.feedback_fields("a11_thumbs", asked, {"question_1": first, "question_2": chosen, "question_4": "ok"})
    assert data["a11"] == {"satisfaction": satisfaction, "ease": driver_score, "employee_helpfulness": driver_score}
    other = "negative" if side == "positive" else "positive"
    assert data["survey"]["question_1"] == ("1" if first == "up" else "0")
    assert {d: data["survey"][f"{side}_{d}"] for d in rules.DRIVERS} == {
        d: "1" if d in chosen else "0" for d in rules.DRIVERS}
    assert all(data["survey"][f"{other}_{d}"] == "" for d in rules.DRIVERS)
    assert data["comment"] == "ok"


def test_likert_csat_nps_ces_and_text():
    likert = rules.feedback_fields("a11_likert", rules.questions_of("a11_likert", []),
                                   {"question_1": 3, "question_2": ["efficiency"]})
    assert likert["a11"] == {"satisfaction": 3, "efficiency": 1} and likert["survey"]["negative_efficiency"] == "1"
    assert rules.feedback_fields("a11_likert", rules.questions_of("a11_likert", []),
                                 {"question_1": 4, "question_2": ["efficiency"]})["a11"]["efficiency"] == 5
    for kind, value in (("csat", 4), ("nps", 9), ("ces", 6)):
        data = rules.feedback_fields(kind, rules.questions_of(kind, OWN), {kind: value, "own_3": "b", "comment": "a"})
        assert data[kind] == value and "a11" not in data and "survey" not in data
        assert data["comment"] == "a\n\nb"


def test_spanish_needs_every_text_in_spanish():
    title = {"en": "T", "es": "T"}
    assert rules.missing_translations({"en": "T"}, []) == "title.es"
    assert rules.missing_translations(title, [{"kind": "text", "text": {"en": "q", "es": "p"}},
                                              {"kind": "choice", "text": {"en": "q", "es": "p"},
                                               "options": [{"en": "a", "es": "a"}, {"en": "b"}]}]) == "questions.1.options.1.es"
    assert rules.missing_translations(title, [{"kind": "text", "text": {"en": "q", "es": "p"}}]) is None


def test_the_browsers_language_and_allowed_origins():
    from chalicelib.surveys import public
    from chalicelib.surveys.schemas import origin_of

    both = {"languages": ["en", "es"], "allowed_origins": ["https://www.parks.example.gov"]}
    assert public.language(both, "es-MX,es;q=0.9,en;q=0.8") == "es"
    assert public.language(both, "en;q=0.2,es;q=0.7") == "es"
    assert public.language(both, "de-DE") == "en"
    assert public.language(both, "es;q=abc") == "en"
    assert public.language({"languages": ["es"]}, "en") == "es"
    assert public.allowed(both, "https://www.parks.example.gov", "api.example.gov")
    assert public.allowed(both, "https://api.example.gov", "api.example.gov")
    assert not public.allowed(both, "https://www.parks.example.gov.evil.com", "api.example.gov")
    assert not public.allowed(both, None, "api.example.gov") and not public.allowed(both, "", None)
    assert origin_of("HTTPS://WWW.Parks.example.gov/") == "https://www.parks.example.gov"
    assert origin_of("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
    for bad in ("http://www.parks.example.gov", "https://x.gov/page", "ftp://x.gov", "https://u:p@x.gov", "x.gov"):
        with pytest.raises(ValueError):
            origin_of(bad)


def test_the_page_is_kept_without_query_or_fragment_and_never_breaks():
    from chalicelib.surveys.public import _page

    assert _page("https://www.parks.example.gov/done?case=123#top") == "https://www.parks.example.gov/done"
    assert _page("http://[::1") is None and _page("") is None and _page(None) is None
    assert _page("not a url") == "not a url"
