"""The local OpenID Connect provider (devtools/oidc/provider.mjs, npm `oidc-provider`) for `make
run` and the sign-in tests: it signs with the local issuer's key under the local issuer's
identifier, so the API needs no other configuration to accept what it issues."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Iterator

from devtools import issuer, localstack

SCRIPT = Path(__file__).resolve().parent / "provider.mjs"
CLIENT_ID = issuer.AUDIENCE  # the ID token's `aud` is the client id, as with Cognito
# An identity-only account, as Login.gov signs people in: a subject and an e-mail, no role.
IDENTITY_ONLY = {"login-gov": {"email": "new.user@agency.example.gov", "email_verified": True}}


def demo_accounts() -> dict[str, dict]:
    """Login name -> claims: each demo user (`ccxo`, `auditor`, `dcxo-parks` ...) and `login-gov`.
    The provider's `sub` is the login name (oidc-provider makes the account id the subject)."""
    from devtools.seed import DEMO_USERS

    accounts = {}
    for user in DEMO_USERS:
        login = user.role if user.department is None else f"dcxo-{user.department}"
        claims = {"name": user.name, "custom:role": user.role}
        if user.department:
            claims["custom:department"] = user.department
        accounts[login] = claims
    return {**accounts, **IDENTITY_ONLY}


def _discovery_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def local_provider(port: int, redirect_uris: list[str], post_logout_uris: list[str] | None = None,
                   accounts: dict[str, dict] | None = None, id_token_ttl: int = 3600,
                   log: Path | None = None, workdir: Path | None = None) -> Iterator[str]:
    """oidc-provider on 127.0.0.1:port; yields its discovery URL (the dashboard's
    CXGOV_OIDC_DISCOVERY_URL)."""
    node = shutil.which("node")
    if not node:
        raise RuntimeError("node is not installed: the local identity provider needs it")
    workdir = workdir or localstack.LOCAL
    workdir.mkdir(parents=True, exist_ok=True)
    accounts_file = workdir / f"oidc-accounts-{port}.json"
    accounts_file.write_text(json.dumps(accounts or demo_accounts()))
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_ISSUER": issuer.ISSUER,
           "OIDC_KEY_FILE": str(issuer.ensure_keys()), "OIDC_KID": issuer.KID, "OIDC_CLIENT_ID": CLIENT_ID,
           "OIDC_REDIRECT_URIS": " ".join(redirect_uris), "OIDC_POST_LOGOUT_URIS": " ".join(post_logout_uris or []),
           "OIDC_ACCOUNTS": str(accounts_file), "OIDC_ID_TOKEN_TTL": str(id_token_ttl),
           "NODE_ENV": "development"}
    out = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen([node, str(SCRIPT)], cwd=localstack.ROOT, env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    discovery = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    try:
        localstack.wait_for_port(port, process, 60, "the local OIDC provider")
        for _ in range(100):
            if _discovery_ok(discovery):
                break
            import time
            time.sleep(0.1)
        yield discovery
    finally:
        localstack._stop(process)
        if log:
            out.close()
