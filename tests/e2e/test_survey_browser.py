"""A survey collected first-hand, in a real browser (issue 30): Debian's Chromium driven by Playwright
against chalice local on DynamoDB Local. The hosted page in English and in Spanish, and the embed
(inline and in a dialog) on a page served from another loopback origin: each has 0 axe-core
violations (WCAG 2.1 A/AA, Section 508), is answered from the keyboard alone, and each answer
arrives as the feedback the keys chose."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest

from devtools import localstack
from tests.e2e.conftest import ARTIFACTS, AXE, AXE_TAGS

DEPT = "surveyville"
USWDS: set[str] = set()  # the USWDS files the survey pages loaded


def _watch(page, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    def response(r) -> None:
        if r.status >= 400:
            problems.append(f"{r.status} {r.url}")
        elif "/dashboard/uswds/" in r.url:
            USWDS.add(r.url.split("/dashboard/uswds/", 1)[1])

    page.on("response", response)


@contextlib.contextmanager
def _site(root: Path) -> Iterator[str]:
    """The department's own site: static pages on another loopback port (another origin)."""
    port = localstack.free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def survey(stack, e2e_tokens, tmp_path_factory):
    ccxo = e2e_tokens["ccxo"]
    status, _, _ = stack.request("POST", "/departments", token=ccxo, body={
        "id": DEPT, "name": "Surveyville Parks", "dcxo_contact": {"name": "D", "email": "d@surveyville.example.gov"},
        "response_target_hours": 6, "time_zone": "America/Chicago",
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}})
    assert status in (201, 409)
    status, _, journey = stack.request("POST", f"/departments/{DEPT}/journeys", token=ccxo, body={
        "name": "Reserve a shelter", "channels": ["web"], "a11_service": {
            "service_provider": "Surveyville Parks", "service_name": "Reserve a shelter",
            "transaction_point": "post_interaction", "channel": "computer", "survey_type": "thumbs_up_down",
            "survey_title": "How did we do?"}})
    assert status == 201, journey
    root = tmp_path_factory.mktemp("site")
    with _site(root) as site:
        status, _, made = stack.request("POST", f"/departments/{DEPT}/surveys", token=ccxo, body={
            "journey_id": journey["id"], "title": {"en": "How did we do?", "es": "¿Cómo lo hicimos?"},
            "kind": "a11_thumbs", "languages": ["en", "es"], "allowed_origins": [site],
            "questions": [{"kind": "choice", "text": {"en": "How did you find us?", "es": "¿Cómo nos encontró?"},
                           "options": [{"en": "A friend", "es": "Un amigo"}, {"en": "The web", "es": "La web"}]}]})
        assert status == 201, made
        # The site has its own copy of USWDS (fonts are fetched with CORS, so not from the API)
        from devtools import dashboard_assets

        shutil.copytree(dashboard_assets.TARGET, root / "uswds")
        css = "uswds/css/uswds.min.css"
        for mode in ("inline", "modal"):
            (root / f"{mode}.html").write_text(
                f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Permits - Surveyville</title>'
                f'<link rel="icon" href="data:,"><link rel="stylesheet" href="{css}"></head><body><main class="grid-container padding-y-4">'
                f'<h1>Your permit is on its way</h1><div id="feedback"></div>'
                f'<script src="{stack.base}/s/{made["id"]}/embed.js" data-mode="{mode}" data-target="feedback">'
                f'</script></main></body></html>')
        yield {"survey": made, "site": site, "journey": journey["id"]}


