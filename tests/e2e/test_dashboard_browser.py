"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against chalice local
with the demo organisation seeded on DynamoDB Local. The page must load without console errors,
draw the seeded figures, follow the period filter, and show a dcxo only its own department."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from devtools import localstack
from devtools.seed import DEMO_PERIOD, DEMO_USERS
from tests.conftest import ROOT
from tests.e2e.conftest import Http

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A seeded stack with the demo-user picker, as `make run` serves it."""
    from devtools import issuer

    work = tmp_path_factory.mktemp("dashboard")
    users = [{"label": f"{u.label} ({u.name})", "token": issuer.mint(u.role, u.department, name=u.name)}
             for u in DEMO_USERS]
    (work / "demo-users.json").write_text(json.dumps(users))
    with localstack.database(localstack.free_port(), log=work / "ddb.log") as endpoint:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env, seed=True)
        env = {**env, "CXGOV_DEMO_USERS_FILE": str(work / "demo-users.json"),
               "CXGOV_DASHBOARD_PERIOD": DEMO_PERIOD}
        with localstack.chalice_local(localstack.free_port(), env, log=work / "api.log") as (url, _):
            yield url, {u["label"].split(" (")[0]: u["token"] for u in users}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{url}/dashboard")
    return page, problems


def _bars(page, chart_id: str) -> dict[tuple[str, str], str]:
    return {(b["c"], b["s"]): b["v"] for b in page.eval_on_selector_all(
        f"#{chart_id} rect.bar",
        "els => els.map(e => ({c: e.dataset.category, s: e.dataset.series, v: e.dataset.value}))")}


def test_ccxo_sees_every_department_and_the_period_filter_works(demo, browser):
    url, tokens = demo
    api = Http(url)
    page, problems = _open(browser, url)
    # Given the CCXO picked from the demo users (labels are read by the picker and the fields)
    page.get_by_label("Demo user").select_option(label=next(l for l in _labels(page) if l.startswith("Chief CX")))
    page.wait_for_selector("#status:has-text('Showing FY2017')")
    rollup = api.request("GET", f"/rollup?period={DEMO_PERIOD}", token=tokens["Chief CX Officer"])[2]
    # Then the tables and charts carry the seeded figures
    rows = page.eval_on_selector_all("#rec-table tbody tr th", "els => els.map(e => e.textContent)")
    assert sorted(rows) == sorted(d["department"] for d in rollup["departments"])
    bars = _bars(page, "chart-recommendations")
    for d in rollup["departments"]:
        assert bars[(d["department"], ">365 days")] == str(d["recommendations"]["aging"][">365"])
    voc_bars = _bars(page, "chart-voc")
    for d in rollup["departments"]:
        share = d["voc"]["within_target_share"]
        assert voc_bars[(d["department"], "within target")] == ("" if share is None else str(share))
    assert page.locator("#bench-table tbody tr").count() == len(rollup["departments"])
    page.screenshot(path=str(ARTIFACTS / "dashboard-ccxo.png"), full_page=True)
    # When the period changes to December 2016 (the holiday peak), the VoC figures follow it
    december = api.request("GET", "/rollup?period=2016-12", token=tokens["Chief CX Officer"])[2]
    assert december["total"]["voc"]["volume"] != rollup["total"]["voc"]["volume"]
    page.get_by_label("Period", exact=True).fill("2016-12")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#status:has-text('Showing 2016-12')")
    total = page.inner_text("#voc-table tfoot td:nth-child(2)")
    assert total == str(december["total"]["voc"]["volume"])
    assert problems == []


def test_a_dcxo_sees_only_its_own_department(demo, browser):
    url, tokens = demo
    page, problems = _open(browser, url)
    page.get_by_label("Demo user").select_option(label=next(l for l in _labels(page) if l.startswith("DCXO parks")))
    page.wait_for_selector("#status:has-text('Showing')")
    rows = page.eval_on_selector_all("#rec-table tbody tr th", "els => els.map(e => e.textContent)")
    assert rows == ["parks"]
    categories = {c for c, _ in _bars(page, "chart-kpis")}
    assert categories == {"parks"}
    assert "corp-comms" not in page.inner_html("main")  # (the local demo picker lists every user)
    page.screenshot(path=str(ARTIFACTS / "dashboard-dcxo.png"), full_page=True)
    assert problems == []


def test_the_token_is_kept_for_the_tab_and_can_be_forgotten(demo, browser):
    url, tokens = demo
    page, problems = _open(browser, url)
    page.get_by_label("Bearer token").fill(tokens["OIG auditor"])
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.wait_for_selector("#status:has-text('Showing')")
    page.reload()
    page.wait_for_selector("#status:has-text('Showing')")  # reloaded with the kept token
    assert "auditor" in page.inner_text("#who")
    page.get_by_role("button", name="Forget token").click()
    assert page.evaluate("sessionStorage.getItem('cxgov.token')") is None
    page.get_by_label("Bearer token").fill("not-a-token")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#status.error")
    assert problems == [] or all("401" in p for p in problems)


def _labels(page) -> list[str]:
    return page.eval_on_selector_all("#demo-user option", "els => els.map(e => e.textContent)")
