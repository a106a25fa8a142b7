"""Derived KPIs in the rollup's KPI figures. A derived KPI stores no measurement (its values are
computed from the VoC aggregates when read, derived.py), so the `KPI` aggregate counts it
in `kpi__defined` and `kpi__derived` only; the rollup evaluates the latest period that has a value,
as a KPI's typed measurements count by their latest period. Reads: for a department that has derived
KPIs, one Query of its KPI items, one of its month items' keys, and the aggregate items of the
periods evaluated (derived.measurement): departments x periods, never records."""
from __future__ import annotations

from datetime import date
from typing import Mapping

from chalicelib.core import periods
from chalicelib.kpis import derived as kpi_derived, rules as kpi_rules, store as kpis_dal
from chalicelib.kpis.schemas import Kpi
from chalicelib.voc import service as voc

# A derived KPI's latest period is found by going back from the newest month with feedback; a
# measure without data in so many periods counts as no data.
MAX_PERIODS_BACK = 24


def has_derived(counters: Mapping[str, float]) -> bool:
    return counters.get(kpi_rules.DERIVED, 0) > 0


def latest_attainment(kpi: Kpi, months: list[str]) -> str | None:
    """met / missed of the newest period (of the KPI's frequency) whose derived value exists;
    `months` are the department's months with feedback, newest first."""
    seen: list[periods.Period] = []
    for label in months:
        period = periods.containing(date.fromisoformat(f"{label}-01"), kpi.frequency)
        if period in seen:
            continue
        seen.append(period)
        if len(seen) > MAX_PERIODS_BACK:
            return None
        found = kpi_derived.measurement(kpi, period)
        if found is not None:
            return found.attainment
    return None


def derived_counts(dept: str) -> dict[str, int]:
    """{"met": n, "missed": n} over the department's derived KPIs (those without a value count in
    neither, so they stay no_data)."""
    derived = kpis_dal.derived(dept)
    counts = {"met": 0, "missed": 0}
    if not derived:
        return counts
    months = voc.months(dept)
    for kpi in derived:
        attainment = latest_attainment(kpi, months)
        if attainment is not None:
            counts[attainment] += 1
    return counts


def with_derived(counters: Mapping[str, float], derived: Mapping[str, int]) -> dict[str, float]:
    """The `KPI` counters as if the derived KPIs' latest attainments were stored ones."""
    out = dict(counters)
    out[kpi_rules.MET] = out.get(kpi_rules.MET, 0) + derived.get("met", 0)
    out[kpi_rules.MISSED] = out.get(kpi_rules.MISSED, 0) + derived.get("missed", 0)
    return out


def kpi_counters(dept: str, counters: Mapping[str, float]) -> dict[str, float]:
    """One department's `KPI` counters with its derived KPIs evaluated (no read when it has none)."""
    if not has_derived(counters):
        return dict(counters)
    return with_derived(counters, derived_counts(dept))
