"""The Chief CX Officer's rollup and benchmark ranking, from pre-aggregated items only: the reads
grow with departments and the period's months, never with the number of records."""
from __future__ import annotations

import contextvars
import statistics
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any, Callable, Iterable, Mapping

from chalicelib.core import clock, cursors, periods
from chalicelib.core.auth import Principal
from chalicelib.db import aggregates
from chalicelib.org import service as org
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.kpis import rollup as kpi_rollup, rules as kpi_rules
from chalicelib.reviews import service as reviews
from chalicelib.voc import counters as voc_counters
from chalicelib.reporting import attention
from chalicelib.audits.rollup import recommendation_figures
from chalicelib.reporting.rollup_schemas import Benchmark, Rollup

Counters = Mapping[str, float]
REC, KPI = "REC", kpi_rules.KPI_SCOPE


def parse_period(label: str | None, now: datetime) -> periods.Period:
    if label is None:
        return periods.containing(now.date(), "fiscal_year")
    try:
        return periods.parse(label)
    except ValueError as exc:
        raise BadRequest.for_field("period", str(exc))


def _sum(bags: Iterable[Counters]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for bag in bags:
        for name, value in bag.items():
            total[name] += value
    return dict(total)


def _sum_scopes(items: Iterable[Mapping[str, Counters]]) -> dict[str, dict[str, float]]:
    by_scope: dict[str, list[Counters]] = defaultdict(list)
    for scopes in items:
        for scope, bag in scopes.items():
            by_scope[scope].append(bag)
    return {scope: _sum(bags) for scope, bags in by_scope.items()}


def _figures(rec: Counters, kpi: Counters, voc: Mapping[str, Counters], period: periods.Period,
             now: datetime, blank: dict[str, dict] | None = None) -> dict:
    """`blank`: a request's figures of no counters at all, computed once and shared by the rows of
    every department without recommendations or without feedback in the period (read-only dicts)."""
    if blank is not None and not rec:
        rec_figures = blank.get("rec") or blank.setdefault("rec", recommendation_figures({}, now.date()))
    else:
        rec_figures = recommendation_figures(rec, now.date())
    if blank is not None and not any(voc.values()):
        voc_figures = blank.get("voc") or blank.setdefault("voc", voc_counters.summarize(period.label, {}, now))
    else:
        voc_figures = voc_counters.summarize(period.label, voc, now)
    return {"recommendations": rec_figures, "kpis": kpi_rules.rollup_counts(kpi), "voc": voc_figures}


def _voc_scopes(period: periods.Period) -> list[tuple[str, str]]:
    """(main scope, the prefix of its due-minute items) to read for the period: a fiscal year has
    its own item (one per department), other periods sum their months' items."""
    if period.frequency == "fiscal_year":
        return [(voc_counters.fy_scope(period.label), voc_counters.fy_due_scope(period.label, ""))]
    return [(voc_counters.main_scope(m.label), voc_counters.due_scope(m.label, "")) for m in period.months()]


def _voc_items(depts: list[str], period: periods.Period, now: datetime, org_wide: bool,
               read_first: Mapping[str, Mapping[str, Counters]] | None = None) -> dict[str, dict[str, Counters]]:
    """Each department's main items of the period and, where something falls due today, today's
    due-minute item: one `by_org` query per main item for every department (one BatchGetItem for a
    single department), never the response-time histograms (the rollup gives means, not medians).
    `read_first`: the main items' `by_org` answers (scope -> dept -> counters), already read."""
    wanted = _voc_scopes(period)
    scopes = [scope for scope, _ in wanted]
    found: dict[str, dict[str, Counters]] = {d: {} for d in depts}

    def keep(scope: str, by_dept: Mapping[str, Counters]) -> None:
        for d, counters in by_dept.items():
            if d in found:
                found[d][scope] = counters

    def read(names: list[str]) -> None:
        if org_wide:
            for scope, by_dept in zip(names, _together(*(partial(aggregates.read_scope_for_all, n) for n in names))):
                keep(scope, by_dept)
        else:
            for scope, counters in aggregates.read(depts[0], names).items():
                found[depts[0]][scope] = counters

    if read_first is not None:
        for scope in scopes:
            keep(scope, read_first[scope])
    else:
        read(scopes)
    today = now.astimezone(timezone.utc).strftime("%Y-%m-%d")
    due_today = [due_prefix + today for scope, due_prefix in wanted
                 if any(voc_counters.overdue_today_needed(found[d].get(scope, {}), now) for d in depts)]
    if due_today:
        read(due_today)
    return found


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """The answers of independent reads made at the same time, each on its own thread in a copy of
    the request's context (its credentials scope, db/credentials.py): an org-wide rollup's queries
    each wait on DynamoDB, and reading a thousand items is mostly waiting."""
    if len(calls) < 2:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(len(calls), 8)) as pool:  # botocore pools 10 connections
        futures = [pool.submit(contextvars.copy_context().run, call) for call in calls]
        return [future.result() for future in futures]


