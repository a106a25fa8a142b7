"""Measurements through HTTP: idempotent by period, corrections kept, attainment against the target
in force for the period, the department's latest-period counters moved in the same transaction,
and the DynamoDB calls each costs."""
from __future__ import annotations

import pytest

from chalicelib.db import aggregates
from chalicelib.kpis import store as kpi_dal
from chalicelib.kpis.rules import rollup_counts
from devtools import callcount
from tests.integration.kpi_helpers import make_journey, make_kpi, put_measurement


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def _counters(dept="parks") -> dict:
    return aggregates.read(dept, ["KPI"])["KPI"]


@pytest.fixture()
def kpi(seeded, api, tokens) -> dict:
    """Parks' monthly "first response time" KPI: hours, lower is better, target 6."""
    return make_kpi(api, tokens["dcxo-parks"], "parks")


@pytest.fixture()
def rate_kpi(seeded, api, tokens) -> dict:
    """Parks' monthly share of posts answered within 6 hours, target 90%."""
    return make_kpi(api, tokens["dcxo-parks"], "parks", name="Responses within 6 hours",
                    unit=None, direction=None, standard=None, catalogue_code="social_within_target",
                    target=90)


def _put(api, tokens, kpi_id, period, **body):
    return put_measurement(api, tokens["dcxo-parks"], "parks", kpi_id, period, **body)


def test_a_measurement_reads_back_with_target_attainment_and_gap(kpi, api, tokens):
    # Given a KPI with a 6-hour target, When the dcxo records FY2016's 16-hour average for March
    response = _put(api, tokens, kpi["id"], "2017-03", value=16, sample_size=73484, source="SMOC dashboard")
    # Then the target was missed by 10 hours
    assert response.status_code == 200, response.body
    m = response.json
    assert (m["period"], m["value"], m["target"], m["attainment"], m["gap"]) == ("2017-03", 16, 6, "missed", -10)
    assert (m["sample_size"], m["source"], m["numerator"], m["denominator"]) == (73484, "SMOC dashboard", None, None)
    assert m["department"] == "parks" and m["kpi_id"] == kpi["id"] and m["version"] == 1 and m["history"] == []
    # And the list and the single read answer the same, for every reader
    for who in ("dcxo-parks", "ccxo", "auditor"):
        listed = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens[who]).json
        assert listed == {"items": [m], "next_cursor": None}
        single = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-03", token=tokens[who])
        assert single.json == m
    # And the KPI and the department's aggregate show it as the latest period
    assert api.get(f"/departments/parks/kpis/{kpi['id']}", token=tokens["ccxo"]).json["latest"] == \
        {"period": "2017-03", "attainment": "missed"}
    assert _counters() == {"kpi__defined": 1, "kpi__missed": 1}


def test_a_rate_is_computed_from_numerator_and_denominator(rate_kpi, api, tokens):
    # When 43 of 100 responses met the target (MS-AR-17-006, FY2016)
    response = _put(api, tokens, rate_kpi["id"], "2016-09", numerator=43, denominator=100)
    # Then the value is 43% and the 90% target is missed by 47 points
    assert response.status_code == 200, response.body
    assert (response.json["value"], response.json["attainment"], response.json["gap"]) == (43, "missed", -47)
    # And a value that agrees with the ratio is accepted, one that does not is a 400 naming value
    assert _put(api, tokens, rate_kpi["id"], "2016-10", numerator=1, denominator=3,
                value=33.33).json["value"] == pytest.approx(33.333333)
    bad = _put(api, tokens, rate_kpi["id"], "2016-11", numerator=1, denominator=3, value=50)
    assert bad.status_code == 400 and _fields(bad) == {"value"}


