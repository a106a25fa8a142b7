"""Periods at their edges: fiscal-year boundaries, leap years, time zones."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from chalicelib.core import periods


def test_fiscal_year_runs_october_to_september():
    fy = periods.parse("FY2016")
    assert (fy.start, fy.end) == (date(2015, 10, 1), date(2016, 10, 1))
    assert fy.contains(date(2015, 10, 1)) and fy.contains(date(2016, 9, 30))
    assert not fy.contains(date(2015, 9, 30)) and not fy.contains(date(2016, 10, 1))
    assert [m.label for m in fy.months()][:3] == ["2015-10", "2015-11", "2015-12"]
    assert len(fy.months()) == 12


@pytest.mark.parametrize("day, label", [
    (date(2016, 9, 30), "FY2016"), (date(2016, 10, 1), "FY2017"), (date(2017, 1, 1), "FY2017"),
])
def test_which_fiscal_year(day, label):
    assert periods.containing(day, "fiscal_year").label == label


def test_quarters_and_months():
    q = periods.parse("2017-Q2")
    assert (q.start, q.end) == (date(2017, 4, 1), date(2017, 7, 1))
    assert periods.parse("2017-Q4").end == date(2018, 1, 1)
    assert periods.containing(date(2017, 12, 31), "quarterly").label == "2017-Q4"
    feb = periods.parse("2016-02")
    assert (feb.end - feb.start).days == 29  # leap year
    assert (periods.parse("2017-02").end - periods.parse("2017-02").start).days == 28
    assert periods.parse("2100-02").end == date(2100, 3, 1)  # 2100 is not a leap year


def test_a_moment_belongs_to_the_period_of_the_departments_zone():
    moment = datetime(2018, 1, 1, 7, 59, tzinfo=timezone.utc)  # 23:59 on 31 Dec in Los Angeles
    assert periods.period_of(moment, "America/Los_Angeles", "monthly").label == "2017-12"
    assert periods.period_of(moment, "America/New_York", "monthly").label == "2018-01"


def test_utc_bounds_follow_the_zone():
    start, end = periods.parse("2017-03").utc_bounds("America/New_York")
    assert start.astimezone(timezone.utc) == datetime(2017, 3, 1, 5, tzinfo=timezone.utc)
    # DST began on 12 March 2017: April starts at UTC-4
    assert end.astimezone(timezone.utc) == datetime(2017, 4, 1, 4, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["2017-13", "2017-00", "2017-3", "17-03", "2017-Q5", "2017-Q0",
                                  "FY16", "fy2016", "2017", "", " 2017-03", "0000-01", "FY99999"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        periods.parse(text)