def _axe(page, api: str | None = None) -> list[dict]:
    """axe-core's violations; on the hosted page (`api`: its CSP allows only its own scripts) from
    the page's own origin, on the department's site inline."""
    if api:
        page.add_script_tag(url=f"{api}/dashboard/static/axe.min.js")
    else:
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))""", AXE_TAGS)


def _tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus")


def _answer_by_keyboard(page, thumbs: str, driver: str, choice: str, comment: str) -> None:
    """Tab to each question and answer with Space and typing, then submit with Enter."""
    _tab_to(page, f"input[data-question='question_1'][value='up']")
    if thumbs == "down":
        page.keyboard.press("ArrowDown")  # within a radio group the arrows move and choose
    else:
        page.keyboard.press("Space")
    _tab_to(page, f"input[data-question='question_2'][value='{driver}']")
    page.keyboard.press("Space")
    _tab_to(page, "textarea[data-question='question_4']")
    page.keyboard.type(comment)
    _tab_to(page, f"input[data-question='own_1'][value='1']")
    if choice == "2":
        page.keyboard.press("ArrowDown")
    else:
        page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".usa-alert--success", timeout=30_000)


def _records(stack, token, journey_id) -> list[dict]:
    items = stack.request("GET", f"/departments/{DEPT}/feedback?limit=200", token=token)[2]["items"]
    return [r for r in items if r["journey_id"] == journey_id]


@pytest.mark.parametrize("locale,lang,yes", [("en-US", "en", "Yes"), ("es-MX", "es", "Sí")])
def test_the_hosted_page_in_each_language_has_no_axe_violation_and_is_answered_by_keyboard(
        stack, browser, e2e_tokens, survey, locale, lang, yes):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(locale=locale, viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.route(f"{stack.base}/dashboard/static/axe.min.js",
               lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    problems: list[str] = []
    _watch(page, problems)
    before = len(_records(stack, e2e_tokens["ccxo"], survey["journey"]))
    page.goto(f"{stack.base}/s/{survey['survey']['id']}")
    page.wait_for_selector("#cxgov-survey[data-ready=true]")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.inner_text("label[for$='question_1-up']") == yes
    assert _axe(page, stack.base) == [], lang
    page.screenshot(path=str(ARTIFACTS / f"survey-hosted-{lang}.png"), full_page=True)
    _answer_by_keyboard(page, "down" if lang == "es" else "up", "ease", "2", f"keyboard {lang}")
    assert _axe(page, stack.base) == [], f"{lang} after answering"
    records = _records(stack, e2e_tokens["ccxo"], survey["journey"])
    assert len(records) == before + 1
    record = next(r for r in records if r["comment"] == f"keyboard {lang}")
    assert record["a11"]["satisfaction"] == (1 if lang == "es" else 5)
    assert record["a11"]["ease"] == (1 if lang == "es" else 5)
    assert record["channel"] == "web" and record["survey_offered"] is True
    assert problems == [], problems
    context.close()


@pytest.mark.parametrize("mode", ["inline", "modal"])
def test_the_embed_on_another_origin_has_no_axe_violation_and_is_answered_by_keyboard(
        stack, browser, e2e_tokens, survey, mode):
    site = survey["site"]
    assert site.split(":")[-1] != stack.base.split(":")[-1]  # another origin (port) on the loopback
    context = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    _watch(page, problems)
    before = len(_records(stack, e2e_tokens["ccxo"], survey["journey"]))
    page.goto(f"{site}/{mode}.html")
    if mode == "modal":
        page.wait_for_selector("#feedback button[aria-haspopup=dialog]")
        assert _axe(page) == []
        _tab_to(page, "#feedback button[aria-haspopup=dialog]")
        page.keyboard.press("Enter")
        page.wait_for_selector("dialog[open] form")
    else:
        page.wait_for_selector("#feedback[data-ready=true]")
    assert _axe(page) == [], mode
    page.screenshot(path=str(ARTIFACTS / f"survey-embed-{mode}.png"), full_page=True)
    _answer_by_keyboard(page, "up", "humanity", "1", f"embedded {mode}")
    assert _axe(page) == [], f"{mode} after answering"
    if mode == "modal":
        page.keyboard.press("Escape")  # the dialog closes from the keyboard
        assert page.evaluate("document.querySelector('dialog').open") is False
    records = _records(stack, e2e_tokens["ccxo"], survey["journey"])
    assert len(records) == before + 1
    record = next(r for r in records if r["comment"] == f"embedded {mode}")
    assert record["a11"]["satisfaction"] == 5 and record["a11"]["humanity"] == 5
    assert problems == [], problems
    # A stranger's origin may not send: the same body from a page on an origin not allowed is refused
    status, _, answer = stack.request("POST", f"/s/{survey['survey']['id']}/responses",
                                      headers={"Origin": "http://127.0.0.1:9"},
                                      body={"answers": {"question_1": "up"}, "lang": "en"})
    assert status == 403 and answer["error"]["details"][0]["field"] == "Origin"
    context.close()


def test_the_survey_pages_load_the_uswds_files_served_for_them():
    """(After the tests above.) The checkbox image is served for the survey pages, and they use it."""
    from devtools import dashboard_assets

    assert set(dashboard_assets.SURVEY_ONLY) <= USWDS <= set(dashboard_assets.FILES)
