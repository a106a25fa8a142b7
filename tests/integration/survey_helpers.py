"""Surveys (issue 30): a journey with an A-11 service, a survey of it, public requests."""
from __future__ import annotations

from typing import Any

OWN_ORIGIN = "http://127.0.0.1:8000"  # what the hosted page sends: the API's own host
HOST = "127.0.0.1:8000"
SITE = "https://www.parks.example.gov"


def make_journey(api, tokens, dept: str = "parks", survey_type: str = "thumbs_up_down") -> str:
    body = {"name": "Reserve a picnic shelter", "channels": ["web"], "a11_service": {
        "service_provider": "Parks Reservations", "service_name": "Reserve a shelter",
        "transaction_point": "post_interaction", "channel": "computer", "survey_type": survey_type,
        "survey_title": "How did we do?"}}
    response = api.post(f"/departments/{dept}/journeys", token=tokens["ccxo"], body=body)
    assert response.status_code == 201, response.body
    return response.json["id"]


def survey_body(journey_id: str, kind: str = "a11_thumbs", **overrides: Any) -> dict[str, Any]:
    body = {"journey_id": journey_id, "title": {"en": "How did we do?", "es": "¿Cómo lo hicimos?"},
            "kind": kind, "languages": ["en", "es"],
            "questions": [
                {"kind": "choice", "text": {"en": "How did you find us?", "es": "¿Cómo nos encontró?"},
                 "options": [{"en": "A friend", "es": "Un amigo"}, {"en": "The web", "es": "La web"}]},
                {"kind": "rating", "text": {"en": "How was the wait?", "es": "¿Qué tal la espera?"},
                 "required": False, "scale": {"min": 1, "max": 5}},
                {"kind": "text", "text": {"en": "What should we change?", "es": "¿Qué deberíamos cambiar?"}}],
            "allowed_origins": [SITE], "active": True}
    body.update(overrides)
    return body


def make_survey(api, tokens, dept: str = "parks", kind: str = "a11_thumbs", **overrides: Any) -> dict:
    journey_id = overrides.pop("journey_id", None) or make_journey(api, tokens, dept)
    response = api.post(f"/departments/{dept}/surveys", token=tokens[f"dcxo-{dept}"],
                        body=survey_body(journey_id, kind, **overrides))
    assert response.status_code == 201, response.body
    return response.json


def respond(api, survey_id: str, body: dict, origin: str | None = OWN_ORIGIN, **headers: str):
    sent = {"Host": HOST, **headers}
    if origin is not None:
        sent["Origin"] = origin
    return api.post(f"/s/{survey_id}/responses", body=body, headers=sent)
