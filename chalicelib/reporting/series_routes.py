"""Monthly series for the dashboard's trends, from the aggregate items (cost independent of the
number of records)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.reporting.series")
(RollupSeries, SeriesQuery, VocSeries) = lazy(
    "chalicelib.reporting.series_schemas", "RollupSeries", "SeriesQuery", "VocSeries")

bp = Blueprint(__name__)
TAG = "rollup"


@api_route(bp, "/rollup/series", "GET", summary="The organisation month by month", tag=TAG,
           roles=("ccxo", "auditor"), query=SeriesQuery, response=RollupSeries)
def org_series(call: Call) -> RollupSeries:
    """For each month from `from` to `to` (yyyy-mm, at most 60; default the last 24): the VoC
    figures of the feedback received that month in every department (volume, within-target share,
    overdue unanswered as of now, mean first response, NPS, CSAT...) and the recommendations issued
    (`opened`) and closed that month."""
    return logic.rollup_series(call.principal, call.query.from_, call.query.to)


@api_route(bp, "/departments/{dept}/rollup/series", "GET", summary="One department month by month",
           tag=TAG, roles=ANY_ROLE, query=SeriesQuery, response=RollupSeries)
def department_series(call: Call) -> RollupSeries:
    """The same figures as `GET /rollup/series` for one department (a dcxo: its own)."""
    return logic.rollup_series(call.principal, call.query.from_, call.query.to, dept=call.path["dept"])


@api_route(bp, "/departments/{dept}/voc-series", "GET", summary="A department's VoC figures month by month",
           tag="feedback", roles=ANY_ROLE, query=SeriesQuery, response=VocSeries)
def voc_series(call: Call) -> VocSeries:
    """The VoC summary's figures (means, not medians) for the feedback received in each month from
    `from` to `to` (yyyy-mm, at most 60; default the last 24), one Query of the month items."""
    return logic.voc_series(call.path["dept"], call.query.from_, call.query.to)
