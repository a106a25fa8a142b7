"""Monthly series for the trends: from the aggregate items, never from the records."""
from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.core.schemas import OutputModel, QueryModel, Timestamp
from chalicelib.reporting.rollup_schemas import RollupVoc

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class SeriesQuery(QueryModel):
    from_: str | None = Field(default=None, alias="from", pattern=MONTH,
                              description="first month (yyyy-mm); default: 23 months before `to`")
    to: str | None = Field(default=None, pattern=MONTH, description="last month (yyyy-mm); default: this month")


class OpenedClosed(OutputModel):
    opened: int = Field(description="recommendations issued in the month (by their report's issue date)")
    closed: int = Field(description="recommendations closed in the month, implemented or not")


class _FromField(OutputModel):
    """`from` is a Python keyword: the field is `from_`, written `from` in every answer (and in the
    answer's schema, with its example: a model_serializer would hide both from OpenAPI)."""

    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)


class VocMonth(RollupVoc):
    month: str


class SeriesMonth(OutputModel):
    month: str
    voc: RollupVoc
    recommendations: OpenedClosed


_VOC_EXAMPLE = {"volume": 1204, "responded": 803, "actionable": 1100,
                "first_response_hours": {"mean": 21.4}, "within_target_share": 0.31,
                "overdue_unanswered": 297, "out_of_hours_share": 0.33, "nps": -12.5, "csat": 0.41,
                "ces": 4.2, "a11": {"trust": 0.38}, "reclassified_not_actionable": {"count": 0, "share": 0.0, "changes": 0},
                "by_channel": {}, "by_category": {"complaint": 512}}


class RollupSeries(_FromField):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "from": "2016-12", "to": "2016-12", "as_of": "2017-10-02T09:00:00+00:00", "department": None,
        "months": [{"month": "2016-12", "voc": _VOC_EXAMPLE,
                                           "recommendations": {"opened": 0, "closed": 1}}]}]},
                              populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    as_of: Timestamp
    department: str | None = Field(description="null: every department in the caller's scope")
    months: list[SeriesMonth]


class VocSeries(_FromField):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "department": "corp-comms", "from": "2016-12", "to": "2016-12",
        "as_of": "2017-10-02T09:00:00+00:00", "months": [{"month": "2016-12", **_VOC_EXAMPLE}]}]}, populate_by_name=True)

    department: str
    from_: str = Field(alias="from")
    to: str
    as_of: Timestamp
    months: list[VocMonth]
