"""Monthly series for the trends, from the aggregate items only: per department one Query of its
month items (`VOC#yyyy-mm`) and its `REC` item; org-wide one `by_org` Query per month and one for
`REC`. Today's due-minute items are read only for months where something falls due today. The cost
grows with months x departments, never with the number of records."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping

from chalicelib.core import clock, periods
from chalicelib.core.auth import Principal
from chalicelib.db import aggregates
from chalicelib.org import service as org
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.voc import counters as voc_counters
from chalicelib.audits.counters import SCOPE as REC
from chalicelib.reporting.series_schemas import RollupSeries, VocSeries

MAX_MONTHS = 60
DEFAULT_MONTHS = 24
Counters = Mapping[str, float]


def _month(field: str, label: str) -> periods.Period:
    try:
        return periods.parse(label)
    except ValueError as exc:  # a month outside the years the API takes (1900-2999)
        raise BadRequest.for_field(field, str(exc))


def month_range(first: str | None, last: str | None, now: datetime) -> list[periods.Period]:
    """The months from `first` to `last` (yyyy-mm, both included); by default the 24 months that
    end with this one (or with `last`)."""
    end = _month("to", last) if last else periods.containing(now.date(), "monthly")
    if first:
        start = _month("from", first)
    else:
        year, month = end.start.year, end.start.month - (DEFAULT_MONTHS - 1)
        while month < 1:
            year, month = year - 1, month + 12
        start = periods.month(year, month)
    if start.start > end.start:
        raise BadRequest.for_field("from", f"must not be after `to` ({end.label})")
    months, cursor = [], start
    while cursor.start <= end.start:
        months.append(cursor)
        if len(months) > MAX_MONTHS:
            raise BadRequest.for_field("from", f"a series covers at most {MAX_MONTHS} months")
        cursor = periods.containing(cursor.end, "monthly")
    return months


def _with_due_today(found: dict[str, dict[str, Counters]], now: datetime, org_wide: bool) -> None:
    """Adds today's due-minute items where a month item says something falls due today."""
    today = now.astimezone(timezone.utc).strftime("%Y-%m-%d")
    wanted = sorted({f"VOCDUE#{scope.split('#', 1)[1]}#{today}" for bags in found.values()
                     for scope, bag in bags.items()
                     if scope.startswith("VOC#") and voc_counters.overdue_today_needed(bag, now)})
    for scope in wanted:
        if org_wide:
            for dept, counters in aggregates.read_scope_for_all(scope).items():
                if dept in found:
                    found[dept][scope] = counters
        else:
            for dept in found:
                found[dept].update(aggregates.read(dept, [scope]))


def _voc(month: periods.Period, bags: Mapping[str, Counters], now: datetime) -> dict:
    items = {scope: bag for scope, bag in bags.items()
             if scope == f"VOC#{month.label}" or scope.startswith(f"VOCDUE#{month.label}#")}
    return voc_counters.summarize(month.label, items, now)


def _opened_closed(rec: Counters, month: str) -> dict[str, int]:
    return {"opened": int(rec.get(f"rec__issued_by_month__{month}", 0)),
            "closed": int(rec.get(f"rec__closed_by_month__{month}", 0))}


def _sum(bags: list[Counters]) -> dict[str, float]:
    total: dict[str, float] = {}
    for bag in bags:
        for name, value in bag.items():
            total[name] = total.get(name, 0) + value
    return total


def _department_items(dept: str, months: list[periods.Period], now: datetime) -> dict[str, Counters]:
    found = {dept: aggregates.read_range(dept, f"VOC#{months[0].label}", f"VOC#{months[-1].label}")}
    _with_due_today(found, now, org_wide=False)
    return found[dept]


def _department(dept: str) -> None:
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")


def voc_series(dept: str, first: str | None, last: str | None) -> VocSeries:
    now = clock.now()
    months = month_range(first, last, now)
    _department(dept)
    bags = _department_items(dept, months, now)
    return VocSeries.model_validate({
        "department": dept, "from": months[0].label, "to": months[-1].label, "as_of": now,
        "months": [{"month": m.label, **_voc(m, bags, now)} for m in months]})


def rollup_series(principal: Principal, first: str | None, last: str | None,
                  dept: str | None = None) -> RollupSeries:
    """The caller's scope month by month: every department summed (the ccxo, auditors), or `dept`."""
    now = clock.now()
    months = month_range(first, last, now)
    if dept is not None or not principal.org_wide:
        dept = dept or principal.department
        _department(dept)
        bags = _department_items(dept, months, now)
        rec = aggregates.read(dept, [REC])[REC]
        per_month = [(m, _voc(m, bags, now)) for m in months]
    else:
        found: dict[str, dict[str, Counters]] = {}
        for m in months:
            for d, counters in aggregates.read_scope_for_all(f"VOC#{m.label}").items():
                found.setdefault(d, {})[f"VOC#{m.label}"] = counters
        _with_due_today(found, now, org_wide=True)
        rec = _sum(list(aggregates.read_scope_for_all(REC).values()))
        per_month = []
        for m in months:
            merged: dict[str, dict[str, float]] = {}
            for bags in found.values():
                for scope, bag in bags.items():
                    if scope == f"VOC#{m.label}" or scope.startswith(f"VOCDUE#{m.label}#"):
                        merged[scope] = _sum([merged.get(scope, {}), bag])
            per_month.append((m, voc_counters.summarize(m.label, merged, now)))
    return RollupSeries.model_validate({
        "from": months[0].label, "to": months[-1].label, "as_of": now, "department": dept,
        "months": [{"month": m.label, "voc": voc, "recommendations": _opened_closed(rec, m.label)}
                   for m, voc in per_month]})

