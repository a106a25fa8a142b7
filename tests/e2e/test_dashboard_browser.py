"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against chalice local
with the demo organisation and its FY2017 seeded on DynamoDB Local. Every page, as every role, has
0 axe-core violations (WCAG 2.1 A/AA and Section 508 rules) and no console errors; every chart has
its text equivalent; the figures shown are the API's; a recommendation is reached and left with the
keyboard alone; a dcxo sees only its own department, deep links included; the overview prints."""
from __future__ import annotations

import json
import re
import time
from datetime import datetime

import pytest

from devtools import localstack
from devtools.seed import DEMO_PERIOD, DEMO_USERS
from tests.e2e.conftest import ARTIFACTS, USWDS_REQUESTED, Http, Page

ROLES = {"ccxo": "Chief CX Officer", "auditor": "OIG auditor", "dcxo": "DCXO corp-comms"}
STACK: dict = {}  # the demo fixture's database environment


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A seeded stack (the demo organisation with its FY2017) and the demo-user picker, as `make run`
    serves it."""
    from devtools import issuer

    ARTIFACTS.mkdir(exist_ok=True)
    work = tmp_path_factory.mktemp("dashboard")
    users = [{"label": f"{u.label} ({u.name})", "token": issuer.mint(u.role, u.department, name=u.name)}
             for u in DEMO_USERS]
    (work / "demo-users.json").write_text(json.dumps(users))
    with localstack.database(localstack.free_port(), log=work / "ddb.log") as endpoint:
        env = {**localstack.endpoint_env(endpoint), "CXGOV_SEED_YEAR": "1"}
        started = time.perf_counter()
        localstack.create_tables_in_subprocess(env, seed=True)
        STACK.update(env=env, seed_seconds=time.perf_counter() - started)
        env = {**env, "CXGOV_DEMO_USERS_FILE": str(work / "demo-users.json"),
               "CXGOV_DASHBOARD_PERIOD": DEMO_PERIOD}
        with localstack.chalice_local(localstack.free_port(), env, log=work / "api.log") as (url, _):
            yield url, {u["label"].split(" (")[0]: u["token"] for u in users}


@pytest.fixture(scope="module")
def ids(demo):
    """The MS-AR-17-006 recommendations (corp-comms) and one of parks, read through the API."""
    url, tokens = demo
    items = Http(url).request("GET", "/recommendations?limit=200", token=tokens["Chief CX Officer"])[2]["items"]
    pick = lambda report, number: next(r for r in items if r["report_number"] == report and r["number"] == number)  # noqa: E731
    return {"smoc-1": pick("MS-AR-17-006", 1), "smoc-2": pick("MS-AR-17-006", 2), "parks": pick("IA-2016-11", 5),
            "closure": pick("IA-2016-11", 3)}


def _pages(ids, role: str) -> dict[str, str]:
    smoc = ids["smoc-1"]
    return {"overview": "/dashboard", "trends": "/dashboard/trends", "tracker": "/dashboard/tracker",
            "assessments": "/dashboard/assessments", "department": "/dashboard/departments/corp-comms",
            "recommendation": f"/dashboard/recommendations/corp-comms/{smoc['id']}"}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_has_no_axe_violation_no_console_error_and_charts_with_text(demo, browser, ids, role):
    url, tokens = demo
    tab = Page(browser, url, tokens[ROLES[role]])
    for name, path in _pages(ids, role).items():
        # Given the page as this role, When its figures are shown
        tab.open(path)
        # Then axe-core finds no violation of WCAG 2.1 A/AA or Section 508
        assert tab.axe() == [], (role, name)
        # And every chart is an image with a title and a description stating each figure, and a
        # data table with a row per category
        for chart in tab.charts():
            assert chart["role"] == "img" and chart["title"] and chart["desc"], (name, chart["id"])
            assert chart["rows"] == chart["categories"], (name, chart["id"])
            assert all(c in chart["desc"] for c in chart["categories"]), (name, chart["id"])
        tab.shot(f"{role}-{name}")
    assert tab.problems == [], tab.problems
    tab.close()


