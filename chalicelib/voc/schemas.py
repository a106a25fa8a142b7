"""Voice of the customer: feedback records, responses, reclassifications (the summary:
summary_schemas.py; an import's rows and answer: ingest_schemas.py)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints, field_validator, model_validator

from chalicelib.core import clock
from chalicelib.core.schemas import (
    EARLIEST,
    LATEST,
    InputModel,
    OutputModel,
    Page,
    PageQuery,
    Timestamp,
    api_enum,
    captured_example,
    field_error,
)

Channel = api_enum("Channel", Literal["phone", "email", "web", "chat", "sms", "facebook", "twitter", "instagram",
                                      "in_person", "mail", "app_311", "other"])
Category = api_enum("FeedbackCategory",
                    Literal["complaint", "request_for_help", "question", "compliment", "suggestion", "other"])
Status = api_enum("FeedbackStatus", Literal["open", "in_progress", "responded", "closed"])
Score5 = Annotated[int, Field(ge=1, le=5)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
SourceSystem = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")]
SourceId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
JourneyId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")]
Comment = Annotated[str, StringConstraints(max_length=10_000)]
CLOCK_SKEW = timedelta(minutes=5)


def not_future(value: datetime) -> datetime:
    if value > clock.now() + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    if value.date() < EARLIEST:
        raise ValueError(f"must not be before {EARLIEST.isoformat()}")
    return value.replace(microsecond=0)


class A11Scores(InputModel):
    """OMB A-11 §280 drivers, each 1 (strongly disagree) to 5 (strongly agree)."""

    satisfaction: Score5 | None = None
    trust: Score5 | None = None
    effectiveness: Score5 | None = None
    ease: Score5 | None = None
    efficiency: Score5 | None = None
    transparency: Score5 | None = None
    humanity: Score5 | None = Field(default=None, description="A-11's humanity driver: I felt valued and respected")
    employee_helpfulness: Score5 | None = None


# One Touchpoints answer cell as written: question_1 is 0/1 (thumbs) or 1-5, the drivers 1, 0 or null.
AnswerCell = Annotated[str, StringConstraints(pattern=r"^(null|[0-5])?$")]


class TouchpointsAnswers(InputModel):
    """The A-11 answer columns of a GSA Touchpoints response, kept as written so that the
    `a11-cx-responses.csv` export gives back exactly what was imported (touchpoints.py)."""

    question_1: AnswerCell = ""
    positive_effectiveness: AnswerCell = ""
    positive_ease: AnswerCell = ""
    positive_efficiency: AnswerCell = ""
    positive_transparency: AnswerCell = ""
    positive_humanity: AnswerCell = ""
    positive_employee: AnswerCell = ""
    positive_other: AnswerCell = ""
    negative_effectiveness: AnswerCell = ""
    negative_ease: AnswerCell = ""
    negative_efficiency: AnswerCell = ""
    negative_transparency: AnswerCell = ""
    negative_humanity: AnswerCell = ""
    negative_employee: AnswerCell = ""
    negative_other: AnswerCell = ""


class FeedbackCreate(InputModel):
    channel: Channel
    received_at: AwareDatetime = Field(description="RFC 3339 with offset; kept to the second")
    first_responded_at: AwareDatetime | None = Field(
        default=None, description="when it was already answered in the source system")
    category: Category = "other"
    actionable: bool = Field(default=True, description="actionable items are due a response")
    status: Status | None = Field(default=None, description="default `open`, or `responded` when answered")
    journey_id: JourneyId | None = None
    comment: Comment | None = Field(default=None, description="personal data is redacted before storage")
    a11: A11Scores | None = None
    nps: Annotated[int, Field(ge=0, le=10)] | None = None
    csat: Score5 | None = None
    ces: Annotated[int, Field(ge=1, le=7)] | None = None
    source_system: SourceSystem | None = None
    source_id: SourceId | None = None
    due_at: AwareDatetime | None = Field(
        default=None, description="the request's own due time where the source gives one (Open311 "
        "`expected_datetime`, NYC `Due Date`); default: received_at + the department's target")
    survey_offered: bool | None = Field(
        default=None, description="A-11: the customer was offered a survey (default: when answered one)")
    survey: TouchpointsAnswers | None = Field(
        default=None, description="A-11: Touchpoints' answer columns as written (the `touchpoints` profile sets them)")

    @field_validator("due_at")
    @classmethod
    def _due(cls, value: datetime | None) -> datetime | None:
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
        return value

    @field_validator("received_at", "first_responded_at")
    @classmethod
    def _times(cls, value: datetime | None) -> datetime | None:
        return None if value is None else not_future(value)

    @model_validator(mode="after")
    def _consistent(self) -> "FeedbackCreate":
        if (self.source_system is None) != (self.source_id is None):
            missing = "source_id" if self.source_id is None else "source_system"
            raise field_error("FeedbackCreate", missing, "source_system and source_id go together")
        if self.first_responded_at is not None and self.first_responded_at < self.received_at:
            raise field_error("FeedbackCreate", "first_responded_at", "must not be before received_at")
        if self.due_at is not None and self.due_at < self.received_at:
            raise field_error("FeedbackCreate", "due_at", "must not be before received_at")
        return self

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"channel": "twitter", "received_at": "2017-03-14T21:05:00-04:00", "category": "complaint",
         "actionable": True, "comment": "My package shows delivered but it is not here. Call me at 202-555-0188",
         "csat": 2, "nps": 3, "source_system": "sprinklr", "source_id": "tw-88412190"}]})


class ResponseCreate(InputModel):
    responded_at: AwareDatetime | None = Field(default=None, description="default: now")
    responder: Text
    channel: Channel

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"responded_at": "2017-03-15T09:12:00-04:00", "responder": "SMOC agent 14", "channel": "twitter"}]})

    @field_validator("responded_at")
    @classmethod
    def _time(cls, value: datetime | None) -> datetime | None:
        return None if value is None else not_future(value)


class ClassificationCreate(InputModel):
    actionable: bool | None = None
    category: Category | None = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    version: int | None = Field(default=None, ge=1, description="the version read; a mismatch is a 409")

    @model_validator(mode="after")
    def _something(self) -> "ClassificationCreate":
        if self.actionable is None and self.category is None:
            raise field_error("ClassificationCreate", "actionable", "name actionable, category or both")
        return self

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"actionable": False, "category": "compliment", "reason": "A thank-you, nothing to answer",
         "version": 1}]})


class FeedbackQuery(PageQuery):
    status: Status | None = None
    channel: Channel | None = None
    overdue: bool | None = None
    received_from: AwareDatetime | None = None
    received_to: AwareDatetime | None = None

    @field_validator("received_from", "received_to")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
        return value

    @model_validator(mode="after")
    def _range(self) -> "FeedbackQuery":
        if self.received_from and self.received_to and self.received_to < self.received_from:
            raise field_error("FeedbackQuery", "received_to", "must not be before received_from")
        return self


class ResponseEntry(OutputModel):
    responded_at: Timestamp
    responder: str
    channel: Channel
    recorded_at: Timestamp
    recorded_by: str
    first: bool


class ClassificationEntry(OutputModel):
    at: Timestamp
    by: str
    reason: str
    from_actionable: bool
    to_actionable: bool
    from_category: Category
    to_category: Category


class A11Out(OutputModel):
    satisfaction: int | None = None
    trust: int | None = None
    effectiveness: int | None = None
    ease: int | None = None
    efficiency: int | None = None
    transparency: int | None = None
    humanity: int | None = None
    employee_helpfulness: int | None = None


class Feedback(OutputModel):
    id: str
    department: str
    channel: Channel
    received_at: Timestamp
    first_responded_at: Timestamp | None
    category: Category
    actionable: bool
    status: Status
    journey_id: str | None
    comment: str | None
    a11: A11Out
    nps: int | None
    csat: int | None
    ces: int | None
    source_system: str | None
    source_id: str | None
    survey_offered: bool | None = None
    survey: dict[str, str] | None = None
    overdue: bool
    response_hours: float | None
    out_of_hours: bool
    redactions: dict[str, int]
    due_at: Timestamp
    due_source: Literal["target", "source"] = Field(
        default="target", description="`source`: the source system gave the due time (`due_at`); "
        "`target`: received_at + response_target_hours")
    response_target_hours: float
    responses: list[ResponseEntry]
    classifications: list[ClassificationEntry]
    version: int
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Feedback"))


class FeedbackPage(Page):
    items: list[Feedback]

    model_config = ConfigDict(json_schema_extra=captured_example("FeedbackPage"))
