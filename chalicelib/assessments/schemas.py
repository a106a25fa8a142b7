"""Assessments against a framework: creating one (or re-assessing from an earlier one), answering a
requirement, lifecycle transitions, raising gaps as recommendations, what is read of one, its
score, its history and the org summary. Framework libraries are in framework_schemas.py, evidence
files in evidence_schemas.py."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.assessments.framework_schemas import CategoryText, FrameworkId, FrameworkVersion, Ref
from chalicelib.kpis.schemas import Unit
from chalicelib.core.schemas import (
    CalendarDay,
    InputModel,
    OutputModel,
    Page,
    PageQuery,
    QueryModel,
    Timestamp,
    api_enum,
)

Result = api_enum("AssessmentResult", Literal["compliant", "partially_compliant", "non_compliant",
                                              "not_applicable"])
Status = api_enum("AssessmentStatus", Literal["draft", "submitted", "approved"])
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{8,40}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s]{3,497}$", max_length=500)]


class AssessmentCreate(InputModel):
    framework_id: FrameworkId
    framework_version: FrameworkVersion | None = Field(default=None, description="default: the newest")
    title: Title
    as_of: CalendarDay = Field(description="the day the assessment describes")
    copy_from: Id | None = Field(default=None, description="an earlier assessment of the same department "
                                                            "and framework whose answers it starts from")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"framework_id": "contact-centre-operational-audit", "framework_version": "2026.1",
         "title": "FY2026 operational audit of the Social Media Operations Center", "as_of": "2026-09-30"}]})


class AnswerPut(InputModel):
    result: Result
    maturity: int | None = Field(default=None, ge=0, le=10, description="a level of the framework's scale")
    observation: Annotated[str, StringConstraints(max_length=2000)] | None = None
    evidence_ids: list[Id] = Field(default_factory=list, max_length=10, description=(
        "this assessment's evidence files (POST .../evidence), cited by id"))
    links: list[Url] = Field(default_factory=list, max_length=10, description="https links cited as evidence")
    version: int | None = Field(default=None, ge=1, description="the assessment's version read; "
                                                                "a mismatch is a 409")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"result": "partially_compliant", "maturity": 2,
         "observation": "Twitter has a six-hour target; Facebook and Instagram have none.",
         "links": ["https://www.uspsoig.gov/document/social-media-customer-inquiries"]}]})


class TransitionCreate(InputModel):
    to: Status
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = Field(
        default=None, description="required when returning a submitted assessment to draft")
    version: int | None = Field(default=None, ge=1)

    model_config = ConfigDict(json_schema_extra={"examples": [{"to": "submitted"}]})


class FindingsCreate(InputModel):
    refs: list[Ref] = Field(min_length=1, max_length=50, description="requirements answered "
                                                                     "non_compliant or partially_compliant")

    model_config = ConfigDict(json_schema_extra={"examples": [{"refs": ["OPS-1", "ALN-1"]}]})


class CategoryScore(OutputModel):
    compliance_share: float | None
    maturity_mean: float | None


class Score(OutputModel):
    """compliance_share = (compliant + 0.5 × partially_compliant) ÷ (assessed − not_applicable);
    maturity_mean = mean of the maturity levels given; null when nothing to divide by."""

    assessed: int
    compliant: int
    partially_compliant: int
    non_compliant: int
    not_applicable: int
    compliance_share: float | None
    maturity_mean: float | None
    by_category: dict[str, CategoryScore]


_SCORE = {"assessed": 4, "compliant": 2, "partially_compliant": 1, "non_compliant": 0, "not_applicable": 1,
          "compliance_share": 0.8333, "maturity_mean": 3.0,
          "by_category": {"operations_management": {"compliance_share": 0.75, "maturity_mean": 2.5},
                          "technology": {"compliance_share": 1.0, "maturity_mean": 4.0}}}


class KpiReading(OutputModel):
    kpi_id: str
    name: str
    unit: Unit
    period: str | None
    value: float | None
    target: float | None
    attainment: Literal["met", "missed"] | None


class AnswerOut(OutputModel):
    result: Result
    maturity: int | None
    observation: str | None
    evidence_ids: list[str]
    links: list[str]
    answered_at: Timestamp
    answered_by: str | None


class FindingLink(OutputModel):
    report_id: str
    recommendation_id: str


class RequirementState(OutputModel):
    ref: str
    title: str
    category: CategoryText
    assessable: bool
    kpi_codes: list[str]
    answer: AnswerOut | None
    kpis: dict[str, list[KpiReading]] = Field(description="per KPI code: the department's KPIs of that "
                                                          "code with their latest measurement")
    finding: FindingLink | None = Field(description="the recommendation raised from this gap")


class AssessmentSummary(OutputModel):
    id: str
    department: str
    framework_id: str
    framework_version: str
    title: str
    as_of: date
    status: Status
    copy_from: str | None
    score: Score
    findings_report_id: str | None
    open_gaps: int = Field(description="requirements answered non_compliant or partially_compliant")
    submitted_at: Timestamp | None
    submitted_by: str | None
    decided_at: Timestamp | None
    decided_by: str | None
    return_reason: str | None
    allowed_transitions: list[Status]
    version: int
    created_at: Timestamp
    updated_at: Timestamp


_SUMMARY = {"id": "19a3c0d4e5f6a7b8c9d0e", "department": "corp-comms",
            "framework_id": "contact-centre-operational-audit", "framework_version": "2026.1",
            "title": "FY2026 operational audit", "as_of": "2026-09-30", "status": "draft", "copy_from": None,
            "score": _SCORE, "findings_report_id": None, "open_gaps": 1, "submitted_at": None,
            "submitted_by": None, "decided_at": None, "decided_by": None, "return_reason": None,
            "allowed_transitions": ["submitted"], "version": 3,
            "created_at": "2026-10-01T09:00:00+00:00", "updated_at": "2026-10-02T09:00:00+00:00"}


class Assessment(AssessmentSummary):
    framework_name: str
    requirements: list[RequirementState]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_SUMMARY, "framework_name": "Contact-centre operational audit",
        "requirements": [{"ref": "OPS-1", "title": "Published response targets per channel",
                          "category": "operations_management", "assessable": True,
                          "kpi_codes": ["social_within_target"],
                          "answer": {"result": "partially_compliant", "maturity": 2,
                                     "observation": "Only Twitter has a target.", "evidence_ids": [],
                                     "links": [], "answered_at": "2026-10-02T09:00:00+00:00",
                                     "answered_by": "dcxo-1"},
                          "kpis": {"social_within_target": [
                              {"kpi_id": "8d2f6a0c4b1e4f7a9c3d5e7f1a2b4c6d", "name": "Within 6 hours",
                               "unit": "percent", "period": "2026-09", "value": 43.0, "target": 80.0,
                               "attainment": "missed"}]},
                          "finding": None}]}]})


class AssessmentPage(Page):
    items: list[AssessmentSummary]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_SUMMARY], "next_cursor": None}]})


class AssessmentQuery(PageQuery):
    framework_id: FrameworkId | None = None
    status: Status | None = None


class FindingRef(OutputModel):
    ref: str
    id: str = Field(description="the recommendation's id")


class FindingsCreated(OutputModel):
    report_id: str
    recommendations: list[FindingRef]

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"report_id": "1a230ef83d8ec0d7136d2", "recommendations": [{"ref": "OPS-1", "id": "1a230ef83e4fa52ac8627"}]}]})


class AssessmentHistoryEntry(OutputModel):
    seq: int
    assessment_id: str
    at: str
    actor: str
    actor_name: str | None
    role: Literal["dcxo", "ccxo", "auditor"]
    event: str
    changes: dict
    prev_hash: str
    hash: str


class AssessmentHistoryPage(Page):
    items: list[AssessmentHistoryEntry]
    valid: bool = Field(description="every entry's hash recomputes and chains to the assessment's head")

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"seq": 1, "assessment_id": "19a3c0d4e5f6a7b8c9d0e", "at": "2026-10-01T09:00:00+00:00",
         "actor": "dcxo-1", "actor_name": "Dana", "role": "dcxo", "event": "created",
         "changes": {"title": "FY2026 operational audit"}, "prev_hash": "0" * 64, "hash": "ab" * 32}],
        "valid": True, "next_cursor": None}]})


class SummaryQuery(QueryModel):
    framework_id: FrameworkId


class SummaryItem(OutputModel):
    rank: int
    department: str
    assessment_id: str
    title: str
    framework_version: str
    as_of: date
    score: Score
    open_gaps: int


class AssessmentOrgSummary(OutputModel):
    framework_id: str
    items: list[SummaryItem]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "framework_id": "contact-centre-operational-audit",
        "items": [{"rank": 1, "department": "corp-comms", "assessment_id": "19a3c0d4e5f6a7b8c9d0e",
                   "title": "FY2026 operational audit", "framework_version": "2026.1",
                   "as_of": "2026-09-30", "score": _SCORE, "open_gaps": 1}]}]})
