"""KPI definitions through HTTP: custom or from the catalogue, on the department's own journeys,
with versioned targets; and the catalogue itself."""
from __future__ import annotations

import pytest

from chalicelib.db import aggregates
from tests.integration.kpi_helpers import FIRST_RESPONSE_KPI, make_journey, make_kpi, put_measurement


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def _kpis(api, tokens, dept="parks") -> list[dict]:
    return api.get(f"/departments/{dept}/kpis", token=tokens["ccxo"]).json["items"]


def test_dcxo_defines_a_custom_kpi_on_its_journey(seeded, api, tokens):
    # Given a parks journey
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    # When the dcxo defines a custom KPI on it
    created = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"], body={
        **FIRST_RESPONSE_KPI, "journey_id": journey["id"], "formula": "mean hours to first answer"})
    # Then the KPI carries its definition, its first target version and no latest period yet
    assert created.status_code == 201, created.body
    kpi = created.json
    assert kpi["department"] == "parks" and kpi["journey_id"] == journey["id"]
    assert (kpi["unit"], kpi["direction"], kpi["frequency"], kpi["standard"]) == \
        ("hours", "lower", "monthly", "custom")
    assert kpi["target"] == 6 and kpi["catalogue_code"] is None and kpi["derived_from"] is None
    assert [(t["value"], t["effective_from"]) for t in kpi["targets"]] == [(6, None)]
    assert kpi["latest"] is None and kpi["version"] == 1
    # And it reads back and lists for every reader
    for who in ("dcxo-parks", "ccxo", "auditor"):
        assert api.get(f"/departments/parks/kpis/{kpi['id']}", token=tokens[who]).json == kpi
    assert _kpis(api, tokens) == [kpi]
    # And the department's KPI aggregate counts one defined KPI
    assert aggregates.read("parks", ["KPI"])["KPI"] == {"kpi__defined": 1}


def test_a_catalogue_kpi_takes_unit_direction_standard_and_formula(seeded, api, tokens):
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    # When the dcxo defines CSAT by its catalogue code alone
    created = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"], body={
        "journey_id": journey["id"], "name": "Shelter booking CSAT", "target": 80,
        "frequency": "quarterly", "catalogue_code": "csat"})
    # Then the catalogue's definition is the KPI's
    assert created.status_code == 201, created.body
    kpi = created.json
    assert (kpi["unit"], kpi["direction"], kpi["standard"]) == ("percent", "higher", "custom")
    assert "top" not in kpi["formula"] and "4 or 5" in kpi["formula"]
    # And restating the catalogue's own unit is accepted
    same = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"], body={
        "journey_id": journey["id"], "name": "Trust", "target": 70, "frequency": "fiscal_year",
        "catalogue_code": "a11_trust", "unit": "percent", "direction": "higher",
        "standard": "omb_a11_280"})
    assert same.status_code == 201, same.body


CATALOGUED = {"unit": None, "direction": None, "standard": None}


@pytest.mark.parametrize("overrides, field", [
    ({**CATALOGUED, "catalogue_code": "csat", "unit": "score"}, "unit"),
    ({**CATALOGUED, "catalogue_code": "abandonment_rate", "direction": "higher"}, "direction"),
    ({**CATALOGUED, "catalogue_code": "nps", "standard": "iso_18295"}, "standard"),
    ({**CATALOGUED, "catalogue_code": "nps", "formula": "my own"}, "formula"),
    ({**CATALOGUED, "catalogue_code": "no_such_code"}, "catalogue_code"),
    ({**CATALOGUED, "catalogue_code": "csat", "target": 101}, "target"),
    ({**CATALOGUED, "catalogue_code": "nps", "target": -101}, "target"),
    ({"catalogue_code": "abandonment_rate"}, "unit"),  # hours conflicts with the catalogue's percent
    ({"unit": "percent", "target": 120}, "target"),
    ({"target": -1}, "target"),
    ({"unit": None}, "unit"),
    ({"direction": None}, "direction"),
    ({"unit": "furlongs"}, "unit"),
    ({"direction": "sideways"}, "direction"),
    ({"frequency": "weekly"}, "frequency"),
    ({"standard": "iso_9001"}, "standard"),
    ({"target": "6"}, "target"),
    ({"target": 1e300}, "target"),
    ({"derived_from": "voc.happiness"}, "derived_from"),
    ({"derived_from": "voc.nps"}, "derived_from"),  # NPS is a score, this KPI is in hours
    ({"name": ""}, "name"),
    ({"owner": "me"}, "owner"),
    ({"journey_id": "0" * 32}, "journey_id"),
    ({"journey_id": "x" * 50}, "journey_id"),
])
def test_bad_kpi_input_is_a_400_naming_the_field(seeded, api, tokens, overrides, field):
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    body = {**FIRST_RESPONSE_KPI, "journey_id": journey["id"], **overrides}
    body = {k: v for k, v in body.items() if v is not None}
    response = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"], body=body)
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    assert _kpis(api, tokens) == []


