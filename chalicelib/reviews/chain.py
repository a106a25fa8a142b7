"""A review plan's history chain: every step (plan created or changed, sample drawn, verdict,
sample closed) is an entry chained by SHA-256 as a recommendation's are (core/hashchain.py), under
`{dept}#REVIEWPLAN#{plan_id}`, so the ledger appends it to the org-wide log (its `rec_id` is
`review-plan-{plan_id}`)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.core import clock, hashchain
from chalicelib.core.auth import Principal
from chalicelib.db import keys


def chain_id(plan_id: str) -> str:
    return f"{keys.REVIEW_CHAIN_PREFIX}{plan_id}"


def next_entry(plan: dict[str, Any], principal: Principal, event: str, changes: dict[str, Any]) -> dict[str, Any]:
    return hashchain.seal({
        "seq": int(plan["history_seq"]) + 1, "rec_id": chain_id(plan["plan_id"]),
        "at": clock.now().isoformat(timespec="seconds"), "actor": principal.subject,
        "actor_name": principal.name, "role": principal.role, "event": event,
        "changes": changes, "prev_hash": plan["history_head"] or hashchain.GENESIS})


def entry_of(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored entry as hashed (its changes parsed back) with its hash."""
    entry = {name: stored.get(name) for name in (*hashchain.HASHED_FIELDS, "hash")}
    entry["seq"] = int(entry["seq"])
    try:
        entry["changes"] = json.loads(stored["changes"])
    except (TypeError, ValueError):
        entry["changes"] = {"unreadable": str(stored.get("changes"))}
    return entry


def verify(plan: dict[str, Any], stored: list[dict[str, Any]]) -> tuple[bool, int, int | None]:
    return hashchain.verify([entry_of(s) for s in stored], plan["history_head"], int(plan["history_seq"]))
