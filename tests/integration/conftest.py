"""Integration tests: HTTP through chalice.test.Client, AWS through moto, the stage `local`."""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from chalice.test import Client
from moto import mock_aws

from devtools import issuer
from tests.conftest import ROOT

DEPARTMENTS = {
    "parks": {"name": "Parks and Recreation", "time_zone": "America/Chicago"},
    "harbour": {"name": "Harbour Authority (secret-marker-harbour)", "time_zone": "America/Los_Angeles"},
}


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        from chalicelib.db.items import create_tables

        create_tables()
        from tests.integration.ledger_helpers import create_local_signing_key

        create_local_signing_key()  # issue 15: the ledger's key in moto's KMS, behind stage local's alias
        yield


class Api:
    """A thin wrapper over chalice.test.Client that speaks JSON and carries a token per role."""

    def __init__(self, client: Client):
        self.client = client

    def request(self, method: str, path: str, *, token: str | None = None, body: Any = None,
                raw: bytes | str | None = None, headers: dict[str, str] | None = None) -> Any:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.http.request(method, path, headers=all_headers, body=payload)
        is_json = response.headers.get("Content-Type", "application/json").startswith("application/json")
        response.json = json.loads(response.body) if response.body and is_json else None
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)


@pytest.fixture(scope="session")
def tokens() -> dict[str, str]:
    return {
        "ccxo": issuer.mint("ccxo", name="Chief CX Officer"),
        "auditor": issuer.mint("auditor", name="OIG auditor"),
        "dcxo-parks": issuer.mint("dcxo", "parks", name="Parks DCXO"),
        "dcxo-harbour": issuer.mint("dcxo", "harbour", name="Harbour DCXO"),
    }


def department_body(dept: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "id": dept,
        "name": DEPARTMENTS.get(dept, {}).get("name", dept.title()),
        "dcxo_contact": {"name": f"{dept} DCXO", "email": f"dcxo@{dept}.example.gov"},
        "response_target_hours": 6,
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"},
        "time_zone": DEPARTMENTS.get(dept, {}).get("time_zone", "America/New_York"),
    }
    body.update(overrides)
    return body


@pytest.fixture()
def api(aws: None) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        yield Api(client)


@pytest.fixture()
def seeded(api: Api, tokens: dict[str, str]) -> Api:
    for dept in DEPARTMENTS:
        response = api.post("/departments", token=tokens["ccxo"], body=department_body(dept))
        assert response.status_code == 201, response.body
    return api
