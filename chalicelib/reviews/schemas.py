"""Second look: review plans, samples, verdicts and the estimate (docs/reviews.md)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.core.schemas import (
    InputModel,
    OutputModel,
    Page,
    PageQuery,
    PatchModel,
    Timestamp,
    api_enum,
)
from chalicelib.org.directory_schemas import Role
from chalicelib.voc.schemas import Category, Channel

Confidence = api_enum("ReviewConfidence", Literal[0.90, 0.95, 0.99])
ReviewFrequency = api_enum("ReviewFrequency", Literal["monthly", "quarterly"])
ReviewerRole = Role  # the roles' one enum: a second with the same values would rename it in the API document
SampleStatus = api_enum("SampleStatus", Literal["open", "closed"])
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(max_length=2000)]
Margin = Annotated[float, Field(ge=0.01, le=0.20, description="the margin of error e, 0.01-0.20")]
Rate = Annotated[float, Field(ge=0.01, le=0.99, description="the expected misclassification rate p, 0.01-0.99")]
PeriodText = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$")]

PLAN_EXAMPLE = {"name": "Social media closures reviewed by the OIG",
                "population": {"actionable": False, "categories": [], "channels": ["facebook", "twitter"]},
                "frequency": "monthly", "confidence": 0.95, "margin": 0.05, "expected_rate": 0.5,
                "reviewer_role": "auditor", "active": True}


class Population(InputModel):
    actionable: bool = Field(default=False, description="the classification reviewed (default: "
                                                        "the items closed as not actionable)")
    categories: list[Category] = Field(default_factory=list, max_length=10, description="empty: all")
    channels: list[Channel] = Field(default_factory=list, max_length=20, description="empty: all")


class PlanCreate(InputModel):
    name: Name
    population: Population = Field(default_factory=Population)
    frequency: ReviewFrequency
    confidence: Confidence = 0.95
    margin: Margin = 0.05
    expected_rate: Rate = 0.5
    reviewer_role: ReviewerRole
    active: bool = True

    model_config = ConfigDict(json_schema_extra={"examples": [PLAN_EXAMPLE]})


class PlanPatch(PatchModel):
    name: Name | None = None
    population: Population | None = None
    frequency: ReviewFrequency | None = None
    confidence: Confidence | None = None
    margin: Margin | None = None
    expected_rate: Rate | None = None
    reviewer_role: ReviewerRole | None = None
    active: bool | None = None
    version: int | None = Field(default=None, ge=1, description="the version read; a mismatch is a 409")

    DUMP_MODE = "json"
    model_config = ConfigDict(json_schema_extra={"examples": [{"margin": 0.04, "version": 1}]})


class PopulationOut(OutputModel):
    actionable: bool
    categories: list[Category]
    channels: list[Channel]


class Plan(OutputModel):
    id: str
    department: str
    name: str
    population: PopulationOut
    frequency: ReviewFrequency
    confidence: Confidence
    margin: float
    expected_rate: float
    reviewer_role: ReviewerRole
    active: bool
    largest_sample: int = Field(description="n0 rounded up: the most items a period's sample can need")
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59", "department": "smoc", **PLAN_EXAMPLE, "largest_sample": 385,
        "version": 1, "created_at": "2017-04-03T09:00:00+00:00", "updated_at": "2017-04-03T09:00:00+00:00"}]})


class PlanPage(Page):
    items: list[Plan]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "next_cursor": None}]})


class SampleCreate(InputModel):
    period: PeriodText = Field(description="a month (2017-03) or quarter (2017-Q2), as the plan's "
                                           "frequency, that has ended in the department's time zone")

    model_config = ConfigDict(json_schema_extra={"examples": [{"period": "2017-03"}]})


class Classification(OutputModel):
    actionable: bool
    category: Category


class Verdict(OutputModel):
    actionable: bool
    category: Category
    note: str
    misclassified: bool = Field(description="the verdict's `actionable` differs from the classification at draw")
    by: str
    role: ReviewerRole
    at: Timestamp


class SampleItem(OutputModel):
    feedback_id: str
    rank: str = Field(description="SHA-256 of \"{seed}:{feedback_id}\", hex (the rank is its big-endian integer)")
    classification_at_draw: Classification
    verdict: Verdict | None


class Interval(OutputModel):
    low: float
    high: float
    confidence: Confidence
    method: Literal["wilson"]


class Projected(OutputModel):
    count: float
    low: float
    high: float


class Result(OutputModel):
    reviewed: int
    misclassified: int
    rate: float
    interval: Interval
    projected: Projected


SAMPLE_EXAMPLE = {
    "id": "4e7a1c9b2d3f4a5b8c6d0e1f2a3b4c5d", "plan_id": "9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59",
    "department": "smoc", "plan_name": "Social media closures reviewed by the OIG", "period": "2017-03",
    "population_size": 1040, "sample_size": 281,
    "seed": "5f0c3e9a1b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e", "confidence": 0.95,
    "margin": 0.05, "expected_rate": 0.5, "status": "open",
    "population": {"actionable": False, "categories": [], "channels": ["facebook", "twitter"]},
    "reviewer_role": "auditor", "reviewed": 0, "misclassified": 0, "remaining": 281,
    "drawn_at": "2017-04-03T09:00:00+00:00", "drawn_by": "oig-auditor", "closed_at": None, "result": None,
    "items": [{"feedback_id": "20170301bbphe7w05f6vw298fxw3patf",
               "rank": "0004c1f3a0b2e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4",
               "classification_at_draw": {"actionable": False, "category": "other"}, "verdict": None}]}


class Sample(OutputModel):
    id: str
    plan_id: str
    department: str
    plan_name: str
    period: str
    population_size: int
    sample_size: int
    seed: str = Field(description="32 random bytes, lowercase hex: re-derive the sample with it")
    confidence: Confidence = Field(description="the plan's settings when the sample was drawn")
    margin: float
    expected_rate: float
    population: PopulationOut = Field(description="the plan's population when the sample was drawn")
    status: SampleStatus
    reviewer_role: ReviewerRole
    reviewed: int
    misclassified: int
    remaining: int
    drawn_at: Timestamp
    drawn_by: str | None
    closed_at: Timestamp | None
    result: Result | None
    items: list[SampleItem] | None = Field(default=None, description="in rank order; lists leave them out")

    model_config = ConfigDict(json_schema_extra={"examples": [SAMPLE_EXAMPLE]})


class SamplePage(Page):
    items: list[Sample]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": [{**SAMPLE_EXAMPLE, "items": None}], "next_cursor": None}]})


class SamplePopulation(Page):
    sample_id: str
    period: str
    seed: str
    population_size: int = Field(description="how many items the whole population holds (every page)")
    items: list[str] = Field(description="feedback ids of the population as classified at the draw")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "sample_id": "4e7a1c9b2d3f4a5b8c6d0e1f2a3b4c5d", "period": "2017-03",
        "seed": "5f0c3e9a1b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e", "population_size": 1040,
        "items": ["20170301bbphe7w05f6vw298fxw3patf"], "next_cursor": None}]})


class PopulationQuery(PageQuery):
    limit: int = Field(default=5000, ge=1, le=5000)


class VerdictPut(InputModel):
    actionable: bool
    category: Category | None = Field(default=None, description="default: the record's category")
    note: Note = ""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"actionable": True, "category": "request_for_help", "note": "Asks where a parcel is"}]})


class ReviewQuery(PageQuery):
    status: Literal["open"] = Field(default="open", description="samples awaiting the caller's verdicts")


class ReviewHistoryEntry(OutputModel):
    seq: int
    rec_id: str = Field(description="the chain's id, `review-plan-{plan_id}` (the ledger's leaves carry it)")
    at: str = Field(json_schema_extra={"format": "date-time"})
    actor: str
    actor_name: str | None
    role: ReviewerRole
    event: Literal["review_plan_created", "review_plan_changed", "sample_drawn", "verdict_given", "sample_closed"]
    changes: dict
    prev_hash: str
    hash: str


class ReviewHistoryPage(Page):
    items: list[ReviewHistoryEntry]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [{
        "seq": 1, "rec_id": "review-plan-9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59", "at": "2017-04-03T09:00:00+00:00",
        "actor": "oig-auditor", "actor_name": "OIG auditor", "role": "auditor", "event": "review_plan_created",
        "changes": {"name": "Social media closures reviewed by the OIG"}, "prev_hash": "0" * 64,
        "hash": "3f5a0c1e2d4b6a8c9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"}], "next_cursor": None}]})


class ReviewHistoryVerification(OutputModel):
    valid: bool
    entries: int
    first_broken: int | None

    model_config = ConfigDict(json_schema_extra={"examples": [{"valid": True, "entries": 7, "first_broken": None}]})
