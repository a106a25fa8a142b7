"""Audit follow-up: reports, recommendations, management decisions, corrective actions, evidence,
transitions and the chained history. Inputs are strict; money is a decimal string."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.models.common import (
    CalendarDay,
    InputModel,
    OutputModel,
    Page,
    PageQuery,
    PatchModel,
    QueryModel,
    Slug,
    Timestamp,
)

Issuer = Literal["oig", "gao", "internal", "external"]
Category = Literal["technology", "operations_management", "compliance", "operational_alignment",
                   "human_capital"]
Status = Literal["open", "in_progress", "closure_requested", "closed_implemented",
                 "closed_not_implemented"]
Decision = Literal["agree", "partially_agree", "disagree"]
Priority = Literal["high", "medium", "low"]
ActionStatus = Literal["planned", "in_progress", "done", "cancelled"]
# A non-negative amount with at most two decimals, as a string: "0", "1250.50".
Money = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,2})?$")]
ReportNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-/]{1,39}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{8,40}$")]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[^/\\\x00-\x1f]{1,200}$")]
ContentType = Annotated[str, StringConstraints(pattern=r"^[a-z]+/[A-Za-z0-9.+\-]{1,100}$")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s]{3,2000}$")]
Version = Annotated[int, Field(ge=1, description="the version read; a mismatch is a 409")]


def _money_not_above(field: str):
    def check(cls, value: str, info: ValidationInfo) -> str:
        limit = info.data.get(field)
        if limit is not None and Decimal(value) > Decimal(limit):
            raise ValueError(f"must not exceed {field}")
        return value
    return check


# --- reports ---
class AuditReportCreate(InputModel):
    number: ReportNumber = Field(description="the issuer's identifier, e.g. MS-AR-17-006; unique")
    title: Name
    issuer: Issuer
    issued_on: CalendarDay
    category: Category
    monetary_impact: Money = "0"


class AuditReport(OutputModel):
    id: str
    number: str
    title: str
    issuer: Issuer
    issued_on: date
    category: Category
    monetary_impact: str
    created_at: Timestamp


class AuditReportPage(Page):
    items: list[AuditReport]


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


class ManagementDecisionPut(InputModel):
    decision: Decision
    action_plan: Text | None = None
    responsible_officials: list[Name] = Field(default_factory=list, max_length=20)
    target_date: CalendarDay | None = None
    comments: Text | None = None
    agreed_amount: Money | None = None
    disagreed_amount: Money | None = None
    version: Version | None = None


class ResolutionCreate(InputModel):
    resolved: bool
    comments: Text | None = None
    version: Version | None = None


class TransitionCreate(InputModel):
    to: Status
    reason: Text | None = None
    evidence_ids: list[Id] = Field(default_factory=list, max_length=20)
    version: Version | None = None


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
    decided_at: str | None = None
    agreed_amount: str | None = None
    disagreed_amount: str | None = None
    auditor_comments: str | None = None
    evaluated_at: str | None = None


class OverdueClocks(OutputModel):
    decision: bool
    final_action: bool
    target_date: bool


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
    questioned_costs: str
    unsupported_costs: str
    funds_put_to_better_use: str
    issuer: Issuer
    category: Category
    issued_on: date
    status: Status
    resolution: Resolution
    overdue: OverdueClocks
    age_days: int
    closed_on: date | None = None
    allowed_transitions: list[str] = Field(default_factory=list,
                                           description="targets the caller's role may move it to now")
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class RecommendationPage(Page):
    items: list[Recommendation]


class UnimplementedItem(OutputModel):
    id: str
    report_id: str
    report_number: str
    department: str
    number: int
    status: Status
    issued_on: date
    age_days: int
    questioned_costs: str
    unsupported_costs: str
    funds_put_to_better_use: str


class UnimplementedReport(OutputModel):
    as_of: date
    count: int
    totals: dict[str, str]
    items: list[UnimplementedItem]


# --- corrective actions and evidence ---
class ActionCreate(InputModel):
    description: Text
    owner: Name
    due_date: CalendarDay
    status: ActionStatus = "planned"
    progress_note: Text | None = None


class ActionPatch(PatchModel):
    description: Text | None = None
    owner: Name | None = None
    due_date: CalendarDay | None = None
    status: ActionStatus | None = None
    progress_note: Text | None = None
    version: Version | None = None



    DUMP_MODE: ClassVar[str] = "json"  # dates as ISO text, as they are stored


class ProgressNote(OutputModel):
    at: str
    by: str
    note: str


class CorrectiveAction(OutputModel):
    id: str
    recommendation_id: str
    department: str
    description: str
    owner: str
    due_date: date
    status: ActionStatus
    overdue: bool = Field(description="planned or in progress, and past its due date (UTC days)")
    progress_notes: list[ProgressNote]
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class EvidenceCreate(InputModel):
    """Either a file (`file_name`, `content_type`, `sha256` of its bytes, hex) or a link (`url`)."""

    file_name: FileName | None = None
    content_type: ContentType | None = None
    sha256: Sha256Hex | None = None
    url: HttpsUrl | None = None
    description: Text | None = None


class EvidenceCreated(OutputModel):
    id: str
    kind: Literal["file", "link"]
    upload_url: str | None = None
    upload_headers: dict[str, str] | None = None
    expires_in: int | None = None


class Evidence(OutputModel):
    id: str
    action_id: str
    recommendation_id: str
    kind: Literal["file", "link"]
    file_name: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    url: str | None = None
    description: str | None = None
    confirmed: bool
    confirmed_at: str | None = None
    created_at: Timestamp


# --- history ---
class HistoryEntry(OutputModel):
    seq: int
    rec_id: str
    at: str
    actor: str
    actor_name: str | None
    role: str
    event: str
    changes: dict[str, Any]
    prev_hash: str
    hash: str


class HistoryPage(Page):
    items: list[HistoryEntry]


class HistoryVerification(OutputModel):
    valid: bool
    entries: int
    first_broken: int | None = Field(description="seq of the first entry that no longer matches its hash")


# --- follow-up reads: lists of actions and evidence ---
_ACTION_EXAMPLE = {
    "id": "18c2f4a9b1e3d5f7a90b", "recommendation_id": "18c2f4a0c3e1d2b4f6a8",
    "department": "corp-comms", "description": "Staff the SMOC on weekends",
    "owner": "VP Corporate Communications", "due_date": "2017-12-31", "status": "in_progress",
    "overdue": False,
    "progress_notes": [{"at": "2017-10-02T14:00:00+00:00", "by": "demo-dcxo-corp-comms",
                        "note": "Two weekend agents hired"}],
    "version": 2, "created_at": "2017-09-12T15:04:05+00:00", "updated_at": "2017-10-02T14:00:00+00:00",
}
_EVIDENCE_EXAMPLE = {
    "id": "18c2f4b7d0a1c2e3f4a5", "action_id": "18c2f4a9b1e3d5f7a90b",
    "recommendation_id": "18c2f4a0c3e1d2b4f6a8", "kind": "file", "file_name": "staffing-plan.pdf",
    "content_type": "application/pdf",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "url": None, "description": "Weekend staffing plan, signed", "confirmed": True,
    "confirmed_at": "2017-10-03T09:12:00+00:00", "created_at": "2017-10-03T09:10:00+00:00",
}


class ActionQuery(PageQuery):
    status: ActionStatus | None = None


class CorrectiveActionPage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_ACTION_EXAMPLE], "next_cursor": None}]})

    items: list[CorrectiveAction]


class EvidencePage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_EVIDENCE_EXAMPLE], "next_cursor": None}]})

    items: list[Evidence]
