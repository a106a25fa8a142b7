"""Departments through HTTP: who may do what, validation, versions and idempotency."""
from __future__ import annotations

from tests.integration.conftest import department_body


def test_ccxo_creates_and_reads_a_department(api, tokens):
    # Given the ccxo
    # When it creates the Parks department
    created = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"))
    # Then the department is stored with its defaults and version 1
    assert created.status_code == 201, created.body
    assert created.json["id"] == "parks"
    assert created.json["version"] == 1
    assert created.json["active"] is True
    assert created.json["created_at"].endswith("+00:00")
    read = api.get("/departments/parks", token=tokens["dcxo-parks"])
    assert read.status_code == 200
    assert read.json == created.json


def test_list_pages_with_signed_cursor(seeded, api, tokens):
    # Given two departments, When the ccxo lists them one per page
    first = api.get("/departments?limit=1", token=tokens["ccxo"])
    assert first.status_code == 200
    assert len(first.json["items"]) == 1 and first.json["next_cursor"]
    second = api.get(f"/departments?limit=1&cursor={first.json['next_cursor']}", token=tokens["ccxo"])
    # Then the second page holds the other department
    ids = {first.json["items"][0]["id"], second.json["items"][0]["id"]}
    assert ids == {"parks", "harbour"}


def test_dcxo_lists_only_its_own_department(seeded, api, tokens):
    listed = api.get("/departments", token=tokens["dcxo-parks"])
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json["items"]] == ["parks"]
    assert listed.json["next_cursor"] is None
    assert "harbour" not in listed.body.decode()


def test_tampered_or_foreign_cursor_is_a_400(seeded, api, tokens):
    page = api.get("/departments?limit=1", token=tokens["ccxo"]).json
    cursor = page["next_cursor"]
    payload, mac = cursor.split(".")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + mac
    for bad in (tampered, "garbage", cursor + "x", "a.b.c"):
        response = api.get(f"/departments?limit=1&cursor={bad}", token=tokens["ccxo"])
        assert response.status_code == 400, bad
        assert response.json["error"]["details"][0]["field"] == "cursor"
    # A cursor issued to the ccxo is refused for an auditor: it is bound to the caller's scope.
    foreign = api.get(f"/departments?limit=1&cursor={cursor}", token=tokens["auditor"])
    assert foreign.status_code == 400


def test_only_the_ccxo_creates_departments(api, tokens):
    for who in ("auditor", "dcxo-parks"):
        response = api.post("/departments", token=tokens[who], body=department_body("parks"))
        assert response.status_code == 403, who
        assert response.json["error"]["code"] == "forbidden"
    assert api.get("/departments/parks", token=tokens["ccxo"]).status_code == 404


def test_duplicate_department_is_a_409(seeded, api, tokens):
    response = api.post("/departments", token=tokens["ccxo"], body=department_body("parks", name="Other"))
    assert response.status_code == 409
    assert response.json["error"]["details"][0]["field"] == "id"
    assert api.get("/departments/parks", token=tokens["ccxo"]).json["name"] == "Parks and Recreation"


def test_unknown_department_is_404_for_the_ccxo_and_403_for_a_dcxo(seeded, api, tokens):
    assert api.get("/departments/nowhere", token=tokens["ccxo"]).status_code == 404
    # A dcxo learns nothing about other departments: an existing one answers exactly like a missing one.
    answers = []
    for dept in ("nowhere", "harbour"):
        response = api.get(f"/departments/{dept}", token=tokens["dcxo-parks"])
        assert response.status_code == 403
        assert "Harbour" not in response.body.decode()
        error = dict(response.json["error"])
        error.pop("correlation_id")
        answers.append(error)
    assert answers[0] == answers[1]


def test_dcxo_patches_its_contact_hours_and_zone(seeded, api, tokens):
    response = api.patch("/departments/parks", token=tokens["dcxo-parks"], body={
        "dcxo_contact": {"name": "New DCXO", "email": "new@parks.example.gov"},
        "staffed_hours": {"days": ["sat", "sun"], "start": "22:00", "end": "06:00"},
        "time_zone": "America/Phoenix",
    })
    assert response.status_code == 200, response.body
    assert response.json["version"] == 2
    assert response.json["time_zone"] == "America/Phoenix"
    assert response.json["staffed_hours"]["end"] == "06:00"
    assert response.json["name"] == "Parks and Recreation"


def test_dcxo_may_not_patch_name_target_or_active(seeded, api, tokens):
    response = api.patch("/departments/parks", token=tokens["dcxo-parks"],
                         body={"name": "Renamed", "response_target_hours": 1, "time_zone": "UTC"})
    assert response.status_code == 403
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert fields == {"name", "response_target_hours"}
    stored = api.get("/departments/parks", token=tokens["ccxo"]).json
    assert stored["version"] == 1 and stored["time_zone"] == "America/Chicago"


def test_dcxo_may_not_patch_another_department(seeded, api, tokens):
    response = api.patch("/departments/harbour", token=tokens["dcxo-parks"], body={"time_zone": "UTC"})
    assert response.status_code == 403
    assert api.get("/departments/harbour", token=tokens["ccxo"]).json["time_zone"] == "America/Los_Angeles"


def test_ccxo_patch_with_stale_version_is_a_409(seeded, api, tokens):
    first = api.patch("/departments/parks", token=tokens["ccxo"], body={"name": "Parks", "version": 1})
    assert first.status_code == 200 and first.json["version"] == 2
    stale = api.patch("/departments/parks", token=tokens["ccxo"], body={"name": "Lost", "version": 1})
    assert stale.status_code == 409
    assert stale.json["error"]["details"][0]["field"] == "version"
    assert api.get("/departments/parks", token=tokens["ccxo"]).json["name"] == "Parks"


def test_patch_of_missing_department_is_404(api, tokens):
    response = api.patch("/departments/nowhere", token=tokens["ccxo"], body={"name": "X"})
    assert response.status_code == 404


def test_create_with_idempotency_key_runs_once(api, tokens):
    headers = {"Idempotency-Key": "create-parks-0001"}
    first = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    again = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    # The retry answers exactly what the first call answered, instead of a duplicate's 409.
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    other = api.post("/departments", token=tokens["ccxo"], headers=headers,
                     body=department_body("parks", name="Something else"))
    assert other.status_code == 409
    assert other.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert api.get("/departments/parks", token=tokens["ccxo"]).json["version"] == 1


def test_failed_create_does_not_burn_the_idempotency_key(api, tokens):
    headers = {"Idempotency-Key": "create-parks-0002"}
    bad = api.post("/departments", token=tokens["ccxo"], headers=headers,
                   body=department_body("parks", time_zone="Mars/Olympus_Mons"))
    assert bad.status_code == 400
    good = api.post("/departments", token=tokens["ccxo"], headers=headers, body=department_body("parks"))
    assert good.status_code == 201


def test_bad_idempotency_key_is_a_400(api, tokens):
    response = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"),
                        headers={"Idempotency-Key": "short"})
    assert response.status_code == 400
    assert response.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert api.get("/departments/parks", token=tokens["ccxo"]).status_code == 404
