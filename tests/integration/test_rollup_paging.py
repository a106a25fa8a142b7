"""The rollup and the benchmark ranking in pages: totals always cover every department, pages
partition the departments, departments needing attention come first on request, and a cursor only
works for the query that made it. Derived KPIs count in the rollup's KPI figures by their latest
period, as their measurements say."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.core import clock
from devtools import callcount
from tests.integration.audit_helpers import make_rec
from tests.integration.conftest import department_body
from tests.integration.kpi_helpers import make_kpi

EXTRA = [f"dept-{n:02d}" for n in range(7)]


@pytest.fixture()
def many(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2018, 6, 1, 12, tzinfo=timezone.utc))
    for dept in EXTRA:
        assert api.post("/departments", token=tokens["ccxo"], body=department_body(dept)).status_code == 201
    # Two departments with a recommendation past every clock (issued 2017-05-08, no decision)
    make_rec(api, tokens, "dept-03")
    make_rec(api, tokens, "dept-05")
    make_rec(api, tokens, "dept-05")
    return api


def _all(api, token, path):
    pages, cursor = [], None
    while True:
        page = api.get(path + (f"&cursor={cursor}" if cursor else ""), token=token)
        assert page.status_code == 200, page.body
        pages.append(page.json)
        cursor = page.json["next_cursor"]
        if not cursor:
            return pages


def test_pages_partition_the_departments_and_every_page_has_the_whole_total(many, api, tokens):
    # Given 9 departments, When the CCXO reads the rollup 4 at a time
    whole = api.get("/rollup?period=2017-03", token=tokens["ccxo"]).json
    pages = _all(api, tokens["ccxo"], "/rollup?period=2017-03&limit=4")
    # Then the pages hold every department once, in id order, and each carries the complete total
    ids = [d["department"] for p in pages for d in p["departments"]]
    assert ids == sorted(["parks", "harbour", *EXTRA]) and len(pages) == 3
    assert [len(p["departments"]) for p in pages] == [4, 4, 1]
    for page in pages:
        assert page["total"] == whole["total"]
        assert page["department_count"] == 9
    assert whole["total"]["recommendations"]["open"] == 3


def test_attention_order_puts_the_overdue_departments_first(many, api, tokens):
    page = api.get("/rollup?period=2017-03&sort=attention&limit=3", token=tokens["ccxo"]).json
    first = [d["department"] for d in page["departments"]]
    # dept-05 has two recommendations overdue on the decision and final-action clocks, dept-03 one
    assert first[:2] == ["dept-05", "dept-03"]
    assert page["departments"][0]["attention"] == {
        "needs_attention": True, "overdue_recommendations": 4,
        "reasons": ["2 recommendations without a management decision after 6 months",
                    "2 recommendations without final action after 12 months"]}
    assert page["departments"][2]["attention"]["needs_attention"] is False
    assert page["needs_attention_count"] == 2 and page["department_count"] == 9


def test_the_filter_narrows_the_departments_and_their_count(many, api, tokens):
    page = api.get("/rollup?period=2017-03&q=HARBOUR", token=tokens["ccxo"]).json
    assert [d["department"] for d in page["departments"]] == ["harbour"]
    assert page["department_count"] == 1
    # the total stays the organisation's
    assert page["total"]["recommendations"]["open"] == 3


def test_a_cursor_works_only_for_its_own_query(many, api, tokens):
    cursor = api.get("/rollup?period=2017-03&limit=2", token=tokens["ccxo"]).json["next_cursor"]
    for path, token in ((f"/rollup?period=2017-04&limit=2&cursor={cursor}", tokens["ccxo"]),
                        (f"/rollup?period=2017-03&limit=2&sort=attention&cursor={cursor}", tokens["ccxo"]),
                        (f"/rollup?period=2017-03&limit=2&cursor={cursor}", tokens["auditor"]),
                        (f"/rollup?period=2017-03&limit=2&cursor={cursor[:-2]}xx", tokens["ccxo"]),
                        (f"/benchmarks?measure=voc.nps&period=2017-03&cursor={cursor}", tokens["ccxo"])):
        response = api.get(path, token=token)
        assert response.status_code == 400, path
        assert response.json["error"]["details"][0]["field"] == "cursor"
    for bad, field in (("limit=0", "limit"), ("limit=201", "limit"), ("sort=size", "sort"), ("q=" + "x" * 81, "q")):
        response = api.get(f"/rollup?period=2017-03&{bad}", token=tokens["ccxo"])
        assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == field, bad


def test_benchmark_pages_rank_every_department_once(many, api, tokens):
    whole = api.get("/benchmarks?measure=recommendations.open&period=2017-03", token=tokens["ccxo"]).json
    pages = _all(api, tokens["ccxo"], "/benchmarks?measure=recommendations.open&period=2017-03&limit=4")
    items = [i for p in pages for i in p["items"]]
    assert items == whole["items"] and len(items) == 9
    assert all(p["count"] == 9 and p["median"] == whole["median"] for p in pages)
    # lower is better: the departments without open recommendations share rank 1, dept-05 is last
    assert items[-1]["department"] == "dept-05" and items[-1]["rank"] == 9


def test_a_derived_kpi_counts_as_its_latest_period_says(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2017, 6, 1, tzinfo=timezone.utc))
    # Given a KPI derived from the mean first response (target 6 h) and feedback answered in 10 and 2 h
    kpi = make_kpi(api, tokens["ccxo"], "parks", derived_from="voc.first_response_hours_mean",
                   name="First response (from feedback)")
    rows = [{"channel": "twitter", "received_at": "2017-03-01T10:00:00+00:00",
             "first_responded_at": "2017-03-01T20:00:00+00:00", "category": "question"},
            {"channel": "twitter", "received_at": "2017-04-03T10:00:00+00:00",
             "first_responded_at": "2017-04-03T12:00:00+00:00", "category": "question"},
            {"channel": "twitter", "received_at": "2017-04-04T10:00:00+00:00",
             "first_responded_at": "2017-04-04T20:00:00+00:00", "category": "question"}]
    assert api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=rows).status_code == 200
    # Then the latest period (April: mean (2 + 10) / 2 = 6 h) is met, as its measurement says
    measured = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens["ccxo"]).json["items"]
    assert [(m["period"], m["value"], m["attainment"]) for m in measured] == [("2017-03", 10, "missed"),
                                                                                ("2017-04", 6, "met")]
    row = next(d for d in api.get("/rollup?period=2017-04", token=tokens["ccxo"]).json["departments"]
               if d["department"] == "parks")
    assert row["kpis"] == {"met": 1, "missed": 0, "no_data": 0}
    # When a May answer takes 9 h, May is the latest period and the KPI counts as missed
    late = [{"channel": "twitter", "received_at": "2017-05-02T10:00:00+00:00",
             "first_responded_at": "2017-05-02T19:00:00+00:00", "category": "question"}]
    api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=late)
    own = api.get("/departments/parks/rollup?period=2017-04", token=tokens["dcxo-parks"]).json
    assert own["departments"][0]["kpis"] == {"met": 0, "missed": 1, "no_data": 0}
    org = api.get("/rollup?period=2017-04", token=tokens["ccxo"]).json
    assert org["total"]["kpis"] == {"met": 0, "missed": 1, "no_data": 0}


def test_the_derived_kpi_costs_the_same_whatever_the_feedback_volume(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2017, 6, 1, tzinfo=timezone.utc))
    make_kpi(api, tokens["ccxo"], "parks", derived_from="voc.first_response_hours_mean", name="derived")

    def rows(start: int, count: int) -> list[dict]:
        return [{"channel": "email", "received_at": f"2017-03-{1 + n % 28:02d}T1{n % 10}:00:00+00:00",
                 "first_responded_at": f"2017-03-{1 + n % 28:02d}T1{n % 10}:30:00+00:00", "category": "question",
                 "source_system": "t", "source_id": str(start + n)} for n in range(count)]

    def reads() -> int:
        with callcount.counting() as counted:
            assert api.get("/rollup?period=2017-03", token=tokens["ccxo"]).status_code == 200
        return counted.items_read

    api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=rows(0, 20))
    small = reads()
    api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=rows(20, 150))
    assert reads() == small
