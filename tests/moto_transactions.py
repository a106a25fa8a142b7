"""moto's `TransactWriteItems` without a copy of the whole table per action (test speed only).

moto 5.2.5 keeps a table to roll a cancelled transaction back to by deep-copying it, once for every
action of the transaction (`DynamoDBBackend.transact_write_items`): a 25-item import into a table of
a few thousand items copies millions of objects. It made the integration tests slow in proportion to
the data they had written (a 270-row import: ~90 s, nearly all in `copy.deepcopy`).

A transaction changes only the items its actions name, so rolling those back is the same rollback:
this keeps a copy of each named item (and the length of the table's stream shard, if any), lets
moto's own code run every check and write unchanged, and on any failure puts the named items back
as they were. moto's whole-table copy becomes the table itself, so moto's own "restore" is a no-op.
tests/integration/test_moto_transactions.py checks the rollback against a whole-table comparison."""
from __future__ import annotations

import copy
import types
from typing import Any

_INSTALLED = False


def _deepcopy_except_tables(value: Any, memo: dict | None = None) -> Any:
    from moto.dynamodb.models.table import Table

    if isinstance(value, Table):
        return value  # the rollback below restores what a transaction touched
    return copy.deepcopy(value, memo)


def _named_items(backend, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
    """(table, hash key, range key, copy of the item or None) for each item an action names; actions
    moto will refuse (unknown table, missing key) are left to moto's own checks."""
    saved, seen = [], set()
    for action in transact_items:
        try:
            _, op = next(iter(action.items()))
            table = backend.tables[op["TableName"]]
            key = op.get("Key")
            if key is None:  # a Put names its item by the item's key attributes
                names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
                key = {name: op["Item"][name] for name in names}
            hash_key, range_key = backend.get_keys_value(table, key)
        except Exception:  # noqa: BLE001 - moto answers these itself
            continue
        if (id(table), hash_key, range_key) in seen:
            continue
        seen.add((id(table), hash_key, range_key))
        current = table.get_item(hash_key, range_key)
        saved.append((table, hash_key, range_key, copy.deepcopy(current)))
    return saved


def _put_back(saved: list[tuple[Any, Any, Any, Any]], streams: dict[int, tuple[Any, int]]) -> None:
    for table, hash_key, range_key, item in saved:
        if range_key is not None:
            bucket = table.items[hash_key]
            if item is None:
                bucket.pop(range_key, None)
            else:
                bucket[range_key] = item
        elif item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    for shard, length in streams.values():
        del shard.items[length:]


def install() -> None:
    """Patches moto's DynamoDB backend in this process (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items: list[dict[str, Any]]) -> None:
        saved = _named_items(self, transact_items)
        streams = {id(t): (t.stream_shard, len(t.stream_shard.items))
                   for t, *_ in saved if t.stream_shard is not None}
        try:
            return original(self, transact_items)
        except BaseException:
            _put_back(saved, streams)
            raise

    models.copy = types.SimpleNamespace(deepcopy=_deepcopy_except_tables, copy=copy.copy)
    models.DynamoDBBackend.transact_write_items = transact_write_items
    _INSTALLED = True
