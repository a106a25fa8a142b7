"""Recount the VoC aggregates from the feedback records, report drift, optionally repair it.

The recount is `voc_counters.recount` - the same contributions every write adds - so a clean
department shows no drift at all, and tests use it to check the summary against the records."""
from __future__ import annotations

from typing import Any

from chalicelib.voc import counters as voc_counters, counters_store, store
from chalicelib.voc.records import facts


def recount(dept: str) -> tuple[int, voc_counters.Counters]:
    """(number of records, the counters they add up to), read from the records themselves."""
    records = list(store.all_records(dept))
    return len(records), voc_counters.recount(facts(r) for r in records)


def drift(stored: dict[str, dict[str, float]], expected: voc_counters.Counters) -> dict[str, dict[str, dict]]:
    """scope -> counter -> {stored, expected} for every counter that differs (absent counts as 0)."""
    found: dict[str, dict[str, dict]] = {}
    for scope in sorted(set(stored) | set(expected)):
        have, want = stored.get(scope, {}), expected.get(scope, {})
        for name in sorted(set(have) | set(want)):
            if have.get(name, 0) != want.get(name, 0):
                found.setdefault(scope, {})[name] = {"stored": have.get(name, 0), "expected": want.get(name, 0)}
    return found


def reconcile(dept: str, repair: bool = False) -> dict[str, Any]:
    """The drift report of one department; with `repair`, adds the differences so that the stored
    counters equal the recount (run it when no writes are going on: a write between the recount
    and the repair would be corrected against a stale count)."""
    records, expected = recount(dept)
    found = drift(counters_store.read_all_voc_aggregates(dept, hourly=True), expected)
    if repair and found:
        counters_store.set_counters(dept, {
            scope: {name: int(v["expected"] - v["stored"]) for name, v in names.items()}
            for scope, names in found.items()})
    return {"department": dept, "records": records, "scopes": len(expected),
            "drift": found, "repaired": bool(repair and found)}
