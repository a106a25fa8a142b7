"""Peer figures as plain functions: a source row's contribution, exact order statistics, the
distribution of peers' values and a department's percentile among them.

Definitions (docs/api.md "Peers outside the organisation" repeats them for users):
- hours to close: closing minus creation, whole seconds, in hours; `median` is the exact median of
  the closed rows (the mean of the two middle values when their number is even), `p90` the
  nearest-rank 90th percentile (the value at rank ceil(0.9 n));
- within target: a closed row is within when closed by its due time (the source's own, where its
  profile reads one, else creation + the set's `target_hours`); a row still open counts against once
  that time is before the set's snapshot (`retrieved_on`, the end of that day UTC) and is not judged
  before; a row with neither a due time nor a target is not judged. Share = within / judged;
- A-11 drivers: per driver, the share of respondents who ticked it positive (and not negative) among
  those who ticked it either way;
- distribution: min, quartiles (linear interpolation between closest ranks, "inclusive"), max of the
  peers' values; percentile: the share (0-100) of peers whose value the department's is strictly
  better than (lower hours; higher within-target and A-11 shares; for volume, larger)."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Iterator
from zoneinfo import ZoneInfo

A11_DRIVERS = {"effectiveness": "effectiveness", "ease": "ease", "efficiency": "efficiency",
               "transparency": "transparency", "humanity": "humanity", "employee": "employee_helpfulness"}
MEASURES = ("volume", "within_target_share", "median_hours_to_close")
LOWER_IS_BETTER = ("median_hours_to_close",)


class RowProblem(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


def row_token(source_id: str) -> str:
    return hashlib.sha256(source_id.encode()).hexdigest()[:24]


def part_id(group: str, service_type: str | None) -> str:
    """A value partition's name: a hash of the group and service type (null: all of the group)."""
    text = json.dumps([group, service_type])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def snapshot_end(retrieved_on: str) -> datetime:
    return datetime.combine(date.fromisoformat(retrieved_on) + timedelta(days=1), time(), timezone.utc)


@dataclass(frozen=True)
class Contribution:
    """What one source row puts in each of its partitions (its group's, its service type's)."""

    source_id: str
    month: str
    group: str
    service_type: str | None
    seconds: int | None  # to close; None: open (or an A-11 response)
    within: int | None
    agree: tuple[str, ...] | None = None
    asked: tuple[str, ...] | None = None
    response: bool = False

    def parts(self) -> list[tuple[str | None, str]]:
        """(service type, partition) pairs: all of the group, and the service type when there is one."""
        found = [(None, part_id(self.group, None))]
        if self.service_type is not None:
            found.append((self.service_type, part_id(self.group, self.service_type)))
        return found

    def sort_key(self) -> str:
        token = row_token(self.source_id)
        if self.response:
            return f"R#{token}"
        return f"C#{self.seconds:012d}#{token}" if self.seconds is not None else f"O#{token}"

    def digest(self) -> str:
        return hashlib.sha256(json.dumps([self.month, self.group, self.service_type, self.seconds, self.within,
                                          self.agree, self.asked, self.response]).encode()).hexdigest()[:32]


def _text(raw: dict[str, Any], column: str | None) -> str | None:
    if not column:
        return None
    value = raw.get(column)
    text = "" if value is None else str(value).strip()
    return text or None


def contribution(peer_set: dict[str, Any], fields: dict[str, Any], raw: dict[str, Any], zone: str) -> Contribution:
    """One mapped row's contribution; RowProblem names the source column at fault."""
    group = _text(raw, peer_set["group_column"])
    if group is None:
        raise RowProblem(peer_set["group_column"], "the peer group column is empty")
    service = _text(raw, peer_set.get("service_column"))
    received = fields.get("received_at")
    if not isinstance(received, datetime):
        raise RowProblem("received_at", "the row has no creation time")
    source_id = str(fields.get("source_id") or "").strip()
    month = received.astimezone(ZoneInfo(zone)).strftime("%Y-%m")
    common = {"source_id": source_id, "month": month, "group": group[:200],
              "service_type": service[:200] if service else None}
    if peer_set["kind"] == "a11_responses":
        drivers = fields.get("drivers") or {}
        agree = tuple(A11_DRIVERS[d] for d, (pos, neg) in drivers.items() if d in A11_DRIVERS and pos and not neg)
        asked = tuple(A11_DRIVERS[d] for d, (pos, neg) in drivers.items() if d in A11_DRIVERS and (pos or neg))
        return Contribution(**common, seconds=None, within=None, agree=agree, asked=asked, response=True)
    # In UTC: aware datetimes sharing one zone object subtract and compare as wall times (DST!)
    received = received.astimezone(timezone.utc)
    closed = fields.get("first_responded_at")
    closed = closed.astimezone(timezone.utc) if isinstance(closed, datetime) else None
    due = fields.get("due_at").astimezone(timezone.utc) if isinstance(fields.get("due_at"), datetime) else None
    if due is None and peer_set.get("target_hours") is not None:
        due = received + timedelta(hours=float(peer_set["target_hours"]))
    if closed is not None:
        seconds = round((closed - received).total_seconds())
        if seconds < 0:
            raise RowProblem("first_responded_at", "the row is closed before it was created")
        within = None if due is None else int(closed <= due)
        return Contribution(**common, seconds=seconds, within=within)
    within = 0 if due is not None and due < snapshot_end(peer_set["retrieved_on"]) else None
    return Contribution(**common, seconds=None, within=within)


