"""KPI rules without AWS: the catalogue, definitions, targets in force, attainment, measurement
values and the latest-period counters."""
from __future__ import annotations

from datetime import date
from typing import get_args

import pytest

from chalicelib.core import periods
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.kpis import catalogue, rules as kpi_rules
from chalicelib.kpis.schemas import Direction, Standard, Unit


def _field(exc_info) -> str:
    return exc_info.value.details[0]["field"]


# --- catalogue ------------------------------------------------------------------------------------

def test_catalogue_entries_are_well_formed():
    codes = [entry.code for entry in catalogue.CATALOGUE]
    assert len(codes) == len(set(codes))
    for entry in catalogue.CATALOGUE:
        assert entry.unit in get_args(Unit) and entry.direction in get_args(Direction)
        assert entry.standard in get_args(Standard) and entry.formula and entry.name
        if entry.voc_measure is not None:
            assert catalogue.VOC_MEASURES[entry.voc_measure] == entry.unit, entry.code
        if entry.unit == "percent":
            assert (entry.minimum, entry.maximum) == (0, 100), entry.code


def test_catalogue_has_the_eight_a11_drivers_as_percent_agree():
    drivers = [e for e in catalogue.CATALOGUE if e.standard == "omb_a11_280"]
    assert {e.code for e in drivers} == {f"a11_{d}" for d in (
        "satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency",
        "humanity", "employee_helpfulness")}
    assert all(e.direction == "higher" and "4 or 5" in e.formula for e in drivers)


def test_catalogue_directions_follow_the_measures():
    lower = {e.code for e in catalogue.CATALOGUE if e.direction == "lower"}
    assert lower == {"average_speed_of_answer", "abandonment_rate", "average_handle_time",
                     "social_first_response_hours"}


# --- definitions ----------------------------------------------------------------------------------

def test_a_catalogue_code_gives_the_definition():
    resolved = kpi_rules.resolve_definition(None, None, None, "abandonment_rate", None, None)
    assert (resolved["unit"], resolved["direction"], resolved["standard"]) == ("percent", "lower", "iso_18295")
    assert resolved["formula"] == catalogue.BY_CODE["abandonment_rate"].formula


@pytest.mark.parametrize("args, field", [
    (("hours", None, None, "csat", None, None), "unit"),
    ((None, "lower", None, "csat", None, None), "direction"),
    ((None, None, "omb_a11_280", "csat", None, None), "standard"),
    ((None, None, None, "nope", None, None), "catalogue_code"),
    ((None, "lower", None, None, None, None), "unit"),
    (("hours", None, None, None, None, None), "direction"),
    (("hours", "lower", None, None, None, "voc.csat"), "derived_from"),
    (("hours", "lower", None, None, None, "voc.unknown"), "derived_from"),
])
def test_conflicting_or_missing_definition_fields_are_named(args, field):
    with pytest.raises(BadRequest) as caught:
        kpi_rules.resolve_definition(*args)
    assert _field(caught) == field


def test_a_custom_kpi_defaults_to_the_custom_standard():
    resolved = kpi_rules.resolve_definition("hours", "lower", None, None, None, "voc.first_response_hours_mean")
    assert resolved["standard"] == "custom" and resolved["derived_from"] == "voc.first_response_hours_mean"


# --- targets and attainment -----------------------------------------------------------------------

def _version(value, label=None):
    start = periods.parse(label).start.isoformat() if label else None
    return {"value": value, "effective_from": label, "effective_start": start}


def test_the_target_in_force_is_the_newest_version_started_by_the_period():
    targets = [_version(6), _version(4, "2017-02"), _version(3, "2017-07"), _version(2.5, "2017-07")]
    assert kpi_rules.target_in_force(targets, date(2016, 12, 1)) == 6
    assert kpi_rules.target_in_force(targets, date(2017, 1, 1)) == 6
    assert kpi_rules.target_in_force(targets, date(2017, 2, 1)) == 4
    assert kpi_rules.target_in_force(targets, date(2017, 6, 1)) == 4
    assert kpi_rules.target_in_force(targets, date(2017, 7, 1)) == 2.5


