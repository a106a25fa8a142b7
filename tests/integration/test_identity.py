"""Identity: only RS256 tokens from our issuer, for our audience, in date, reach any data."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from devtools import issuer


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"iss": issuer.ISSUER, "aud": issuer.AUDIENCE, "iat": now, "nbf": now, "exp": now + 600,
              "sub": "attacker", "custom:role": "ccxo"}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _public_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(issuer.ensure_keys().read_bytes(), None)
    return private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)


def _hs256_with_public_key() -> str:
    # Built by hand: PyJWT itself refuses a PEM as an HMAC secret, an attacker would not.
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': issuer.KID})}.{_b64(_claims())}"
    mac = hmac.new(_public_pem(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def _forged_tokens() -> dict[str, str]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    good = issuer.mint("dcxo", "parks")
    header, payload, signature = good.split(".")
    tampered_payload = _b64({**jwt.decode(good, options={"verify_signature": False}),
                             "custom:department": "harbour"})
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
        "alg none with kid": f"{_b64({'alg': 'none', 'kid': issuer.KID})}.{_b64(_claims())}.",
        # The classic confusion: HMAC "signed" with the RSA public key.
        "HS256 with the public key": _hs256_with_public_key(),
        "signed by another key": jwt.encode(_claims(), other_key, algorithm="RS256",
                                            headers={"kid": issuer.KID}),
        "unknown kid": jwt.encode(_claims(), other_key, algorithm="RS256", headers={"kid": "evil"}),
        "no kid": jwt.encode(_claims(), other_key, algorithm="RS256"),
        "wrong issuer": issuer.mint("ccxo", extra={"iss": "https://evil.example"}),
        "wrong audience": issuer.mint("ccxo", extra={"aud": "another-api"}),
        "expired": issuer.mint("ccxo", extra={"exp": int(time.time()) - 3600}),
        "not yet valid": issuer.mint("ccxo", extra={"nbf": int(time.time()) + 3600}),
        "no expiry": jwt.encode(_claims(exp=None), issuer.ensure_keys().read_bytes(), algorithm="RS256",
                                headers={"kid": issuer.KID}),
        "department claim tampered": f"{header}.{tampered_payload}.{signature}",
        "truncated": good[:-10],
        "garbage": "not.a.jwt",
        "empty segments": "..",
    }


@pytest.mark.parametrize("name", list(_forged_tokens()))
def test_forged_tokens_are_401_and_reach_no_data(seeded, api, name):
    token = _forged_tokens()[name]
    for path in ("/me", "/departments", "/departments/harbour"):
        response = api.get(path, token=token)
        assert response.status_code == 401, (name, path, response.body)
        assert response.json["error"]["code"] == "unauthenticated"
        assert "Harbour" not in response.body.decode()
    created = api.post("/departments", token=token, body={"id": "evil", "name": "Evil"})
    assert created.status_code == 401


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_non_bearer_authorization_is_401(api, header):
    headers = {"Authorization": header} if header is not None else {}
    response = api.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("extra", [
    {"custom:role": "admin"},
    {"custom:role": "dcxo"},  # a dcxo without a department
    {"custom:role": None, "cognito:groups": ["ccxo", "auditor"]},
    {"custom:role": None, "cognito:groups": []},
    {"custom:role": None, "cognito:groups": "ccxo"},
])
def test_tokens_without_exactly_one_role_are_403(api, extra):
    token = jwt.encode(_claims(**extra), issuer.ensure_keys().read_bytes(), algorithm="RS256",
                       headers={"kid": issuer.KID})
    response = api.get("/me", token=token)
    assert response.status_code == 403


def test_cognito_groups_give_role_and_department(api):
    token = jwt.encode(_claims(**{"custom:role": None, "cognito:groups": ["dcxo-parks"]}),
                       issuer.ensure_keys().read_bytes(), algorithm="RS256", headers={"kid": issuer.KID})
    me = api.get("/me", token=token)
    assert me.status_code == 200
    assert me.json["role"] == "dcxo" and me.json["department"] == "parks"


def test_me_shows_role_and_scope(api, tokens):
    assert api.get("/me", token=tokens["ccxo"]).json["org_wide"] is True
    me = api.get("/me", token=tokens["dcxo-parks"]).json
    assert (me["role"], me["department"], me["org_wide"]) == ("dcxo", "parks", False)


def test_health_and_openapi_need_no_token(api):
    assert api.get("/health").json == {"status": "ok", "service": "cxgov"}
    assert api.get("/openapi.json").json["openapi"] == "3.1.0"