def test_a_kpi_on_another_departments_journey_is_a_400_that_reveals_nothing(seeded, api, tokens):
    # Given a harbour journey
    harbour_journey = make_journey(api, tokens["dcxo-harbour"], "harbour")
    # When the parks dcxo defines a KPI on it, and on a journey that does not exist
    answers = []
    for journey_id in (harbour_journey["id"], "f" * 32):
        response = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"],
                            body={**FIRST_RESPONSE_KPI, "journey_id": journey_id})
        # Then both are the same 400 naming journey_id
        assert response.status_code == 400 and _fields(response) == {"journey_id"}
        assert "harbour" not in response.body.decode().lower()
        error = dict(response.json["error"])
        error.pop("correlation_id")
        answers.append(error)
    assert answers[0] == answers[1]
    # And nothing was written or counted in either department
    assert _kpis(api, tokens) == [] and _kpis(api, tokens, "harbour") == []
    assert aggregates.read("parks", ["KPI"])["KPI"] == {}


def test_kpis_list_by_journey_and_page(seeded, api, tokens):
    social = make_journey(api, tokens["dcxo-parks"], "parks")
    shelters = make_journey(api, tokens["dcxo-parks"], "parks", name="Book a shelter", channels=["web"])
    for n in range(3):
        make_kpi(api, tokens["dcxo-parks"], "parks", social["id"], name=f"Social {n}")
    make_kpi(api, tokens["dcxo-parks"], "parks", shelters["id"], name="Shelter")
    only = api.get(f"/departments/parks/kpis?journey_id={shelters['id']}", token=tokens["dcxo-parks"])
    assert [k["name"] for k in only.json["items"]] == ["Shelter"]
    seen, cursor = [], None
    while True:
        page = api.get("/departments/parks/kpis?limit=3" + (f"&cursor={cursor}" if cursor else ""),
                       token=tokens["dcxo-parks"]).json
        seen += [k["id"] for k in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 4
    assert aggregates.read("parks", ["KPI"])["KPI"] == {"kpi__defined": 4}


def test_patch_renames_moves_and_versions_the_target(seeded, api, tokens):
    # Given a monthly KPI with target 6 and another journey of the department
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks")
    other_journey = make_journey(api, tokens["dcxo-parks"], "parks", name="Other", channels=["mail"])
    url = f"/departments/parks/kpis/{kpi['id']}"
    # When the dcxo lowers the target from 2017-07 on, renames it and moves it
    patched = api.patch(url, token=tokens["dcxo-parks"], body={
        "target": 4, "effective_from": "2017-07", "name": "First response (hours)",
        "journey_id": other_journey["id"], "version": 1})
    # Then both target versions are kept, the newest shown as the target
    assert patched.status_code == 200, patched.body
    body = patched.json
    assert body["target"] == 4 and body["version"] == 2 and body["journey_id"] == other_journey["id"]
    assert [(t["value"], t["effective_from"]) for t in body["targets"]] == [(6, None), (4, "2017-07")]
    assert api.get(url, token=tokens["auditor"]).json == body
    # And a change against version 1 is a 409
    stale = api.patch(url, token=tokens["ccxo"], body={"name": "Lost", "version": 1})
    assert stale.status_code == 409 and _fields(stale) == {"version"}


@pytest.mark.parametrize("body, field, status", [
    ({"target": 4}, "effective_from", 400),
    ({"effective_from": "2017-07"}, "target", 400),
    ({"target": 4, "effective_from": "2017-Q3"}, "effective_from", 400),
    ({"target": 4, "effective_from": "July"}, "effective_from", 400),
    ({"target": -4, "effective_from": "2017-07"}, "target", 400),
    ({"unit": "minutes"}, "unit", 400),
    ({"direction": "higher"}, "direction", 400),
    ({"frequency": "quarterly"}, "frequency", 400),
    ({"catalogue_code": "csat"}, "catalogue_code", 400),
    ({"derived_from": None}, "derived_from", 400),
    ({"journey_id": "0" * 32}, "journey_id", 400),
    ({"name": None}, "name", 400),
    ({}, "body", 400),
    ({"version": 7, "name": "X"}, "version", 409),
])
def test_bad_kpi_patch_is_refused_naming_the_field(seeded, api, tokens, body, field, status):
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks")
    response = api.patch(f"/departments/parks/kpis/{kpi['id']}", token=tokens["dcxo-parks"], body=body)
    assert response.status_code == status, response.body
    assert field in _fields(response)
    assert api.get(f"/departments/parks/kpis/{kpi['id']}", token=tokens["ccxo"]).json == kpi


def test_a_new_target_cannot_reach_back_over_a_measured_period(seeded, api, tokens):
    # Given a KPI measured for 2017-03 and a target version from 2017-09
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks")
    url = f"/departments/parks/kpis/{kpi['id']}"
    assert put_measurement(api, tokens["dcxo-parks"], "parks", kpi["id"], "2017-03", value=5).status_code == 200
    assert api.patch(url, token=tokens["dcxo-parks"],
                     body={"target": 5, "effective_from": "2017-09"}).status_code == 200
    # When a target change would start in or before 2017-03, or before the 2017-09 version
    for effective_from in ("2017-03", "2017-01", "2017-06"):
        response = api.patch(url, token=tokens["dcxo-parks"], body={"target": 3, "effective_from": effective_from})
        # Then it is a 409 naming effective_from
        assert response.status_code == 409, (effective_from, response.body)
        assert _fields(response) == {"effective_from"}
    # And the same start as the newest version supersedes it (both kept)
    again = api.patch(url, token=tokens["dcxo-parks"], body={"target": 4.5, "effective_from": "2017-09"})
    assert again.status_code == 200
    assert [t["value"] for t in again.json["targets"]] == [6, 5, 4.5]


def test_auditor_never_writes_kpis(seeded, api, tokens):
    kpi = make_kpi(api, tokens["dcxo-parks"], "parks")
    assert api.post("/departments/parks/kpis", token=tokens["auditor"],
                    body={**FIRST_RESPONSE_KPI, "journey_id": kpi["journey_id"]}).status_code == 403
    assert api.patch(f"/departments/parks/kpis/{kpi['id']}", token=tokens["auditor"],
                     body={"name": "X"}).status_code == 403


def test_create_kpi_with_idempotency_key_creates_once(seeded, api, tokens):
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    body = {**FIRST_RESPONSE_KPI, "journey_id": journey["id"]}
    headers = {"Idempotency-Key": "kpi-first-response-0001"}
    first = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"], body=body, headers=headers)
    again = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"], body=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert len(_kpis(api, tokens)) == 1
    assert aggregates.read("parks", ["KPI"])["KPI"] == {"kpi__defined": 1}


def test_catalogue_holds_the_standard_definitions_for_any_token(seeded, api, tokens):
    # When any caller reads the catalogue
    for who in ("dcxo-parks", "ccxo", "auditor"):
        response = api.get("/kpi-catalogue?limit=200", token=tokens[who])
        assert response.status_code == 200
    entries = {e["code"]: e for e in response.json["items"]}
    # Then it has the eight A-11 drivers (% agree 4-5) and the contact-centre and VoC standards
    drivers = [code for code, e in entries.items() if e["standard"] == "omb_a11_280"]
    assert sorted(drivers) == sorted(f"a11_{d}" for d in (
        "satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency",
        "humanity", "employee_helpfulness"))
    assert all("4 or 5" in entries[d]["formula"] and entries[d]["unit"] == "percent" for d in drivers)
    assert {"nps", "csat", "ces", "first_contact_resolution", "average_speed_of_answer",
            "abandonment_rate", "service_level", "average_handle_time",
            "social_first_response_hours", "social_within_target"} <= set(entries)
    assert entries["abandonment_rate"]["direction"] == "lower"
    assert (entries["nps"]["minimum"], entries["nps"]["maximum"]) == (-100, 100)
    assert all(e["formula"] and e["name"] for e in entries.values())
    # And it pages like every list
    first = api.get("/kpi-catalogue?limit=5", token=tokens["auditor"]).json
    rest = api.get(f"/kpi-catalogue?limit=200&cursor={first['next_cursor']}", token=tokens["auditor"]).json
    assert [e["code"] for e in first["items"] + rest["items"]] == list(entries)
    assert api.get(f"/kpi-catalogue?cursor={first['next_cursor']}", token=tokens["ccxo"]).status_code == 400


def test_catalogue_needs_a_token(api):
    assert api.get("/kpi-catalogue").status_code == 401
