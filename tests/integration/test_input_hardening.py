"""Issue 25, items 1, 4 and 5 through HTTP: nesting and numbers DynamoDB cannot store are 400s (they
were 500s), control characters never reach the table, and a key or CSV column given twice is a 400
naming it."""
from __future__ import annotations

import json

import pytest

from tests.integration.conftest import department_body
from tests.integration.kpi_helpers import make_kpi, put_measurement

IMPORTS = "/departments/parks/feedback/imports"
ROW = {"channel": "web", "received_at": "2017-03-14T21:05:00-04:00", "category": "complaint"}
UNSTORABLE = [1e-300, -1e-300, 5e-324, 1e-131, 1e126, -1e200, 10 ** 127, 1.7976931348623157e308]


def _fields(response) -> list[str]:
    return [d["field"] for d in response.json["error"]["details"]]


# 1. Nesting -----------------------------------------------------------------------------------

@pytest.mark.parametrize("levels", [40, 5_000, 200_000])
def test_deeply_nested_json_posted_to_imports_is_a_400(seeded, tokens, levels):
    raw = "[" * levels + "]" * levels
    response = seeded.post(IMPORTS, token=tokens["dcxo-parks"], raw=raw)
    assert response.status_code == 400, response.body[:300]
    assert _fields(response) == ["body"]
    assert "nests more than 32 levels" in response.json["error"]["message"]


def test_a_deeply_nested_field_in_an_import_row_is_a_400(seeded, tokens):
    deep = '{"a": ' * 3_000 + '"x"' + "}" * 3_000
    raw = json.dumps([{**ROW, "comment": "PLACE"}]).replace('"PLACE"', deep)
    response = seeded.post(IMPORTS, token=tokens["dcxo-parks"], raw=raw)
    assert response.status_code == 400, response.body[:300]


def test_deep_nesting_in_any_body_is_a_400(seeded, tokens):
    raw = '{"name": ' + "[" * 3_000 + "]" * 3_000 + "}"
    response = seeded.post("/departments/parks/journeys", token=tokens["dcxo-parks"], raw=raw)
    assert response.status_code == 400, response.body[:300]
    assert _fields(response) == ["body"]


# 1. Numbers DynamoDB cannot store -----------------------------------------------------------------

@pytest.mark.parametrize("number", UNSTORABLE)
def test_a_department_target_dynamodb_cannot_store_is_a_400_naming_it(seeded, tokens, number):
    body = department_body("lake-parks", response_target_hours=number)
    response = seeded.post("/departments", token=tokens["ccxo"], body=body)
    assert response.status_code == 400, response.body
    assert _fields(response) == ["response_target_hours"]
    patched = seeded.patch("/departments/parks", token=tokens["ccxo"], body={"response_target_hours": number})
    assert patched.status_code == 400 and _fields(patched) == ["response_target_hours"], patched.body


@pytest.mark.parametrize("number", UNSTORABLE)
def test_a_kpi_target_and_a_measurement_dynamodb_cannot_store_are_400s_naming_them(seeded, tokens, number):
    kpi = make_kpi(seeded, tokens["ccxo"], "parks")
    response = seeded.post("/departments/parks/kpis", token=tokens["ccxo"],
                           body={"name": "Odd", "unit": "hours", "direction": "lower", "target": number,
                                 "frequency": "monthly", "standard": "custom", "journey_id": kpi["journey_id"]})
    assert response.status_code == 400, response.body
    assert _fields(response) == ["target"]
    measured = put_measurement(seeded, tokens["dcxo-parks"], "parks", kpi["id"], "2017-03", value=number)
    assert measured.status_code == 400, measured.body
    assert _fields(measured) == ["value"]


def test_numbers_dynamodb_can_store_are_kept(seeded, tokens):
    kpi = make_kpi(seeded, tokens["ccxo"], "parks", unit="count", direction="higher")
    for n, value in enumerate([1e-130, 0, 999999999999, 123456789.125]):
        measured = put_measurement(seeded, tokens["dcxo-parks"], "parks", kpi["id"], f"2017-0{n + 1}", value=value)
        assert measured.status_code == 200, measured.body
        assert measured.json["value"] == value


# 4. Control characters --------------------------------------------------------------------------