# --- figures ---------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Pass one over a partition's items: counts and sums."""

    volume: int = 0
    closed: int = 0
    seconds: int = 0
    within: int = 0
    judged: int = 0
    agree: dict[str, int] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)

    def add(self, sk: str, w: Any, agree: Iterable[str] | None, asked: Iterable[str] | None) -> None:
        self.volume += 1
        if sk.startswith("C#"):
            self.closed += 1
            self.seconds += int(sk[2:14])
        if w is not None:
            self.judged += 1
            self.within += int(w)
        for name in agree or ():
            self.agree[name] = self.agree.get(name, 0) + 1
        for name in asked or ():
            self.asked[name] = self.asked.get(name, 0) + 1

    def merge(self, other: "Tally") -> None:
        self.volume += other.volume
        self.closed += other.closed
        self.seconds += other.seconds
        self.within += other.within
        self.judged += other.judged
        for mine, theirs in ((self.agree, other.agree), (self.asked, other.asked)):
            for name, n in theirs.items():
                mine[name] = mine.get(name, 0) + n


def ranks(n: int) -> dict[str, tuple[int, ...]]:
    """1-based ranks each order statistic needs among n sorted values."""
    if n == 0:
        return {}
    middle = ((n + 1) // 2,) if n % 2 else (n // 2, n // 2 + 1)
    return {"median": middle, "p90": (math.ceil(0.9 * n),)}


class RankPicker:
    """Median and p90 of n values offered in ascending order: keeps only the values at the ranks it
    needs; `done` once past the highest."""

    def __init__(self, n: int):
        self.wanted = ranks(n)
        self.needed = {r for rs in self.wanted.values() for r in rs}
        self.last = max(self.needed, default=0)
        self.rank, self.found = 0, {}

    @property
    def done(self) -> bool:
        return self.rank >= self.last

    def offer(self, value: int) -> None:
        self.rank += 1
        if self.rank in self.needed:
            self.found[self.rank] = value

    def result(self) -> dict[str, float | None]:
        if not self.wanted:
            return {"median": None, "p90": None}
        return {name: round(sum(self.found[r] for r in rs) / len(rs) / 3600, 6) for name, rs in self.wanted.items()}


def order_statistics(sorted_seconds: Iterator[int], n: int) -> dict[str, float | None]:
    """Median and p90 (hours) from a stream of the n closed rows' seconds in ascending order; reads
    only up to the highest rank it needs."""
    picker = RankPicker(n)
    for value in sorted_seconds:
        picker.offer(value)
        if picker.done:
            break
    return picker.result()


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def figure(group: str, service_type: str | None, period: str, tally: Tally, stats: dict[str, float | None],
           a11: bool) -> dict[str, Any]:
    mean = round(tally.seconds / tally.closed / 3600, 6) if tally.closed else None
    return {"group": group, "service_type": service_type, "period": period, "volume": tally.volume,
            "closed": tally.closed, "hours_to_close": {"mean": mean, **stats},
            "within_target_share": share(tally.within, tally.judged),
            "a11": {d: share(tally.agree.get(d, 0), tally.asked.get(d, 0)) for d in A11_DRIVERS.values()}
            if a11 else None}


# --- comparison ------------------------------------------------------------------------------------

def measure_value(figures: dict[str, Any], measure: str) -> float | None:
    """A peer figure's value of `measure`."""
    if measure == "volume":
        return figures["volume"]
    if measure == "within_target_share":
        return figures["within_target_share"]
    if measure == "median_hours_to_close":
        return figures["hours_to_close"]["median"]
    driver = measure.removeprefix("a11.")
    return (figures.get("a11") or {}).get(driver)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def distribution(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"min": min(values), "p25": round(quantile(values, 0.25), 6), "median": round(quantile(values, 0.5), 6),
            "p75": round(quantile(values, 0.75), 6), "max": max(values)}


def percentile(value: float | None, peers: list[float], measure: str) -> float | None:
    """The share (0-100) of peers the department's value is strictly better than."""
    if value is None or not peers:
        return None
    lower_better = measure in LOWER_IS_BETTER
    beaten = sum(1 for p in peers if (value < p if lower_better else value > p))
    return round(100 * beaten / len(peers), 2)
