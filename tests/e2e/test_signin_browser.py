"""Signing in to the dashboard as production does: Debian's Chromium (Playwright) runs the OIDC
authorization code flow with PKCE against a real provider (npm `oidc-provider`, devtools/oidc)
that signs with the local issuer's key, against chalice local on DynamoDB Local with the demo
organisation. The CCXO reaches the overview, a dcxo sees only its department, a tampered `state`
or `code_verifier` is refused, the session ends cleanly (expiry, sign-out), and the same works
under the stage prefix `/v1` (devtools.stage_gateway, as API Gateway serves it)."""
from __future__ import annotations

import json
import urllib.parse

import pytest
from playwright.sync_api import sync_playwright

from devtools import localstack, stage_gateway
from devtools.oidc import local_provider
from devtools.seed import DEMO_PERIOD
from tests.e2e.conftest import Http
from tests.e2e.test_dashboard_browser import ARTIFACTS, CHROMIUM, FLAGS


@pytest.fixture(scope="module")
def signin(tmp_path_factory):
    """(root URL, /v1 URL, provider discovery URL): one seeded database, the app at the root and
    under /v1, and the provider, which knows both callbacks."""
    work = tmp_path_factory.mktemp("signin")
    api_port, v1_port, oidc_port = localstack.free_port(), localstack.free_port(), localstack.free_port()
    root, v1 = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{v1_port}/v1"
    with localstack.database(localstack.free_port(), log=work / "ddb.log") as endpoint:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env, seed=True)
        with local_provider(oidc_port, [f"{root}/dashboard/callback", f"{v1}/dashboard/callback"],
                            [f"{root}/dashboard", f"{v1}/dashboard"], log=work / "oidc.log",
                            workdir=work) as discovery:
            env = {**env, "CXGOV_DASHBOARD_PERIOD": DEMO_PERIOD, "CXGOV_OIDC_CLIENT_ID": "cxgov-api",
                   "CXGOV_OIDC_DISCOVERY_URL": discovery,
                   "CXGOV_OIDC_SCOPE": "openid profile email cxgov offline_access",
                   "CXGOV_OIDC_AUTH_PARAMS": "prompt=consent"}
            with localstack.chalice_local(api_port, env, log=work / "api.log"), \
                    stage_gateway.stage_gateway(v1_port, env, log=work / "v1.log"):
                yield root, v1, discovery


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class Flow:
    """One browser tab and what crossed the wire: the authorization request and token requests."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1366, "height": 900})
        self.page = self.context.new_page()
        self.authorize: list[str] = []
        self.token_bodies: list[dict[str, str]] = []
        self.problems: list[str] = []
        self.page.on("request", self._seen)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.url = url

    def _seen(self, request) -> None:
        if "/auth?" in request.url:
            self.authorize.append(request.url)
        if request.url.endswith("/token") and request.method == "POST":
            self.token_bodies.append(dict(urllib.parse.parse_qsl(request.post_data or "")))

    def sign_in_at_the_provider(self, login: str, stop_before_callback: bool = False) -> str | None:
        """Dashboard -> Sign in -> the provider's form -> consent; answers the callback URL when
        asked to stop there (the browser does not follow it), else lands back on the dashboard."""
        page = self.page
        page.goto(f"{self.url}/dashboard")
        page.get_by_role("button", name="Sign in").click()
        if stop_before_callback:
            # The provider's answer is a redirect (not interceptable): the callback page is let
            # load without its script, so nothing redeems the code; its URL is the answer.
            page.route("**/dashboard/signin.js", lambda route: route.abort())
        page.wait_for_selector("input[name=login]")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", "any password: the local provider is for development")
        page.click("button[type=submit]")
        page.wait_for_selector("button:has-text('Continue')")
        page.click("button:has-text('Continue')")
        if stop_before_callback:
            page.wait_for_url("**/dashboard/callback?**")
            page.unroute("**/dashboard/signin.js")
            assert "code=" in page.url and "state=" in page.url
            return page.url
        page.wait_for_selector("#status:has-text('Showing')")
        return None

    def storage(self) -> dict:
        return self.page.evaluate("() => ({session: Object.keys(sessionStorage), local: Object.keys(localStorage),"
                                  " cookie: document.cookie})")

    def close(self) -> None:
        self.context.close()


def _rows(page) -> list[str]:
    return page.eval_on_selector_all("#rec-table tbody tr th", "els => els.map(e => e.textContent)")


def test_the_ccxo_signs_in_with_pkce_and_reaches_the_overview(signin, browser):
    root, _, discovery = signin
    flow = Flow(browser, root)
    # Given the CCXO signing in through the organisation's identity provider
    flow.sign_in_at_the_provider("ccxo")
    page = flow.page
    # Then the dashboard shows every department, signed in as the CCXO
    assert "ccxo" in page.inner_text("#who") and "all departments" in page.inner_text("#who")
    token = page.evaluate("() => window.cxgovAuth.token()")
    rollup = Http(root).request("GET", f"/rollup?period={DEMO_PERIOD}", token=token)[2]
    assert sorted(_rows(page)) == sorted(d["department"] for d in rollup["departments"])
    # And it was the code flow with PKCE: an S256 challenge out, the verifier that hashes to it back
    import base64
    import hashlib

    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.authorize[0]).query))
    assert (query["response_type"], query["code_challenge_method"]) == ("code", "S256")
    assert query["redirect_uri"] == f"{root}/dashboard/callback" and len(query["state"]) >= 40
    redeem = next(b for b in flow.token_bodies if b["grant_type"] == "authorization_code")
    digest = base64.urlsafe_b64encode(hashlib.sha256(redeem["code_verifier"].encode()).digest()).rstrip(b"=")
    assert digest.decode() == query["code_challenge"]
    # And the tokens live in this tab's sessionStorage only: no cookie, nothing in localStorage
    kept = flow.storage()
    assert "cxgov.oidc.session" in kept["session"] and kept["local"] == []
    # (cookies ignore ports: the provider's own session cookies are visible here, never a token)
    cookies = page.context.cookies(root)
    assert all(c["name"].startswith(("_session", "_interaction")) for c in cookies), cookies
    assert all(token not in c["value"] for c in cookies)
    page.screenshot(path=str(ARTIFACTS / "signin-ccxo.png"), full_page=True)
    assert flow.problems == []
    flow.close()


def test_a_dcxo_signed_in_sees_only_its_department(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    flow.sign_in_at_the_provider("dcxo-parks")
    assert _rows(flow.page) == ["parks"]
    assert "dcxo, parks" in flow.page.inner_text("#who")
    assert "corp-comms" not in flow.page.inner_html("main")
    assert flow.problems == []
    flow.close()


def test_a_tampered_state_is_refused_and_the_code_never_redeemed(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    callback = flow.sign_in_at_the_provider("ccxo", stop_before_callback=True)
    parts = urllib.parse.urlsplit(callback)
    query = dict(urllib.parse.parse_qsl(parts.query))
    forged = {**query, "state": query["state"][:-4] + ("AAAA" if not query["state"].endswith("AAAA") else "BBBB")}
    flow.page.goto(urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(forged))))
    flow.page.wait_for_selector("#status.error")
    assert "state" in flow.page.inner_text("#status")
    assert flow.token_bodies == []  # the code was not sent to the token endpoint
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    # And the genuine answer, arriving after, finds no pending sign-in either: one answer per sign-in
    flow.page.goto(callback)
    flow.page.wait_for_selector("#status.error")
    assert flow.token_bodies == [] and "cxgov.oidc.session" not in flow.storage()["session"]
    flow.close()


def test_a_tampered_code_verifier_is_refused_by_the_provider(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    callback = flow.sign_in_at_the_provider("ccxo", stop_before_callback=True)
    # Given an attacker's verifier in place of the one the challenge was made from
    flow.page.evaluate("""() => { const p = JSON.parse(sessionStorage.getItem('cxgov.oidc.pending'));
        p.verifier = 'x'.repeat(64); sessionStorage.setItem('cxgov.oidc.pending', JSON.stringify(p)); }""")
    flow.page.goto(callback)
    flow.page.wait_for_selector("#status.error")
    assert "invalid_grant" in flow.page.inner_text("#status")
    assert [b["code_verifier"] for b in flow.token_bodies] == ["x" * 64]
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    flow.close()


def test_the_session_renews_before_expiry_then_ends_with_a_clear_re_sign_in(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    flow.page.clock.install()
    flow.sign_in_at_the_provider("auditor")
    # When the clock reaches a minute before the token's expiry, the refresh token renews it
    flow.page.clock.fast_forward("59:10")
    flow.page.wait_for_timeout(1500)
    assert [b["grant_type"] for b in flow.token_bodies].count("refresh_token") >= 1
    assert flow.page.evaluate("() => window.cxgovAuth.token()") is not None
    # When renewal is no longer possible (the provider refuses), the page says to sign in again
    flow.page.route("**/token", lambda route: route.fulfill(status=400, content_type="application/json",
                                                              body=json.dumps({"error": "invalid_grant"})))
    flow.page.clock.fast_forward("02:00:00")
    flow.page.wait_for_selector("#status:has-text('sign in again')")
    assert flow.page.evaluate("() => window.cxgovAuth.token()") is None
    assert flow.page.get_by_role("button", name="Sign in").is_visible()
    flow.close()


def test_sign_out_forgets_the_tokens_and_ends_the_provider_session(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    flow.sign_in_at_the_provider("ccxo")
    flow.page.get_by_role("button", name="Sign out").click()
    flow.page.wait_for_url("**/session/end**")
    assert "id_token_hint" in flow.page.url and "post_logout_redirect_uri" in flow.page.url
    flow.page.click("button[autofocus]")  # the provider's "sign out?" confirmation
    flow.page.wait_for_url(f"{root}/dashboard**")
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    assert flow.page.evaluate("() => window.cxgovAuth.token()") is None
    flow.close()


def test_under_the_stage_prefix_the_dashboard_signs_in_and_calls_the_api_relative(signin, browser):
    _, v1, _ = signin
    flow = Flow(browser, v1)
    flow.sign_in_at_the_provider("ccxo")
    page = flow.page
    assert page.url.startswith(f"{v1}/dashboard")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.authorize[0]).query))
    assert query["redirect_uri"] == f"{v1}/dashboard/callback"
    # Every request the page made went under /v1 (scripts, charts, the API)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#status:has-text('Showing')")
    ours = [u for u in requests if u.startswith(v1.rsplit("/v1", 1)[0])]
    assert ours and all(u.startswith(v1 + "/") for u in ours), ours
    assert any("/v1/rollup" in u for u in ours) and any("/v1/dashboard/charts/" in u for u in ours)
    assert len(_rows(page)) > 1
    page.screenshot(path=str(ARTIFACTS / "signin-ccxo-v1.png"), full_page=True)
    assert flow.problems == []
    flow.close()


def test_a_login_gov_identity_is_refused_until_the_ccxo_grants_then_sees_the_granted_scope(signin, browser):
    from devtools import issuer
    root, _, _ = signin
    subject = "login-gov"  # the local provider's subject is the login
    api = Http(root)
    # Given a person whose identity provider asserts identity only (no role claim)
    flow = Flow(browser, root)
    flow.page.goto(f"{root}/dashboard")
    flow.page.get_by_role("button", name="Sign in").click()
    flow.page.fill("input[name=login]", "login-gov")
    flow.page.fill("input[name=password]", "x")
    flow.page.click("button[type=submit]")
    flow.page.click("button:has-text('Continue')")
    # Then the dashboard is refused, and the message names the subject to grant
    flow.page.wait_for_selector("#status.error")
    assert subject in flow.page.inner_text("#status")
    # When the CCXO grants dcxo of public-works
    ccxo = issuer.mint("ccxo", name="Morgan Reyes", subject="demo-ccxo-org")
    status, _, _ = api.request("PUT", f"/settings/users/{subject}", token=ccxo,
                               body={"role": "dcxo", "department": "public-works", "version": 0})
    assert status == 200
    # Then the same session sees exactly that department
    flow.page.get_by_role("button", name="Show").click()
    flow.page.wait_for_selector("#status:has-text('Showing')")
    assert _rows(flow.page) == ["public-works"]
    assert "dcxo, public-works" in flow.page.inner_text("#who")
    # And a revocation takes effect on the next request
    assert api.request("DELETE", f"/settings/users/{subject}", token=ccxo)[0] == 204
    flow.page.get_by_role("button", name="Show").click()
    flow.page.wait_for_selector("#status.error")
    flow.close()
