"""The three overdue clocks and the age, at their edges."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.audits import overdue, counters as rec_counters

ISSUED = date(2017, 5, 8)


def _clocks(on: date, **kw) -> overdue.Overdue:
    args = {"status": "open", "issued_on": ISSUED, "has_decision": False, "target_date": None, "on": on}
    args.update(kw)
    return overdue.clocks(**args)


@pytest.mark.parametrize("day, months, expected", [
    (date(2017, 5, 8), 6, date(2017, 11, 8)), (date(2017, 8, 31), 6, date(2018, 2, 28)),
    (date(2019, 8, 31), 6, date(2020, 2, 29)), (date(2017, 5, 8), 12, date(2018, 5, 8)),
    (date(2018, 1, 31), -12, date(2017, 1, 31)), (date(2016, 2, 29), 12, date(2017, 2, 28)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert overdue.add_months(day, months) == expected


def test_decision_clock_starts_the_day_after_six_months():
    assert not _clocks(date(2017, 11, 8)).decision
    assert _clocks(date(2017, 11, 9)).decision
    assert not _clocks(date(2017, 11, 9), has_decision=True).decision


def test_final_action_clock_starts_the_day_after_twelve_months():
    assert not _clocks(date(2018, 5, 8)).final_action
    assert _clocks(date(2018, 5, 9)).final_action
    assert _clocks(date(2018, 5, 9), status="closure_requested").final_action


def test_target_date_clock_starts_the_day_after_the_target():
    assert not _clocks(date(2017, 9, 30), target_date=date(2017, 9, 30)).target_date
    assert _clocks(date(2017, 10, 1), target_date=date(2017, 9, 30)).target_date
    assert not _clocks(date(2030, 1, 1)).target_date  # no target date, no clock


@pytest.mark.parametrize("status", ["closed_implemented", "closed_not_implemented"])
def test_closed_recommendations_are_never_overdue(status):
    assert _clocks(date(2030, 1, 1), status=status, target_date=date(2017, 9, 30)) == overdue.Overdue(False, False, False)


def test_clocks_are_shown_separately():
    late = _clocks(date(2018, 5, 9), has_decision=True, target_date=date(2019, 1, 1))
    assert (late.decision, late.final_action, late.target_date) == (False, True, False)


def test_age_and_aging_buckets():
    assert overdue.age_days(ISSUED, ISSUED) == 0
    assert overdue.age_days(ISSUED, date(2018, 5, 8)) == 365
    assert [overdue.aging_bucket(d) for d in (0, 90, 91, 180, 181, 365, 366)] == [
        "0-90", "0-90", "91-180", "91-180", "181-365", "181-365", ">365"]


def test_the_day_is_the_utc_day():
    late_evening_la = datetime(2017, 11, 8, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    assert overdue.utc_day(late_evening_la) == date(2017, 11, 9)


def test_counter_deltas_move_a_recommendation_between_buckets():
    base = {"status": "open", "issued_on": "2017-05-08", "issuer": "oig", "category": "compliance",
            "has_decision": False, "target_date": None, "closed_on": None,
            "questioned_costs": "10.50", "unsupported_costs": "0", "funds_put_to_better_use": "2"}
    created = rec_counters.delta(None, base)
    assert created["rec__status__open"] == 1 and created["rec__nodecision_by_issued__2017-05-08"] == 1
    assert created["rec__money_open__questioned_costs_cents"] == 1050
    decided = {**base, "has_decision": True, "target_date": "2017-09-30", "status": "in_progress"}
    assert rec_counters.delta(base, decided) == {
        "rec__nodecision_by_issued__2017-05-08": -1, "rec__status__in_progress": 1,
        "rec__status__open": -1, "rec__unclosed_by_target__2017-09-30": 1}
    closed = {**decided, "status": "closed_implemented", "closed_on": "2017-10-02"}
    moved = rec_counters.delta(decided, closed)
    assert moved["rec__closed_by_fy__fy2018__implemented"] == 1
    assert moved["rec__unclosed"] == -1 and moved["rec__money_open__questioned_costs_cents"] == -1050
    total = {}
    for before, after in ((None, base), (base, decided), (decided, closed), (closed, decided)):
        for name, value in rec_counters.delta(before, after).items():
            total[name] = total.get(name, 0) + value
    assert {k: v for k, v in total.items() if v} == {
        k: v for k, v in rec_counters.contributions(decided).items() if v}