@pytest.mark.parametrize("period, body, field", [
    ("2017-03", {"value": 101}, "value"),
    ("2017-03", {"value": -1}, "value"),
    ("2017-03", {"numerator": 101, "denominator": 100}, "numerator"),
    ("2017-03", {"numerator": 1}, "denominator"),
    ("2017-03", {"denominator": 4}, "numerator"),
    ("2017-03", {"numerator": 0, "denominator": 0}, "denominator"),
    ("2017-03", {"numerator": -1, "denominator": 4}, "numerator"),
    ("2017-03", {}, "value"),
    ("2017-03", {"value": "43"}, "value"),
    ("2017-03", {"value": 43, "sample_size": 1.5}, "sample_size"),
    ("2017-03", {"value": 43, "sample_size": -1}, "sample_size"),
    ("2017-03", {"value": 43, "comment": "x"}, "comment"),
    ("2017-Q1", {"value": 43}, "period"),
    ("FY2017", {"value": 43}, "period"),
    ("2017-13", {"value": 43}, "period"),
    ("March", {"value": 43}, "period"),
    ("2999-01", {"value": 43}, "period"),
])
def test_bad_measurements_are_400s_naming_the_field(rate_kpi, api, tokens, period, body, field):
    response = _put(api, tokens, rate_kpi["id"], period, **body)
    assert response.status_code == 400, response.body
    assert field in _fields(response)
    listed = api.get(f"/departments/parks/kpis/{rate_kpi['id']}/measurements", token=tokens["ccxo"])
    assert listed.json["items"] == []
    assert _counters() == {"kpi__defined": 1}


def test_hours_cannot_be_negative(kpi, api, tokens):
    response = _put(api, tokens, kpi["id"], "2017-03", value=-2)
    assert response.status_code == 400 and _fields(response) == {"value"}


def test_a_target_change_leaves_past_attainment_untouched(kpi, api, tokens):
    # Given January met its 6-hour target with 5 hours
    assert _put(api, tokens, kpi["id"], "2017-01", value=5).json["attainment"] == "met"
    # When the target becomes 4 hours from February on
    patched = api.patch(f"/departments/parks/kpis/{kpi['id']}", token=tokens["dcxo-parks"],
                        body={"target": 4, "effective_from": "2017-02"})
    assert patched.status_code == 200, patched.body
    # Then February's 5 hours miss the new target
    february = _put(api, tokens, kpi["id"], "2017-02", value=5).json
    assert (february["target"], february["attainment"], february["gap"]) == (4, "missed", -1)
    # And January still reads as met against 6, even after a correction
    january = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-01", token=tokens["ccxo"]).json
    assert (january["target"], january["attainment"], january["gap"]) == (6, "met", 1)
    corrected = _put(api, tokens, kpi["id"], "2017-01", value=5.5).json
    assert (corrected["target"], corrected["attainment"]) == (6, "met")
    listed = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens["ccxo"]).json
    assert [(m["period"], m["target"], m["attainment"]) for m in listed["items"]] == \
        [("2017-01", 6, "met"), ("2017-02", 4, "missed")]


def test_corrections_keep_the_history(kpi, api, tokens):
    # Given March recorded at 16 hours
    first = _put(api, tokens, kpi["id"], "2017-03", value=16, source="first count").json
    # When it is corrected twice
    second = _put(api, tokens, kpi["id"], "2017-03", value=15, source="recount", version=1)
    third = _put(api, tokens, kpi["id"], "2017-03", value=5)
    # Then the latest value stands, and the earlier ones are kept oldest first, with who and when
    assert second.status_code == third.status_code == 200, (second.body, third.body)
    m = third.json
    assert (m["value"], m["version"], m["attainment"]) == (5, 3, "met")
    assert [(h["value"], h["source"], h["version"], h["attainment"]) for h in m["history"]] == \
        [(16, "first count", 1, "missed"), (15, "recount", 2, "missed")]
    assert m["history"][0]["recorded_at"] == first["recorded_at"]
    assert all(h["recorded_by"] for h in m["history"]) and m["created_at"] == first["created_at"]
    listed = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens["auditor"]).json
    assert listed["items"] == [m]