@dataclass(frozen=True)
class _Named:
    id: str
    name: str


def _all_departments() -> list[_Named]:
    return [_Named(dept, name) for dept, name in org.department_names().items()]


def _rows(principal: Principal, period_label: str | None,
          dept: str | None = None) -> tuple[periods.Period, datetime, list[dict], dict]:
    """Every department in the caller's scope (or just `dept`), in id order, and their total: plain
    dicts in the shape of `DepartmentRollup` and `RollupFigures` (a thousand rows validated one by
    one took half the rollup's time; `build` validates the page it answers)."""
    now = clock.now()
    period = parse_period(period_label, now)
    if dept is not None or not principal.org_wide:
        dept = dept or principal.department
        department = org.department(dept)
        if department is None:
            raise NotFound(f"department {dept!r} not found")
        departments = [_Named(department.id, department.name)]
        counters = {dept: aggregates.read(dept, [REC, KPI])}
        looks = {dept: reviews.latest_closed(dept)}
        voc_first = None
    else:  # the department list, REC, KPI, the period's VoC items and the samples: all at once
        voc_scopes = [scope for scope, _ in _voc_scopes(period)]
        departments, rec, kpi, looks, *voc_read = _together(
            _all_departments, partial(aggregates.read_scope_for_all, REC),
            partial(aggregates.read_scope_for_all, KPI), reviews.latest_closed_for_all,
            *(partial(aggregates.read_scope_for_all, scope) for scope in voc_scopes))
        voc_first = dict(zip(voc_scopes, voc_read))
        counters = {d.id: {REC: rec.get(d.id, {}), KPI: kpi.get(d.id, {})} for d in departments}
    for d, scopes in counters.items():  # derived KPIs count by their latest period too
        scopes[KPI] = kpi_rollup.kpi_counters(d, scopes[KPI])
    voc = _voc_items([d.id for d in departments], period, now, org_wide=dept is None, read_first=voc_first)
    rows, blank = [], {}
    for d in departments:
        figures = _figures(counters[d.id][REC], counters[d.id][KPI], voc[d.id], period, now, blank)
        rows.append({"department": d.id, "name": d.name, "attention": attention.of(figures),
                     "second_look": looks.get(d.id), **figures})
    total = _figures(_sum(c[REC] for c in counters.values()), _sum(c[KPI] for c in counters.values()),
                     _sum_scopes(voc.values()), period, now)
    return period, now, rows, total


