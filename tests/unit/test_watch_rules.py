"""The surge watch's pure rules against hand-worked figures: the robust score, staffed time on a
wall clock (DST, a shift over midnight), the capacity and the FIFO backlog forecast."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.voc import hourly
from chalicelib.voc.facts import FeedbackFacts
from chalicelib.watch import rules

ET = ZoneInfo("America/New_York")
WEEKDAYS = {"zone": "America/New_York", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}


def test_score_median_mad_and_the_floor_of_the_spread():
    found = rules.score(96, [14, 17, 12, 19, 16, 13, 15, 18])
    assert (found.median, found.mad) == (15.5, 2.0)  # |b - 15.5| = 1.5 1.5 3.5 3.5 .5 2.5 .5 2.5
    assert found.z == pytest.approx((96 - 15.5) / 15.5 ** 0.5)  # 1.4826 x 2 = 2.97 < sqrt(15.5) = 3.94
    spread = rules.score(60, [10, 30, 10, 30, 10, 30, 10, 30])  # m 20, MAD 10: 14.826 > sqrt(20)
    assert spread.z == pytest.approx(40 / 14.826)
    flat = rules.score(9, [4, 4, 4, 4, 4, 4, 4, 4])  # MAD 0: the spread is sqrt(4) = 2
    assert flat.z == pytest.approx(2.5)
    empty = rules.score(3, [0] * 8)  # m 0: the spread is sqrt(1)
    assert empty.z == 3.0
    assert not rules.is_surge(empty)  # under min_volume and z
    assert rules.is_surge(rules.score(40, [10] * 8))  # z = 30 / sqrt(10) = 9.5, 40 >= 20 and 2m
    assert not rules.is_surge(rules.score(40, [10] * 8), min_volume=41)
    assert not rules.is_surge(rules.score(40, [25, 25, 25, 25, 25, 25, 25, 25]))  # z 3, and x < 2m


def test_staffed_time_follows_the_wall_clock_across_dst():
    # The week of the November 2016 change (Sunday 6 November): 5 days x 10 hours either way
    monday = datetime(2016, 10, 31, tzinfo=ET)
    assert rules.staffed_hours_between(WEEKDAYS, monday, monday + timedelta(days=7)) == 50
    after = datetime(2016, 11, 7, tzinfo=ET)
    first = next(rules.staffed_intervals(WEEKDAYS["zone"], WEEKDAYS["days"], "08:00", "18:00", after,
                                         after + timedelta(days=1)))
    assert first[0] == datetime(2016, 11, 7, 13, tzinfo=timezone.utc)  # 08:00 EST
    assert rules.is_staffed(WEEKDAYS, datetime(2016, 11, 4, 12, tzinfo=timezone.utc))  # 08:00 EDT
    assert not rules.is_staffed(WEEKDAYS, datetime(2016, 11, 7, 12, tzinfo=timezone.utc))  # 07:00 EST


def test_a_night_shift_belongs_to_the_day_it_starts():
    night = {"zone": "UTC", "days": ["fri"], "start": "22:00", "end": "06:00"}
    friday = datetime(2016, 12, 23, tzinfo=timezone.utc)
    assert rules.staffed_hours_between(night, friday, friday + timedelta(days=3)) == 8
    assert rules.is_staffed(night, datetime(2016, 12, 24, 5, tzinfo=timezone.utc))
    assert not rules.is_staffed(night, datetime(2016, 12, 24, 6, tzinfo=timezone.utc))


def test_the_fifo_forecast_by_hand():
    shift = {"zone": "UTC", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
    at = datetime(2016, 12, 23, 15, tzinfo=timezone.utc)  # Friday 15:00: two staffed hours left
    dues = [at - timedelta(hours=1), at + timedelta(minutes=30), at + timedelta(hours=1, minutes=30),
            at + timedelta(days=3)]
    found = rules.backlog(shift, dues, at, rate=1.0)
    # item 0 (overdue) at 16:00, item 1 at 17:00 (due 15:30: at risk), item 2 on Monday 09:00 (due
    # 16:30: at risk), item 3 on Monday 10:00 (due Monday 15:00: in time)
    assert (found.unanswered, found.overdue, found.at_risk) == (4, 1, 2)
    assert found.first_breach_at == at + timedelta(minutes=30)
    assert found.next_staffed_at == at
    nobody = rules.backlog(shift, dues, at, rate=0.0)
    assert (nobody.at_risk, nobody.first_breach_at) == (3, at + timedelta(minutes=30))


def test_hourly_contributions_of_one_record():
    received = datetime(2016, 12, 23, 16, 5, tzinfo=timezone.utc)
    facts = FeedbackFacts(month="2016-12", channel="twitter", category="complaint", actionable=True,
                          received_at=received, due_at=received + timedelta(hours=6), out_of_hours=False,
                          first_responded_at=received + timedelta(hours=2))
    assert hourly.contributions(facts) == {
        "VOCHR#2016-12-23T16": {"in": 1, "in__ch__twitter": 1, "in__cat__complaint": 1,
                                "dq__201612232205": 1, "da__2016122318__201612232205": 1},
        "VOCHR#2016-12-23T18": {"fr": 1, "fr__ch__twitter": 1, "fr__cat__complaint": 1}}
