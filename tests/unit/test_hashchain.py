"""The history's hash chain: canonical JSON, sealing, and naming the first broken entry."""
from __future__ import annotations

import hashlib

from chalicelib.core import hashchain


def _chain(n: int) -> list[dict]:
    entries, previous = [], hashchain.GENESIS
    for seq in range(1, n + 1):
        entry = hashchain.seal({"seq": seq, "rec_id": "r1", "at": f"2017-05-0{seq}T00:00:00+00:00",
                                "actor": "a", "actor_name": "Ana", "role": "dcxo", "event": "x",
                                "changes": {"n": seq, "é": ["z", "a"]}, "prev_hash": previous})
        entries.append(entry)
        previous = entry["hash"]
    return entries


def test_canonical_json_is_sorted_compact_utf8():
    assert hashchain.canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()


def test_each_entry_holds_the_hash_of_the_previous_one():
    entries = _chain(3)
    assert entries[0]["prev_hash"] == hashchain.GENESIS
    assert entries[1]["prev_hash"] == entries[0]["hash"]
    body = {k: entries[2][k] for k in hashchain.HASHED_FIELDS}
    assert entries[2]["hash"] == hashlib.sha256(hashchain.canonical(body)).hexdigest()


def test_an_intact_chain_verifies():
    entries = _chain(4)
    assert hashchain.verify(entries, entries[-1]["hash"], 4) == (True, 4, None)


def test_an_edited_entry_is_named():
    entries = _chain(4)
    entries[1] = {**entries[1], "actor": "someone else"}
    assert hashchain.verify(entries, entries[-1]["hash"], 4) == (False, 4, 2)


def test_an_edited_entry_with_a_recomputed_hash_is_still_named():
    entries = _chain(4)
    entries[2] = hashchain.seal({**entries[2], "changes": {"n": 99}})
    assert hashchain.verify(entries, entries[-1]["hash"], 4) == (False, 4, 3)


def test_an_edited_last_entry_is_caught_by_the_head():
    entries = _chain(3)
    entries[2] = hashchain.seal({**entries[2], "event": "rewritten"})
    assert hashchain.verify(entries, _chain(3)[-1]["hash"], 3) == (False, 3, 3)


def test_a_deleted_entry_breaks_where_it_was():
    entries = _chain(4)
    del entries[1]
    assert hashchain.verify(entries, entries[-1]["hash"], 4)[2] == 2


def test_a_deleted_last_entry_breaks_after_the_survivors():
    entries = _chain(4)
    assert hashchain.verify(entries[:3], entries[-1]["hash"], 4) == (False, 3, 3)
