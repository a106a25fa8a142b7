"""From which day a recommendation or a corrective action needs someone's attention: the facts the
due-date index keeps of each (due_index.py) and the day its entry is read from, computed from
those facts alone. Pure functions; days are UTC calendar days, as for the recommendation's own
overdue clocks (overdue.py). What a digest then holds on a given day is the reminders' rules
(chalicelib/reminders/rules.py), which read these facts.

- the department (its dcxo): from the day after the decision or the final action falls due, 30
  days before the target date, the day the auditor returned a closure request; an open action of an
  open recommendation 14 days before its due date;
- the org (auditors, ccxo): 30 days before the first anniversary, the day a closure was requested,
  the day a decision awaiting evaluation was made, 91 days after the target date."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.audits import overdue
from chalicelib.audits.lifecycle import CLOSED

TARGET_SOON_DAYS = 30
ACTION_SOON_DAYS = 14
ONE_YEAR_SOON_DAYS = 30
ESCALATION_DAYS = 90
OPEN_ACTION_STATUSES = ("planned", "in_progress")


def is_open_status(status: str) -> bool:
    return status not in CLOSED


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class RecFacts:
    """What the rules read of one recommendation (kept in its due-index entries)."""

    department: str
    rec_id: str
    report_id: str
    report_number: str
    number: int
    text: str
    status: str
    issued_on: date
    has_decision: bool = False
    decided_on: date | None = None
    evaluated: bool = False  # the auditor evaluated the current management decision
    target_date: date | None = None
    original_target_date: date | None = None
    closure_requested_on: date | None = None
    closure_returned_on: date | None = None
    closure_return_reason: str | None = None

    @property
    def open(self) -> bool:
        return self.status not in CLOSED

    @property
    def decision_due(self) -> date:
        return overdue.decision_due(self.issued_on)

    @property
    def final_action_due(self) -> date:
        return overdue.final_action_due(self.issued_on)

    @property
    def awaiting_evaluation(self) -> bool:
        return self.open and self.has_decision and not self.evaluated

    @property
    def returned(self) -> bool:
        return self.status == "in_progress" and self.closure_returned_on is not None

    def to_json(self) -> str:
        return json.dumps({k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()},
                          sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "RecFacts":
        data = json.loads(text)
        for name in ("issued_on", "decided_on", "target_date", "original_target_date",
                     "closure_requested_on", "closure_returned_on"):
            data[name] = _day(data.get(name))
        return cls(**data)


@dataclass(frozen=True)
class ActionFacts:
    department: str
    rec_id: str
    action_id: str
    report_number: str
    number: int  # the recommendation's
    description: str
    owner: str
    due_date: date
    status: str

    @property
    def open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def to_json(self) -> str:
        return json.dumps({k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()},
                          sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "ActionFacts":
        data = json.loads(text)
        data["due_date"] = _day(data["due_date"])
        return cls(**data)


# --- from which day an index entry must be read (written with the entry) ---
def dept_attention(rec: RecFacts) -> date | None:
    """The first day the department's digest holds this recommendation; None once it is closed."""
    if not rec.open:
        return None
    days = [rec.final_action_due + timedelta(days=1)]
    if not rec.has_decision:
        days.append(rec.decision_due + timedelta(days=1))
    if rec.target_date is not None:
        days.append(rec.target_date - timedelta(days=TARGET_SOON_DAYS))
    if rec.returned:
        days.append(rec.closure_returned_on)
    return min(days)


def org_attention(rec: RecFacts) -> date | None:
    """The first day an auditor's or the ccxo's digest holds this recommendation."""
    if not rec.open:
        return None
    days = [rec.final_action_due - timedelta(days=ONE_YEAR_SOON_DAYS)]
    if rec.status == "closure_requested" and rec.closure_requested_on is not None:
        days.append(rec.closure_requested_on)
    if rec.awaiting_evaluation and rec.decided_on is not None:
        days.append(rec.decided_on)
    if rec.target_date is not None:
        days.append(rec.target_date + timedelta(days=ESCALATION_DAYS + 1))
    return min(days)


def action_attention(action: ActionFacts, rec_open: bool) -> date | None:
    if not (action.open and rec_open):
        return None
    return action.due_date - timedelta(days=ACTION_SOON_DAYS)
