"""The CCXO rollup and the benchmark ranking: every figure equals a direct recount over the records
read through the API, the reads do not grow with the records, and scope is respected."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from chalicelib.core import clock, periods
from chalicelib.reporting.rollup import rank
from devtools import callcount, issuer
from devtools.seed import seed
from tests.integration.test_voc_summary import _direct, _flat

CLOSED = ("closed_implemented", "closed_not_implemented")
PERIOD = "FY2017"


@pytest.fixture()
def demo(api, monkeypatch):
    seed()
    frozen = clock.now()  # one instant for the rollup and the recount alike
    monkeypatch.setattr(clock, "now", lambda: frozen)
    return frozen


def _pages(api, path: str, token: str) -> list[dict]:
    found, cursor = [], None
    while True:
        joiner = "&" if "?" in path else "?"
        page = api.get(f"{path}{joiner}limit=200" + (f"&cursor={cursor}" if cursor else ""), token=token).json
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


def _bucket(age: int) -> str:
    return "0-90" if age <= 90 else "91-180" if age <= 180 else "181-365" if age <= 365 else ">365"


def _recount_recommendations(recs: list[dict], today: date) -> dict:
    open_ = [r for r in recs if r["status"] not in CLOSED]
    fy = periods.containing(today, "fiscal_year")
    by = {}
    for key in ("issuer", "category"):
        groups: dict[str, dict[str, int]] = {}
        for r in recs:
            entry = groups.setdefault(r[key], {"open": 0, "closed": 0})
            entry["closed" if r["status"] in CLOSED else "open"] += 1
        by[key] = groups
    aging = dict.fromkeys(["0-90", "91-180", "181-365", ">365"], 0)
    for r in open_:
        aging[_bucket(r["age_days"])] += 1
    return {
        "open": len(open_),
        "overdue": {k: sum(r["overdue"][k] for r in open_) for k in ("decision", "final_action", "target_date")},
        "closure_requested": sum(r["status"] == "closure_requested" for r in recs),
        "closed_this_fy": sum(1 for r in recs if r["closed_on"] and fy.contains(date.fromisoformat(r["closed_on"]))),
        "aging": aging,
        "by_issuer": by["issuer"], "by_category": by["category"],
        "money_open": {f: str(sum((Decimal(r[f]) for r in open_), Decimal("0")).quantize(Decimal("0.01")))
                       for f in ("questioned_costs", "unsupported_costs", "funds_put_to_better_use")},
    }


def _recount_kpis(kpis: list[dict], api=None, token: str | None = None) -> dict:
    """Each KPI by its latest measured period; a derived KPI (no stored `latest`) by the last of
    its computed measurements."""
    latest = []
    for k in kpis:
        if k.get("derived_from") and api is not None:
            measured = _pages(api, f"/departments/{k['department']}/kpis/{k['id']}/measurements", token)
            latest.append(measured[-1]["attainment"] if measured else None)
        else:
            latest.append(k["latest"]["attainment"] if k["latest"] else None)
    return {"met": latest.count("met"), "missed": latest.count("missed"), "no_data": latest.count(None)}


def _feedback_in(api, dept: str, token: str, period: periods.Period) -> list[dict]:
    start, end = period.utc_bounds(api.get(f"/departments/{dept}", token=token).json["time_zone"])
    return [r for r in _pages(api, f"/departments/{dept}/feedback", token)
            if start <= datetime.fromisoformat(r["received_at"]) < end]


def _compare_voc(actual: dict, records: list[dict], now: datetime) -> None:
    # The rollup gives means, not medians (those need the histograms: see voc-summary)
    expected = {k: v for k, v in _flat(_direct(records, now)).items() if not k.endswith(".median")}
    got = _flat(actual)
    assert not any(k.endswith(".median") for k in got)
    for name, value in expected.items():
        assert got.get(name) == value, name


def test_every_rollup_figure_equals_a_recount_over_the_records(demo, api, tokens):
    # Given the demo organisation, When the CCXO reads the FY2017 rollup
    rollup = api.get(f"/rollup?period={PERIOD}", token=tokens["ccxo"]).json
    period, today = periods.parse(PERIOD), demo.date()
    all_recs, all_kpis, all_feedback = [], [], []
    assert [d["department"] for d in rollup["departments"]] == sorted(d["department"] for d in rollup["departments"])
    # Then each department's figures equal a recount of its records
    for row in rollup["departments"]:
        dept = row["department"]
        recs = _pages(api, f"/recommendations?department={dept}", tokens["auditor"])
        kpis = _pages(api, f"/departments/{dept}/kpis", tokens["ccxo"])
        feedback = _feedback_in(api, dept, tokens["ccxo"], period)
        assert row["recommendations"] == _recount_recommendations(recs, today), dept
        assert row["kpis"] == _recount_kpis(kpis, api, tokens["ccxo"]), dept
        _compare_voc(row["voc"], feedback, demo)
        all_recs += recs
        all_kpis += kpis
        all_feedback += feedback
    # And the total equals a recount over every department's records
    assert rollup["total"]["recommendations"] == _recount_recommendations(all_recs, today)
    assert rollup["total"]["kpis"] == _recount_kpis(all_kpis, api, tokens["ccxo"])
    _compare_voc(rollup["total"]["voc"], all_feedback, demo)
    assert rollup["total"]["recommendations"]["open"] >= 2 and rollup["total"]["voc"]["volume"] >= 13


def test_a_dcxo_gets_its_own_rollup_only(demo, api, tokens):
    corp = issuer.mint("dcxo", "corp-comms")
    own = api.get(f"/departments/corp-comms/rollup?period={PERIOD}", token=corp).json
    org = api.get(f"/rollup?period={PERIOD}", token=tokens["ccxo"]).json
    row = next(d for d in org["departments"] if d["department"] == "corp-comms")
    assert own["departments"] == [row]
    assert own["total"] == {k: row[k] for k in ("recommendations", "kpis", "voc")}
    assert api.get(f"/rollup?period={PERIOD}", token=corp).status_code == 403
    assert api.get(f"/departments/parks/rollup?period={PERIOD}", token=corp).status_code == 403
    assert api.get(f"/benchmarks?measure=voc.nps&period={PERIOD}", token=corp).status_code == 403


def test_the_rollup_reads_the_same_items_whatever_the_volume(demo, api, tokens):
    corp = issuer.mint("dcxo", "corp-comms")

    def posts(first: int, count: int) -> None:
        # Same channel, same hour of one day: more records, not more days or channels
        rows = [{"channel": "twitter", "received_at": f"2017-03-14T10:{n % 60:02d}:00-04:00",
                 "category": "question", "actionable": True, "comment": f"post {n}",
                 "source_system": "bench", "source_id": f"extra-{n}"} for n in range(first, first + count)]
        assert api.post("/departments/corp-comms/feedback/imports", token=corp, body=rows).json["created"] == count

    def read() -> tuple[int, int]:
        with callcount.counting() as calls:
            assert api.get("/rollup?period=2017-03", token=tokens["ccxo"]).status_code == 200
        return sum(calls.values()), calls.items_read

    posts(0, 5)
    before = read()
    # When 20 times as many posts arrive
    posts(5, 100)
    after = read()
    # Then the rollup makes the same calls and reads the same items
    assert after == before
    departments = len(api.get("/departments", token=tokens["ccxo"]).json["items"])
    assert after[1] <= departments * 40  # departments x (month, channels, due days) + the list
    print(f"\nGET /rollup?period=2017-03: {after[0]} calls, {after[1]} items read, {departments} departments")


def test_a_fiscal_year_rollup_reads_one_voc_item_per_department(demo, api, tokens, monkeypatch):
    import botocore.client

    # Given the demo organisation, whose feedback spans several months of FY2017
    departments = len(_pages(api, "/departments", tokens["ccxo"]))
    queries = []
    real = botocore.client.BaseClient._make_api_call

    def spy(self, operation, params):
        response = real(self, operation, params)
        if operation == "Query" and params.get("IndexName") == "by_org":
            key = next(v["S"] for v in params["ExpressionAttributeValues"].values())
            queries.append((key, len(response.get("Items", []))))
        return response

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    # When the CCXO reads the fiscal year's rollup
    rollup = api.get(f"/rollup?period={PERIOD}", token=tokens["ccxo"]).json
    # Then the organisation-wide reads are the departments, REC, KPI and one VoC item per department
    # for the whole year (not one query per month: twelve items per department), and each
    # department's latest second look (issue 26: one item per department that has one), made at the
    # same time (issue 31), so in no set order
    assert sorted(key for key, _ in queries) == sorted(
        ["DEPARTMENT", "AGG#REC", "AGG#KPI", f"AGG#VOCFY#{PERIOD}", "REVIEWLATEST"])
    items = dict(queries)
    assert items["DEPARTMENT"] == departments
    assert 0 < items[f"AGG#VOCFY#{PERIOD}"] <= departments and items["REVIEWLATEST"] <= departments
    # And its VoC total is the sum of the twelve months' rollups
    assert rollup["total"]["voc"]["volume"] == sum(
        api.get(f"/rollup?period={m.label}", token=tokens["ccxo"]).json["total"]["voc"]["volume"]
        for m in periods.parse(PERIOD).months()) >= 13


@pytest.mark.parametrize("values, direction, ranks", [
    ({"a": 0.5, "b": 0.5, "c": 0.17, "d": None}, "higher", {"a": 1, "b": 1, "c": 3, "d": None}),
    ({"a": 16.0, "b": 0.5, "c": 25.0}, "lower", {"a": 2, "b": 1, "c": 3}),
    ({"a": None}, "lower", {"a": None}),
])
def test_ranking_is_direction_aware_with_shared_ranks(values, direction, ranks):
    assert rank(values, direction) == ranks


def test_benchmark_lists_no_data_last_with_the_median(demo, api, tokens):
    bench = api.get(f"/benchmarks?measure=voc.first_response_hours_mean&period={PERIOD}", token=tokens["auditor"]).json
    assert bench["direction"] == "lower" and bench["unit"] == "hours"
    values = [i["value"] for i in bench["items"] if i["value"] is not None]
    assert values == sorted(values)  # lower is better: best first
    assert all(i["rank"] is None for i in bench["items"][len(values):])
    assert all(i["median"] == bench["median"] for i in bench["items"])
    import statistics

    assert bench["median"] == statistics.median(values)
    bad = api.get("/benchmarks?measure=voc.happiness", token=tokens["ccxo"])
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "measure"


def test_bad_period_is_named(api, tokens):
    for path in ("/rollup?period=2017-13", "/dashboard/charts/voc?period=FY17"):
        response = api.get(path, token=tokens["ccxo"])
        assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == "period"


def test_an_item_due_today_turns_overdue_at_its_minute_in_the_rollup(seeded, api, tokens, monkeypatch):
    # Given a post received at 05:00 UTC with a six-hour target (due 11:00 UTC), read on that day
    moment = {"now": datetime(2017, 3, 14, 10, 59, tzinfo=timezone.utc)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    created = api.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body={
        "channel": "twitter", "received_at": "2017-03-14T05:00:00+00:00", "category": "complaint",
        "actionable": True, "comment": "still waiting"})
    assert created.status_code == 201, created.body

    def overdue(path: str, token: str) -> int:
        body = api.get(path, token=token).json
        if "departments" not in body:
            return body["overdue_unanswered"]
        return next(d for d in body["departments"] if d["department"] == "parks")["voc"]["overdue_unanswered"]

    paths = [("/departments/parks/rollup?period=2017-03", tokens["dcxo-parks"]),
             ("/rollup?period=2017-03", tokens["ccxo"]),
             ("/departments/parks/voc-summary?period=2017-03", tokens["dcxo-parks"]),
             # the fiscal year's own items (issue 31) tell the same
             ("/departments/parks/rollup?period=FY2017", tokens["dcxo-parks"]),
             ("/rollup?period=FY2017", tokens["ccxo"])]
    # Then it is not overdue a minute before, and is at its due minute, in the rollups as in the summary
    assert [overdue(p, t) for p, t in paths] == [0] * 5
    moment["now"] = datetime(2017, 3, 14, 11, 0, tzinfo=timezone.utc)
    assert [overdue(p, t) for p, t in paths] == [1] * 5
    # And on a later day it is counted from the month item alone
    moment["now"] = datetime(2017, 3, 20, tzinfo=timezone.utc)
    with callcount.counting() as calls:
        assert overdue(*paths[0]) == 1
    # (the department, its REC and KPI counters, the month item, its latest second look (issue 26):
    # no due-minute item, no query)
    assert dict(calls) == {"GetItem": 2, "BatchGetItem": 2}


def test_every_benchmark_measure_ranks(demo, api, tokens):
    from typing import get_args

    from chalicelib.reporting.rollup_schemas import Measure

    assert set(get_args(Measure)) == set(__import__("chalicelib.reporting.rollup", fromlist=["MEASURES"]).MEASURES)
    for measure in get_args(Measure):
        response = api.get(f"/benchmarks?measure={measure}&period={PERIOD}", token=tokens["ccxo"])
        assert response.status_code == 200, (measure, response.body)
        assert len(response.json["items"]) == len(api.get("/departments", token=tokens["ccxo"]).json["items"])


def test_the_dashboard_offers_only_measures_the_api_ranks():
    import re
    from typing import get_args

    from chalicelib.reporting.dashboard_routes import ASSETS
    from chalicelib.reporting.rollup_schemas import Measure

    page = (ASSETS / "index.html").read_text()
    select = re.search(r'<select[^>]*id="measure"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = re.findall(r'<option value="([a-z0-9_.]+)"', select)
    assert offered and set(offered) <= set(get_args(Measure))
