"""The overview with more departments than it shows (60 here; CXGOV_SCALE_DEPARTMENTS), in Chromium
against chalice local and DynamoDB Local: the page asks only for what it shows (its first 25
departments, those needing attention first, and the best 25 of the ranking), with totals over all of
them; the DynamoDB items each request reads are counted in a separate process
(devtools.bench_dashboard) and equal what the organisation holds. The same organisation with 1,000
departments is a stage of `make bench` (devtools/bench_dashboard.py): it checks the same requests and
counts and prints the time to render (a figure, not a pass mark)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playwright.sync_api import sync_playwright

from devtools import bench_dashboard, issuer, localstack
from tests.conftest import ROOT

DEPARTMENTS = int(os.environ.get("CXGOV_SCALE_DEPARTMENTS", "60"))  # more than the two pages of 25 shown
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    work = tmp_path_factory.mktemp("scale")
    with localstack.database(localstack.free_port(), log=work / "ddb.log") as endpoint:
        env = {**localstack.endpoint_env(endpoint), "CXGOV_DASHBOARD_PERIOD": bench_dashboard.PERIOD}
        subprocess.run([sys.executable, "-m", "devtools.bench_dashboard", "populate", str(DEPARTMENTS)],
                       cwd=ROOT, env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
        with localstack.chalice_local(localstack.free_port(), env, log=work / "api.log") as (url, _):
            yield url, env


def test_the_overview_asks_for_what_it_shows_and_reads_what_the_organisation_holds(org):
    url, env = org
    token = issuer.mint("ccxo")
    ARTIFACTS.mkdir(exist_ok=True)
    shown = bench_dashboard.render_overview(url, token, rounds=1,
                                            screenshot=ARTIFACTS / f"dashboard-{DEPARTMENTS}-departments.png")
    # Then the page made three data requests: who is calling, one page of the rollup, one of the ranking
    counted = json.loads(subprocess.run(
        [sys.executable, "-m", "devtools.bench_dashboard", "count", token, *shown["requests"]],
        cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, text=True).stdout)
    # Each rollup reads the department list, every department's REC item (one in ten has a
    # recommendation), and each month's VoC items (March 2017: one per department; the other months
    # none): items, not records; and answers a page, however many departments there are
    bench_dashboard.check(shown, counted, DEPARTMENTS)
    (ARTIFACTS / f"dashboard-{DEPARTMENTS}-departments.txt").write_text(
        f"departments: {DEPARTMENTS}\nrender: {shown['wall_ms']:.0f} ms (navigation to figures), "
        f"page {shown['render_ms']:.0f} ms, {shown['complete_ms']:.0f} ms with the ranking\n" + "\n".join(
            f"GET {c['path']}: {c['items_read']} items, {sum(c['calls'].values())} calls, {c['bytes']} bytes" for c in counted) + "\n")


def test_show_more_and_the_filter_page_through_the_departments(org):
    url, _ = org
    token = issuer.mint("ccxo")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=bench_dashboard.CHROMIUM, args=bench_dashboard.FLAGS)
        page = browser.new_page()
        page.goto(f"{url}/dashboard")
        page.evaluate("t => sessionStorage.setItem('cxgov.token', t)", token)
        page.goto(f"{url}/dashboard")
        page.wait_for_selector("#status:has-text('Showing')")
        summary = page.inner_text("#attention-summary")
        assert summary.startswith(f"{len(range(0, DEPARTMENTS, 5))} of {DEPARTMENTS} departments need attention")
        first = page.eval_on_selector_all("#attention-table tbody th .cx-id", "els => els.map(e => e.textContent)")
        # the departments with an overdue recommendation (every tenth) come first, then those with
        # only overdue feedback (every fifth)
        with_recs = len(range(0, DEPARTMENTS, 10))
        assert all(int(d.split("-")[1]) % 10 == 0 for d in first[:with_recs])
        assert all(int(d.split("-")[1]) % 10 == 5 for d in first[with_recs:len(range(0, DEPARTMENTS, 5))])
        page.get_by_role("button", name="Show more departments").click()
        page.wait_for_selector("#attention-table caption:has-text('(50 of')")
        more = page.eval_on_selector_all("#attention-table tbody th .cx-id", "els => els.map(e => e.textContent)")
        # (only departments with a reason are listed, issue 25: every fifth needs attention)
        needing = len(range(0, DEPARTMENTS, 5))
        assert len(first) == min(25, needing)
        assert more[:len(first)] == first and len(set(more)) == min(50, needing)
        last = bench_dashboard.dept_id((DEPARTMENTS - 1) // 5 * 5)  # the last that needs attention
        page.get_by_label("Filter departments by id or name").fill(last)
        page.get_by_role("button", name="Filter").click()
        page.wait_for_selector(f"#attention-summary:has-text('filter: {last}')")
        assert page.locator("#attention-table tbody tr").count() == 1
        assert page.inner_text("#attention-table tbody th .cx-id") == last
        browser.close()