def test_the_overview_shows_the_apis_figures_needing_attention_first(demo, browser):
    url, tokens = demo
    token = tokens["Chief CX Officer"]
    api = Http(url)
    tab = Page(browser, url, None)
    tab.page.goto(url + "/dashboard")
    # Given the CCXO picked from the demo users
    label = next(l for l in tab.texts("#demo-user option") if l.startswith("Chief CX"))
    tab.page.get_by_label("Demo user").select_option(label=label)
    tab.page.wait_for_selector("#status:has-text('Showing FY2017')")
    tab.page.wait_for_selector("body[data-loaded=all]")
    rollup = api.request("GET", f"/rollup?period={DEMO_PERIOD}&sort=attention", token=token)[2]
    # Then the departments needing attention come in the API's attention order, each with its
    # reasons; a department that needs nothing is not listed there (issue 25)
    needing = [d for d in rollup["departments"] if d["attention"]["reasons"]]
    assert needing
    assert tab.texts("#attention-table tbody th a") == [d["name"] for d in needing]
    assert tab.texts("#attention-table tbody td:nth-child(2)") == ["; ".join(d["attention"]["reasons"]) for d in needing]
    volumes = tab.texts("#voc-table tbody td:nth-child(2)")
    assert volumes == [f"{d['voc']['volume']:,}" for d in rollup["departments"]]
    assert tab.page.inner_text("#voc-table tfoot td:nth-child(2)") == f"{rollup['total']['voc']['volume']:,}"
    aging = {b["c"]: b["v"] for b in tab.page.eval_on_selector_all(
        "#chart-aging rect.bar", "els => els.map(e => ({c: e.dataset.category, v: e.dataset.value}))")}
    assert aging == {f"{k} days": str(v) for k, v in rollup["total"]["recommendations"]["aging"].items()}
    assert tab.page.locator("#bench-table tbody tr").count() == len(rollup["departments"])
    # When a sortable column is sorted (USWDS's table), the rows follow the values
    tab.page.locator("#voc-table th", has_text="Volume").locator("button").click()
    shown = [int(v.replace(",", "")) for v in tab.texts("#voc-table tbody td:nth-child(2)")]
    assert shown == sorted(shown)
    # And when the period changes to December 2016 (the holiday peak), the figures follow it
    december = api.request("GET", "/rollup?period=2016-12", token=token)[2]
    tab.page.get_by_label("Period", exact=True).fill("2016-12")
    tab.page.get_by_role("button", name="Show").click()
    tab.page.wait_for_selector("#status:has-text('Showing 2016-12')")
    assert tab.page.inner_text("#voc-table tfoot td:nth-child(2)") == f"{december['total']['voc']['volume']:,}"
    assert tab.problems == []


# --- issue 25: layout at 1,280 px, integer ticks on count axes, the tracker's recommendation texts
LAYOUT_WIDTH = 1280
COUNT_CHARTS = ("chart-volume", "chart-overdue", "chart-recs")  # the trends' count charts


def _overflow(tab) -> dict:
    """What is wider than its box at this viewport: the page itself, and each table's scroll box."""
    return tab.page.evaluate("""() => ({
        page: document.documentElement.scrollWidth - window.innerWidth,
        tables: [...document.querySelectorAll('.usa-table-container--scrollable')]
            .filter(box => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
            .map(box => box.querySelector('caption') ? box.querySelector('caption').textContent : box.id),
        rightAlignedText: [...document.querySelectorAll('td')]
            .filter(td => getComputedStyle(td).textAlign === 'right' && !/^[-+]?[\\d.,]+%?( h)?$|^no data$|^—$/.test(td.textContent.trim()))
            .map(td => td.textContent.trim().slice(0, 60)),
    })""")


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_is_wider_than_1280_px_and_only_numbers_align_right(demo, browser, ids, role):
    url, tokens = demo
    tab = Page(browser, url, tokens[ROLES[role]])
    tab.page.set_viewport_size({"width": LAYOUT_WIDTH, "height": 900})
    found = {}
    for name, path in _pages(ids, role).items():
        tab.open(path)
        found[name] = _overflow(tab)
        tab.shot(f"{role}-{name}-1280")
    print(f"\n{role} at {LAYOUT_WIDTH} px: {found}")
    for name, seen in found.items():
        assert seen["page"] <= 0, (name, seen)  # no horizontal scroll bar on the page
        assert seen["tables"] == [], (name, seen)  # no table runs past its box
        assert seen["rightAlignedText"] == [], (name, seen)  # text (the overview's "Why") aligns left
    assert tab.problems == [], tab.problems


