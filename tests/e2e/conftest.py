"""End-to-end: real HTTP against `chalice local`, backed by DynamoDB Local (moto without Java).
The fixtures start both on free loopback ports and stop them afterwards."""
from __future__ import annotations

import contextlib
import json
import shutil
import urllib.error
import urllib.request
from typing import Any, Iterator

import pytest

from devtools import issuer, localstack
from tests.conftest import ROOT


class Http:
    def __init__(self, base: str, env: dict[str, str] | None = None):
        self.base = base
        self.env = env or {}  # what points a subprocess (the reconcile command) at the same database

    def request(self, method: str, path: str, *, token: str | None = None, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, hdrs = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, raw, hdrs = error.code, error.read(), dict(error.headers)
        return status, hdrs, json.loads(raw) if raw else None


@contextlib.contextmanager
def new_stack(logs) -> Iterator[Http]:
    """A fresh DynamoDB Local with the tables, moto's KMS with the ledger's key, and chalice local."""
    with localstack.database(localstack.free_port(), log=logs / "dynamodb.log") as endpoint:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env)
        # issue 15: the ledger's signing key in moto's KMS (server mode), behind stage local's alias.
        with localstack.moto_server(localstack.free_port()) as kms_endpoint:
            env["AWS_ENDPOINT_URL_KMS"] = kms_endpoint
            import boto3

            from devtools import ledger_stream

            ledger_stream.create_signing_key(
                boto3.client("kms", endpoint_url=kms_endpoint, region_name="us-east-1",
                             aws_access_key_id="local", aws_secret_access_key="local"),
                localstack.stage_variable("CXGOV_LEDGER_KEY_ID"))
            with localstack.chalice_local(localstack.free_port(), env, log=logs / "chalice.log") as (url, _):
                yield Http(url, env)


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Http]:
    with new_stack(tmp_path_factory.mktemp("logs")) as made:
        yield made


@pytest.fixture(scope="session")
def e2e_tokens() -> dict[str, str]:
    return {
        "ccxo": issuer.mint("ccxo"),
        "auditor": issuer.mint("auditor"),
        "dcxo-parks": issuer.mint("dcxo", "parks"),
        "dcxo-harbour": issuer.mint("dcxo", "harbour"),
    }


# --- import jobs (issue 14) ---
@pytest.fixture(scope="session")
def import_stack(stack, tmp_path_factory):
    """moto (S3, SQS) with the import bucket and queue, and a chalice local serving import jobs on
    the session's DynamoDB Local; the tests start (and kill) the workers."""
    from devtools import import_dispatcher
    from tests.e2e.import_stack import RUN_SECONDS, ImportStack

    logs = tmp_path_factory.mktemp("import-logs")
    with localstack.moto_server(localstack.free_port()) as moto:
        env = {**stack.env, **import_dispatcher.resources(moto, RUN_SECONDS, visibility=RUN_SECONDS + 5)}
        with localstack.chalice_local(localstack.free_port(), env, log=logs / "chalice.log") as (url, _):
            made = ImportStack(Http(url, env), env, logs)
            try:
                yield made
            finally:
                for process in made.workers:
                    import_dispatcher.stop_worker(process)
# --- the dashboard in Debian's Chromium (Playwright): test_dashboard_browser, test_signin_browser ---
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "section508"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USWDS_REQUESTED: set[str] = set()  # every USWDS file any dashboard page loaded (Page)


class Page:
    """A browser tab signed in as one demo user, collecting console errors and failed requests."""

    def __init__(self, browser, url: str, token: str | None):
        self.url = url
        self.page = browser.new_page(viewport={"width": 1366, "height": 900})
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("response", self._response)
        # axe-core from npm, served from the page's own origin so the page's CSP stays in force
        self.page.route(f"{url}/dashboard/static/axe.min.js",
                        lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
        if token:
            self.page.goto(f"{url}/dashboard/static/dashboard.css")
            self.page.evaluate("t => sessionStorage.setItem('cxgov.token', t)", token)

    def _console(self, message) -> None:
        # errors of this app's pages and files (a sign-in passes through the identity provider's pages)
        where = (message.location or {}).get("url") or self.url
        if message.type == "error" and where.startswith(self.url.split("/v1", 1)[0]):
            self.problems.append(f"{message.text} ({where})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")
        elif "/dashboard/uswds/" in response.url:
            USWDS_REQUESTED.add(response.url.split("/dashboard/uswds/", 1)[1])

    def open(self, path: str, expect: str = "Showing") -> "Page":
        self.page.goto(self.url + path)
        self.page.wait_for_selector(f"#status:has-text('{expect}')" if expect else "#status.usa-alert", timeout=60_000)
        if expect:  # and what the page loads after its first figures (the overview's ranking)
            self.page.wait_for_selector("body[data-loaded=all]", timeout=60_000)
        return self

    def axe(self) -> list[dict]:
        self.page.add_script_tag(url=f"{self.url}/dashboard/static/axe.min.js")
        return self.page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
            .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))""",
                                  AXE_TAGS)

    def charts(self) -> list[dict]:
        return self.page.eval_on_selector_all("svg.cx-chart", """els => els.map(svg => {
            const [t, d] = svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id));
            const table = svg.closest('figure').querySelector('table');
            return {id: svg.id, role: svg.getAttribute('role'), title: t && t.textContent, desc: d && d.textContent,
                    categories: [...new Set([...svg.querySelectorAll('rect.bar')].map(b => b.dataset.category))],
                    values: [...svg.querySelectorAll('rect.bar')].map(b => b.dataset.value),
                    rows: table ? [...table.tBodies[0].rows].map(r => r.cells[0].textContent) : null};
        })""")

    def texts(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "els => els.map(e => e.textContent.trim())")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
