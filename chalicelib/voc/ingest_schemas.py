"""An import of feedback: its rows (JSON or CSV, in cxgov's fields or a profile's), its query
and its answer, row by row."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, RootModel, StringConstraints, field_validator

from chalicelib.core.schemas import OutputModel, QueryModel, captured_example
from chalicelib.voc.schemas import FeedbackCreate, JourneyId, not_future


class ImportRow(OutputModel):
    row: int
    status: Literal["created", "updated", "duplicate", "rejected"]
    id: str | None
    errors: list[dict[str, str]]


class ImportResult(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "created": 1, "updated": 1, "duplicates": 1, "rejected": 1, "rows": [
            {"row": 1, "status": "created", "id": "20171201c2m9v7k3p0a8x5d4e6f7g8h9", "errors": []},
            {"row": 2, "status": "updated", "id": "20171201c2mav9x3qh0w8j5d2e6f7g8k", "errors": []},
            {"row": 3, "status": "duplicate", "id": "20171201c2mav9x3qh0w8j5d2e6f7g8k", "errors": []},
            {"row": 4, "status": "rejected", "id": None,
             "errors": [{"field": "CreatedDate", "message": "received_at: '03/11/2018 02:30:00 AM' "
                         "does not exist in America/Los_Angeles (the clocks moved forward over it)"}]}]}]})

    created: int
    updated: int = Field(default=0, description="rows of stored source records that brought what "
                         "the record lacked (a closing, a due time, scores ...)")
    duplicates: int
    rejected: int
    rows: list[ImportRow]
    rejected_details_omitted: int = Field(
        default=0, description="rejected rows listed without their errors: the answer details the "
        "first 100 rejected rows (at most 20 errors each, messages cut at 500 characters), so that "
        "it stays within the 6 MB a synchronous answer may hold; an import job reports every row")

    model_config = ConfigDict(json_schema_extra=captured_example("ImportResult"))


class ImportQuery(QueryModel):
    profile: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="the source's format: a built-in profile (`GET /import-profiles`) or "
        "one of the department's; default `cxgov` (the native fields)")
    journey_id: JourneyId | None = Field(
        default=None, description="the journey of rows that name none; required by `touchpoints` (a journey "
        "with an `a11_service`)")
    received_at: AwareDatetime | None = Field(
        default=None, description="`touchpoints` only: when the responses were given, for a file without "
        "`created_at`")

    @field_validator("received_at")
    @classmethod
    def _received(cls, value: datetime | None) -> datetime | None:
        return None if value is None else not_future(value)


class FeedbackImportDoc(RootModel[list[FeedbackCreate]]):
    """An import: a JSON array of feedback records (or `text/csv` with one column per field, A-11
    drivers as `a11.satisfaction` ... columns). Documents the shape; rows are validated one by one."""

    model_config = ConfigDict(json_schema_extra={"examples": [[
        {"channel": "twitter", "received_at": "2017-03-14T21:05:00-04:00", "category": "complaint",
         "source_system": "sprinklr", "source_id": "tw-88412190"},
        {"channel": "facebook", "received_at": "2017-03-14T22:40:00-04:00", "category": "compliment",
         "actionable": False, "source_system": "sprinklr", "source_id": "fb-55120007"}]]})
