"""The three overdue clocks and the age of a recommendation, computed at read time from the clock.

- decision: no management decision once 6 calendar months have passed since the report's issue
  date (overdue from the day after issued_on + 6 months);
- final_action: not closed once 12 calendar months have passed since the issue date;
- target_date: not closed after the current target date.
A closed recommendation is overdue on none of them. Days are UTC calendar days."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timezone

from chalicelib.audits.lifecycle import CLOSED

DECISION_MONTHS = 6
FINAL_ACTION_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def decision_due(issued_on: date) -> date:
    return add_months(issued_on, DECISION_MONTHS)


def final_action_due(issued_on: date) -> date:
    return add_months(issued_on, FINAL_ACTION_MONTHS)


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of a moment (naive moments are taken as UTC)."""
    return moment.astimezone(timezone.utc).date() if moment.tzinfo else moment.date()


@dataclass(frozen=True)
class Overdue:
    decision: bool
    final_action: bool
    target_date: bool

    @property
    def any(self) -> bool:
        return self.decision or self.final_action or self.target_date


def clocks(*, status: str, issued_on: date, has_decision: bool, target_date: date | None,
           on: date) -> Overdue:
    if status in CLOSED:
        return Overdue(False, False, False)
    return Overdue(
        decision=not has_decision and on > decision_due(issued_on),
        final_action=on > final_action_due(issued_on),
        target_date=target_date is not None and on > target_date,
    )


def age_days(issued_on: date, on: date) -> int:
    return (on - issued_on).days


def aging_bucket(age: int) -> str:
    if age <= 90:
        return "0-90"
    if age <= 180:
        return "91-180"
    if age <= 365:
        return "181-365"
    return ">365"