def _ticks_and_bars(tab, box: str) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(label value, y) of each value-axis tick, and (value, top y) of each bar, of a column chart."""
    ticks = tab.page.eval_on_selector_all(f"#{box} svg text[text-anchor=end]",
                                          "els => els.map(e => [e.textContent, Number(e.getAttribute('y'))])")
    bars = tab.page.eval_on_selector_all(f"#{box} svg rect.bar",
                                         "els => els.map(e => [e.dataset.value, Number(e.getAttribute('y'))])")
    parsed = []
    for text, y in ticks:
        assert re.fullmatch(r"\d{1,3}(,\d{3})*", text), (box, text)  # a whole number
        parsed.append((float(text.replace(",", "")), y))
    return parsed, [(float(v), y) for v, y in bars if v not in ("", None)]


def test_count_axes_have_whole_evenly_spaced_ticks_and_bars_end_on_them(demo, browser):
    url, tokens = demo
    seen = {}
    for who in ("Chief CX Officer", "DCXO corp-comms"):
        tab = Page(browser, url, tokens[who]).open("/dashboard/trends")
        for box in COUNT_CHARTS:
            ticks, bars = _ticks_and_bars(tab, box)
            values = [v for v, _ in sorted(ticks, key=lambda t: -t[1])]  # bottom to top
            seen[(who, box)] = values
            assert len(values) >= 2 and values[0] == 0, (who, box, values)
            steps = {values[i + 1] - values[i] for i in range(len(values) - 1)}
            assert len(steps) == 1 and next(iter(steps)) >= 1, (who, box, values)  # 0, 2, 4, 6 - never 0, 1, 3, 4, 5
            # the axis is linear: each tick sits where its value belongs ...
            (v0, y0), (v1, y1) = sorted(ticks)[0], sorted(ticks)[-1]
            per_unit = (y1 - y0) / (v1 - v0)
            for v, y in ticks:
                assert abs(y0 + (v - v0) * per_unit - y) < 0.6, (who, box, v, y)
            # ... and each bar ends at the height its value has on that axis, below the top tick
            assert bars and max(v for v, _ in bars) <= v1, (who, box)
            for v, y in bars:
                assert abs(y0 + (v - v0) * per_unit - y) < 0.6, (who, box, v, y)
        assert tab.problems == [], tab.problems
        tab.close()
    print(f"\ncount-axis ticks: {seen}")


def test_the_tracker_shows_what_each_recommendation_asks(demo, browser):
    url, tokens = demo
    token = tokens["OIG auditor"]
    items = Http(url).request("GET", "/recommendations?limit=200", token=token)[2]["items"]
    texts = {(r["report_number"], r["number"]): " ".join(r["text"].split()) for r in items}
    tab = Page(browser, url, token).open("/dashboard/tracker")
    rows = tab.page.eval_on_selector_all("#tracker-reports table", """tables => tables.flatMap(t =>
        [...t.tBodies[0].rows].map(r => [t.caption.textContent, r.cells[0].textContent]))""")
    assert rows
    for caption, cell in rows:
        report = caption.removeprefix("Recommendations of ")
        number, _, shown = cell.partition(" ")
        text = texts[(report, int(number.lstrip("#")))]
        start = shown.removesuffix("…")
        # the start of its own text: whole when short, at least 40 characters cut at a word when long
        assert start and text.startswith(start), (report, number, shown, text)
        assert shown == text or (shown.endswith("…") and len(start) >= min(40, len(text))), (report, number, shown)
    assert tab.problems == []


def test_the_department_and_recommendation_pages_show_the_follow_up(demo, browser, ids):
    url, tokens = demo
    token = tokens["OIG auditor"]
    api = Http(url)
    rec = ids["closure"]  # public-works: closure requested with a link as evidence
    tab = Page(browser, url, token).open("/dashboard/departments/public-works")
    # The department's recommendations with their clocks and next dates, filterable
    rows = tab.texts("#dept-recs tbody th")
    recs = [r for r in api.request("GET", "/recommendations?department=public-works&limit=200", token=token)[2]["items"]]
    assert sorted(rows) == sorted(f"{r['report_number']} #{r['number']}" for r in recs)
    tab.page.get_by_label("Filter this table").first.fill("IA-2017")
    visible = tab.page.eval_on_selector_all("#dept-recs tbody tr:not([hidden]) th", "els => els.map(e => e.textContent)")
    assert visible and all(v.startswith("IA-2017") for v in visible)
    # KPIs with attainment over time: every FY2017 month of the monthly KPI
    assert "2017-09" in tab.page.inner_text("#dept-kpis") and "2016-10" in tab.page.inner_text("#dept-kpis")
    # The recommendation: decision, target dates, action with its evidence (confirmed), verified history
    tab.open(f"/dashboard/recommendations/public-works/{rec['id']}")
    text = tab.page.inner_text("main")
    assert "closure requested" in text and "Enable closure notifications" in text
    assert "2017-08-31" in tab.page.inner_text("#rec-targets")
    assert "Configure closure notifications" in tab.page.inner_text("#rec-actions")
    evidence = tab.page.locator("#rec-actions tr", has_text="Screenshot of the closure notification")
    assert evidence.locator("td").nth(0).inner_text() == "link"  # a link counts as cited (confirmed)
    history = api.request("GET", f"/departments/public-works/recommendations/{rec['id']}/history?limit=200", token=token)[2]
    assert tab.page.locator("#rec-history tbody tr").count() == len(history["items"])
    assert "unbroken SHA-256 chain" in tab.page.inner_text("#rec-verification")
    assert tab.page.get_by_role("button", name="Download the history bundle (JSON)").is_visible()
    assert tab.problems == []


def test_the_assessments_page_ranks_the_apis_scores_and_the_department_shows_its_gaps(demo, browser):
    url, tokens = demo
    token = tokens["Chief CX Officer"]
    api = Http(url)
    summary = api.request("GET", "/assessments/summary?framework_id=contact-centre-operational-audit", token=token)[2]
    assert len(summary["items"]) >= 3  # the demo's approved operational audits
    tab = Page(browser, url, token).open("/dashboard/assessments")
    # The ranking is the API's, in its order, with its compliance share as a percentage
    assert tab.texts("#assessments-table tbody th") == [str(r["rank"]) for r in summary["items"]]
    first = tab.page.locator("#assessments-table tbody tr").first.inner_text()
    assert summary["items"][0]["department"] in first
    assert f"{summary['items'][0]['score']['compliance_share'] * 100:.0f}%" in first
    # The SMOC's department page: its latest approved score and its open gaps, two raised as recommendations
    smoc = next(r for r in summary["items"] if r["department"] == "corp-comms")
    tab.open("/dashboard/departments/corp-comms")
    scores = tab.page.inner_text("#assessment-scores")
    assert smoc["title"] in scores and f"{smoc['score']['compliance_share'] * 100:.0f}%" in scores
    gaps = tab.page.locator("#dept-assessments table").nth(1)
    assert gaps.locator("tbody tr").count() == smoc["open_gaps"]
    assert gaps.locator("a", has_text="raised").count() == 2
    assert tab.problems == [], tab.problems
    tab.close()


def _tab_to(page, selector: str, limit: int = 600) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus")


def test_keyboard_only_to_a_recommendation_and_back(demo, browser, ids):
    url, tokens = demo
    rec = ids["smoc-1"]
    tab = Page(browser, url, tokens["Chief CX Officer"]).open("/dashboard")
    page = tab.page
    # From the overview, Tab to the SMOC's row and follow it with Enter
    _tab_to(page, '#attention-table a[href$="/dashboard/departments/corp-comms"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Social Media Operations Center')")
    page.wait_for_selector("#status:has-text('Showing')")
    # On the department, Tab to MS-AR-17-006 recommendation 1 and open it
    _tab_to(page, f'#dept-recs a[href$="/dashboard/recommendations/corp-comms/{rec["id"]}"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('MS-AR-17-006 recommendation 1')")
    page.wait_for_selector("#status:has-text('Showing')")
    assert "partially agree" in page.inner_text("#rec-decision")
    # And back to the department with the keyboard
    _tab_to(page, "#back-to-department")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Social Media Operations Center')")
    # The skip link leads to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert tab.problems == []


def test_a_dcxo_sees_only_its_own_department_on_every_page(demo, browser, ids):
    url, tokens = demo
    tab = Page(browser, url, tokens["DCXO parks"])
    tab.open("/dashboard")
    assert [t.split(" ")[-1] for t in tab.texts("#rec-table tbody th")] == ["parks"]
    assert tab.page.locator("#bench-section").is_hidden()
    tab.open("/dashboard/tracker")
    departments = set(tab.texts("#tracker-reports tbody td:nth-child(2)"))
    assert departments == {"parks"}
    tab.open("/dashboard/trends")
    requested = tab.page.evaluate("window.cx.requests")
    assert any(r.startswith("/departments/parks/rollup/series") for r in requested)
    tab.open("/dashboard/assessments")  # its own approved assessments, never the org summary
    assert tab.texts("#assessments-table tbody th") and "corp-comms" not in tab.page.inner_text("#page")
    assert not any(r.startswith("/assessments/summary") for r in tab.page.evaluate("window.cx.requests"))
    tab.open("/dashboard/departments/parks")
    tab.shot("dcxo-parks-department")
    assert tab.problems == []
    # Deep links into another department answer "not in your scope" and show none of its data
    for path in ("/dashboard/departments/corp-comms", f"/dashboard/recommendations/corp-comms/{ids['smoc-1']['id']}"):
        tab.problems.clear()
        tab.open(path, expect="")
        assert "Not in your scope" in tab.page.inner_text("#status")
        main = tab.page.inner_text("#page")
        assert "Social Media" not in main and "MS-AR-17-006" not in main and "Dana Whitfield" not in main
        assert tab.problems and all(p.startswith("403") or "403" in p for p in tab.problems)
    tab.shot("dcxo-parks-deep-link-refused")


def test_the_overview_prints_as_a_report_with_every_section(demo, browser):
    from io import BytesIO

    from pypdf import PdfReader

    url, tokens = demo
    tab = Page(browser, url, tokens["Chief CX Officer"]).open("/dashboard")
    headings = tab.texts("main h1, main h2")
    pdf = tab.page.pdf(print_background=False, prefer_css_page_size=True)
    (ARTIFACTS / "dashboard-overview.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    pages = len(reader.pages)
    (ARTIFACTS / "dashboard-overview-pdf.txt").write_text(f"pages: {pages}\nheadings: {headings}\n")
    print(f"\noverview PDF: {pages} pages, headings {headings}")
    assert 1 <= pages <= 12
    for heading in headings:
        assert re.sub(r"\s+", " ", heading) in text, heading
    # the controls are not printed
    assert "Bearer token" not in text and "Forget token" not in text


def test_the_pages_work_under_a_stage_prefix(demo, browser, ids):
    """API Gateway serves the stage under /v1: every URL the pages use is relative to where they are."""
    url, tokens = demo
    tab = Page(browser, url, None)
    tab.page.unroute(f"{url}/dashboard/static/axe.min.js")
    seen = []

    def stage(route):
        requested = route.request.url
        if requested.startswith(f"{url}/v1/"):
            seen.append(requested)
            route.fulfill(response=route.fetch(url=requested.replace(f"{url}/v1/", f"{url}/")))
        else:  # anything the page asks outside the stage would break behind API Gateway
            seen.append("OUTSIDE " + requested)
            route.abort()

    tab.page.route(f"{url}/**", stage)
    tab.page.goto(f"{url}/v1/dashboard/static/dashboard.css")
    tab.page.evaluate("t => sessionStorage.setItem('cxgov.token', t)", tokens["Chief CX Officer"])
    rec = ids["smoc-2"]
    for path in ("/v1/dashboard", f"/v1/dashboard/recommendations/corp-comms/{rec['id']}", "/v1/dashboard/trends"):
        tab.open(path)
    assert not [s for s in seen if s.startswith("OUTSIDE")]
    assert any("/v1/rollup" in s for s in seen) and any("/v1/dashboard/uswds/css/uswds.min.css" in s for s in seen)
    assert tab.page.get_attribute("a[data-nav=tracker]", "href") == "tracker"


def test_the_token_is_kept_for_the_tab_and_can_be_forgotten(demo, browser):
    url, tokens = demo
    tab = Page(browser, url, None)
    tab.page.goto(f"{url}/dashboard")
    tab.page.get_by_label("Bearer token").fill(tokens["OIG auditor"])
    tab.page.keyboard.press("Enter")  # the form works from the keyboard
    tab.page.wait_for_selector("#status:has-text('Showing')")
    tab.page.reload()
    tab.page.wait_for_selector("#status:has-text('Showing')")  # reloaded with the kept token
    assert "auditor" in tab.page.inner_text("#who")
    tab.page.get_by_role("button", name="Forget token").click()
    assert tab.page.evaluate("sessionStorage.getItem('cxgov.token')") is None
    tab.page.get_by_label("Bearer token").fill("not-a-token")
    tab.page.get_by_role("button", name="Show").click()
    tab.page.wait_for_selector("#status.usa-alert")
    assert all("401" in p for p in tab.problems)


def test_the_demo_year_tells_the_audits_story_and_a_second_seed_writes_nothing(demo):
    url, tokens = demo
    api, token = Http(url), tokens["Chief CX Officer"]
    rollup = api.request("GET", "/rollup?period=FY2017", token=token)[2]
    rows = {d["department"]: d for d in rollup["departments"]}
    # Thousands of feedback per department, every month of the year
    assert all(d["voc"]["volume"] >= 1000 for d in rows.values())
    for dept in rows:
        months = api.request("GET", f"/departments/{dept}/voc-series?from=2016-10&to=2017-09", token=token)[2]["months"]
        assert all(m["volume"] > 0 for m in months), dept
    # The SMOC as MS-AR-17-006 found it: a 16-hour mean first response, 31% out of hours, Instagram never answered
    smoc = rows["corp-comms"]["voc"]
    assert abs(smoc["first_response_hours"]["mean"] - 16) < 1.5
    assert abs(smoc["out_of_hours_share"] - 0.31) < 0.03
    assert smoc["by_channel"]["instagram"]["responded"] == 0
    december = api.request("GET", "/departments/corp-comms/voc-summary?period=2016-12", token=token)[2]
    assert december["volume"] > 1.5 * api.request("GET", "/departments/corp-comms/voc-summary?period=2016-10",
                                                   token=token)[2]["volume"]
    # Within 6 hours, among responses, as the SMOC's KPI reports it: near the audit's 43%
    kpis = api.request("GET", "/departments/corp-comms/kpis?limit=200", token=token)[2]["items"]
    within = next(k for k in kpis if k["name"] == "Social media first response within 6 hours")
    fy17 = [m for m in api.request("GET", f"/departments/corp-comms/kpis/{within['id']}/measurements?limit=200",
                                   token=token)[2]["items"] if "2016-10" <= m["period"] <= "2017-09"]
    assert len(fy17) == 12
    share = sum(m["numerator"] for m in fy17) / sum(m["denominator"] for m in fy17)
    assert 0.40 < share < 0.50
    # Recommendations at every stage of the lifecycle
    statuses = {r["status"] for r in api.request("GET", "/recommendations?limit=200", token=token)[2]["items"]}
    assert statuses == {"open", "in_progress", "closure_requested", "closed_implemented", "closed_not_implemented"}
    # When the seed runs again, it finds everything there and changes nothing
    started = time.perf_counter()
    localstack.create_tables_in_subprocess(STACK["env"], seed=True)
    again = time.perf_counter() - started
    after = api.request("GET", "/rollup?period=FY2017", token=token)[2]
    assert after["total"]["voc"]["volume"] == rollup["total"]["voc"]["volume"]
    assert after["total"]["recommendations"]["open"] == rollup["total"]["recommendations"]["open"]
    (ARTIFACTS / "demo-seed-time.txt").write_text(
        f"{datetime.now().isoformat(timespec='seconds')}: first seed {STACK['seed_seconds']:.1f} s, "
        f"second {again:.1f} s, FY2017 feedback {rollup['total']['voc']['volume']}\n")


def test_only_the_uswds_files_the_pages_use_are_served():
    """(After the tests above have opened every page as every role, printed and filtered.)"""
    from devtools import dashboard_assets

    (ARTIFACTS / "dashboard-uswds-files-requested.txt").write_text("\n".join(sorted(USWDS_REQUESTED)) + "\n")
    assert set(dashboard_assets.FILES) - set(dashboard_assets.SURVEY_ONLY) == USWDS_REQUESTED
