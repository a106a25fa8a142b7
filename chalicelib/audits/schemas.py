"""Audit follow-up: reports, recommendations, management decisions, corrective actions, evidence,
transitions and the chained history. Inputs are strict; money is a decimal string."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.core.schemas import (
    CalendarDay,
    DateTimeText,
    InputModel,
    MoneyText,
    OutputModel,
    Page,
    PageQuery,
    PatchModel,
    QueryModel,
    Slug,
    Timestamp,
    captured_example,
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

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"number": "MS-AR-17-006", "title": "U.S. Postal Service's Social Media Customer Service",
         "issuer": "oig", "issued_on": "2017-05-08", "category": "operations_management",
         "monetary_impact": "0.00"}]})


class AuditReport(OutputModel):
    id: str
    number: str
    title: str
    issuer: Issuer
    issued_on: date
    category: Category
    monetary_impact: MoneyText
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("AuditReport"))


class AuditReportPage(Page):
    items: list[AuditReport]

    model_config = ConfigDict(json_schema_extra=captured_example("AuditReportPage"))


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


# --- corrective actions and evidence ---
class ActionCreate(InputModel):
    description: Text
    owner: Name
    due_date: CalendarDay
    status: ActionStatus = "planned"
    progress_note: Text | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"description": "Staff the Social Media Operations Center on weekends",
         "owner": "Manager, Social Media Operations", "due_date": "2017-09-30", "status": "planned"}]})


class ActionPatch(PatchModel):
    description: Text | None = None
    owner: Name | None = None
    due_date: CalendarDay | None = None
    status: ActionStatus | None = None
    progress_note: Text | None = None
    version: Version | None = None

    DUMP_MODE: ClassVar[str] = "json"  # dates as ISO text, as they are stored
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"status": "in_progress", "progress_note": "Weekend shifts advertised; two of four filled.",
         "version": 1}]})


class ProgressNote(OutputModel):
    at: DateTimeText
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

    model_config = ConfigDict(json_schema_extra=captured_example("CorrectiveAction"))


def _evidence_one_of(schema: dict[str, Any], cls: type) -> None:
    """Documents the body as what it is, a link or a file (validation checks the same)."""
    props = schema.pop("properties")
    schema.pop("required", None)
    schema.pop("additionalProperties", None)
    schema["oneOf"] = [
        {"title": "EvidenceLink", "type": "object", "additionalProperties": False, "required": ["url"],
         "properties": {k: props[k] for k in ("url", "description")}},
        {"title": "EvidenceFile", "type": "object", "additionalProperties": False,
         "required": ["file_name", "content_type", "sha256"],
         "properties": {k: props[k] for k in ("file_name", "content_type", "sha256", "description")}},
    ]
    schema["examples"] = [
        {"url": "https://intranet.example.gov/smoc/weekend-roster-2017.pdf",
         "description": "Weekend roster signed by the VP Corporate Communications"},
        {"file_name": "weekend-roster-2017.pdf", "content_type": "application/pdf",
         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    ]


class EvidenceCreate(InputModel):
    """Either a file (`file_name`, `content_type`, `sha256` of its bytes, hex) or a link (`url`)."""

    file_name: FileName | None = None
    content_type: ContentType | None = None
    sha256: Sha256Hex | None = None
    url: HttpsUrl | None = None
    description: Text | None = None

    model_config = ConfigDict(json_schema_extra=_evidence_one_of)


class EvidenceCreated(OutputModel):
    id: str
    kind: Literal["file", "link"]
    upload_url: str | None = Field(default=None, json_schema_extra={"format": "uri"},
                                   description="a presigned S3 PUT, valid `expires_in` seconds")
    upload_headers: dict[str, str] | None = None
    expires_in: int | None = None

    model_config = ConfigDict(json_schema_extra=captured_example("EvidenceCreated"))


class Evidence(OutputModel):
    id: str
    action_id: str
    recommendation_id: str
    kind: Literal["file", "link"]
    file_name: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    url: str | None = Field(default=None, json_schema_extra={"format": "uri"})
    description: str | None = None
    confirmed: bool
    confirmed_at: DateTimeText | None = None
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Evidence"))


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