def build(principal: Principal, period_label: str | None, dept: str | None = None, *,
          limit: int = 200, cursor: str | None = None, sort: str = "department",
          q: str | None = None) -> Rollup:
    """A page of the departments in the caller's scope (or just `dept`) and, on every page, the
    total, the number of departments and how many need attention, over all of them."""
    period, now, rows, total = _rows(principal, period_label, dept)
    if q:
        needle = q.casefold()
        rows = [r for r in rows if needle in r["department"].casefold() or needle in r["name"].casefold()]
    if sort == "attention":
        rows.sort(key=attention.order)
    binding = f"{principal.scope_key}|rollup|{dept or ''}|{period.label}|{sort}|{q or ''}"
    start = _offset(cursor, binding)
    page = rows[start:start + limit]
    more = start + limit < len(rows)
    return Rollup.model_validate({
        "period": period.label, "as_of": now, "departments": page, "total": total,
        "department_count": len(rows),
        "needs_attention_count": sum(1 for r in rows if r["attention"]["needs_attention"]),
        "next_cursor": cursors.encode({"offset": start + limit}, binding) if more else None})


def _offset(cursor: str | None, binding: str) -> int:
    """Pages are positions in an order computed per request (the counters move): the cursor holds
    the position, signed and bound to the scope and the query."""
    key = cursors.decode(cursor, binding)
    if key is None:
        return 0
    offset = key.get("offset")
    if not isinstance(offset, int) or offset < 0:
        raise BadRequest.for_field("cursor", "the cursor is invalid, expired or belongs to another query")
    return offset


# measure -> (direction, unit, how to read it from one department's figures)
MEASURES = {
    "voc.within_target_share": ("higher", "share", lambda f: f["voc"]["within_target_share"]),
    "voc.first_response_hours_mean": ("lower", "hours", lambda f: f["voc"]["first_response_hours"]["mean"]),
    "voc.overdue_unanswered": ("lower", "count", lambda f: f["voc"]["overdue_unanswered"]),
    "voc.nps": ("higher", "score", lambda f: f["voc"]["nps"]),
    "voc.csat": ("higher", "share", lambda f: f["voc"]["csat"]),
    "voc.ces": ("higher", "score", lambda f: f["voc"]["ces"]),
    "voc.volume": ("higher", "count", lambda f: f["voc"]["volume"]),
    "recommendations.open": ("lower", "count", lambda f: f["recommendations"]["open"]),
    "recommendations.overdue_final_action": ("lower", "count",
                                             lambda f: f["recommendations"]["overdue"]["final_action"]),
    "recommendations.closed_this_fy": ("higher", "count", lambda f: f["recommendations"]["closed_this_fy"]),
    "kpis.met_share": ("higher", "share", lambda f: _met_share(f["kpis"])),
}


def _met_share(kpis: Mapping[str, int]) -> float | None:
    decided = kpis["met"] + kpis["missed"]
    return kpis["met"] / decided if decided else None


def rank(values: Mapping[str, float | None], direction: str) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4): ties share a rank; no data has none."""
    present = [v for v in values.values() if v is not None]
    better = (lambda a, b: a > b) if direction == "higher" else (lambda a, b: a < b)
    return {key: (None if value is None else 1 + sum(1 for other in present if better(other, value)))
            for key, value in values.items()}


def benchmark(principal: Principal, measure: str, period_label: str | None, *, limit: int = 200,
              cursor: str | None = None) -> Benchmark:
    period, now, rows, _ = _rows(principal, period_label)
    direction, unit, read = MEASURES[measure]
    values = {row["department"]: read(row) for row in rows}
    ranks = rank(values, direction)
    present = [v for v in values.values() if v is not None]
    median = statistics.median(present) if present else None
    names = {row["department"]: row["name"] for row in rows}
    # Best first; departments without data last, in name order.
    order = sorted(values, key=lambda d: (ranks[d] is None, ranks[d] or 0, names[d]))
    binding = f"{principal.scope_key}|benchmarks|{measure}|{period.label}"
    start = _offset(cursor, binding)
    more = start + limit < len(order)
    return Benchmark.model_validate({
        "measure": measure, "period": period.label, "as_of": now, "direction": direction, "unit": unit,
        "median": median, "count": len(order),
        "next_cursor": cursors.encode({"offset": start + limit}, binding) if more else None,
        "items": [{"rank": ranks[d], "department": d, "name": names[d], "value": values[d], "median": median}
                  for d in order[start:start + limit]]})
