"""The CCXO's org-wide rollup and benchmark ranking; a DCXO's rollup of its own department."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.reporting.rollup")
(Benchmark, BenchmarkQuery, Rollup, RollupPageQuery, RollupQuery) = lazy(
    "chalicelib.reporting.rollup_schemas", "Benchmark", "BenchmarkQuery", "Rollup", "RollupPageQuery",
    "RollupQuery")

bp = Blueprint(__name__)
TAG = "rollup"
ORG_WIDE = ("ccxo", "auditor")


@api_route(bp, "/rollup", "GET", summary="Every department's figures and the total", tag=TAG,
           roles=ORG_WIDE, query=RollupPageQuery, response=Rollup)
def org_rollup(call: Call) -> Rollup:
    """Recommendations (open, overdue on each clock, awaiting the auditor, closed this fiscal year,
    aging, by issuer and category, money open) as of today; KPI attainment for each KPI's latest
    period (a derived KPI by the latest period its feedback gives a value for); voice-of-the-customer
    figures for the items received in `period`. The departments come in pages of `limit` (sorted by
    id, or `sort=attention`: those needing attention first), `total` always covers all of them."""
    q = call.query
    return logic.build(call.principal, q.period, limit=q.limit, cursor=q.cursor, sort=q.sort, q=q.q)


@api_route(bp, "/departments/{dept}/rollup", "GET", summary="One department's rollup", tag=TAG,
           roles=ANY_ROLE, query=RollupQuery, response=Rollup)
def department_rollup(call: Call) -> Rollup:
    return logic.build(call.principal, call.query.period, dept=call.path["dept"])


@api_route(bp, "/benchmarks", "GET", summary="Departments ranked on one measure", tag=TAG,
           roles=ORG_WIDE, query=BenchmarkQuery, response=Benchmark)
def benchmarks(call: Call) -> Benchmark:
    """Direction-aware (lower is better for response times), ties share a rank, departments without
    data come last; the organisation's median is given beside each value. Ranked departments come in
    pages of `limit`; `count` and the median cover all of them."""
    q = call.query
    return logic.benchmark(call.principal, q.measure, q.period, limit=q.limit, cursor=q.cursor)
