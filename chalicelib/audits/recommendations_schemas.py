"""Recommendations: issuing one, the management decision, the auditor's resolution, lifecycle
transitions, what is read of one (its resolution, overdue clocks and due dates), the lists, the
CSV export's and the unimplemented report's queries, and the chained history."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.audits.schemas import (
    Category,
    Decision,
    Id,
    Issuer,
    Money,
    Name,
    Priority,
    Status,
    Text,
    Version,
)
from chalicelib.core.schemas import (
    CalendarDay,
    DateTimeText,
    InputModel,
    MoneyText,
    OutputModel,
    Page,
    PageQuery,
    QueryModel,
    Slug,
    Timestamp,
    captured_example,
)


def _money_not_above(field: str):
    def check(cls, value: str, info: ValidationInfo) -> str:
        limit = info.data.get(field)
        if limit is not None and Decimal(value) > Decimal(limit):
            raise ValueError(f"must not exceed {field}")
        return value
    return check


# --- recommendations ---
class Finding(InputModel):
    criteria: Text
    condition: Text
    cause: Text
    effect: Text


class RecommendationCreate(InputModel):
    department: Slug
    number: int = Field(ge=1, le=9999)
    text: Text
    finding: Finding
    priority: Priority = "medium"
    significant: bool = False
    requires_concurrence: bool = True
    questioned_costs: Money = "0"
    unsupported_costs: Money = "0"
    funds_put_to_better_use: Money = "0"

    _unsupported = field_validator("unsupported_costs")(classmethod(_money_not_above("questioned_costs")))

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"department": "corp-comms", "number": 1,
         "text": "Develop strategies to address resources and staffing shortfalls to respond to all "
                 "actionable customer inquiries within the six-hour target.",
         "finding": {"criteria": "The SMOC's target is a first response within six hours.",
                     "condition": "43% of responses met the six-hour target in FY2016.",
                     "cause": "The SMOC is staffed Monday-Friday 08:00-18:00 Eastern only.",
                     "effect": "Actionable complaints and requests for help went unanswered."},
         "priority": "high", "significant": True, "requires_concurrence": True,
         "questioned_costs": "0.00", "unsupported_costs": "0.00", "funds_put_to_better_use": "0.00"}]})


class ManagementDecisionPut(InputModel):
    decision: Decision
    action_plan: Text | None = None
    responsible_officials: list[Name] = Field(default_factory=list, max_length=20)
    target_date: CalendarDay | None = None
    comments: Text | None = None
    agreed_amount: Money | None = None
    disagreed_amount: Money | None = None
    version: Version | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"decision": "partially_agree",
         "action_plan": "Respond within the six-hour target on select platforms.",
         "responsible_officials": ["SVP Sales and Customer Relations", "VP Corporate Communications"],
         "target_date": "2017-09-30", "comments": "Management agrees for Facebook and Twitter.",
         "version": 1}]})


class ResolutionCreate(InputModel):
    resolved: bool
    comments: Text | None = None
    version: Version | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"resolved": True, "comments": "Responsive; closure requires OIG concurrence.", "version": 2}]})


class TransitionCreate(InputModel):
    to: Status
    reason: Text | None = None
    evidence_ids: list[Id] = Field(default_factory=list, max_length=20)
    version: Version | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"to": "closure_requested", "reason": "Weekend staffing in place since 2017-09-01; roster attached.",
         "evidence_ids": ["1a230ef8960e5201ad35c"], "version": 4}]})


class RecommendationQuery(PageQuery):
    department: Slug | None = None
    status: Status | None = None
    overdue: bool | None = None
    issuer: Issuer | None = None
    report_id: Id | None = None


class ExportQuery(QueryModel):
    department: Slug | None = None
    status: Status | None = None
    overdue: bool | None = None
    issuer: Issuer | None = None
    report_id: Id | None = None


class UnimplementedQuery(QueryModel):
    as_of: CalendarDay


class Resolution(OutputModel):
    decision: Decision | None = None
    resolved: bool | None = None
    target_date: date | None = None
    original_target_date: date | None = None
    target_date_changes: list[dict[str, Any]] = []
    action_plan: str | None = None
    responsible_officials: list[str] = []
    comments: str | None = None
    decided_at: DateTimeText | None = None
    agreed_amount: MoneyText | None = None
    disagreed_amount: MoneyText | None = None
    auditor_comments: str | None = None
    evaluated_at: DateTimeText | None = None


class OverdueClocks(OutputModel):
    decision: bool
    final_action: bool
    target_date: bool


class DueDates(OutputModel):
    decision: date | None = Field(default=None, description="when a management decision is due (6 months after "
                                                            "the report); null once decided")
    final_action: date | None = Field(default=None, description="12 months after the report")
    target_date: date | None = Field(default=None, description="the current target date")
    next: date | None = Field(default=None, description="the nearest of these still ahead (null when "
                                                        "closed or every clock has run out)")


class RecommendationSource(OutputModel):
    """Where a recommendation came from when cxgov raised it itself (an assessment's gap)."""

    kind: Literal["assessment"]
    department: str
    assessment_id: str
    ref: str = Field(description="the requirement whose gap it closes")


class Recommendation(OutputModel):
    id: str
    report_id: str
    report_number: str
    department: str
    number: int
    text: str
    finding: dict[str, str]
    priority: Priority
    significant: bool
    requires_concurrence: bool
    questioned_costs: MoneyText
    unsupported_costs: MoneyText
    funds_put_to_better_use: MoneyText
    issuer: Issuer
    category: Category
    issued_on: date
    status: Status
    resolution: Resolution
    overdue: OverdueClocks
    age_days: int
    due: DueDates | None = None
    closed_on: date | None = None
    source: RecommendationSource | None = Field(default=None, description="the assessment gap it "
                                                "was raised from, if any (linked both ways)")
    allowed_transitions: list[Status] = Field(default_factory=list,
                                              description="targets the caller's role may move it to now")
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Recommendation"))


class RecommendationPage(Page):
    items: list[Recommendation]

    model_config = ConfigDict(json_schema_extra=captured_example("RecommendationPage"))


class UnimplementedItem(OutputModel):
    id: str
    report_id: str
    report_number: str
    department: str
    number: int
    status: Status
    issued_on: date
    age_days: int
    questioned_costs: MoneyText
    unsupported_costs: MoneyText
    funds_put_to_better_use: MoneyText


class UnimplementedReport(OutputModel):
    as_of: date
    count: int
    totals: dict[str, MoneyText]
    items: list[UnimplementedItem]

    model_config = ConfigDict(json_schema_extra=captured_example("UnimplementedReport"))


# --- history ---
class HistoryEntry(OutputModel):
    seq: int
    rec_id: str
    at: DateTimeText
    actor: str
    actor_name: str | None
    role: Literal["dcxo", "ccxo", "auditor"]
    event: str
    changes: dict[str, Any]
    prev_hash: str
    hash: str


class HistoryPage(Page):
    items: list[HistoryEntry]

    model_config = ConfigDict(json_schema_extra=captured_example("HistoryPage"))


class HistoryVerification(OutputModel):
    valid: bool
    entries: int
    first_broken: int | None = Field(description="seq of the first entry that no longer matches its hash")

    model_config = ConfigDict(json_schema_extra=captured_example("HistoryVerification"))