@pytest.mark.parametrize("direction, value, target, expected", [
    ("lower", 16, 6, ("missed", -10)),
    ("lower", 6, 6, ("met", 0)),
    ("lower", 4.5, 6, ("met", 1.5)),
    ("higher", 43, 90, ("missed", -47)),
    ("higher", 90, 90, ("met", 0)),
    ("higher", -12, -20, ("met", 8)),
])
def test_attainment_is_direction_aware_and_meeting_the_target_counts(direction, value, target, expected):
    assert kpi_rules.attainment(direction, value, target) == expected


def test_a_new_target_may_not_reach_back_over_a_measured_period_or_an_newer_version():
    targets = [_version(6), _version(4, "2017-06")]
    kpi_rules.check_new_target(targets, "2017-03-01", "2017-03", periods.parse("2017-06"))
    kpi_rules.check_new_target(targets, None, None, periods.parse("2017-09"))
    for label in ("2017-03", "2017-01", "2017-05"):
        with pytest.raises(Conflict) as caught:
            kpi_rules.check_new_target(targets, "2017-03-01", "2017-03", periods.parse(label))
        assert _field(caught) == "effective_from"


@pytest.mark.parametrize("label, frequency", [("2017-Q1", "monthly"), ("2017-03", "quarterly"),
                                              ("2017-03", "fiscal_year"), ("2017-3", "monthly")])
def test_periods_must_match_the_frequency(label, frequency):
    with pytest.raises(BadRequest) as caught:
        kpi_rules.parse_period(label, frequency, "period")
    assert _field(caught) == "period"


# --- measurement values ---------------------------------------------------------------------------

def test_a_percent_rate_is_derived_from_its_parts():
    values = kpi_rules.measured_values("percent", None, None, 43, 100, 100, "dashboard")
    assert (values.value, values.numerator, values.denominator) == (43, 43, 100)
    assert kpi_rules.measured_values("percent", None, 33.3, 1, 3, None, None).value == pytest.approx(33.333333)


def test_other_units_take_the_quotient_as_a_mean():
    assert kpi_rules.measured_values("hours", None, None, 1600, 100, None, None).value == 16


@pytest.mark.parametrize("args, field", [
    (("percent", None, 100.5, None, None), "value"),
    (("percent", None, None, 5, 4), "numerator"),
    (("percent", None, 50, 1, 4), "value"),
    (("percent", None, None, 1, None), "denominator"),
    (("percent", None, None, None, 4), "numerator"),
    (("percent", None, None, None, None), "value"),
    (("hours", None, -1, None, None), "value"),
    (("score", "ces", 8, None, None), "value"),
    (("score", "nps", -100.5, None, None), "value"),
])
def test_bad_values_are_named(args, field):
    unit, code, value, numerator, denominator = args
    with pytest.raises(BadRequest) as caught:
        kpi_rules.measured_values(unit, code, value, numerator, denominator, None, None)
    assert _field(caught) == field


def test_the_same_values_compare_equal_across_int_and_float():
    values = kpi_rules.measured_values("hours", None, 16, None, None, 10, None)
    assert values.same_as({"value": 16.0, "numerator": None, "denominator": None, "sample_size": 10.0,
                           "source": None})
    assert not values.same_as({"value": 16.0, "numerator": None, "denominator": None, "sample_size": 10,
                               "source": "x"})


# --- the latest-period counters -------------------------------------------------------------------

@pytest.mark.parametrize("latest_start, latest_att, period_start, new_att, expected", [
    (None, None, "2017-03-01", "met", (True, {"kpi__met": 1})),
    ("2017-02-01", "met", "2017-03-01", "missed", (True, {"kpi__met": -1, "kpi__missed": 1})),
    ("2017-03-01", "missed", "2017-03-01", "met", (True, {"kpi__missed": -1, "kpi__met": 1})),
    ("2017-03-01", "met", "2017-03-01", "met", (True, {})),
    ("2017-03-01", "met", "2017-01-01", "missed", (False, {})),
])
def test_counters_follow_each_kpis_latest_period(latest_start, latest_att, period_start, new_att, expected):
    assert kpi_rules.latest_moves(latest_start, latest_att, period_start, new_att) == expected


def test_rollup_counts_derive_no_data():
    assert kpi_rules.rollup_counts({"kpi__defined": 5, "kpi__met": 2, "kpi__missed": 1}) == \
        {"met": 2, "missed": 1, "no_data": 2}
    assert kpi_rules.rollup_counts({}) == {"met": 0, "missed": 0, "no_data": 0}
