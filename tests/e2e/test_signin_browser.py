"""Signing in to the dashboard (v2, USWDS) as production does: Debian's Chromium (Playwright) runs
the OIDC authorization code flow with PKCE against a real provider (npm `oidc-provider`,
devtools/oidc) that signs with the local issuer's key, against chalice local on DynamoDB Local with
the demo organisation. The CCXO reaches the overview, a dcxo sees only its department (deep links
included), a tampered `state` or `code_verifier` is refused, the session ends cleanly (expiry,
sign-out), the header's sign-in controls have no axe-core violation, and the same works under the
stage prefix `/v1` (devtools.stage_gateway, as API Gateway serves it)."""
from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse

import pytest

from devtools import localstack, stage_gateway
from devtools.oidc import local_provider
from devtools.seed import DEMO_PERIOD, DEMO_USERS
from tests.e2e.conftest import Http, Page


@pytest.fixture(scope="module")
def signin(tmp_path_factory):
    """(root URL, /v1 URL, provider discovery URL): one seeded database, the app at the root and
    under /v1 (with the demo-user picker), and the provider, which knows both callbacks."""
    from devtools import issuer

    work = tmp_path_factory.mktemp("signin")
    # The demo-user picker beside the sign-in, as `make run` serves both
    picker = [{"label": f"{u.label} ({u.name})", "token": issuer.mint(u.role, u.department, name=u.name)}
              for u in DEMO_USERS]
    (work / "demo-users.json").write_text(json.dumps(picker))
    api_port, v1_port, oidc_port = localstack.free_port(), localstack.free_port(), localstack.free_port()
    root, v1 = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{v1_port}/v1"
    with localstack.database(localstack.free_port(), log=work / "ddb.log") as endpoint:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env, seed=True)
        with local_provider(oidc_port, [f"{root}/dashboard/callback", f"{v1}/dashboard/callback"],
                            [f"{root}/dashboard", f"{v1}/dashboard"], log=work / "oidc.log",
                            workdir=work) as discovery:
            env = {**env, "CXGOV_DASHBOARD_PERIOD": DEMO_PERIOD, "CXGOV_OIDC_CLIENT_ID": "cxgov-api",
                   "CXGOV_DEMO_USERS_FILE": str(work / "demo-users.json"),
                   "CXGOV_OIDC_DISCOVERY_URL": discovery,
                   "CXGOV_OIDC_SCOPE": "openid profile email cxgov offline_access",
                   "CXGOV_OIDC_AUTH_PARAMS": "prompt=consent"}
            with localstack.chalice_local(api_port, env, log=work / "api.log"), \
                    stage_gateway.stage_gateway(v1_port, env, log=work / "v1.log"):
                yield root, v1, discovery


class Flow(Page):
    """A dashboard tab (its own browser context: no provider session carried over) and what crossed
    the wire: the authorization request and the token requests."""

    def __init__(self, browser, url: str):
        super().__init__(browser, url, None)
        self.authorize: list[str] = []
        self.token_bodies: list[dict[str, str]] = []
        self.page.on("request", self._seen)

    def _seen(self, request) -> None:
        if "/auth?" in request.url:
            self.authorize.append(request.url)
        if request.url.endswith("/token") and request.method == "POST":
            self.token_bodies.append(dict(urllib.parse.parse_qsl(request.post_data or "")))

    def sign_in_at_the_provider(self, login: str, stop_before_callback: bool = False, start: str = "/dashboard",
                                shown: bool = True) -> str | None:
        """A dashboard page -> Sign in (the header) -> the provider's form -> consent; answers the
        callback URL when asked to stop there (the browser does not follow it), else lands back on
        the page it started from (with its figures shown, unless `shown` is False)."""
        page = self.page
        page.goto(self.url + start)
        page.get_by_role("banner").get_by_role("button", name="Sign in").click()
        if stop_before_callback:
            # The provider's answer is a redirect (not interceptable): the callback page is let
            # load without its script, so nothing redeems the code; its URL is the answer.
            page.route("**/dashboard/static/signin.js", lambda route: route.abort())
        page.wait_for_selector("input[name=login]")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", "any password: the local provider is for development")
        page.click("button[type=submit]")
        page.wait_for_selector("button:has-text('Continue')")
        page.click("button:has-text('Continue')")
        if stop_before_callback:
            page.wait_for_url("**/dashboard/callback?**")
            page.unroute("**/dashboard/static/signin.js")
            assert "code=" in page.url and "state=" in page.url
            return page.url
        page.wait_for_url(self.url + start)
        if shown:
            page.wait_for_selector("#status:has-text('Showing')")
            page.wait_for_selector("body[data-loaded=all]")
        return None

    def refused(self) -> str:
        """The callback page's error (a USWDS alert), once its script has given up."""
        self.page.wait_for_selector("#status.usa-alert--error")
        assert self.page.get_attribute("#status", "role") == "alert"
        assert self.page.locator("#again a").is_visible()
        return self.page.inner_text("#status")

    def storage(self) -> dict:
        return self.page.evaluate("() => ({session: Object.keys(sessionStorage), local: Object.keys(localStorage),"
                                  " cookie: document.cookie})")

    def close(self) -> None:
        self.page.context.close()


