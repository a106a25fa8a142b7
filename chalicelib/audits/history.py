"""A recommendation's chained history: its pages, the whole chain (the ledger's bundle) and its
verification against the head the recommendation holds (core/hashchain.py)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.audits import store as dal
from chalicelib.audits.common import check_id
from chalicelib.audits.recommendations import load
from chalicelib.audits.recommendations_schemas import HistoryEntry, HistoryVerification
from chalicelib.core import hashchain


def _history_entry(stored: dict[str, Any]) -> dict[str, Any]:
    entry = {name: stored.get(name) for name in (*hashchain.HASHED_FIELDS, "hash")}
    entry["seq"] = int(entry["seq"]) if entry["seq"] is not None else None
    try:
        entry["changes"] = json.loads(stored["changes"])
    except (TypeError, ValueError):
        entry["changes"] = stored.get("changes")  # altered beyond JSON: its hash will not match
    return entry


def history_page(dept: str, rec_id: str, limit: int, start_key: dict | None):
    check_id(rec_id, "recommendation")
    items, last = dal.history_page(dept, rec_id, limit, start_key)
    if not items and start_key is None:
        load(dept, rec_id)  # an empty first page only for a recommendation that does not exist
    entries = []
    for stored in items:
        entry = _history_entry(stored)
        if not isinstance(entry["changes"], dict):
            entry["changes"] = {"unreadable": str(entry["changes"])}
        entries.append(HistoryEntry(**entry))
    return entries, last


def chained_history(dept: str, rec_id: str) -> list[dict[str, Any]]:
    """Every entry of an existing recommendation, exactly the hashed fields plus `hash` (the
    ledger's bundle); 404 for a recommendation that does not exist."""
    load(dept, rec_id)
    return [_history_entry(stored) for stored in dal.history_all(dept, rec_id)]


def verify_history(dept: str, rec_id: str) -> HistoryVerification:
    item = load(dept, rec_id)
    entries = [_history_entry(stored) for stored in dal.history_all(dept, rec_id)]
    valid, count, broken = hashchain.verify(entries, item["history_head"], int(item["history_seq"]))
    return HistoryVerification(valid=valid, entries=count, first_broken=broken)
