"""Identity-only tokens (Login.gov asserts who, never what role) get the role the CCXO grants in
the directory, exactly that scope, and nothing before or after; every change is kept. Tokens with
Entra ID's `roles`/`groups` map to cxgov roles as the stage configures."""
from __future__ import annotations

import pytest

from devtools import issuer
from tests.integration.conftest import department_body

LOGIN_GOV_SUB = "9f2c1e44-6a4b-4f6e-9a63-1d2f0c8b7e51"


def _login_gov_token(sub: str = LOGIN_GOV_SUB) -> str:
    # What Login.gov's id_token carries: identity and assurance, no role or group claim.
    return issuer.mint_claims({"sub": sub, "email": "dana.ortiz@parks.example.gov", "email_verified": True,
                               "acr": "urn:acr.login.gov:auth-only", "nonce": "n-0S6_WzA2Mj"})


def test_a_login_gov_token_is_refused_until_granted_then_gets_exactly_the_granted_scope(seeded, tokens):
    api = seeded
    token = _login_gov_token()
    # Given a Login.gov user without any grant
    refused = api.get("/me", token=token)
    assert refused.status_code == 403
    assert LOGIN_GOV_SUB in refused.json["error"]["message"]  # says which subject to grant
    assert api.get("/departments/parks", token=token).status_code == 403
    # When the CCXO grants dcxo of parks
    granted = api.put(f"/settings/users/{LOGIN_GOV_SUB}", token=tokens["ccxo"],
                      body={"role": "dcxo", "department": "parks", "label": "Dana Ortiz", "version": 0,
                            "reason": "appointed DCXO, memo 2026-114"})
    assert granted.status_code == 200, granted.body
    assert granted.json["role"] == "dcxo" and granted.json["department"] == "parks"
    # Then the same token is a dcxo of parks: its own department, not harbour, not the org rollup
    me = api.get("/me", token=token).json
    assert (me["role"], me["department"], me["org_wide"]) == ("dcxo", "parks", False)
    assert api.get("/departments/parks", token=token).status_code == 200
    assert api.get("/departments/harbour", token=token).status_code == 403
    assert api.get("/rollup", token=token).status_code == 403
    listed = api.get("/departments", token=token).json["items"]
    assert [d["id"] for d in listed] == ["parks"]
    journey = api.post("/departments/parks/journeys", token=token,
                       body={"name": "Book a picnic shelter", "channels": ["web"]})
    assert journey.status_code == 201
    assert api.post("/departments/harbour/journeys", token=token,
                    body={"name": "x", "channels": ["web"]}).status_code == 403
    # When the CCXO revokes it, the next request is refused again
    assert api.request("DELETE", f"/settings/users/{LOGIN_GOV_SUB}?reason=left%20the%20post",
                       token=tokens["ccxo"]).status_code == 204
    assert api.get("/me", token=token).status_code == 403
    assert api.get(f"/settings/users/{LOGIN_GOV_SUB}", token=tokens["ccxo"]).status_code == 404


def test_every_change_is_kept_with_who_when_before_and_after(seeded, tokens):
    api = seeded
    path = f"/settings/users/{LOGIN_GOV_SUB}"
    ccxo_sub = issuer.jwt.decode(tokens["ccxo"], options={"verify_signature": False})["sub"]
    assert api.put(path, token=tokens["ccxo"], body={"role": "dcxo", "department": "parks"}).status_code == 200
    assert api.put(path, token=tokens["ccxo"], body={"role": "auditor", "version": 1,
                                                     "reason": "moved to internal audit"}).status_code == 200
    # A stale version is a 409 and changes nothing
    stale = api.put(path, token=tokens["ccxo"], body={"role": "ccxo", "version": 1})
    assert stale.status_code == 409 and stale.json["error"]["details"][0]["field"] == "version"
    assert api.request("DELETE", path, token=tokens["ccxo"]).status_code == 204
    changes = api.get(path + "/changes", token=tokens["auditor"]).json["items"]
    assert [(c["seq"], c["before"], c["after"]) for c in changes] == [
        (1, None, {"role": "dcxo", "department": "parks"}),
        (2, {"role": "dcxo", "department": "parks"}, {"role": "auditor", "department": None}),
        (3, {"role": "auditor", "department": None}, None),
    ]
    assert {c["by"] for c in changes} == {ccxo_sub}
    assert {c["by_name"] for c in changes} == {"Chief CX Officer"}
    assert changes[1]["reason"] == "moved to internal audit"
    assert changes[0]["at"] <= changes[1]["at"] <= changes[2]["at"]
    everything = api.get("/settings/user-changes", token=tokens["ccxo"]).json["items"]
    assert [c["seq"] for c in everything if c["subject"] == LOGIN_GOV_SUB] == [3, 2, 1]  # newest first