def _rows(page) -> list[str]:
    """The overview's recommendations table: one row per department (its name, then its id)."""
    return page.eval_on_selector_all("#rec-table tbody tr th", "els => els.map(e => e.textContent.split(' ').pop())")


def test_the_ccxo_signs_in_with_pkce_and_reaches_the_overview(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    # Given the dashboard configured with the organisation's identity provider: the header offers
    # "Sign in" (and no "Sign out"), accessibly
    flow.page.goto(f"{root}/dashboard")
    header = flow.page.get_by_role("banner")
    header.get_by_role("button", name="Sign in").wait_for()
    assert header.get_by_role("button", name="Sign out").count() == 0
    assert flow.axe() == []
    # When the CCXO signs in there
    flow.sign_in_at_the_provider("ccxo")
    page = flow.page
    # Then the overview shows every department, signed in as the CCXO, and the header offers "Sign out"
    assert "ccxo" in page.inner_text("#who") and "all departments" in page.inner_text("#who")
    assert header.get_by_role("button", name="Sign out").is_visible()
    assert header.get_by_role("button", name="Sign in").count() == 0
    token = page.evaluate("() => window.cxgovAuth.token()")
    rollup = Http(root).request("GET", f"/rollup?period={DEMO_PERIOD}", token=token)[2]
    assert sorted(_rows(page)) == sorted(d["department"] for d in rollup["departments"])
    assert flow.axe() == []
    # And it was the code flow with PKCE: an S256 challenge out, the verifier that hashes to it back
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.authorize[0]).query))
    assert (query["response_type"], query["code_challenge_method"]) == ("code", "S256")
    assert query["redirect_uri"] == f"{root}/dashboard/callback" and len(query["state"]) >= 40
    redeem = next(b for b in flow.token_bodies if b["grant_type"] == "authorization_code")
    digest = base64.urlsafe_b64encode(hashlib.sha256(redeem["code_verifier"].encode()).digest()).rstrip(b"=")
    assert digest.decode() == query["code_challenge"]
    # And the tokens live in this tab's sessionStorage only: no cookie, nothing in localStorage,
    # and no pasted token kept beside them
    kept = flow.storage()
    assert "cxgov.oidc.session" in kept["session"] and "cxgov.token" not in kept["session"] and kept["local"] == []
    # (cookies ignore ports: the provider's own session cookies are visible here, never a token)
    cookies = page.context.cookies(root)
    assert all(c["name"].startswith(("_session", "_interaction")) for c in cookies), cookies
    assert all(token not in c["value"] for c in cookies)
    flow.shot("signin-ccxo")
    assert _ours(flow, root) == []
    flow.close()