def test_the_same_put_twice_writes_once(kpi, api, tokens):
    # Given a recorded measurement
    first = _put(api, tokens, kpi["id"], "2017-03", value=16, numerator=None)
    # When the same PUT arrives again (a retry)
    with callcount.counting() as calls:
        again = _put(api, tokens, kpi["id"], "2017-03", value=16)
    # Then it answers the same measurement, with no history and no write
    assert again.status_code == 200 and again.json == first.json
    assert again.json["version"] == 1 and again.json["history"] == []
    assert dict(calls) == {"BatchGetItem": 1}
    assert _counters() == {"kpi__defined": 1, "kpi__missed": 1}


def test_a_stale_version_is_a_409(kpi, api, tokens):
    _put(api, tokens, kpi["id"], "2017-03", value=16)
    _put(api, tokens, kpi["id"], "2017-03", value=15)
    # When a client corrects against version 1 while the measurement is at version 2
    stale = _put(api, tokens, kpi["id"], "2017-03", value=9, version=1)
    # Then it is a 409 naming version, and the value stands
    assert stale.status_code == 409 and _fields(stale) == {"version"}
    assert api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-03",
                   token=tokens["ccxo"]).json["value"] == 15
    # And a version sent for a period never measured is a 409 too
    assert _put(api, tokens, kpi["id"], "2017-04", value=9, version=1).status_code == 409


def test_a_concurrent_write_to_the_same_period_makes_the_loser_409(kpi, api, tokens, monkeypatch):
    # Given two writers of March that both read before either writes
    _put(api, tokens, kpi["id"], "2017-03", value=16)
    original, raced = kpi_dal.read_for_write, []

    def read_then_lose_the_race(*args):
        state = original(*args)
        if not raced:
            raced.append(True)
            assert _put(api, tokens, kpi["id"], "2017-03", value=4).status_code == 200
        return state

    monkeypatch.setattr(kpi_dal, "read_for_write", read_then_lose_the_race)
    # When the slower one writes
    loser = _put(api, tokens, kpi["id"], "2017-03", value=9)
    # Then it is a 409; the winner's value stands, its correction kept once, counted once
    assert loser.status_code == 409 and _fields(loser) == {"version"}
    stored = api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-03", token=tokens["ccxo"]).json
    assert (stored["value"], stored["version"], [h["value"] for h in stored["history"]]) == (4, 2, [16])
    assert _counters() == {"kpi__defined": 1, "kpi__met": 1, "kpi__missed": 0}


def test_a_target_change_racing_a_measurement_makes_the_measurement_409(kpi, api, tokens, monkeypatch):
    # Given a measurement write that read the KPI just before its target changed from 2017-03 on
    original, raced = kpi_dal.read_for_write, []

    def read_then_target_changes(*args):
        state = original(*args)
        if not raced:
            raced.append(True)
            assert api.patch(f"/departments/parks/kpis/{kpi['id']}", token=tokens["dcxo-parks"],
                             body={"target": 20, "effective_from": "2017-03"}).status_code == 200
        return state

    monkeypatch.setattr(kpi_dal, "read_for_write", read_then_target_changes)
    # When it writes against the old target, Then it is a 409 and nothing was written
    assert _put(api, tokens, kpi["id"], "2017-03", value=16).status_code == 409
    assert _counters() == {"kpi__defined": 1}
    # And the retry is measured against the new target
    assert _put(api, tokens, kpi["id"], "2017-03", value=16).json["attainment"] == "met"


