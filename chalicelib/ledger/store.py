"""Storage of the ledger (table `cxgov-ledger`): the tree's state, its complete subtrees, where each
history entry sits in it, the signed tree heads and the keys that signed them.

An append of a chunk of leaves is one TransactWriteItems: each entry's position (on
`attribute_not_exists`: a repeated delivery fails only its own condition and is dropped), the leaf
and every subtree it completes, and the state (on the size read). A concurrent appender fails the
state's condition, and the chunk is recomputed on the new state."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.items import LedgerEntryItem, LedgerNodeItem, LedgerStateItem, SigningKeyItem, TreeHeadItem
from chalicelib.db.transactions import cancellation_codes, transaction
from chalicelib.ledger import merkle

# Leaves per transaction: n entries + at most 2n + 16 new nodes + the state stay within
# DynamoDB's 100 items per TransactWriteItems.
CHUNK = 25
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class Leaf:
    department: str
    rec_id: str
    seq: int
    entry_hash: str
    data: bytes  # the RFC 8785 canonical JSON that is hashed into the tree

    @property
    def key(self) -> tuple[str, str, int]:
        return self.department, self.rec_id, self.seq


class AppendConflict(Exception):
    """The state kept moving under this appender: the batch is retried as a whole."""


def read_state() -> tuple[int, list[bytes]]:
    try:
        state = LedgerStateItem.get(keys.LEDGER_STATE_PK, keys.LEDGER_STATE_SK, consistent_read=True)
    except DoesNotExist:
        return 0, []
    return int(state.tree_size), [bytes.fromhex(h) for h in state.frontier]


def _entry_item(leaf: Leaf, index: int) -> LedgerEntryItem:
    return LedgerEntryItem(keys.recommendation_children_pk(leaf.department, leaf.rec_id),
                           keys.ledger_entry_sk(leaf.seq), leaf_index=index,
                           entry_hash=leaf.entry_hash, appended_at=clock.now())


def node_item(level: int, index: int, hash_: bytes, leaf: bytes | None = None) -> LedgerNodeItem:
    return LedgerNodeItem(keys.ledger_node_pk(level, index), keys.LEDGER_NODE_SK, hash=hash_.hex(),
                          leaf=leaf.decode() if leaf is not None else None)


def state_item(size: int, frontier: Sequence[bytes]) -> LedgerStateItem:
    return LedgerStateItem(keys.LEDGER_STATE_PK, keys.LEDGER_STATE_SK, tree_size=size,
                           frontier=[h.hex() for h in frontier], updated_at=clock.now())


def _append_chunk(leaves: list[Leaf]) -> int:
    """Appends what of `leaves` is not in the log yet; answers how many were appended."""
    pending = list(leaves)
    for _ in range(MAX_ATTEMPTS):
        if not pending:
            return 0
        size, frontier = read_state()
        grown = merkle.append(size, frontier, [merkle.leaf_hash(leaf.data) for leaf in pending])
        by_index = {size + i: leaf for i, leaf in enumerate(pending)}
        try:
            with transaction() as tx:
                for i, leaf in enumerate(pending):  # puts, in this order: entries, nodes, state
                    tx.save(_entry_item(leaf, size + i), condition=LedgerEntryItem.pk.does_not_exist())
                for level, index, hash_ in grown.nodes:
                    tx.save(node_item(level, index, hash_, by_index[index].data if level == 0 else None))
                condition = (LedgerStateItem.pk.does_not_exist() if size == 0
                             else LedgerStateItem.tree_size == size)
                tx.save(state_item(grown.size, grown.frontier), condition=condition)
            return len(pending)
        except TransactWriteError as exc:
            codes = cancellation_codes(exc)
            if not codes:
                raise
            duplicates = {i for i, code in enumerate(codes[:len(pending)]) if code == "ConditionalCheckFailed"}
            if duplicates:  # already in the log: a repeated delivery
                pending = [leaf for i, leaf in enumerate(pending) if i not in duplicates]
            elif codes[-1] not in ("ConditionalCheckFailed", "TransactionConflict"):
                raise  # the state moved (another appender) is the only other condition
    raise AppendConflict("the ledger's state kept changing; the batch will be retried")


def append(leaves: Iterable[Leaf]) -> int:
    """Appends the leaves in the order given (each once, whatever was delivered before)."""
    unique = list({leaf.key: leaf for leaf in leaves}.values())
    return sum(_append_chunk(unique[start:start + CHUNK]) for start in range(0, len(unique), CHUNK))


def entry_position(dept: str, rec_id: str, seq: int) -> int | None:
    try:
        item = LedgerEntryItem.get(keys.recommendation_children_pk(dept, rec_id), keys.ledger_entry_sk(seq))
    except DoesNotExist:
        return None
    return int(item.leaf_index)


def read_nodes(nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The hashes of stored complete subtrees: one BatchGetItem per 100."""
    wanted = {keys.ledger_node_pk(level, index): (level, index) for level, index in nodes}
    found = LedgerNodeItem.batch_get([(pk, keys.LEDGER_NODE_SK) for pk in wanted])
    return {wanted[item.pk]: bytes.fromhex(item.hash) for item in found}


