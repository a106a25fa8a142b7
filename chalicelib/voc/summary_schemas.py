"""The VoC summary of a period: its query and figures (the rollup's VoC figures are the same)."""
from __future__ import annotations

from pydantic import ConfigDict, Field, field_validator

from chalicelib.core.schemas import OutputModel, QueryModel, Timestamp, captured_example


class SummaryQuery(QueryModel):
    period: str = Field(description="2017-03 (month), 2017-Q2 (quarter) or FY2016 (federal fiscal year)")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        from chalicelib.core import periods

        periods.parse(value)
        return value


class HoursFigure(OutputModel):
    mean: float | None
    median: float | None


class ChannelSummary(OutputModel):
    volume: int
    responded: int
    within_target_share: float | None
    first_response_hours: HoursFigure
    overdue_unanswered: int


class Reclassified(OutputModel):
    count: int
    share: float | None
    changes: int


class VocFigures(OutputModel):
    """Shares are fractions 0-1; hours decimal; NPS in points (-100..100); absent data null."""

    volume: int
    responded: int
    actionable: int
    first_response_hours: HoursFigure
    within_target_share: float | None
    overdue_unanswered: int
    out_of_hours_share: float | None
    nps: float | None
    csat: float | None
    ces: float | None
    a11: dict[str, float | None]
    reclassified_not_actionable: Reclassified
    by_channel: dict[str, ChannelSummary]
    by_category: dict[str, int]


class VocSummary(VocFigures):
    department: str
    period: str
    as_of: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("VocSummary"))
