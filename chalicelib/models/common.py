"""Shared pydantic bases: strict input (unknown fields refused), plain output, pages, errors."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

# Dates people type: far-off years are typing mistakes, and would overflow date arithmetic.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
CalendarDay = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
# RFC 3339 with an explicit offset, as the contract says.
Timestamp = Annotated[datetime, PlainSerializer(lambda v: v.isoformat(timespec="seconds"),
                                                return_type=str, when_used="json")]


class InputModel(BaseModel):
    # defer_build: a model's validator is built on first use, not when a cold start imports it.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, defer_build=True,
                              str_strip_whitespace=True)


class PatchModel(InputModel):
    """A partial update: an absent field keeps its value, an explicit null is refused (it would erase
    a required field), and `version`, when sent, turns a concurrent change into a 409."""

    NOT_CHANGES: ClassVar[frozenset[str]] = frozenset({"version"})
    DUMP_MODE: ClassVar[str] = "python"

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep it)")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> "PatchModel":
        if not self.model_fields_set - {"version"}:
            raise ValueError("name at least one field to change")
        return self

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump(exclude_unset=True, mode=self.DUMP_MODE).items()
                if k not in self.NOT_CHANGES}


class QueryModel(BaseModel):
    """Query strings are text: lax parsing turns `limit=50` into an int; unknown params are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True, defer_build=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class PageQuery(QueryModel):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=4096)


class Page(OutputModel):
    next_cursor: str | None = None


class ErrorDetail(OutputModel):
    field: str
    message: str


class ErrorBody(OutputModel):
    code: str
    message: str
    details: list[ErrorDetail]
    correlation_id: str | None = None


class ErrorEnvelope(OutputModel):
    error: ErrorBody


def dump(model: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return model.model_dump(mode="json") if isinstance(model, BaseModel) else model
