"""`GET /departments/{dept}/watch?at=`: surges and the backlog's risk at a whole hour, from the
hourly counters (voc.service.hourly_counters): one Query over the 28 days before `at` (x, b1..b3,
the capacity and the backlog ledger) and one per older baseline window (b4..b8). Its cost depends
on those 33 days' hours, never on how much history the department has."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.org import service as org
from chalicelib.voc import service as voc
from chalicelib.voc.counters import CATEGORIES, CHANNELS
from chalicelib.voc.hourly import hour_of, parse_due, parse_hour
from chalicelib.watch import rules

SPAN_DAYS = max(rules.CAPACITY_DAYS, rules.BACKLOG_DAYS)


def shift_of(department) -> dict:
    staffed = department.staffed_hours
    return {"zone": department.time_zone, "days": list(staffed.days), "start": staffed.start, "end": staffed.end}


def thresholds_of(department) -> dict:
    watch = department.watch
    return {"z": float(watch.z), "min_volume": int(watch.min_volume)}


def department_or_404(dept: str):
    found = org.department(dept)
    if found is None:
        raise NotFound(f"department {dept!r} not found")
    return found


def at_hour(at: datetime | None) -> datetime:
    moment = at or clock.now()
    if not 2000 <= moment.astimezone(timezone.utc).year <= 2999:
        raise BadRequest.for_field("at", "must lie in the years 2000 to 2999")
    return hour_of(moment)


def read(dept: str, hour: datetime) -> tuple[dict[datetime, dict[str, float]], int]:
    """The hourly counters the watch at `hour` needs, and how many items were read."""
    spans = [(hour - timedelta(days=SPAN_DAYS), hour - timedelta(hours=1))]
    spans += [w for w in rules.windows(hour) if w[0] < spans[0][0]]
    return voc.hourly_counters(dept, spans)


def _sum(counters: dict[datetime, dict[str, float]], window: tuple[datetime, datetime], name: str) -> int:
    first, last = window
    return int(sum(bag.get(name, 0) for hour, bag in counters.items() if first <= hour <= last))


def surges(dept: str, counters: dict[datetime, dict[str, float]], hour: datetime, limits: dict) -> list[dict]:
    """The department as a whole, then each channel and category with any intake in x or b."""
    windows = rules.windows(hour)
    scopes = [("department", dept, "in")]
    scopes += [("channel", c, f"in__ch__{c}") for c in CHANNELS]
    scopes += [("category", c, f"in__cat__{c}") for c in CATEGORIES]
    out = []
    for scope, key, name in scopes:
        counts = [_sum(counters, w, name) for w in windows]
        if scope != "department" and not any(counts):
            continue
        found = rules.score(counts[0], counts[1:])
        out.append({"scope": scope, "key": key, "observed": found.observed,
                    "baseline": {"median": found.median, "mad": found.mad, "values": found.values},
                    "z": round(found.z, 6), "surge": rules.is_surge(found, limits["z"], limits["min_volume"])})
    return out


def queue(counters: dict[datetime, dict[str, float]], hour: datetime) -> list[datetime]:
    """Due times of the items received in the BACKLOG_DAYS before `hour` and unanswered at it."""
    first = hour - timedelta(days=rules.BACKLOG_DAYS)
    by_due: dict[str, int] = {}
    for received, bag in counters.items():
        if not first <= received < hour:
            continue
        for name, value in bag.items():
            if name.startswith("dq__"):
                due = name[4:]
                by_due[due] = by_due.get(due, 0) + int(value)
            elif name.startswith("da__"):
                _, answered, due = name.split("__")
                if parse_hour(answered) < hour:
                    by_due[due] = by_due.get(due, 0) - int(value)
    return [parse_due(due) for due, n in sorted(by_due.items()) for _ in range(max(n, 0))]


def figures(dept: str, at: datetime | None) -> tuple[dict[str, Any], int]:
    """The watch's answer at `at` (whole hour) and the number of items it read."""
    department = department_or_404(dept)
    hour = at_hour(at)
    counters, read_count = read(dept, hour)
    limits, shift = thresholds_of(department), shift_of(department)
    responses = {h: int(bag.get("fr", 0)) for h, bag in counters.items() if bag.get("fr")}
    rate = rules.capacity(shift, responses, hour)
    found = rules.backlog(shift, queue(counters, hour), hour, rate)
    return {"department": dept, "at": hour, "thresholds": limits,
            "surges": surges(dept, counters, hour, limits),
            "backlog": {"unanswered": found.unanswered, "overdue": found.overdue,
                        "capacity_per_staffed_hour": round(found.capacity_per_staffed_hour, 6),
                        "next_staffed_at": found.next_staffed_at, "at_risk": found.at_risk,
                        "first_breach_at": found.first_breach_at}}, read_count


def watch(dept: str, at: datetime | None) -> dict[str, Any]:
    return figures(dept, at)[0]