def test_a_dcxo_signed_in_sees_only_its_department_deep_links_included(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    # Given the parks DCXO signing in from a deep link to its own department's page
    flow.sign_in_at_the_provider("dcxo-parks", start="/dashboard/departments/parks")
    # Then the sign-in comes back to that page, which shows parks
    assert "dcxo, parks" in flow.page.inner_text("#who")
    assert "parks" in flow.page.inner_text("h1").lower() or "parks" in flow.page.inner_text("#profile")
    # And the overview shows parks alone, and none of the SMOC's
    flow.open("/dashboard")
    assert _rows(flow.page) == ["parks"]
    assert "corp-comms" not in flow.page.inner_html("main")
    assert _ours(flow, root) == []
    # And a deep link into another department answers "not in your scope" and shows none of its data
    flow.open("/dashboard/departments/corp-comms", expect="")
    assert "Not in your scope" in flow.page.inner_text("#status")
    assert "Social Media" not in flow.page.inner_text("#page")
    assert _ours(flow, root) and all("403" in p for p in _ours(flow, root))
    flow.close()


def test_a_tampered_state_is_refused_and_the_code_never_redeemed(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    callback = flow.sign_in_at_the_provider("ccxo", stop_before_callback=True)
    parts = urllib.parse.urlsplit(callback)
    query = dict(urllib.parse.parse_qsl(parts.query))
    forged = {**query, "state": query["state"][:-4] + ("AAAA" if not query["state"].endswith("AAAA") else "BBBB")}
    flow.page.goto(urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(forged))))
    assert "state" in flow.refused()
    assert flow.token_bodies == []  # the code was not sent to the token endpoint
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    # And the code left the address bar; the refusal is an accessible USWDS alert
    assert "code=" not in flow.page.url
    assert flow.axe() == []
    # And the genuine answer, arriving after, finds no pending sign-in either: one answer per sign-in
    flow.page.goto(callback)
    flow.refused()
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
    assert "invalid_grant" in flow.refused()
    assert [b["code_verifier"] for b in flow.token_bodies] == ["x" * 64]
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    flow.close()


