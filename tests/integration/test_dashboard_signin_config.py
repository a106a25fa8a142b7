"""What the dashboard page hands its sign-in script, and the one door its Content-Security-Policy
opens for it: the issuer's discovery and token endpoints (Cognito's hosted domain too)."""
from __future__ import annotations

import json
import re


def _config(html: bytes | str) -> dict:
    html = html.decode() if isinstance(html, bytes) else html
    return json.loads(re.search(r'<script type="application/json" id="dashboard-config">(.*?)</script>', html, re.S).group(1))


def test_without_a_client_id_there_is_no_sign_in_and_the_page_fetches_only_this_api(api):
    page = api.get("/dashboard")
    assert _config(page.body)["oidc"] is None and _config(page.body)["base"] == "/"
    assert "connect-src 'self';" in page.headers["Content-Security-Policy"]


def test_cognito_settings_reach_the_page_and_open_only_its_origins(api, monkeypatch):
    # Given the prod stage's Cognito settings (as the template sets them)
    pool = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
    domain = "https://cxgov-1f2e3d4c.auth.us-east-1.amazoncognito.com"
    monkeypatch.setenv("CXGOV_OIDC_ISSUER", pool)
    monkeypatch.setenv("CXGOV_OIDC_CLIENT_ID", "4q2vd0ex7n3k8s9l1m5p6r7t8u")
    monkeypatch.setenv("CXGOV_OIDC_ORIGINS", domain)
    monkeypatch.setenv("CXGOV_OIDC_LOGOUT_URL", domain + "/logout")
    monkeypatch.setenv("CXGOV_OIDC_AUTH_PARAMS", "acr_values=urn:acr.login.gov:auth-only&prompt=select_account")
    page = api.get("/dashboard")
    oidc = _config(page.body)["oidc"]
    assert (oidc["issuer"], oidc["client_id"], oidc["bearer"]) == (pool, "4q2vd0ex7n3k8s9l1m5p6r7t8u", "id_token")
    assert oidc["extra_params"] == {"acr_values": "urn:acr.login.gov:auth-only", "prompt": "select_account"}
    assert oidc["logout_url"] == domain + "/logout" and oidc["discovery_url"] is None
    csp = page.headers["Content-Security-Policy"]
    connect = re.search(r"connect-src ([^;]+);", csp).group(1).split()
    assert sorted(connect) == sorted(["'self'", "https://cognito-idp.us-east-1.amazonaws.com", domain])
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp


def test_the_callback_page_takes_what_providers_append(api, monkeypatch):
    monkeypatch.setenv("CXGOV_OIDC_CLIENT_ID", "cxgov-api")
    page = api.get("/dashboard/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=https%3A%2F%2Fissuer"
                   "&session_state=abc")
    assert page.status_code == 200 and b'data-page="callback"' in page.body
    assert b'<script src="signin.js">' in page.body
    too_long = api.get("/dashboard/callback?code=" + "x" * 5000)
    assert too_long.status_code == 400 and too_long.json["error"]["details"][0]["field"] == "code"