def test_latest_period_counters_move_with_corrections_and_later_periods(kpi, api, tokens):
    # Given a second KPI with no measurement: no_data
    other = make_kpi(api, tokens["dcxo-parks"], "parks", kpi["journey_id"], name="Other")
    # When January is met
    _put(api, tokens, kpi["id"], "2017-01", value=5)
    assert _counters() == {"kpi__defined": 2, "kpi__met": 1}
    # And February arrives missed: the KPI now counts by February
    _put(api, tokens, kpi["id"], "2017-02", value=8)
    assert _counters() == {"kpi__defined": 2, "kpi__met": 0, "kpi__missed": 1}
    # And a correction of February to met moves it back
    _put(api, tokens, kpi["id"], "2017-02", value=6)
    assert _counters() == {"kpi__defined": 2, "kpi__met": 1, "kpi__missed": 0}
    # And a correction of the older January changes nothing in the counters
    _put(api, tokens, kpi["id"], "2017-01", value=50)
    assert _counters() == {"kpi__defined": 2, "kpi__met": 1, "kpi__missed": 0}
    assert api.get(f"/departments/parks/kpis/{kpi['id']}", token=tokens["ccxo"]).json["latest"] == \
        {"period": "2017-02", "attainment": "met"}
    # And the other KPI's first measurement counts it, leaving no KPI without data
    _put(api, tokens, other["id"], "2016-12", value=7)
    assert rollup_counts(_counters()) == {"met": 1, "missed": 1, "no_data": 0}
    assert aggregates.read_scope_for_all("KPI")["parks"] == _counters()


def test_a_derived_kpi_refuses_typed_measurements(seeded, api, tokens):
    derived = make_kpi(api, tokens["dcxo-parks"], "parks", name="Within target (from feedback)",
                       unit=None, direction=None, standard=None, catalogue_code="social_within_target",
                       derived_from="voc.within_target_share", target=90)
    assert derived["derived_from"] == "voc.within_target_share"
    response = _put(api, tokens, derived["id"], "2017-03", value=43)
    assert response.status_code == 409
    assert "computed from" in response.json["error"]["message"]
    # (defined, and counted as derived: the rollup evaluates it from the feedback; no met/missed stored)
    assert _counters() == {"kpi__defined": 1, "kpi__derived": 1}


def test_measurement_pages_use_cursors_bound_to_caller_and_kpi(kpi, api, tokens):
    # Given twelve months of FY2017
    for month in ["2016-10", "2016-11", "2016-12"] + [f"2017-{m:02d}" for m in range(1, 10)]:
        assert _put(api, tokens, kpi["id"], month, value=10).status_code == 200
    # When the ccxo pages five at a time
    url = f"/departments/parks/kpis/{kpi['id']}/measurements"
    periods, cursor, first_cursor = [], None, None
    while True:
        with callcount.counting() as calls:
            page = api.get(url + "?limit=5" + (f"&cursor={cursor}" if cursor else ""), token=tokens["ccxo"]).json
        # Then each page is one Query
        assert dict(calls) == {"Query": 1}
        periods += [m["period"] for m in page["items"]]
        cursor = page["next_cursor"]
        first_cursor = first_cursor or cursor
        if not cursor:
            break
    # And the periods come in time order, each once
    assert periods == sorted(periods) and len(periods) == 12
    assert periods[0] == "2016-10" and periods[-1] == "2017-09"
    # And a cursor is refused for another KPI, another caller, or altered
    other = make_kpi(api, tokens["dcxo-parks"], "parks", kpi["journey_id"], name="Other")
    for path, who in ((f"/departments/parks/kpis/{other['id']}/measurements", "ccxo"),
                      (url, "auditor"), (url, "dcxo-parks")):
        refused = api.get(f"{path}?limit=5&cursor={first_cursor}", token=tokens[who])
        assert refused.status_code == 400 and _fields(refused) == {"cursor"}
    assert api.get(f"{url}?cursor={first_cursor[:-3]}abc", token=tokens["ccxo"]).status_code == 400