# --- signed tree heads and their keys ---
def put_tree_head(head: dict) -> dict:
    """Keeps a signed head; a head of the same size signed in the same second already kept wins
    (both signatures are valid; the one kept is the one every reader gets)."""

    sk = keys.tree_head_sk(head["timestamp"], head["tree_size"])
    try:
        TreeHeadItem(keys.TREE_HEAD_PK, sk, **head).save(condition=TreeHeadItem.pk.does_not_exist())
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        return _head(TreeHeadItem.get(keys.TREE_HEAD_PK, sk, consistent_read=True))
    return head


def _head(item: TreeHeadItem) -> dict:
    return {"tree_size": int(item.tree_size), "root_hash": item.root_hash, "timestamp": item.timestamp,
            "log_id": item.log_id, "signature": item.signature, "key_id": item.key_id,
            "algorithm": item.algorithm}


def latest_tree_head() -> dict | None:
    for item in TreeHeadItem.query(keys.TREE_HEAD_PK, scan_index_forward=False, limit=1):
        return _head(item)
    return None


def tree_heads(start: str | None, end: str | None, limit: int,
               start_key: dict | None) -> tuple[list[dict], dict | None]:
    """Tree heads signed from `start` to `end` (RFC 3339 UTC texts, inclusive), oldest first."""
    if start and end:
        condition = TreeHeadItem.sk.between(start, end + "#~")
    elif start:
        condition = TreeHeadItem.sk >= start
    elif end:
        condition = TreeHeadItem.sk <= end + "#~"
    else:
        condition = None
    result = TreeHeadItem.query(keys.TREE_HEAD_PK, condition, limit=limit, last_evaluated_key=start_key)
    return [_head(item) for item in result], result.last_evaluated_key


def signing_key(key_id: str) -> dict | None:
    try:
        item = SigningKeyItem.get(keys.SIGNING_KEY_PK, key_id)
    except DoesNotExist:
        return None
    return {"key_id": item.sk, "public_key": item.public_key, "first_used_at": item.first_used_at}


def register_signing_key(key_id: str, public_key: str) -> None:
    """Kept once (the first use wins): a key's public half never changes."""
    try:
        SigningKeyItem(keys.SIGNING_KEY_PK, key_id, public_key=public_key,
                       first_used_at=clock.now()).save(condition=SigningKeyItem.pk.does_not_exist())
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise


def signing_keys() -> list[dict]:
    return [{"key_id": item.sk, "public_key": item.public_key, "first_used_at": item.first_used_at}
            for item in SigningKeyItem.query(keys.SIGNING_KEY_PK)]
