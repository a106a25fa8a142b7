"""What the dashboard's pages hand their sign-in script (static/signin.js, loaded before core.js),
and the one door their Content-Security-Policy opens for it: the issuer's discovery and token
endpoints (Cognito's hosted domain too)."""
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
    assert b'<script src="static/signin.js">' in page.body and b'href="uswds/css/uswds.min.css"' in page.body
    assert _config(page.body)["page"] == "callback" and _config(page.body)["oidc"]["client_id"] == "cxgov-api"
    too_long = api.get("/dashboard/callback?code=" + "x" * 5000)
    assert too_long.status_code == 400 and too_long.json["error"]["details"][0]["field"] == "code"


PAGES = {"/dashboard": ("overview", {}, "dashboard/"), "/dashboard/trends": ("trends", {}, ""),
         "/dashboard/tracker": ("tracker", {}, ""), "/dashboard/departments/parks": ("department", {"dept": "parks"}, "../"),
         "/dashboard/recommendations/parks/1a230ef83e4fa52ac8627": ("recommendation", {"dept": "parks", "rec_id": "1a230ef83e4fa52ac8627"}, "../../")}


def test_every_page_loads_the_sign_in_before_core_and_opens_only_the_issuer(api, monkeypatch):
    # Given a stage whose dashboard signs in at a provider on another origin
    monkeypatch.setenv("CXGOV_OIDC_CLIENT_ID", "cxgov-api")
    monkeypatch.setenv("CXGOV_OIDC_DISCOVERY_URL", "https://login.example.gov/.well-known/openid-configuration")
    for path, (name, params, base) in PAGES.items():
        # When any page of the dashboard is served
        page = api.get(path)
        html = page.body.decode()
        # Then it carries its own page and parameters and the sign-in settings, side by side
        config = _config(html)
        assert (config["page"], config["params"], config["base"]) == (name, params, "/"), path
        assert config["oidc"]["discovery_url"].startswith("https://login.example.gov/"), path
        # And signin.js comes before core.js, from the page's relative static path
        signin, core = html.index(f'<script src="{base}static/signin.js">'), html.index(f'<script src="{base}static/core.js">')
        assert signin < core, path
        # And the CSP lets it reach the provider's origin and nothing else
        connect = re.search(r"connect-src ([^;]+);", page.headers["Content-Security-Policy"]).group(1).split()
        assert connect == ["'self'", "https://login.example.gov"], path
        # And the header offers Sign in (shown by the script once it knows the page is configured)
        assert 'id="sign-in">Sign in</button>' in html and 'id="sign-out" hidden>Sign out</button>' in html, path


def test_the_script_is_served_as_a_static_file(api):
    script = api.get("/dashboard/static/signin.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert b"window.cxgovAuth = api" in script.body
