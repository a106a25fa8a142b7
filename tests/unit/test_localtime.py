"""Naive local times: the spring gap is refused, the autumn fold takes its first occurrence."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.voc import localtime

FMT = "%m/%d/%Y %I:%M:%S %p"


def test_a_wall_time_in_the_spring_gap_does_not_exist():
    with pytest.raises(localtime.LocalTimeError, match="does not exist in America/New_York"):
        localtime.parse("03/11/2018 02:15:00 AM", FMT, "America/New_York")


def test_a_wall_time_in_the_autumn_fold_is_its_first_occurrence():
    moment = localtime.parse("11/04/2018 01:30:00 AM", FMT, "America/New_York")
    assert moment.astimezone(timezone.utc) == datetime(2018, 11, 4, 5, 30, tzinfo=timezone.utc)  # EDT, UTC-4


def test_a_time_with_an_offset_keeps_it_and_iso_without_one_is_local():
    assert localtime.parse("2018-01-02T03:04:05+01:00", "iso", "America/Chicago").utcoffset().total_seconds() == 3600
    naive = localtime.parse("2018-01-02T03:04:05", "iso", "America/Chicago")
    assert naive.astimezone(timezone.utc) == datetime(2018, 1, 2, 9, 4, 5, tzinfo=timezone.utc)


def test_text_in_another_format_is_refused_naming_the_format():
    with pytest.raises(localtime.LocalTimeError, match="is not the format"):
        localtime.parse("2018-01-02 10:00", FMT, "America/Chicago")
