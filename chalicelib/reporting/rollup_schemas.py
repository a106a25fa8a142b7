"""The CCXO rollup, the benchmark ranking and their queries."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.core.schemas import MoneyText, api_enum, OutputModel, QueryModel, Timestamp, captured_example
from chalicelib.voc.summary_schemas import VocFigures

PERIOD_HELP = "2017-03 (month), 2017-Q2 (quarter) or FY2017 (federal fiscal year); default: this fiscal year"


class RollupQuery(QueryModel):
    period: str | None = Field(default=None, max_length=16, description=PERIOD_HELP)


class RollupPageQuery(RollupQuery):
    """The departments come in pages (a few thousand would pass Lambda's 6 MB response); `total`,
    `department_count` and `needs_attention_count` always cover every department in scope."""

    limit: int = Field(default=200, ge=1, le=200, description="departments per page")
    cursor: str | None = Field(default=None, max_length=4096)
    sort: Literal["department", "attention"] = Field(
        default="department", description="`department` (by id) or `attention`: departments that "
        "need attention first (see `attention`), the most overdue recommendations first")
    q: str | None = Field(default=None, max_length=80,
                          description="only departments whose id or name contains this text (any case)")


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


class Attention(OutputModel):
    needs_attention: bool
    reasons: list[str] = Field(description="why, in words: overdue recommendations, KPIs missed, "
                                           "overdue unanswered feedback")
    overdue_recommendations: int = Field(description="overdue on at least one clock, counted per clock")


class SecondLookInterval(OutputModel):
    low: float
    high: float
    confidence: float
    method: Literal["wilson"]


class SecondLook(OutputModel):
    """The department's latest closed second-look sample (latest period; issue 26)."""
    plan_id: str
    plan_name: str
    sample_id: str
    period: str
    rate: float = Field(description="misclassified ÷ reviewed")
    interval: SecondLookInterval
    reviewed: int
    misclassified: int


class DepartmentRollup(RollupFigures):
    department: str
    name: str
    attention: Attention | None = None
    second_look: SecondLook | None = Field(default=None, description="the latest closed sample's rate "
                                                                     "with its interval; null: none yet")


class Rollup(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "period": "FY2017", "as_of": "2017-10-02T09:00:00+00:00", "department_count": 1,
        "needs_attention_count": 1, "next_cursor": None, "departments": [], "total": {}}]})

    period: str
    as_of: Timestamp
    departments: list[DepartmentRollup]
    total: RollupFigures
    department_count: int | None = Field(default=None, description="departments in scope (after `q`), every page")
    needs_attention_count: int | None = Field(default=None, description="of those, how many need attention")
    next_cursor: str | None = None

    model_config = ConfigDict(json_schema_extra=captured_example("Rollup"))


Measure = api_enum("Measure", Literal[
    "voc.within_target_share", "voc.first_response_hours_mean",
    "voc.overdue_unanswered", "voc.nps", "voc.csat", "voc.ces", "voc.volume",
    "recommendations.open", "recommendations.overdue_final_action", "recommendations.closed_this_fy",
    "kpis.met_share",
])


class BenchmarkQuery(QueryModel):
    measure: Measure
    period: str | None = Field(default=None, max_length=16, description=PERIOD_HELP)
    limit: int = Field(default=200, ge=1, le=200, description="ranked departments per page")
    cursor: str | None = Field(default=None, max_length=4096)


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
    count: int | None = Field(default=None, description="ranked departments in all pages")
    next_cursor: str | None = None

    model_config = ConfigDict(json_schema_extra=captured_example("Benchmark"))
