"""The reminder rules, in one place: what a digest holds on a given day. Pure functions over the
facts the due-date index keeps (chalicelib/audits/attention.py: those facts, and from which day an
index entry must be read); days are UTC calendar days, as for the recommendation's own overdue
clocks (chalicelib/audits/overdue.py).

- dcxo (its department): a recommendation overdue on any clock (decision, final action, target
  date); a target date within 30 days (today counts, 30 days out counts, 31 does not); a corrective
  action planned or in progress that is due within 14 days or past due; a closure request the
  auditor returned (until the next request or a close); overdue unanswered feedback (count, oldest).
- auditor (the org): closure requests awaiting it and management decisions it has not evaluated,
  each with its age in days; recommendations reaching one year unimplemented (12 months after the
  report) within 30 days.
- ccxo (the org): recommendations more than 90 days past their target date; departments whose
  within-target share fell by more than 10 points from one month to the next (exactly 10 is not
  more); and the org totals (digest.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from chalicelib.audits import overdue
from chalicelib.audits.attention import (
    ACTION_SOON_DAYS,
    ESCALATION_DAYS,
    ONE_YEAR_SOON_DAYS,
    TARGET_SOON_DAYS,
    ActionFacts,
    RecFacts,
)

DROP_POINTS = Fraction(10)


# --- what a digest holds on `today` ---
@dataclass(frozen=True)
class Clock:
    clock: str
    due_on: date
    days_overdue: int | None = None  # >= 1 when overdue
    days_left: int | None = None  # >= 0 when still to come
    days_since: int | None = None  # a clock that counts the age of something awaiting an answer


def _clock(name: str, due_on: date, today: date) -> Clock:
    days = (today - due_on).days
    return Clock(name, due_on, days_overdue=days, days_left=None) if days > 0 else \
        Clock(name, due_on, days_overdue=None, days_left=-days)


def _since(name: str, day: date, today: date) -> Clock:
    return Clock(name, day, days_since=(today - day).days)


@dataclass
class Item:
    kind: str
    department: str
    rec: RecFacts | None = None
    action: ActionFacts | None = None
    clocks: list[Clock] = field(default_factory=list)
    age_days: int | None = None
    dates: dict[str, date] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def first_due(self) -> date:
        return min((c.due_on for c in self.clocks), default=date.max)


def _rec_dates(rec: RecFacts) -> dict[str, date]:
    dates = {"issued_on": rec.issued_on, "decision_due": rec.decision_due,
             "final_action_due": rec.final_action_due, "target_date": rec.target_date,
             "original_target_date": rec.original_target_date, "decided_on": rec.decided_on,
             "closure_requested_on": rec.closure_requested_on,
             "closure_returned_on": rec.closure_returned_on}
    return {name: value for name, value in dates.items() if value is not None}


def dcxo_rec_items(rec: RecFacts, today: date) -> list[Item]:
    if not rec.open:
        return []
    items = []
    clocks = overdue.clocks(status=rec.status, issued_on=rec.issued_on, has_decision=rec.has_decision,
                            target_date=rec.target_date, on=today)
    found = []
    if clocks.decision:
        found.append(_clock("decision", rec.decision_due, today))
    if clocks.final_action:
        found.append(_clock("final_action", rec.final_action_due, today))
    if rec.target_date is not None and (clocks.target_date
                                        or (rec.target_date - today).days <= TARGET_SOON_DAYS):
        found.append(_clock("target_date", rec.target_date, today))
    if found:
        kind = "recommendation_overdue" if clocks.any else "target_date_approaching"
        items.append(Item(kind, rec.department, rec=rec, clocks=found, dates=_rec_dates(rec),
                          age_days=overdue.age_days(rec.issued_on, today)))
    if rec.returned:
        items.append(Item("closure_returned", rec.department, rec=rec,
                          clocks=[_since("closure_request", rec.closure_returned_on, today)],
                          age_days=(today - rec.closure_returned_on).days, dates=_rec_dates(rec),
                          extra={"reason": rec.closure_return_reason}))
    return items


def dcxo_action_item(action: ActionFacts, today: date) -> Item | None:
    if not action.open or (action.due_date - today).days > ACTION_SOON_DAYS:
        return None
    kind = "action_overdue" if today > action.due_date else "action_due"
    return Item(kind, action.department, action=action,
                clocks=[_clock("action_due_date", action.due_date, today)],
                dates={"due_date": action.due_date})


def auditor_items(rec: RecFacts, today: date) -> list[Item]:
    if not rec.open:
        return []
    items = []
    if rec.status == "closure_requested" and rec.closure_requested_on is not None:
        items.append(Item("closure_request_awaiting", rec.department, rec=rec,
                          clocks=[_since("closure_request", rec.closure_requested_on, today)],
                          age_days=(today - rec.closure_requested_on).days, dates=_rec_dates(rec)))
    if rec.awaiting_evaluation and rec.decided_on is not None:
        items.append(Item("decision_awaiting_evaluation", rec.department, rec=rec,
                          clocks=[_since("management_decision", rec.decided_on, today)],
                          age_days=(today - rec.decided_on).days, dates=_rec_dates(rec)))
    left = (rec.final_action_due - today).days
    if 0 <= left <= ONE_YEAR_SOON_DAYS:
        items.append(Item("one_year_approaching", rec.department, rec=rec,
                          clocks=[_clock("final_action", rec.final_action_due, today)],
                          age_days=overdue.age_days(rec.issued_on, today), dates=_rec_dates(rec)))
    return items


def ccxo_items(rec: RecFacts, today: date) -> list[Item]:
    if not rec.open or rec.target_date is None or (today - rec.target_date).days <= ESCALATION_DAYS:
        return []
    return [Item("target_date_escalation", rec.department, rec=rec,
                 clocks=[_clock("target_date", rec.target_date, today)],
                 age_days=overdue.age_days(rec.issued_on, today), dates=_rec_dates(rec))]


def feedback_item(dept: str, count: int, oldest_received_at: datetime | None,
                  oldest_due_at: datetime | None, now: datetime) -> Item | None:
    if not count:
        return None
    extra = {"count": count, "oldest_received_at": oldest_received_at, "oldest_due_at": oldest_due_at}
    clocks = []
    if oldest_due_at is not None:
        clocks = [_clock("response_target", overdue.utc_day(oldest_due_at), overdue.utc_day(now))]
        extra["hours_overdue"] = round((now - oldest_due_at).total_seconds() / 3600, 1)
    return Item("feedback_overdue", dept, clocks=clocks, extra=extra)


def alert_item(alert: dict[str, Any], today: date) -> Item:
    """An open surge-watch alert (watch.service.open_alerts): listed until it resolves."""
    opened = alert["opened_at"].date()
    return Item("watch_alert", alert["department"], clocks=[_since("alert_opened", opened, today)],
                age_days=(today - opened).days, extra={"alert": alert})


def share(within: int, due: int) -> Fraction | None:
    """The within-target share as an exact fraction (None without anything due)."""
    return Fraction(within, due) if due else None


def within_target_drop(dept: str, months: tuple[str, str], previous: tuple[int, int],
                       current: tuple[int, int]) -> Item | None:
    """`previous` and `current` are (responded within target, due) of the two months, in order.
    A drop of more than 10 points (exact arithmetic: 80% -> 70% is exactly 10, not more)."""
    before, after = share(*previous), share(*current)
    if before is None or after is None:
        return None
    drop = (before - after) * 100
    if drop <= DROP_POINTS:
        return None
    return Item("within_target_drop", dept, extra={
        "previous_month": months[0], "month": months[1], "previous_share": float(before),
        "share": float(after), "drop_points": round(float(drop), 1)})
