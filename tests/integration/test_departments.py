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
