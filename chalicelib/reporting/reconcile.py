"""Recount every aggregate scope of a department from the records, report drift, repair it.

Each scope is recounted with the same function its writes use, so a clean department shows no
drift at all:
- `VOC#…`, `VOCRT#…`, `VOCDUE#…`, `VOCFY#…`, `VOCFYDUE#…`, `VOCHR#…` (hourly): the feedback records, `voc_counters.contributions` (voc_reconcile);
- `REC`: the recommendation items, `rec_counters.contributions`;
- `KPI`: the KPI items (`kpi__defined`) and, per KPI, the attainment of its latest measured period
  read from the measurement items (`kpi__met` / `kpi__missed`, kpi_rules).

Scopes of other families (none today) are left alone: nothing here can recount them."""
from __future__ import annotations

from typing import Any, Mapping

from chalicelib.db import aggregates
from chalicelib.audits import service as audits
from chalicelib.kpis import service as kpis
from chalicelib.kpis import rules as kpi_rules
from chalicelib.audits import counters as rec_counters
from chalicelib.voc import reconcile as voc_reconcile

Counters = dict[str, dict[str, int]]
VOC_FAMILIES = ("VOC#", "VOCRT#", "VOCDUE#", "VOCFY#", "VOCFYDUE#", "VOCHR#")


def counted(scope: str) -> bool:
    """Whether `scope` is one this module recounts."""
    return scope in (rec_counters.SCOPE, kpi_rules.KPI_SCOPE) or scope.startswith(VOC_FAMILIES)


def recount_rec(dept: str) -> tuple[int, Counters]:
    """(number of recommendations, {"REC": counters}) from the recommendation items."""
    total: dict[str, int] = {}
    count = 0
    for item in audits.all_recommendations(dept):
        count += 1
        for name, value in rec_counters.contributions(audits.counter_state(item)).items():
            total[name] = total.get(name, 0) + value
    return count, ({rec_counters.SCOPE: total} if count else {})


def recount_kpi(dept: str) -> tuple[int, Counters]:
    """(number of KPIs, {"KPI": counters}) from the KPI and measurement items."""
    latest = kpis.latest_attainments(dept)
    if not latest:
        return 0, {}
    total = {kpi_rules.DEFINED: len(latest), kpi_rules.MET: 0, kpi_rules.MISSED: 0}
    for attainment in latest.values():
        if attainment is not None:
            total[kpi_rules.counter(attainment)] += 1
    derived = len(kpis.derived_kpis(dept))
    if derived:
        total[kpi_rules.DERIVED] = derived
    return len(latest), {kpi_rules.KPI_SCOPE: total}


def recount_with_sizes(dept: str) -> tuple[dict[str, int], Counters]:
    feedback, voc = voc_reconcile.recount(dept)
    recommendations, rec = recount_rec(dept)
    kpis, kpi = recount_kpi(dept)
    sizes = {"feedback": feedback, "recommendations": recommendations, "kpis": kpis}
    return sizes, {**voc, **rec, **kpi}


def recount(dept: str) -> Counters:
    """scope -> counters, as the department's records add up now (every scope this module knows)."""
    return recount_with_sizes(dept)[1]


def stored(dept: str) -> dict[str, dict[str, float]]:
    """The department's stored counters of the scopes this module recounts."""
    return {scope: counters for scope, counters in aggregates.read_all(dept).items() if counted(scope)}


def drift(have: Mapping[str, Mapping[str, float]], want: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, dict]]:
    """scope -> counter -> {stored, expected, delta} for every counter that differs (absent = 0);
    `delta` = stored − expected, what the stored item is off by."""
    found = voc_reconcile.drift(dict(have), dict(want))
    for names in found.values():
        for entry in names.values():
            entry["delta"] = entry["stored"] - entry["expected"]
    return found


def reconcile(dept: str, repair: bool = False) -> dict[str, Any]:
    """The drift report of one department over every scope; with `repair`, adds the differences so
    the stored counters equal the recount. Run it when no writes are going on: a write between the
    recount and the repair would be corrected against a stale count."""
    sizes, expected = recount_with_sizes(dept)
    found = drift(stored(dept), expected)
    if repair and found:
        aggregates.correct(dept, {scope: {name: int(-entry["delta"]) for name, entry in names.items()}
                                  for scope, names in found.items()})
    return {"department": dept, "records": sizes, "scopes": len(expected), "drift": found,
            "repaired": bool(repair and found)}