def test_the_session_renews_before_expiry_then_ends_with_a_clear_re_sign_in(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    flow.page.clock.install()
    flow.sign_in_at_the_provider("auditor")
    first = flow.page.evaluate("() => window.cxgovAuth.token()")
    # When the clock reaches a minute before the token's expiry, the refresh token renews it
    flow.page.clock.fast_forward("59:10")
    for _ in range(50):
        flow.page.wait_for_timeout(200)
        if flow.page.evaluate("() => window.cxgovAuth.token()") not in (None, first):
            break
    assert flow.page.evaluate("() => window.cxgovAuth.token()") not in (None, first)
    assert [b["grant_type"] for b in flow.token_bodies].count("refresh_token") >= 1
    assert "Showing" in flow.page.inner_text("#status")  # the page carried on, on the renewed token
    # When renewal is no longer possible (the provider refuses), the page says to sign in again
    flow.page.route("**/token", lambda route: route.fulfill(status=400, content_type="application/json",
                                                              body=json.dumps({"error": "invalid_grant"})))
    flow.page.clock.fast_forward("02:00:00")
    flow.page.wait_for_selector("#status.usa-alert--error:has-text('sign in again')")
    assert flow.page.evaluate("() => window.cxgovAuth.token()") is None
    assert flow.page.inner_text("#who") == ""
    header = flow.page.get_by_role("banner")
    assert header.get_by_role("button", name="Sign in").is_visible()
    assert header.get_by_role("button", name="Sign out").count() == 0
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    flow.close()


def test_sign_out_forgets_the_tokens_and_ends_the_provider_session(signin, browser):
    root, _, _ = signin
    flow = Flow(browser, root)
    flow.sign_in_at_the_provider("ccxo")
    flow.page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    flow.page.wait_for_url("**/session/end**")
    assert "id_token_hint" in flow.page.url and "post_logout_redirect_uri" in flow.page.url
    flow.page.click("button[autofocus]")  # the provider's "sign out?" confirmation
    flow.page.wait_for_url(f"{root}/dashboard**")
    assert "cxgov.oidc.session" not in flow.storage()["session"]
    assert flow.page.evaluate("() => window.cxgovAuth.token()") is None
    flow.page.get_by_role("banner").get_by_role("button", name="Sign in").wait_for()
    # And the dashboard asks for a sign-in again rather than showing figures
    flow.page.get_by_role("button", name="Show").click()
    flow.page.wait_for_selector("#status.usa-alert--error:has-text('Sign in')")
    flow.close()


def test_the_demo_picker_and_a_pasted_token_still_work_beside_the_sign_in(signin, browser):
    from devtools import issuer
    root, _, _ = signin
    flow = Flow(browser, root)
    # Given a pasted token (the SMOC's DCXO), the page shows its caller
    flow.page.goto(f"{root}/dashboard")
    flow.page.get_by_label("Bearer token").fill(issuer.mint("dcxo", "corp-comms", name="Dana Whitfield"))
    flow.page.get_by_role("button", name="Show").click()
    flow.page.wait_for_selector("#who:has-text('dcxo, corp-comms')")
    # When the person presses "Sign in", the pasted token is forgotten: the signed-in person is shown
    flow.sign_in_at_the_provider("ccxo")
    assert "all departments" in flow.page.inner_text("#who")
    assert "cxgov.token" not in flow.storage()["session"] and flow.page.input_value("#token") == ""
    # When a demo user is picked while signed in, the page shows that user (the explicit choice)
    label = next(t for t in flow.texts("#demo-user option") if t.startswith("DCXO parks"))
    flow.page.get_by_label("Demo user").select_option(label=label)
    flow.page.wait_for_selector("#who:has-text('dcxo, parks')")
    flow.page.wait_for_selector("body[data-loaded=all]")
    assert _rows(flow.page) == ["parks"]
    # And "Forget token" forgets the picked token and leaves the sign-in alone
    flow.page.get_by_role("button", name="Forget token").click()
    assert flow.page.evaluate("() => window.cxgovAuth.token()") is not None
    flow.page.get_by_role("button", name="Show").click()
    flow.page.wait_for_selector("#who:has-text('all departments')")
    assert flow.page.get_by_role("banner").get_by_role("button", name="Sign out").is_visible()
    assert _ours(flow, root) == []
    flow.close()


def test_under_the_stage_prefix_the_dashboard_signs_in_and_calls_the_api_relative(signin, browser):
    _, v1, _ = signin
    flow = Flow(browser, v1)
    flow.sign_in_at_the_provider("ccxo")
    page = flow.page
    assert page.url.startswith(f"{v1}/dashboard")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.authorize[0]).query))
    assert query["redirect_uri"] == f"{v1}/dashboard/callback"
    # Every request the pages make goes under /v1 (scripts, USWDS, the API)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#status:has-text('Showing')")
    assert len(_rows(page)) > 1
    for path in ("/dashboard/trends", "/dashboard/departments/corp-comms"):
        flow.open(path)
    ours = [u for u in requests if u.startswith(v1.rsplit("/v1", 1)[0])]
    assert ours and all(u.startswith(v1 + "/") for u in ours), ours
    assert any("/v1/rollup" in u for u in ours) and any("/v1/dashboard/static/signin.js" in u for u in ours)
    assert any("/v1/departments/corp-comms/" in u for u in ours)
    flow.shot("signin-ccxo-v1")
    assert _ours(flow, v1) == []
    flow.close()


def test_a_login_gov_identity_is_refused_until_the_ccxo_grants_then_sees_the_granted_scope(signin, browser):
    from devtools import issuer
    root, _, _ = signin
    subject = "login-gov"  # the local provider's subject is the login
    api = Http(root)
    # Given a person whose identity provider asserts identity only (no role claim)
    flow = Flow(browser, root)
    flow.sign_in_at_the_provider("login-gov", shown=False)
    # Then the dashboard is refused, and the message names the subject to grant
    flow.page.wait_for_selector("#status.usa-alert--error")
    assert subject in flow.page.inner_text("#status") and "No access" in flow.page.inner_text("#status")
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
    flow.open("/dashboard/tracker")
    assert set(flow.texts("#tracker-reports tbody td:nth-child(2)")) <= {"public-works"}
    # And a revocation takes effect on the next request
    assert api.request("DELETE", f"/settings/users/{subject}", token=ccxo)[0] == 204
    flow.page.get_by_role("button", name="Show").click()
    flow.page.wait_for_selector("#status.usa-alert--error")
    assert subject in flow.page.inner_text("#status")
    flow.close()


def _ours(flow: Flow, url: str) -> list[str]:
    """The page's problems on the dashboard's own origin (the provider's pages are not ours)."""
    origin = url.split("/v1", 1)[0]
    return [p for p in flow.problems if origin in p or not p[:3].isdigit()]
