"""KPI rules without storage: the definition a catalogue code implies, the target in force for a
period, attainment and gap, what a measurement's numbers mean, and how a measurement moves the
department's latest-period attainment counters. Plain Python, unit-tested without AWS."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Sequence

from chalicelib.core import periods
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.kpis import catalogue

# The aggregate item every department keeps for KPI attainment (docs/data-model.md, "Aggregates").
KPI_SCOPE = "KPI"
DEFINED = "kpi__defined"
MET = "kpi__met"
MISSED = "kpi__missed"
# Derived KPIs store no measurement: the rollup evaluates them from the VoC aggregates.
DERIVED = "kpi__derived"
MAX_CORRECTIONS = 200  # history entries kept on one measurement; beyond it a period is frozen
_UNIT_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "percent": (0, 100), "hours": (0, None), "minutes": (0, None), "seconds": (0, None),
    "count": (0, None), "score": (None, None), "currency": (None, None),
}
_ROUND = 6


def counter(attainment: str) -> str:
    return {"met": MET, "missed": MISSED}[attainment]


# --- definition -----------------------------------------------------------------------------------

def resolve_definition(unit: str | None, direction: str | None, standard: str | None,
                       catalogue_code: str | None, formula: str | None,
                       derived_from: str | None) -> dict[str, Any]:
    """The KPI's unit, direction, standard and formula: from the catalogue entry when a code is
    given (a conflicting value in the request is a 400 naming it), else from the request."""
    resolved: dict[str, Any] = {"catalogue_code": catalogue_code, "derived_from": derived_from}
    if catalogue_code is not None:
        entry = catalogue.lookup(catalogue_code)
        if entry is None:
            raise BadRequest.for_field("catalogue_code", "not a code of GET /kpi-catalogue")
        for name, given in (("unit", unit), ("direction", direction), ("standard", standard)):
            expected = getattr(entry, name)
            if given is not None and given != expected:
                raise BadRequest.for_field(
                    name, f"catalogue entry {entry.code!r} defines {name} {expected!r}; "
                          "leave it out or use that value")
        if formula is not None and formula != entry.formula:
            raise BadRequest.for_field("formula", f"catalogue entry {entry.code!r} defines the formula; "
                                                  "leave it out")
        resolved.update(unit=entry.unit, direction=entry.direction, standard=entry.standard,
                        formula=entry.formula)
    else:
        missing = [name for name, given in (("unit", unit), ("direction", direction)) if given is None]
        if missing:
            raise BadRequest("invalid input: " + ", ".join(missing), [
                {"field": name, "message": "required unless catalogue_code gives it"} for name in missing])
        resolved.update(unit=unit, direction=direction, standard=standard or "custom",
                        formula=formula or None)
    if derived_from is not None:
        voc_unit = catalogue.VOC_MEASURES.get(derived_from)
        if voc_unit is None:
            raise BadRequest.for_field(
                "derived_from", "not a VoC measure; use one of " + ", ".join(sorted(catalogue.VOC_MEASURES)))
        if voc_unit != resolved["unit"]:
            raise BadRequest.for_field(
                "derived_from", f"{derived_from} is measured in {voc_unit}, this KPI in {resolved['unit']}")
    return resolved


def value_bounds(unit: str, catalogue_code: str | None) -> tuple[float | None, float | None]:
    low, high = _UNIT_BOUNDS[unit]
    entry = catalogue.lookup(catalogue_code) if catalogue_code else None
    if entry is not None:
        low = entry.minimum if entry.minimum is not None else low
        high = entry.maximum if entry.maximum is not None else high
    return low, high


def check_in_bounds(field: str, value: float, unit: str, catalogue_code: str | None) -> None:
    low, high = value_bounds(unit, catalogue_code)
    if low is not None and value < low:
        raise BadRequest.for_field(field, f"must be at least {low:g} for a KPI in {unit}")
    if high is not None and value > high:
        what = "a percent" if unit == "percent" else f"this KPI ({catalogue_code or unit})"
        raise BadRequest.for_field(field, f"must be at most {high:g} for {what}")


# --- periods and targets --------------------------------------------------------------------------

def parse_period(label: str, frequency: str, field: str) -> periods.Period:
    """A period label of the KPI's frequency; anything else is a 400 naming `field`."""
    try:
        period = periods.parse(label)
    except ValueError as exc:
        raise BadRequest.for_field(field, str(exc))
    if period.frequency != frequency:
        example = {"monthly": "2017-03", "quarterly": "2017-Q2", "fiscal_year": "FY2016"}[frequency]
        raise BadRequest.for_field(field, f"this KPI is measured {frequency.replace('_', ' ')}: "
                                          f"use a period such as {example}, not {label}")
    return period


