"""The surge watch (DESIGN.md "Surge watch and backlog risk") on a SMOC-like 23 December: every
figure equal to the test's own computation from the rows it imported (watch_helpers.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.reporting import reconcile
from tests.integration import watch_helpers as wh


@pytest.fixture()
def smoc(seeded, tokens):
    rows = wh.smoc_rows()
    zone = seeded.patch("/departments/parks", token=tokens["ccxo"], body={"time_zone": "America/New_York"})
    assert zone.status_code == 200, zone.body  # the SMOC's wall clock
    wh.import_rows(seeded, tokens["dcxo-parks"], "parks", rows)
    return rows


def _watch(api, token, at: datetime, dept: str = "parks"):
    answer = api.get(f"/departments/{dept}/watch?at={at.isoformat().replace('+00:00', 'Z')}", token=token)
    assert answer.status_code == 200, answer.body
    return answer.json


def test_a_backtest_of_23_december_equals_the_tests_own_figures(smoc, seeded, tokens):
    found = _watch(seeded, tokens["dcxo-parks"], wh.AT)
    assert found["at"] == "2016-12-23T17:00:00+00:00"
    by_scope = {(s["scope"], s["key"]): s for s in found["surges"]}
    for scope, key, channel in (("department", "parks", None), ("channel", "twitter", "twitter"),
                                ("channel", "facebook", "facebook")):
        want = wh.expected_surge(smoc, wh.AT, channel)
        got = by_scope[(scope, key)]
        assert got["observed"] == want["observed"]
        assert got["baseline"] == {"median": want["median"], "mad": want["mad"], "values": want["values"]}
        assert got["z"] == pytest.approx(want["z"], abs=1e-6)
    whole = wh.expected_surge(smoc, wh.AT)
    assert whole["observed"] == 100 and whole["values"] == wh.BASELINE  # the scenario as built
    assert by_scope[("department", "parks")]["surge"] is True
    assert by_scope[("channel", "facebook")]["surge"] is False  # x = 0
    want = wh.expected_backlog(smoc, wh.AT)
    got = found["backlog"]
    assert got["unanswered"] == want["unanswered"] == 90
    assert got["overdue"] == want["overdue"] == 60
    assert got["capacity_per_staffed_hour"] == pytest.approx(want["capacity_per_staffed_hour"], abs=1e-6)
    assert got["at_risk"] == want["at_risk"]
    assert datetime.fromisoformat(got["first_breach_at"]) == want["first_breach_at"]
    # Friday 17:00 Eastern: the first post of 11:00 passes its six hours before staff reach it
    assert want["first_breach_at"] == datetime(2016, 12, 23, 17, tzinfo=wh.ET)
    assert datetime.fromisoformat(got["next_staffed_at"]) == want["next_staffed_at"]


def test_a_week_later_the_surge_is_over_and_the_figures_still_match(smoc, seeded, tokens):
    later = wh.AT + timedelta(days=3, hours=2)  # Monday 14:00 Eastern
    found = _watch(seeded, tokens["ccxo"], later)
    whole = next(s for s in found["surges"] if s["scope"] == "department")
    want = wh.expected_surge(smoc, later)
    assert (whole["observed"], whole["surge"]) == (want["observed"], False)
    assert whole["z"] == pytest.approx(want["z"], abs=1e-6)
    want = wh.expected_backlog(smoc, later)
    assert found["backlog"]["unanswered"] == want["unanswered"]
    assert found["backlog"]["overdue"] == want["overdue"] == 90
    assert found["backlog"]["at_risk"] == want["at_risk"] == 0


def test_thresholds_are_per_department(smoc, seeded, tokens):
    answer = seeded.patch("/departments/parks", token=tokens["ccxo"], body={"watch": {"z": 50, "min_volume": 20}})
    assert answer.status_code == 200, answer.body
    found = _watch(seeded, tokens["auditor"], wh.AT)
    assert found["thresholds"] == {"z": 50, "min_volume": 20}
    assert not any(s["surge"] for s in found["surges"])
    refused = seeded.patch("/departments/parks", token=tokens["dcxo-parks"], body={"watch": {"z": 1}})
    assert refused.status_code == 403


def test_reconcile_has_no_drift_after_imports_with_the_hourly_items(smoc, seeded, tokens):
    counted = reconcile.recount("parks")
    hourly = {s: c for s, c in counted.items() if s.startswith("VOCHR#")}
    assert sum(c.get("in", 0) for c in hourly.values()) == len(smoc)
    assert sum(c.get("fr", 0) for c in hourly.values()) == sum(1 for r in smoc if r.get("first_responded_at"))
    assert reconcile.reconcile("parks")["drift"] == {}


@pytest.mark.parametrize("at", ["1999-12-31T23:00:00Z", "not-a-time", "2016-12-23T17:00:00"])
def test_a_bad_moment_is_a_400_naming_at(seeded, tokens, at):
    answer = seeded.get(f"/departments/parks/watch?at={at}", token=tokens["ccxo"])
    assert answer.status_code == 400
    assert answer.json["error"]["details"][0]["field"] == "at"
