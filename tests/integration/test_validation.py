"""Bad input: each is a clear 4xx naming the field, and nothing is written."""
from __future__ import annotations

import json

import pytest

from tests.integration.conftest import department_body


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def _nothing_written(api, tokens) -> None:
    listed = api.get("/departments", token=tokens["ccxo"])
    assert listed.json["items"] == []


@pytest.mark.parametrize("overrides, field", [
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"time_zone": "EST5"}, "time_zone"),
    ({"response_target_hours": 0}, "response_target_hours"),
    ({"response_target_hours": -6}, "response_target_hours"),
    ({"response_target_hours": "6"}, "response_target_hours"),
    ({"id": "Parks!"}, "id"),
    ({"id": "p"}, "id"),
    ({"id": "parks#x"}, "id"),
    ({"name": ""}, "name"),
    ({"name": 42}, "name"),
    ({"active": "yes"}, "active"),
    ({"dcxo_contact": {"name": "A", "email": "not-an-email"}}, "dcxo_contact.email"),
    ({"dcxo_contact": {"name": "A", "email": "a@b.gov", "fax": "1"}}, "dcxo_contact.fax"),
    ({"staffed_hours": {"days": ["mon"], "start": "8am", "end": "18:00"}}, "staffed_hours.start"),
    ({"staffed_hours": {"days": ["mon"], "start": "24:00", "end": "18:00"}}, "staffed_hours.start"),
    ({"staffed_hours": {"days": ["funday"], "start": "08:00", "end": "18:00"}}, "staffed_hours.days.0"),
    ({"staffed_hours": {"days": [], "start": "08:00", "end": "18:00"}}, "staffed_hours.days"),
    ({"staffed_hours": {"days": ["mon", "mon"], "start": "08:00", "end": "18:00"}}, "staffed_hours"),
    ({"staffed_hours": {"days": ["mon"], "start": "08:00", "end": "08:00"}}, "staffed_hours"),
    ({"color": "blue"}, "color"),
])
def test_bad_department_fields_are_named(api, tokens, overrides, field):
    response = api.post("/departments", token=tokens["ccxo"], body=department_body("parks", **overrides))
    assert response.status_code == 400, response.body
    assert response.json["error"]["code"] == "validation_error"
    assert field in _fields(response)
    _nothing_written(api, tokens)


def test_missing_fields_are_each_named(api, tokens):
    response = api.post("/departments", token=tokens["ccxo"], body={"id": "parks"})
    assert response.status_code == 400
    assert {"name", "dcxo_contact", "time_zone"} <= _fields(response)
    _nothing_written(api, tokens)


@pytest.mark.parametrize("raw", ["{", "not json", '{"id": "parks",}', "[]", "null", "42",
                                 '{"id": NaN}', '{"response_target_hours": Infinity}'])
def test_malformed_json_is_a_400(api, tokens, raw):
    response = api.post("/departments", token=tokens["ccxo"], raw=raw)
    assert response.status_code == 400
    assert response.json["error"]["details"]
    _nothing_written(api, tokens)


def test_empty_body_is_a_400_naming_body(api, tokens):
    response = api.post("/departments", token=tokens["ccxo"], raw="")
    assert response.status_code == 400
    assert _fields(response) == {"body"}


def test_oversized_body_is_a_413(api, tokens):
    body = department_body("parks", name="x" * 100)
    raw = json.dumps(body)[:-1] + ', "padding": "' + "x" * 300_000 + '"}'
    response = api.post("/departments", token=tokens["ccxo"], raw=raw)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    _nothing_written(api, tokens)


def test_wrong_content_type_is_a_415_in_the_envelope(api, tokens):
    response = api.post("/departments", token=tokens["ccxo"], raw="id=parks",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert _fields(response) == {"Content-Type"}


def test_wrong_method_is_a_405_in_the_envelope(api, tokens):
    response = api.request("DELETE", "/departments", token=tokens["ccxo"])
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=201", "limit"),
                                          ("limit=ten", "limit"), ("colour=red", "colour")])
def test_bad_query_parameters_are_named(api, tokens, query, field):
    response = api.get(f"/departments?{query}", token=tokens["ccxo"])
    assert response.status_code == 400
    assert field in _fields(response)


@pytest.mark.parametrize("body, field", [
    ({}, "body"),
    ({"name": None}, "name"),
    ({"version": 0}, "version"),
    ({"id": "other"}, "id"),
    ({"time_zone": "Nowhere/City"}, "time_zone"),
])
def test_bad_patch_is_named_and_changes_nothing(seeded, api, tokens, body, field):
    response = api.patch("/departments/parks", token=tokens["ccxo"], body=body)
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    assert api.get("/departments/parks", token=tokens["ccxo"]).json["version"] == 1


def test_body_on_a_get_is_refused(api, tokens):
    response = api.request("GET", "/me", token=tokens["ccxo"], raw='{"x": 1}')
    assert response.status_code == 400
