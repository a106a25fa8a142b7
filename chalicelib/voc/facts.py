"""What the measures know of one feedback record (`FeedbackFacts`: records.py reads them from a
stored record), and the rules fixed when it is received: its due time and whether it came out of
hours. Pure functions; counters.py adds up the facts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class FeedbackFacts:
    """What the measures need to know about one feedback record."""

    month: str  # yyyy-mm of receipt in the department's zone (fixed at creation)
    channel: str
    category: str
    actionable: bool
    received_at: datetime
    due_at: datetime
    out_of_hours: bool
    first_responded_at: datetime | None = None
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    a11: Mapping[str, int | None] = field(default_factory=dict)
    ever_actionable: bool = False
    reclassified_not_actionable: bool = False
    reclassification_changes: int = 0  # actionable -> not actionable changes
    journey_id: str | None = None
    survey_offered: bool | None = None  # None: offered exactly when answered (a respondent)
    survey_answered: bool = False  # a Touchpoints response (its answers kept as written)

    @property
    def respondent(self) -> bool:
        """Answered a survey: a Touchpoints response, any A-11 driver, NPS, CSAT or CES."""
        return (self.survey_answered or any(v is not None for v in (self.a11 or {}).values())
                or any(v is not None for v in (self.nps, self.csat, self.ces)))

    @property
    def response_seconds(self) -> int | None:
        if self.first_responded_at is None:
            return None
        return int((self.first_responded_at - self.received_at).total_seconds())

    @property
    def within_target(self) -> bool:
        return self.first_responded_at is not None and self.first_responded_at <= self.due_at

    def overdue(self, now: datetime) -> bool:
        """Actionable, never answered, and its due time has come."""
        return self.actionable and self.first_responded_at is None and now >= self.due_at


# --- rules fixed at receipt ----------------------------------------------------------------

def ceil_minute(moment: datetime) -> datetime:
    floored = moment.replace(second=0, microsecond=0)
    return floored if floored == moment else floored + timedelta(minutes=1)


def due_at(received_at: datetime, target_hours: float) -> datetime:
    """When an answer is due: receipt + the department's target, rounded up to the whole minute
    (so that due buckets are exact to the minute)."""
    return ceil_minute((received_at + timedelta(hours=target_hours)).astimezone(timezone.utc))


def _minutes(clock_time: str) -> int:
    hours, minutes = clock_time.split(":")
    return int(hours) * 60 + int(minutes)


def out_of_hours(received_at: datetime, zone: str, days: Iterable[str], start: str, end: str) -> bool:
    """Outside the staffed hours, read on the local wall clock of `zone` (so DST moves with it).
    `end` before `start` is a shift over midnight that belongs to the day it starts."""
    local = received_at.astimezone(ZoneInfo(zone))
    minute, day = local.hour * 60 + local.minute, WEEKDAYS[local.weekday()]
    begin, finish, staffed = _minutes(start), _minutes(end), set(days)
    if begin < finish:
        return not (day in staffed and begin <= minute < finish)
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    inside = (day in staffed and minute >= begin) or (yesterday in staffed and minute < finish)
    return not inside