def target_in_force(targets: Sequence[Mapping[str, Any]], period_start: date) -> float:
    """The last target version whose first period starts on or before `period_start`. Versions are
    kept in the order they were set, each starting no earlier than the one before it; the first
    (set with the KPI) has no start and applies to every period before the others."""
    value = targets[0]["value"]
    for version in targets[1:]:
        if version["effective_start"] <= period_start.isoformat():
            value = version["value"]
    return float(value)


def check_new_target(targets: Sequence[Mapping[str, Any]], latest_period_start: str | None,
                     latest_period: str | None, effective: periods.Period) -> None:
    """A new target version may not reach back over a measured period (that would rewrite its
    attainment) nor start before the newest version."""
    start = effective.start.isoformat()
    if latest_period_start is not None and start <= latest_period_start:
        raise Conflict.for_field(
            "effective_from", f"{latest_period} is already measured; a new target applies from a later "
                              "period, so past attainment stays as reported")
    newest = max((v.get("effective_start") or "" for v in targets), default="")
    if start < newest:
        label = next(v["effective_from"] for v in targets if v.get("effective_start") == newest)
        raise Conflict.for_field("effective_from", f"a target version already applies from {label}; "
                                                   "a new one cannot start before it")


def attainment(direction: str, value: float, target: float) -> tuple[str, float]:
    """`met` when the value is on the target or its better side; the gap is that margin (negative
    when missed), in the KPI's unit."""
    gap = round((value - target) if direction == "higher" else (target - value), _ROUND)
    return ("met" if gap >= 0 else "missed"), gap


# --- measurement values ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Values:
    value: float
    numerator: float | None
    denominator: float | None
    sample_size: int | None
    source: str | None

    def same_as(self, other: Mapping[str, Any]) -> bool:
        return all(_equal(getattr(self, name), other.get(name))
                   for name in ("value", "numerator", "denominator", "sample_size", "source"))


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def measured_values(unit: str, catalogue_code: str | None, value: float | None,
                    numerator: float | None, denominator: float | None,
                    sample_size: int | None, source: str | None) -> Values:
    """What a typed measurement means. With numerator and denominator, a percent is their ratio
    × 100 (numerator ≤ denominator) and another unit their quotient (a mean: total ÷ count); a value
    sent as well must agree with it."""
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        raise BadRequest.for_field(missing, "numerator and denominator come together")
    if numerator is not None and denominator is not None:
        if unit == "percent" and numerator > denominator:
            raise BadRequest.for_field("numerator", "a rate's numerator cannot exceed its denominator")
        computed = round(numerator / denominator * (100 if unit == "percent" else 1), _ROUND)
        if value is not None and abs(value - computed) > 0.005 * max(1.0, abs(computed)):
            raise BadRequest.for_field("value", f"numerator ÷ denominator gives {computed:g}; "
                                                "leave value out or send that")
        value = computed
    if value is None:
        raise BadRequest.for_field("value", "required (or send numerator and denominator)")
    check_in_bounds("value", value, unit, catalogue_code)
    return Values(value=value, numerator=numerator, denominator=denominator,
                  sample_size=sample_size, source=source)


# --- the department's latest-period attainment counters -------------------------------------------

def latest_moves(latest_start: str | None, latest_attainment: str | None, period_start: str,
                 new_attainment: str) -> tuple[bool, dict[str, int]]:
    """Whether this measurement is (still) the KPI's latest, and how the department's `met` /
    `missed` counters move. Each KPI counts once, by its latest measured period; a KPI with no
    measurement counts only in `kpi__defined` (no_data = defined − met − missed)."""
    if latest_start is not None and period_start < latest_start:
        return False, {}
    moves: dict[str, int] = {}
    if latest_start is not None and latest_attainment is not None:
        moves[counter(latest_attainment)] = -1
    moves[counter(new_attainment)] = moves.get(counter(new_attainment), 0) + 1
    return True, {name: delta for name, delta in moves.items() if delta}


def rollup_counts(counters: Mapping[str, float]) -> dict[str, int]:
    """met / missed / no_data from one department's `KPI` aggregate item."""
    met, missed = int(counters.get(MET, 0)), int(counters.get(MISSED, 0))
    return {"met": met, "missed": missed,
            "no_data": max(0, int(counters.get(DEFINED, 0)) - met - missed)}
