"""The A-11 exports' query (a journey's A-11 service itself is part of the journey: org)."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from chalicelib.core import periods
from chalicelib.core.schemas import QueryModel


class QuarterQuery(QueryModel):
    quarter: str = Field(description="a federal fiscal quarter: FY2017-Q2 is January-March 2017")
    journey_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] | None = Field(
        default=None, description="only this journey (it must have an A-11 service)")

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        periods.parse_fiscal_quarter(value)
        return value
