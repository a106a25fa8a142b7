"""The surge watch's rules as pure functions (DESIGN.md "Surge watch and backlog risk"): the robust
baseline and score of an intake, staffed time on a department's wall clock, the capacity, and the
backlog's FIFO forecast. The service feeds them the hourly counters (voc/hourly.py)."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BASELINE_WEEKS = 8  # b1..b8: the same 24 hours 7, 14, ..., 56 days earlier
WINDOW_HOURS = 24
CAPACITY_DAYS = 28
BACKLOG_DAYS = 28  # the backlog counts the items received in these days before `at`
DEFAULT_Z = 3.5
DEFAULT_MIN_VOLUME = 20
MAD_SCALE = 1.4826
FORECAST_DAYS = 400  # how far ahead staffed time is walked; an item later than this is at risk


@dataclass(frozen=True)
class Score:
    observed: int
    median: float
    mad: float
    values: list[int]
    z: float


def score(observed: int, baseline: Sequence[int]) -> Score:
    """m = median(b), MAD = median(|b - m|), s = max(1.4826·MAD, √max(m, 1)), z = (x - m) / s."""
    m = float(statistics.median(baseline))
    mad = float(statistics.median(abs(b - m) for b in baseline))
    s = max(MAD_SCALE * mad, math.sqrt(max(m, 1.0)))
    return Score(observed, m, mad, list(baseline), (observed - m) / s)


def is_surge(found: Score, z: float = DEFAULT_Z, min_volume: int = DEFAULT_MIN_VOLUME) -> bool:
    return found.z >= z and found.observed >= 2 * found.median and found.observed >= min_volume


def windows(at_hour: datetime) -> list[tuple[datetime, datetime]]:
    """[first hour, last hour] (whole UTC hours, both included) of x, then of b1..b8."""
    out = []
    for week in range(BASELINE_WEEKS + 1):
        end = at_hour - timedelta(days=7 * week)
        out.append((end - timedelta(hours=WINDOW_HOURS), end - timedelta(hours=1)))
    return out


# --- staffed time ---------------------------------------------------------------------------------

def _minutes(clock_time: str) -> int:
    hours, minutes = clock_time.split(":")
    return int(hours) * 60 + int(minutes)


def _local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    # wall time + minutes, read on the zone's clock (a DST day's shift keeps its wall times)
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    moment = naive.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def staffed_intervals(zone_name: str, days: Iterable[str], start: str, end: str,
                      first: datetime, last: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The staffed intervals (UTC, in time order) that overlap [first, last), clipped to it. A shift
    whose end is before its start runs over midnight and belongs to the day it starts."""
    zone, staffed = ZoneInfo(zone_name), set(days)
    begin, finish = _minutes(start), _minutes(end)
    if finish <= begin:
        finish += 24 * 60
    day = first.astimezone(zone).date() - timedelta(days=1)
    while True:
        low = _local(day, begin, zone)
        if low >= last:
            return
        if WEEKDAYS[day.weekday()] in staffed:
            high = _local(day, finish, zone)
            low_c, high_c = max(low, first), min(high, last)
            if low_c < high_c:
                yield low_c, high_c
        day += timedelta(days=1)


def staffed_hours_between(shift: dict, first: datetime, last: datetime) -> float:
    return sum((b - a).total_seconds() for a, b in staffed_intervals(
        shift["zone"], shift["days"], shift["start"], shift["end"], first, last)) / 3600


def is_staffed(shift: dict, moment: datetime) -> bool:
    return any(True for _ in staffed_intervals(shift["zone"], shift["days"], shift["start"], shift["end"],
                                                moment, moment + timedelta(seconds=1)))


def capacity(shift: dict, first_responses: dict[datetime, int], at_hour: datetime) -> float:
    """First responses made in staffed hours over the CAPACITY_DAYS before `at_hour` ÷ the staffed
    hours in those days (0 when there are none). A response counts as staffed when its hour begins
    in staffed time (exact for shifts on whole hours)."""
    first = at_hour - timedelta(days=CAPACITY_DAYS)
    hours = staffed_hours_between(shift, first, at_hour)
    if hours <= 0:
        return 0.0
    made = sum(n for hour, n in first_responses.items() if first <= hour < at_hour and is_staffed(shift, hour))
    return made / hours


# --- backlog --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Backlog:
    unanswered: int
    overdue: int
    capacity_per_staffed_hour: float
    next_staffed_at: datetime | None
    at_risk: int
    first_breach_at: datetime | None


def _answer_times(shift: dict, at: datetime, count: int, rate: float) -> Iterator[datetime | None]:
    """When the k-th queued item is answered (k = 0..count-1): staffed hours since `at` reach
    (k + 1) / rate. None past the forecast horizon."""
    intervals = staffed_intervals(shift["zone"], shift["days"], shift["start"], shift["end"],
                                  at, at + timedelta(days=FORECAST_DAYS))
    done = 0.0  # staffed hours of the intervals passed
    current = next(intervals, None)
    for k in range(count):
        need = (k + 1) / rate
        while current is not None and done + (current[1] - current[0]).total_seconds() / 3600 < need:
            done += (current[1] - current[0]).total_seconds() / 3600
            current = next(intervals, None)
        if current is None:
            yield None
        else:
            yield current[0] + timedelta(hours=need - done)


def backlog(shift: dict, dues: Sequence[datetime], at: datetime, rate: float) -> Backlog:
    """The FIFO forecast of the queue `dues` (due times of the items unanswered at `at`)."""
    queue = sorted(dues)
    overdue = sum(1 for due in queue if due <= at)
    nxt = next(staffed_intervals(shift["zone"], shift["days"], shift["start"], shift["end"],
                                 at, at + timedelta(days=14)), None)
    at_risk, first_breach = 0, None
    answers = _answer_times(shift, at, len(queue), rate) if rate > 0 else iter([None] * len(queue))
    for due, answered in zip(queue, answers):
        if due <= at:
            continue
        if answered is None or due < answered:
            at_risk += 1
            first_breach = due if first_breach is None else min(first_breach, due)
    return Backlog(len(queue), overdue, rate, nxt[0] if nxt else None, at_risk, first_breach)
