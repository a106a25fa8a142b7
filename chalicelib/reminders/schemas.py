"""Reminders: the org's digest contacts and a digest's items."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from chalicelib.audits.schemas import ActionStatus, Status
from chalicelib.core.schemas import InputModel, OutputModel, Timestamp
from chalicelib.org.departments_schemas import _email

# A display name that can go into a mail header as it is: no control characters.
ContactName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Email = Annotated[str, AfterValidator(_email)]


class OrgContact(InputModel):
    name: ContactName
    email: Email


_CONTACTS_EXAMPLE = {
    "ccxo": [{"name": "Morgan Reyes", "email": "morgan.reyes@cx.example.gov"}],
    "auditors": [{"name": "Priya Natarajan", "email": "priya.natarajan@oig.example.gov"},
                 {"name": "Internal Audit", "email": "internal.audit@example.gov"}],
}


class ContactsPut(InputModel):
    """Who receives the CCXO's weekly digest and the auditors' daily digest (a DCXO's digest goes to
    its department's `dcxo_contact`). Replaces the whole list; `version` (as read) guards a concurrent
    change."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CONTACTS_EXAMPLE]})

    ccxo: list[OrgContact] = Field(default_factory=list, max_length=20)
    auditors: list[OrgContact] = Field(default_factory=list, max_length=50)
    version: int | None = Field(default=None, ge=1, description="the version read; a mismatch is a 409")


class ContactOut(OutputModel):
    name: str
    email: str


class Contacts(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{**_CONTACTS_EXAMPLE, "version": 3}]})

    ccxo: list[ContactOut]
    auditors: list[ContactOut]
    version: int | None = Field(description="null until the contacts are first written")


DigestKind = Literal[
    "recommendation_overdue", "target_date_approaching", "closure_returned", "action_due",
    "action_overdue", "feedback_overdue", "closure_request_awaiting", "decision_awaiting_evaluation",
    "one_year_approaching", "target_date_escalation", "within_target_drop", "review_sample_awaiting",
    "watch_alert"]
ClockName = Literal["decision", "final_action", "target_date", "action_due_date", "closure_request",
                    "management_decision", "response_target", "alert_opened"]


class DigestClock(OutputModel):
    """A due date (`days_left` before it, `days_overdue` after it) or, for something awaiting an
    answer (a closure request, a management decision), the day it started and `days_since`."""

    clock: ClockName
    due_on: date
    overdue: bool
    days_overdue: int | None = None
    days_left: int | None = None
    days_since: int | None = None


ItemStatus = Status | ActionStatus

class DigestItem(OutputModel):
    kind: DigestKind
    department: str
    title: str
    summary: str
    recommendation_id: str | None = None
    report_number: str | None = None
    recommendation_number: int | None = None
    status: ItemStatus | None = Field(default=None, description="the recommendation's or the action's status")
    action_id: str | None = None
    clocks: list[DigestClock] = []
    dates: dict[str, date] = Field(default_factory=dict,
                                   description="the dates behind the item (issued_on, target_date, due_date, ...)")
    age_days: int | None = None
    count: int | None = Field(default=None, description="feedback_overdue: unanswered items past their due time")
    oldest_received_at: Timestamp | None = None
    previous_month: str | None = None
    month: str | None = None
    previous_share: float | None = None
    share: float | None = None
    drop_points: float | None = None
    reason: str | None = None
    plan_id: str | None = Field(default=None, description="review_sample_awaiting: the review plan")
    sample_id: str | None = None
    period: str | None = Field(default=None, description="review_sample_awaiting: the sample's period")
    remaining: int | None = Field(default=None, description="review_sample_awaiting: items without a verdict")
    alert_id: str | None = Field(default=None, description="watch_alert: the open surge or backlog alert")
    link: str = Field(description="the API path of the resource")
    dashboard_link: str = Field(description="the dashboard page of the resource")


class RecommendationTotals(OutputModel):
    open: int
    overdue: dict[str, int]
    closure_requested: int
    closed_this_fy: int


class OrgTotals(OutputModel):
    departments: int
    recommendations: RecommendationTotals
    escalations: int


_DIGEST_EXAMPLE = {
    "role": "dcxo", "department": "corp-comms", "as_of": "2017-10-02T11:00:00+00:00", "day": "2017-10-02",
    "items": [{
        "kind": "recommendation_overdue", "department": "corp-comms",
        "title": "MS-AR-17-006 recommendation 1",
        "summary": "Overdue: target date 2017-09-30 (2 days)",
        "recommendation_id": "18c2f4a0c3e1d2b4f6a8", "report_number": "MS-AR-17-006",
        "recommendation_number": 1, "status": "in_progress",
        "clocks": [{"clock": "target_date", "due_on": "2017-09-30", "overdue": True, "days_overdue": 2,
                    "days_left": None}],
        "dates": {"issued_on": "2017-05-08", "target_date": "2017-09-30"}, "age_days": 147,
        "link": "/departments/corp-comms/recommendations/18c2f4a0c3e1d2b4f6a8",
        "dashboard_link": "https://cx.example.gov/dashboard/recommendations/corp-comms/18c2f4a0c3e1d2b4f6a8"}],
    "counts": {"recommendation_overdue": 1}, "truncated": False, "totals": None,
}


class Digest(OutputModel):
    """What the caller's digest holds now (the scheduled job sends the same, when it holds
    something)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DIGEST_EXAMPLE]})

    role: Literal["dcxo", "auditor", "ccxo"]
    department: str | None = None
    as_of: Timestamp
    day: date = Field(description="the UTC day the clocks are counted on")
    items: list[DigestItem] = Field(description="most urgent first, at most `CXGOV_DIGEST_MAX_ITEMS` (200)")
    counts: dict[DigestKind, int] = Field(default_factory=dict, description="every item by kind, shown or not")
    truncated: bool = Field(default=False, description="more items than shown: the dashboard has them all")
    totals: OrgTotals | None = Field(default=None, description="the ccxo's org totals")


class DigestRunRecipient(OutputModel):
    role: str
    email: str
    department: str | None = None
    items: int
    status: Literal["sent", "failed", "already_sent", "in_flight", "nothing_due"]
    attempts: int = 0
    message_id: str | None = None
    error: str | None = None
    eml: str | None = None


class DigestRun(OutputModel):
    day: date
    started_at: datetime
    recipients: list[DigestRunRecipient]

    def count(self, status: str) -> int:
        return sum(1 for r in self.recipients if r.status == status)
