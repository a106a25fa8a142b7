"""The tamper-evident history: each entry holds the SHA-256 of the previous entry's canonical JSON.

Canonical JSON is RFC 8785's (core/jcs.py), so any third party's verifier computes the same
hashes (docs/ledger.md). An entry's hash covers every field
but `hash` itself (so also `prev_hash`). Verification recomputes every hash and names the first
entry whose content no longer matches the hash recorded for it: by itself (`hash`), by its
successor (`prev_hash`) or, for the last entry, by the recommendation (`head`)."""
from __future__ import annotations

import hashlib
from typing import Any, Iterable, Mapping

from chalicelib.core import jcs

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "rec_id", "at", "actor", "actor_name", "role", "event", "changes", "prev_hash")


def canonical(value: Any) -> bytes:
    return jcs.canonical(value)


def entry_hash(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical({name: entry.get(name) for name in HASHED_FIELDS})).hexdigest()


def seal(entry: dict[str, Any]) -> dict[str, Any]:
    """Answers the entry with its `hash` set."""
    return {**entry, "hash": entry_hash(entry)}


def verify(entries: Iterable[Mapping[str, Any]], head: str | None, expected_count: int | None
           ) -> tuple[bool, int, int | None]:
    """(valid, entries checked, seq of the first broken entry or None).

    `entries` in seq order; `head` is the hash the recommendation holds for its last entry and
    `expected_count` how many entries it says it has (a deleted or missing entry breaks there)."""
    listed = list(entries)
    previous_hash = GENESIS
    for index, entry in enumerate(listed):
        expected_seq = index + 1
        if entry.get("seq") != expected_seq:
            return False, len(listed), expected_seq  # a missing entry is the break
        recomputed = entry_hash(entry)
        if index + 1 < len(listed):
            # A successor that is not the next seq is a gap, named on the next round.
            following = listed[index + 1]
            successor = following.get("prev_hash") if following.get("seq") == expected_seq + 1 else None
        else:
            successor = head
        if (entry.get("prev_hash") != previous_hash or entry.get("hash") != recomputed
                or (successor is not None and successor != recomputed)):
            return False, len(listed), expected_seq
        previous_hash = recomputed
    if expected_count is not None and expected_count != len(listed):
        return False, len(listed), len(listed) + 1
    return True, len(listed), None
