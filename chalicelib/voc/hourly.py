"""Hourly intake and first-response counters (the surge watch's items, DESIGN.md "Surge watch and
backlog risk"): one aggregate item per department × UTC hour, scope `VOCHR#{yyyy-mm-ddThh}`, added
by `counters.contributions` so every feedback write and import row updates them in its own
transaction and the reconcile command recounts them like any VoC counter.

Counters of the hour a record was received:
- `in`, `in__ch__{channel}`, `in__cat__{category}`: the intake;
- for an actionable record, the backlog ledger: `dq__{due}` (due minute, `yyyymmddhhmm` UTC) and, once
  answered, `da__{answered hour}__{due}` (`yyyymmddhh`). The items unanswered at a whole hour A among
  those received in a window of hours before A are, by due minute, `dq` less the `da` answered before A.
Counters of the hour the first response was made: `fr`, `fr__ch__{channel}`, `fr__cat__{category}`.

`ENABLED` (env `CXGOV_HOURLY_COUNTERS`, default on) exists for the benchmark's before/after run."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from chalicelib.voc.facts import FeedbackFacts

PREFIX = "VOCHR#"
ENABLED = os.environ.get("CXGOV_HOURLY_COUNTERS", "1") not in ("0", "false", "off")


def hour_of(moment: datetime) -> datetime:
    """The whole UTC hour `moment` lies in."""
    return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def scope(hour: datetime) -> str:
    return f"{PREFIX}{hour.astimezone(timezone.utc).strftime('%Y-%m-%dT%H')}"


def hour_of_scope(name: str) -> datetime:
    return datetime.strptime(name[len(PREFIX):], "%Y-%m-%dT%H").replace(tzinfo=timezone.utc)


def due_key(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M")


def parse_due(key: str) -> datetime:
    return datetime.strptime(key, "%Y%m%d%H%M").replace(tzinfo=timezone.utc)


def hour_key(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%d%H")


def parse_hour(key: str) -> datetime:
    return datetime.strptime(key, "%Y%m%d%H").replace(tzinfo=timezone.utc)


def contributions(f: FeedbackFacts) -> dict[str, dict[str, int]]:
    """The hourly counters one record adds (scope -> name -> 1)."""
    if not ENABLED:
        return {}
    received = {"in": 1, f"in__ch__{f.channel}": 1, f"in__cat__{f.category}": 1}
    out = {scope(hour_of(f.received_at)): received}
    if f.actionable:
        due = due_key(f.due_at)
        received[f"dq__{due}"] = 1
        if f.first_responded_at is not None:
            received[f"da__{hour_key(f.first_responded_at)}__{due}"] = 1
    if f.first_responded_at is not None:
        answered = out.setdefault(scope(hour_of(f.first_responded_at)), {})
        for name in ("fr", f"fr__ch__{f.channel}", f"fr__cat__{f.category}"):
            answered[name] = answered.get(name, 0) + 1
    return out


def hours(first: datetime, last: datetime) -> list[datetime]:
    """Every whole hour from `first` to `last` (both whole hours, both included)."""
    found, hour = [], first
    while hour <= last:
        found.append(hour)
        hour += timedelta(hours=1)
    return found
