"""Appending history entries to the log, from DynamoDB stream records, and the proofs out of it.

The leaf of a history entry is the RFC 8785 canonical JSON of `{department, rec_id, seq, hash}`.
Stream records arrive per shard in commit order (a recommendation's entries share a partition,
so they arrive in `seq` order); the consumer appends them in the order received. A history item
that is modified or removed after it was written is never appended again, only reported: the log
keeps what was first committed."""
from __future__ import annotations

from typing import Any, Iterable

from chalicelib.db import keys
from chalicelib.ledger import store as dal
from chalicelib.core import jcs
from chalicelib.ledger import merkle
from chalicelib.core.observability import logger

HISTORY_KIND = "history"


def leaf_data(department: str, rec_id: str, seq: int, entry_hash: str) -> bytes:
    return jcs.canonical({"department": department, "rec_id": rec_id, "seq": seq, "hash": entry_hash})


def leaf_of(department: str, rec_id: str, seq: int, entry_hash: str) -> dal.Leaf:
    return dal.Leaf(department, rec_id, seq, entry_hash, leaf_data(department, rec_id, seq, entry_hash))


def _leaf_from_image(image: dict[str, Any]) -> dal.Leaf | None:
    if image.get("kind", {}).get("S") != HISTORY_KIND:
        return None
    owner = keys.history_owner(image.get("pk", {}).get("S", ""))
    try:
        seq, entry_hash = int(image["seq"]["N"]), image["hash"]["S"]
    except (KeyError, ValueError):
        owner = None
    if owner is None:
        logger.error("history item without its keys in the stream", extra={"pk": image.get("pk")})
        return None
    return leaf_of(owner[0], owner[1], seq, entry_hash)


def leaves_from_records(records: Iterable[dict[str, Any]]) -> list[dal.Leaf]:
    """The new history entries among raw stream records (`eventName`, `dynamodb.NewImage`)."""
    leaves = []
    for record in records:
        change = record.get("dynamodb", {})
        event = record.get("eventName")
        if event == "INSERT":
            leaf = _leaf_from_image(change.get("NewImage", {}))
            if leaf is not None:
                leaves.append(leaf)
        elif event in ("MODIFY", "REMOVE"):
            image = change.get("OldImage") or change.get("NewImage") or {}
            if image.get("kind", {}).get("S") == HISTORY_KIND:
                # Nothing in cxgov changes a history item: someone with table access did.
                logger.warning("a history item was changed after it was written; the ledger keeps "
                               "the original", extra={"event": event, "keys": change.get("Keys")})
    return leaves


def append_records(records: Iterable[dict[str, Any]]) -> int:
    """The stream consumer's work: answers how many entries were newly appended."""
    leaves = leaves_from_records(records)
    appended = dal.append(leaves) if leaves else 0
    if leaves:
        logger.info("ledger append", extra={"received": len(leaves), "appended": appended})
    return appended


# --- reading the tree ---
def tree_size() -> int:
    return dal.read_state()[0]


def current_root() -> tuple[int, bytes]:
    size, frontier = dal.read_state()
    return size, merkle.fold(frontier)


def _hashes(ranges: list[merkle.Range]) -> list[str]:
    stored = dal.read_nodes(merkle.nodes_for(ranges))
    missing = [node for node in merkle.nodes_for(ranges) if node not in stored]
    if missing:
        raise LookupError(f"ledger nodes missing: {missing[:3]}")
    return [merkle.fold([stored[n] for n in merkle.range_nodes(*r)]).hex() for r in ranges]


def inclusion_path(index: int, size: int) -> list[str]:
    return _hashes(merkle.inclusion_ranges(index, size))


def consistency_proof(first: int, second: int) -> list[str]:
    return _hashes(merkle.consistency_ranges(first, second))


def consistency_with_roots(first: int, second: int) -> tuple[str, str, list[str]]:
    """(root at `first`, root at `second`, the proof), from one read of the nodes they need."""
    if first == 0:
        return merkle.EMPTY_ROOT.hex(), root_at(second), []
    hashes = _hashes([(0, first), (0, second), *merkle.consistency_ranges(first, second)])
    return hashes[0], hashes[1], hashes[2:]


def root_at(size: int) -> str:
    """The root of the tree as it was at `size` leaves (from stored subtrees)."""
    return _hashes([(0, size)])[0] if size else merkle.EMPTY_ROOT.hex()
