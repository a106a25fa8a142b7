"""Journeys through HTTP: a department's own, validated, versioned, never another's."""
from __future__ import annotations

import pytest

from tests.integration.kpi_helpers import SOCIAL_JOURNEY, make_journey


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def test_dcxo_creates_reads_and_lists_its_journeys(seeded, api, tokens):
    # Given the parks DCXO
    # When it creates a journey with its channels
    created = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"], body={
        "name": "Book a picnic shelter", "channels": ["web", "phone", "app_311"]})
    # Then it is stored under parks, with an opaque id and version 1
    assert created.status_code == 201, created.body
    journey = created.json
    assert journey["department"] == "parks" and journey["version"] == 1
    assert journey["channels"] == ["web", "phone", "app_311"] and journey["description"] == ""
    assert len(journey["id"]) == 32
    # And it reads back and lists for the dcxo, the ccxo and the auditor alike
    for who in ("dcxo-parks", "ccxo", "auditor"):
        read = api.get(f"/departments/parks/journeys/{journey['id']}", token=tokens[who])
        assert read.status_code == 200 and read.json == journey
        listed = api.get("/departments/parks/journeys", token=tokens[who])
        assert listed.json["items"] == [journey] and listed.json["next_cursor"] is None


def test_journey_list_pages_with_a_cursor_bound_to_the_department(seeded, api, tokens):
    # Given three parks journeys
    ids = {make_journey(api, tokens["ccxo"], "parks", name=f"Journey {n}")["id"] for n in range(3)}
    # When the ccxo pages through them two at a time
    first = api.get("/departments/parks/journeys?limit=2", token=tokens["ccxo"]).json
    second = api.get(f"/departments/parks/journeys?limit=2&cursor={first['next_cursor']}",
                     token=tokens["ccxo"]).json
    # Then it sees each once
    assert {j["id"] for j in first["items"] + second["items"]} == ids
    # And the cursor is refused for another department's list or another caller
    other = api.get(f"/departments/harbour/journeys?limit=2&cursor={first['next_cursor']}",
                    token=tokens["ccxo"])
    assert other.status_code == 400 and _fields(other) == {"cursor"}
    foreign = api.get(f"/departments/parks/journeys?limit=2&cursor={first['next_cursor']}",
                      token=tokens["dcxo-parks"])
    assert foreign.status_code == 400


def test_patch_changes_fields_and_a_stale_version_is_a_409(seeded, api, tokens):
    # Given a journey at version 1
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    url = f"/departments/parks/journeys/{journey['id']}"
    # When the dcxo adds a channel sending the version it read
    patched = api.patch(url, token=tokens["dcxo-parks"],
                        body={"channels": ["facebook", "twitter", "instagram", "chat"], "version": 1})
    # Then the journey is at version 2 with the other fields kept
    assert patched.status_code == 200, patched.body
    assert patched.json["version"] == 2 and patched.json["name"] == SOCIAL_JOURNEY["name"]
    # And a change against version 1 is a 409 naming version, changing nothing
    stale = api.patch(url, token=tokens["ccxo"], body={"name": "Lost", "version": 1})
    assert stale.status_code == 409 and _fields(stale) == {"version"}
    assert api.get(url, token=tokens["ccxo"]).json["name"] == SOCIAL_JOURNEY["name"]


@pytest.mark.parametrize("body, field", [
    ({"channels": ["web"]}, "name"),
    ({"name": "X"}, "channels"),
    ({"name": "X", "channels": []}, "channels"),
    ({"name": "X", "channels": ["pigeon"]}, "channels.0"),
    ({"name": "X", "channels": ["web", "web"]}, "channels"),
    ({"name": "", "channels": ["web"]}, "name"),
    ({"name": "X", "channels": ["web"], "owner": "me"}, "owner"),
    ({"name": "X", "channels": ["web"], "description": 5}, "description"),
])
def test_bad_journey_input_is_a_400_naming_the_field(seeded, api, tokens, body, field):
    response = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"], body=body)
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    assert api.get("/departments/parks/journeys", token=tokens["ccxo"]).json["items"] == []


@pytest.mark.parametrize("body, field", [({}, "body"), ({"name": None}, "name"),
                                         ({"channels": ["fax"]}, "channels.0"), ({"version": 0}, "version")])
def test_bad_journey_patch_is_a_400(seeded, api, tokens, body, field):
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    response = api.patch(f"/departments/parks/journeys/{journey['id']}", token=tokens["dcxo-parks"], body=body)
    assert response.status_code == 400 and field in _fields(response)


def test_another_departments_journey_is_invisible(seeded, api, tokens):
    # Given a harbour journey
    journey = make_journey(api, tokens["dcxo-harbour"], "harbour")
    # When the parks dcxo asks for it under its own department, or under harbour's
    own = api.get(f"/departments/parks/journeys/{journey['id']}", token=tokens["dcxo-parks"])
    other = api.get(f"/departments/harbour/journeys/{journey['id']}", token=tokens["dcxo-parks"])
    patch = api.patch(f"/departments/parks/journeys/{journey['id']}", token=tokens["dcxo-parks"],
                      body={"name": "Mine now"})
    # Then it is not found in its scope, refused outside it, and unchanged
    assert own.status_code == 404 and patch.status_code == 404
    assert other.status_code == 403 and "harbour" not in other.body.decode().lower()
    assert api.get(f"/departments/harbour/journeys/{journey['id']}", token=tokens["ccxo"]).json == journey


def test_auditor_reads_but_never_writes_journeys(seeded, api, tokens):
    response = api.post("/departments/parks/journeys", token=tokens["auditor"], body=SOCIAL_JOURNEY)
    assert response.status_code == 403


def test_create_with_idempotency_key_creates_once(seeded, api, tokens):
    headers = {"Idempotency-Key": "journey-social-0001"}
    first = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"], body=SOCIAL_JOURNEY,
                     headers=headers)
    again = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"], body=SOCIAL_JOURNEY,
                     headers=headers)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert len(api.get("/departments/parks/journeys", token=tokens["ccxo"]).json["items"]) == 1


@pytest.mark.parametrize("journey_id", ["x" * 2000, "..", "a#b", "0" * 32])
def test_odd_journey_ids_are_404s(seeded, api, tokens, journey_id):
    response = api.get(f"/departments/parks/journeys/{journey_id}", token=tokens["ccxo"])
    assert response.status_code == 404
