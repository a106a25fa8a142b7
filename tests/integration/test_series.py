"""Monthly series for the trends, from the aggregates: every month's figures equal a recount over
the records written, the reads do not grow with the records, scope and bad input are enforced."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core import clock
from devtools import callcount
from tests.integration.audit_helpers import make_rec, rec_url

NOW = datetime(2017, 7, 10, 12, tzinfo=timezone.utc)
TARGET = timedelta(hours=6)  # the departments' response target (conftest.department_body)


def _rows(dept: str, start: int, count: int) -> list[dict]:
    """Feedback over April-June 2017; every third unanswered, the others answered in 1 to 12 h."""
    rows = []
    for n in range(start, start + count):
        received = datetime(2017, 4 + n % 3, 1 + n % 27, 14, n % 60, tzinfo=timezone.utc)
        row = {"channel": ("twitter", "email")[n % 2], "received_at": received.isoformat(), "category": "complaint",
               "source_system": "series", "source_id": f"{dept}-{n}"}
        if n % 3:
            row["first_responded_at"] = (received + timedelta(hours=1 + n % 12)).isoformat()
        rows.append(row)
    return rows


def _expected(rows: list[dict]) -> dict[str, dict]:
    """Per month of receipt (14:xx UTC is the same day in the departments' zones, Chicago and Los
    Angeles): volume, responded, overdue and within-target share."""
    out: dict[str, Counter] = {}
    for r in rows:
        received = datetime.fromisoformat(r["received_at"])
        month = out.setdefault(received.strftime("%Y-%m"), Counter())
        month["volume"] += 1
        if "first_responded_at" in r:
            month["responded"] += 1
            month["within"] += datetime.fromisoformat(r["first_responded_at"]) - received <= TARGET
        elif received + TARGET <= NOW:
            month["overdue"] += 1
    return {m: {"volume": c["volume"], "responded": c["responded"], "overdue_unanswered": c["overdue"],
                "within_target_share": round(c["within"] / (c["responded"] + c["overdue"]), 6)}
            for m, c in out.items()}


@pytest.fixture()
def feedback(seeded, api, tokens, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    written = {}
    for dept in ("parks", "harbour"):
        written[dept] = _rows(dept, 0, 30)
        response = api.post(f"/departments/{dept}/feedback/imports", token=tokens[f"dcxo-{dept}"], body=written[dept])
        assert response.status_code == 200 and response.json["created"] == 30, response.body
    return written


def _figures(month: dict) -> dict:
    return {k: month[k] for k in ("volume", "responded", "overdue_unanswered", "within_target_share")}


def test_voc_series_equals_a_recount_per_month(feedback, api, tokens):
    series = api.get("/departments/parks/voc-series?from=2017-03&to=2017-07", token=tokens["dcxo-parks"]).json
    assert (series["from"], series["to"], series["department"]) == ("2017-03", "2017-07", "parks")
    assert [m["month"] for m in series["months"]] == ["2017-03", "2017-04", "2017-05", "2017-06", "2017-07"]
    expected = _expected(feedback["parks"])
    for month in series["months"]:
        if month["month"] in expected:
            assert _figures(month) == expected[month["month"]], month["month"]
        else:
            assert month["volume"] == 0 and month["within_target_share"] is None


def test_rollup_series_sums_the_departments_and_counts_recommendations_opened_and_closed(feedback, api, tokens, monkeypatch):
    # Given two recommendations issued 2017-05-08, one closed (not implemented) on 2017-06-20
    recs = [make_rec(api, tokens, "parks"), make_rec(api, tokens, "harbour")]
    monkeypatch.setattr(clock, "now", lambda: datetime(2017, 6, 20, 9, tzinfo=timezone.utc))
    closed = api.post(rec_url(recs[1]) + "/transitions", token=tokens["auditor"],
                      body={"to": "closed_not_implemented", "reason": "management disagreed"})
    assert closed.status_code == 200, closed.body
    monkeypatch.setattr(clock, "now", lambda: NOW)
    series = api.get("/rollup/series?from=2017-04&to=2017-07", token=tokens["ccxo"]).json
    assert series["department"] is None
    expected = _expected(feedback["parks"] + feedback["harbour"])
    by_month = {m["month"]: m for m in series["months"]}
    for month, figures in expected.items():
        assert _figures(by_month[month]["voc"]) == figures, month
    assert {m: v["recommendations"] for m, v in by_month.items()} == {
        "2017-04": {"opened": 0, "closed": 0}, "2017-05": {"opened": 2, "closed": 0},
        "2017-06": {"opened": 0, "closed": 1}, "2017-07": {"opened": 0, "closed": 0}}
    # And one department's series is that department's share
    own = api.get("/departments/harbour/rollup/series?from=2017-04&to=2017-07", token=tokens["dcxo-harbour"]).json
    assert own["department"] == "harbour"
    assert {m["month"]: m["recommendations"]["closed"] for m in own["months"]}["2017-06"] == 1
    assert _figures({m["month"]: m for m in own["months"]}["2017-05"]["voc"]) == _expected(feedback["harbour"])["2017-05"]


def test_series_reads_do_not_grow_with_the_records(feedback, api, tokens):
    def reads(path: str, token: str) -> tuple[int, int]:
        with callcount.counting() as counted:
            assert api.get(path, token=token).status_code == 200
        return sum(counted.values()), counted.items_read

    paths = [("/departments/parks/voc-series?from=2016-08&to=2017-07", tokens["ccxo"]),
             ("/departments/parks/rollup/series?from=2016-08&to=2017-07", tokens["ccxo"]),
             ("/rollup/series?from=2016-08&to=2017-07", tokens["ccxo"])]
    small = [reads(*p) for p in paths]
    # When ten times the records arrive in the same months
    more = _rows("parks", 30, 270)
    assert api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=more).json["created"] == 270
    assert [reads(*p) for p in paths] == small
    # (one department: one Query of its month items, plus its REC item; org-wide: a query per month)
    assert small[0][0] == 2 and small[2][0] == 12 + 1


@pytest.mark.parametrize("query,field", [("from=2017-13", "from"), ("to=17-01", "to"), ("from=2017-09&to=2016-01", "from"),
                                         ("from=2010-01&to=2017-01", "from"), ("month=2017-01", "month"),
                                         ("from_=2017-01", "from_"), ("from=0000-01&to=0000-02", "to"),
                                         ("from=1899-12", "from")])
def test_bad_ranges_are_a_400_naming_the_field(feedback, api, tokens, query, field):
    for path in ("/rollup/series", "/departments/parks/voc-series", "/departments/parks/rollup/series"):
        response = api.get(f"{path}?{query}", token=tokens["ccxo"])
        assert response.status_code == 400, (path, query)
        assert response.json["error"]["details"][0]["field"] == field


def test_a_dcxo_reads_only_its_own_series(feedback, api, tokens):
    for path in ("/departments/harbour/voc-series", "/departments/harbour/rollup/series"):
        response = api.get(path, token=tokens["dcxo-parks"])
        assert response.status_code == 403 and "harbour" not in response.body.decode().replace("/departments/harbour", "")
    assert api.get("/rollup/series", token=tokens["dcxo-parks"]).status_code == 403
    default = api.get("/departments/parks/voc-series", token=tokens["dcxo-parks"]).json
    assert (default["from"], default["to"], len(default["months"])) == ("2015-08", "2017-07", 24)