def test_a_measurement_write_is_one_read_and_one_transaction(kpi, api, tokens):
    for body in ({"value": 16}, {"value": 15}, {"value": 5}):  # new, correction, attainment change
        with callcount.counting() as calls:
            response = _put(api, tokens, kpi["id"], "2017-03", **body)
        assert response.status_code == 200
        assert dict(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}
    with callcount.counting() as calls:
        assert _put(api, tokens, kpi["id"], "2016-03", value=1).status_code == 200  # an older period
    assert dict(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_unknown_or_foreign_kpis_are_404s(kpi, api, tokens):
    harbour_kpi = make_kpi(api, tokens["dcxo-harbour"], "harbour")
    for kpi_id in (harbour_kpi["id"], "0" * 32, "x" * 3000):
        put = _put(api, tokens, kpi_id, "2017-03", value=1)
        listed = api.get(f"/departments/parks/kpis/{kpi_id}/measurements", token=tokens["dcxo-parks"])
        single = api.get(f"/departments/parks/kpis/{kpi_id}/measurements/2017-03", token=tokens["dcxo-parks"])
        assert (put.status_code, listed.status_code, single.status_code) == (404, 404, 404)
        assert "harbour" not in (put.body + listed.body + single.body).decode().lower()
    # A KPI of parks with no measurement yet lists empty, and an unmeasured period is a 404
    assert api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens["ccxo"]).json["items"] == []
    assert api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-03", token=tokens["ccxo"]).status_code == 404
    assert api.get(f"/departments/parks/kpis/{kpi['id']}/measurements/2017-Q9", token=tokens["ccxo"]).status_code == 400


def test_only_the_departments_dcxo_records_measurements(kpi, api, tokens):
    for who in ("ccxo", "auditor"):
        assert put_measurement(api, tokens[who], "parks", kpi["id"], "2017-03", value=1).status_code == 403
    assert put_measurement(api, tokens["dcxo-harbour"], "parks", kpi["id"], "2017-03", value=1).status_code == 403
    assert _counters() == {"kpi__defined": 1}


def test_quarterly_and_fiscal_year_kpis_take_their_own_periods(seeded, api, tokens):
    journey = make_journey(api, tokens["dcxo-parks"], "parks")
    quarterly = make_kpi(api, tokens["dcxo-parks"], "parks", journey["id"], frequency="quarterly",
                         unit=None, direction=None, standard=None, catalogue_code="nps", target=30)
    yearly = make_kpi(api, tokens["dcxo-parks"], "parks", journey["id"], frequency="fiscal_year",
                      unit=None, direction=None, standard=None, catalogue_code="a11_trust", target=70)
    assert _put(api, tokens, quarterly["id"], "2017-Q2", value=-12.5).json["gap"] == -42.5
    assert _put(api, tokens, quarterly["id"], "2017-Q2", value=-101).status_code == 400
    fy = _put(api, tokens, yearly["id"], "FY2016", numerator=700, denominator=1000).json
    assert (fy["value"], fy["period_start"], fy["attainment"]) == (70, "2015-10-01", "met")
    assert _put(api, tokens, yearly["id"], "2016-10", value=70).status_code == 400


def _transaction_conflict(*args, **kwargs):
    """What DynamoDB answers when another transaction holds an item (DynamoDB Local never does)."""
    from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}},
        "TransactWriteItems",
        cancellation_reasons=[None, CancellationReason(code="TransactionConflict"), None])
    raise TransactWriteError("Failed to write transaction items", cause=cause)


@pytest.mark.parametrize("write", ["measurement", "kpi"])
def test_a_transaction_conflict_is_a_503_to_retry_and_writes_nothing(kpi, api, tokens, monkeypatch, write):
    from pynamodb.connection import Connection

    # Given DynamoDB cancels the transaction because another one held an item
    monkeypatch.setattr(Connection, "transact_write_items", _transaction_conflict)
    # When the dcxo writes a measurement or defines a KPI
    if write == "measurement":
        response = _put(api, tokens, kpi["id"], "2017-03", value=4)
    else:
        response = api.post("/departments/parks/kpis", token=tokens["dcxo-parks"],
                            body={**{k: kpi[k] for k in ("journey_id", "unit", "direction", "frequency")},
                                  "name": "Other", "target": 1})
    # Then it is a 503 with Retry-After, never a 500, and nothing changed
    assert response.status_code == 503, response.body
    assert response.headers["Retry-After"] == "1"
    monkeypatch.undo()
    assert api.get(f"/departments/parks/kpis/{kpi['id']}/measurements", token=tokens["ccxo"]).json["items"] == []
    assert _counters() == {"kpi__defined": 1}
