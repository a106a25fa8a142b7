"""The CCXO rollup, the benchmark ranking and their queries."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.models.common import MoneyText, OutputModel, QueryModel, Timestamp, captured_example
from chalicelib.models.feedback import VocFigures

PERIOD_HELP = "2017-03 (month), 2017-Q2 (quarter) or FY2017 (federal fiscal year); default: this fiscal year"


class RollupQuery(QueryModel):
    period: str | None = Field(default=None, max_length=16, description=PERIOD_HELP)


class OverdueCounts(OutputModel):
    decision: int
    final_action: int
    target_date: int


class OpenClosed(OutputModel):
    open: int
    closed: int


class Money(OutputModel):
    questioned_costs: MoneyText
    unsupported_costs: MoneyText
    funds_put_to_better_use: MoneyText


class RecommendationFigures(OutputModel):
    open: int = Field(description="not closed: open, in progress or awaiting the auditor")
    overdue: OverdueCounts
    closure_requested: int = Field(description="awaiting the auditor's concurrence")
    closed_this_fy: int
    aging: dict[str, int] = Field(description='open by age since the report: "0-90", "91-180", "181-365", ">365" days')
    by_issuer: dict[str, OpenClosed]
    by_category: dict[str, OpenClosed]
    money_open: Money


class KpiFigures(OutputModel):
    met: int
    missed: int
    no_data: int


class MeanHours(OutputModel):
    mean: float | None


class RollupChannel(OutputModel):
    volume: int
    responded: int
    within_target_share: float | None
    first_response_hours: MeanHours
    overdue_unanswered: int


class RollupVoc(VocFigures):
    """The VoC summary's figures without the medians, which need the response-time histograms:
    `GET /departments/{dept}/voc-summary` has them."""

    first_response_hours: MeanHours
    by_channel: dict[str, RollupChannel]


class RollupFigures(OutputModel):
    recommendations: RecommendationFigures
    kpis: KpiFigures
    voc: RollupVoc


class DepartmentRollup(RollupFigures):
    department: str
    name: str


class Rollup(OutputModel):
    period: str
    as_of: Timestamp
    departments: list[DepartmentRollup]
    total: RollupFigures

    model_config = ConfigDict(json_schema_extra=captured_example("Rollup"))


Measure = Literal[
    "voc.within_target_share", "voc.first_response_hours_mean",
    "voc.overdue_unanswered", "voc.nps", "voc.csat", "voc.ces", "voc.volume",
    "recommendations.open", "recommendations.overdue_final_action", "recommendations.closed_this_fy",
    "kpis.met_share",
]


class BenchmarkQuery(QueryModel):
    measure: Measure
    period: str | None = Field(default=None, max_length=16, description=PERIOD_HELP)


class BenchmarkItem(OutputModel):
    rank: int | None = Field(description="1 is best; ties share a rank; null when the department has no data")
    department: str
    name: str
    value: float | None
    median: float | None = Field(description="the organisation's median of this measure")


class Benchmark(OutputModel):
    measure: Measure
    period: str
    as_of: Timestamp
    direction: Literal["higher", "lower"]
    unit: Literal["share", "hours", "score", "count"]
    median: float | None
    items: list[BenchmarkItem]

    model_config = ConfigDict(json_schema_extra=captured_example("Benchmark"))
