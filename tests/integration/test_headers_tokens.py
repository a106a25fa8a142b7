"""Issue 25, items 7 and 9 through HTTP: `X-Content-Type-Options: nosniff` on every answer, tokens
that live too long, a malformed department claim on `/me`, and a source created without `name`."""
from __future__ import annotations

import pytest

from devtools import issuer
from tests.georeport_server import serve


@pytest.mark.parametrize("method, path, token, status", [
    ("GET", "/health", None, 200),
    ("GET", "/openapi.json", None, 200),
    ("GET", "/me", None, 401),                              # an error from the route
    ("GET", "/me", "ccxo", 200),
    ("GET", "/departments", "ccxo", 200),
    ("GET", "/departments/harbour", "dcxo-parks", 403),     # another department
    ("DELETE", "/departments", "ccxo", 405),                # Chalice's own error, reshaped
    ("GET", "/dashboard", None, 200),                       # the dashboard's page
    ("GET", "/dashboard/static/core.js", None, 200),         # and an asset
])
def test_every_answer_says_nosniff(seeded, tokens, method, path, token, status):
    response = seeded.request(method, path, token=tokens[token] if token else None)
    assert response.status_code == status, (path, response.status_code, response.body[:200])
    assert response.headers.get("X-Content-Type-Options") == "nosniff", (path, dict(response.headers))


def test_a_token_living_longer_than_the_maximum_is_401(api, monkeypatch):
    day = 24 * 3600
    long_lived = issuer.mint("ccxo", ttl_seconds=day + 60)
    response = api.get("/me", token=long_lived)
    assert response.status_code == 401, response.body
    assert "longer than 86400 seconds" in response.json["error"]["message"]
    # exactly the maximum is fine, and the maximum is configured
    assert api.get("/me", token=issuer.mint("ccxo", ttl_seconds=day)).status_code == 200
    monkeypatch.setenv("CXGOV_MAX_TOKEN_LIFETIME_SECONDS", str(2 * day))
    assert api.get("/me", token=long_lived).status_code == 200


def test_a_token_whose_iat_is_not_a_number_is_401(api):
    token = issuer.mint("ccxo", extra={"iat": "yesterday"})
    assert api.get("/me", token=token).status_code == 401


@pytest.mark.parametrize("department", ["Parks", "../harbour", "parks/x", "p", "parks\u202e", "a" * 41])
@pytest.mark.parametrize("path", ["/me", "/me/digest"])
def test_me_refuses_a_malformed_department_claim_as_other_routes_do(seeded, path, department):
    token = issuer.mint("dcxo", department)
    other = seeded.get("/departments/parks/feedback", token=token)
    assert other.status_code == 403
    response = seeded.get(path, token=token)
    assert response.status_code == 403, response.body
    assert set(response.json) == {"error"}  # the error envelope, not the caller's scope


def test_me_still_answers_a_well_formed_department(seeded, tokens):
    response = seeded.get("/me", token=tokens["dcxo-parks"])
    assert response.status_code == 200 and response.json["department"] == "parks"


def test_a_source_without_a_name_is_named_by_its_host(seeded, tokens):
    with serve() as (url, _server):
        body = {"base_url": url, "jurisdiction_id": "sfgov.org"}  # the contract's fields only
        response = seeded.post("/departments/parks/sources", token=tokens["dcxo-parks"], body=body)
        assert response.status_code == 201, response.body
        host = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
        assert response.json["name"] == host == "127.0.0.1"
        named = seeded.post("/departments/parks/sources", token=tokens["dcxo-parks"],
                            body={**body, "name": "SF311"})
        assert named.status_code == 201 and named.json["name"] == "SF311"