@pytest.mark.parametrize("body, field", [
    ({"role": "dcxo"}, "department"),
    ({"role": "ccxo", "department": "parks"}, "department"),
    ({"role": "dcxo", "department": "atlantis"}, "department"),
    ({"role": "root"}, "role"),
    ({"role": "ccxo", "admin": True}, "admin"),
])
def test_bad_grants_are_refused_naming_the_field_and_write_nothing(seeded, tokens, body, field):
    api = seeded
    response = api.put(f"/settings/users/{LOGIN_GOV_SUB}", token=tokens["ccxo"], body=body)
    assert response.status_code == 400
    assert field in {d["field"] for d in response.json["error"]["details"]}
    assert api.get(f"/settings/users/{LOGIN_GOV_SUB}/changes", token=tokens["ccxo"]).json["items"] == []


def test_only_the_ccxo_grants_and_nobody_changes_their_own_entry(seeded, tokens):
    api = seeded
    for who in ("auditor", "dcxo-parks"):
        assert api.put(f"/settings/users/{LOGIN_GOV_SUB}", token=tokens[who],
                       body={"role": "ccxo"}).status_code == 403
    assert api.get("/settings/users", token=tokens["dcxo-parks"]).status_code == 403
    # A CCXO whose own role comes from the directory cannot demote or promote itself
    assert api.put(f"/settings/users/{LOGIN_GOV_SUB}", token=tokens["ccxo"], body={"role": "ccxo"}).status_code == 200
    own = api.put(f"/settings/users/{LOGIN_GOV_SUB}", token=_login_gov_token(), body={"role": "auditor", "version": 1})
    assert own.status_code == 403
    assert api.get("/me", token=_login_gov_token()).json["role"] == "ccxo"
    assert api.get("/settings/users/not%20a%20subject", token=tokens["ccxo"]).status_code == 404


def test_a_token_with_role_claims_never_consults_the_directory(seeded, tokens):
    api = seeded
    dcxo = issuer.mint("dcxo", "parks", subject=LOGIN_GOV_SUB)
    assert api.put(f"/settings/users/{LOGIN_GOV_SUB}", token=tokens["ccxo"], body={"role": "ccxo"}).status_code == 200
    me = api.get("/me", token=dcxo).json
    assert (me["role"], me["department"]) == ("dcxo", "parks")  # the token's own claim wins


ENTRA = {
    "CXGOV_ROLE_CLAIM": "",
    "CXGOV_GROUP_CLAIMS": "roles,groups",
    "CXGOV_GROUP_PATTERNS": "CXGOV.CCXO=ccxo,CXGOV.Auditor=auditor,CXGOV.DCXO.{dept}=dcxo,"
                            "0b4e3f5a-1c2d-4e6f-8a9b-0c1d2e3f4a5b=dcxo:harbour",
}


def _entra(**claims) -> str:
    return issuer.mint_claims({"sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "oid": "00000000-0000-0000-66f3-3332eca7ea81",
                               "tid": "9188040d-6c67-4c5b-b112-36a304b66dad", "name": "Riley Chen", **claims})