CONTROLS = "\x00\x07\x08\x1b\x7f\x85\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_control_characters_are_stripped_before_storage(seeded, tokens):
    comment = f"Gate\x00 locked\x07 at\u202e night\u2066.\nSecond line\tend"
    body = {**ROW, "comment": comment, "source_system": "webform", "source_id": "q-1"}
    response = seeded.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body=body)
    assert response.status_code == 201, response.body
    stored = seeded.get(f"/departments/parks/feedback/{response.json['id']}", token=tokens["dcxo-parks"]).json
    assert stored["comment"] == "Gate locked at night.\nSecond line\tend"  # tab and newline stay
    # a field with a pattern of its own (an identifier) refuses them before they could be stripped
    refused = seeded.post("/departments/parks/feedback", token=tokens["dcxo-parks"],
                          body={**body, "source_system": "web\u202eform"})
    assert refused.status_code == 400 and _fields(refused) == ["source_system"], refused.body
    only_controls = seeded.post("/departments/parks/feedback", token=tokens["dcxo-parks"],
                                body={**ROW, "comment": "\x00\u202e"})
    assert only_controls.status_code == 400 and _fields(only_controls) == ["comment"], only_controls.body
    listed = seeded.get("/departments/parks/feedback", token=tokens["dcxo-parks"])
    assert not any(ch in listed.body.decode() for ch in CONTROLS)


def test_control_characters_are_stripped_from_imports_and_staff_text(seeded, tokens):
    csv_body = "channel,received_at,comment\nweb,2017-03-14T21:05:00-04:00,\"Bell\x07 and\u202e flip\"\n"
    response = seeded.post(IMPORTS, token=tokens["dcxo-parks"], raw=csv_body.encode(),
                           headers={"Content-Type": "text/csv"})
    assert response.status_code == 200 and response.json["created"] == 1, response.body
    record = seeded.get(f"/departments/parks/feedback/{response.json['rows'][0]['id']}",
                        token=tokens["dcxo-parks"]).json
    assert record["comment"] == "Bell and flip"
    journey = seeded.post("/departments/parks/journeys", token=tokens["dcxo-parks"],
                          body={"name": "Renew\u202e a permit\x00", "channels": ["web"]})
    assert journey.status_code == 201 and journey.json["name"] == "Renew a permit", journey.body


# 5. Duplicate keys and headers --------------------------------------------------------------------

def test_a_key_given_twice_is_a_400_naming_it(seeded, tokens):
    body = json.dumps(department_body("lake-parks"))
    raw = body[:-1] + ', "name": "Another name"}'
    response = seeded.post("/departments", token=tokens["ccxo"], raw=raw)
    assert response.status_code == 400, response.body
    assert _fields(response) == ["name"]
    nested = body.replace('"email":', '"email": "x@y.example.gov", "email":', 1)
    response = seeded.post("/departments", token=tokens["ccxo"], raw=nested)
    assert response.status_code == 400 and _fields(response) == ["email"], response.body
    assert seeded.get("/departments/lake-parks", token=tokens["ccxo"]).status_code == 404


def test_a_key_given_twice_in_an_import_row_is_a_400_naming_it(seeded, tokens):
    raw = json.dumps([ROW])[:-2] + ', "category": "compliment"}]'
    response = seeded.post(IMPORTS, token=tokens["dcxo-parks"], raw=raw)
    assert response.status_code == 400, response.body
    assert _fields(response) == ["category"]


def test_a_csv_column_named_twice_is_a_400_naming_it(seeded, tokens):
    csv_body = "channel,received_at,category,category\nweb,2017-03-14T21:05:00-04:00,complaint,compliment\n"
    response = seeded.post(IMPORTS, token=tokens["dcxo-parks"], raw=csv_body.encode(),
                           headers={"Content-Type": "text/csv"})
    assert response.status_code == 400, response.body
    assert _fields(response) == ["category"]


def test_text_stored_before_the_rule_is_exported_without_control_characters(seeded, tokens):
    from chalicelib.db import keys
    from chalicelib.db.items import RecommendationItem
    from tests.integration.audit_helpers import make_rec

    rec = make_rec(seeded, tokens, text="Hire\u202e two\x07 more\x00 staff")
    assert rec["text"] == "Hire two more staff"  # stripped on the way in
    # a record written before the rule existed (straight to the table)
    item = RecommendationItem.get(keys.recommendations_pk("parks"), keys.recommendation_sk(rec["id"]))
    item.update(actions=[RecommendationItem.text.set("Old\u202e text\x07 with\u2066 controls\x1b")])
    response = seeded.get("/exports/recommendations.csv", token=tokens["ccxo"])
    assert response.status_code == 200
    exported = response.body.decode()
    assert "Old text with controls" in exported
    assert not any(ch in exported for ch in CONTROLS)
