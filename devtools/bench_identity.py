"""Identity's cost per request (issue 19): DynamoDB calls for tokens with role claims (none), for
an identity-only token (Login.gov: one GetItem of the role directory), for a directory change; and
the time the claim mapping adds to a request, in process. Runs on the database bench.py started."""
from __future__ import annotations

import json
import os
import time

from devtools import callcount, issuer

LOGIN_GOV = "9f2c1e44-6a4b-4f6e-9a63-1d2f0c8b7e51"
ENTRA = {"CXGOV_ROLE_CLAIM": "", "CXGOV_GROUP_CLAIMS": "roles,groups",
         "CXGOV_GROUP_PATTERNS": "CXGOV.CCXO=ccxo,CXGOV.Auditor=auditor,CXGOV.DCXO.{dept}=dcxo"}


def _mapping_microseconds(claims: dict, rounds: int = 20000) -> float:
    from chalicelib.core.auth import principal_from_claims

    started = time.perf_counter()
    for _ in range(rounds):
        principal_from_claims(claims)
    return (time.perf_counter() - started) / rounds * 1e6


def run(client) -> None:
    def call(method: str, path: str, token: str, body=None):
        with callcount.counting() as calls:
            response = client.http.request(method, path, body=json.dumps(body) if body else None,
                                           headers={"Content-Type": "application/json",
                                                    "Authorization": f"Bearer {token}"})
        return response, calls

    ccxo = issuer.mint("ccxo")
    login_gov = issuer.mint_claims({"sub": LOGIN_GOV, "email": "dana@parks.example.gov"})
    cases = [("GET /health (public)", *call("GET", "/health", "")),
             ("GET /me, custom:role token", *call("GET", "/me", ccxo)),
             ("GET /me, Login.gov token, no grant", *call("GET", "/me", login_gov)),
             ("PUT /settings/users/{subject}", *call("PUT", f"/settings/users/{LOGIN_GOV}", ccxo,
                                                     {"role": "dcxo", "department": "parks"})),
             ("GET /me, Login.gov token, granted", *call("GET", "/me", login_gov))]
    saved = {k: os.environ.get(k) for k in ENTRA}
    os.environ.update(ENTRA)
    try:
        cases.append(("GET /me, Entra ID roles token", *call("GET", "/me", issuer.mint_claims(
            {"sub": "entra-bench", "roles": ["CXGOV.DCXO.parks"]}))))
        entra_us = _mapping_microseconds({"sub": "e", "roles": ["CXGOV.DCXO.parks", "Reader"],
                                          "groups": [f"g{i}" for i in range(50)]})
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    cognito_us = _mapping_microseconds({"sub": "c", "cognito:groups": ["dcxo-parks", "readers"]})
    print("Identity, DynamoDB calls per request:")
    for label, response, calls in cases:
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"
        print(f"  {label:<38} {response.status_code}  calls {sum(calls.values())}: {detail}")
    print(f"  claim mapping per token: Cognito groups {cognito_us:.1f} µs, Entra ID roles + 50 groups "
          f"{entra_us:.1f} µs (in process, after the first)")