@pytest.mark.parametrize("claims, role, dept", [
    ({"roles": ["CXGOV.CCXO"]}, "ccxo", None),
    ({"roles": ["CXGOV.Auditor", "Reader"]}, "auditor", None),
    ({"roles": ["CXGOV.DCXO.parks"]}, "dcxo", "parks"),
    ({"groups": ["0b4e3f5a-1c2d-4e6f-8a9b-0c1d2e3f4a5b", "5e6f7a8b-0000-4000-8000-000000000000"]}, "dcxo", "harbour"),
    ({"roles": ["CXGOV.DCXO.parks"], "groups": ["5e6f7a8b-0000-4000-8000-000000000000"]}, "dcxo", "parks"),
])
def test_entra_id_roles_and_groups_map_as_configured(seeded, monkeypatch, claims, role, dept):
    for name, value in ENTRA.items():
        monkeypatch.setenv(name, value)
    me = seeded.get("/me", token=_entra(**claims))
    assert me.status_code == 200, me.body
    assert (me.json["role"], me.json["department"]) == (role, dept)
    assert me.json["name"] == "Riley Chen"


@pytest.mark.parametrize("claims", [
    {"roles": ["CXGOV.CCXO", "CXGOV.DCXO.parks"]},               # two roles
    {"roles": ["CXGOV.DCXO.parks"], "groups": ["0b4e3f5a-1c2d-4e6f-8a9b-0c1d2e3f4a5b"]},  # two departments
    {"roles": "CXGOV.CCXO"},                                     # not a list
    {"roles": ["cxgov.ccxo"]},                                   # patterns are exact
    {"custom:role": "ccxo"},                                     # Entra's stage reads no custom:role
])
def test_entra_id_conflicting_or_unmapped_claims_are_a_403(seeded, monkeypatch, claims):
    for name, value in ENTRA.items():
        monkeypatch.setenv(name, value)
    assert seeded.get("/me", token=_entra(**claims)).status_code == 403


def test_cognito_claims_that_conflict_are_a_403(seeded):
    token = issuer.mint("dcxo", "parks", extra={"cognito:groups": ["ccxo"]})
    assert seeded.get("/me", token=token).status_code == 403
    agreeing = issuer.mint("ccxo", extra={"cognito:groups": ["ccxo", "readers"]})
    assert seeded.get("/me", token=agreeing).json["role"] == "ccxo"


def test_a_misconfigured_pattern_is_a_503_not_a_guess(seeded, monkeypatch):
    monkeypatch.setenv("CXGOV_GROUP_PATTERNS", "ccxo-{dept}=ccxo")
    response = seeded.get("/me", token=issuer.mint("ccxo"))
    assert response.status_code == 503
    assert "CXGOV_GROUP_PATTERNS" in response.json["error"]["message"]


def test_the_deployer_grants_the_first_ccxo_with_the_cli_recorded_like_any_change(seeded, tokens):
    from click.testing import CliRunner

    from cxgov_cli.main import cli

    # Given a Login.gov organisation where nobody holds a role yet
    assert seeded.get("/me", token=_login_gov_token()).status_code == 403
    # When the deployer grants the first CCXO with AWS credentials
    result = CliRunner().invoke(cli, ["grant", "--subject", LOGIN_GOV_SUB, "--role", "ccxo",
                                      "--reason", "first CCXO, appointed by the Secretary"])
    assert result.exit_code == 0, result.output
    # Then that person is the CCXO, and the change names the deployer's AWS identity
    assert seeded.get("/me", token=_login_gov_token()).json["role"] == "ccxo"
    change = seeded.get(f"/settings/users/{LOGIN_GOV_SUB}/changes", token=tokens["auditor"]).json["items"][0]
    assert change["by"].startswith("arn:aws:") and change["after"] == {"role": "ccxo", "department": None}
    # And bad input is refused before anything is written
    bad = CliRunner().invoke(cli, ["grant", "--subject", "x y", "--role", "dcxo", "--department", "atlantis",
                                   "--reason", "r"])
    assert bad.exit_code != 0
    assert len(seeded.get("/settings/user-changes", token=tokens["ccxo"]).json["items"]) == 1
