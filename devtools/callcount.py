"""Counts AWS API calls made in-process by wrapping botocore's single choke point,
`BaseClient._make_api_call`, for every client whoever created it (PynamoDB, Powertools, boto3) and
whenever, and the items those calls returned. Counts do not depend on the machine's speed."""
from __future__ import annotations

import collections
import contextlib
from typing import Iterator

from botocore.client import BaseClient

_counts: collections.Counter = collections.Counter()
_items = [0]
_writes: collections.Counter = collections.Counter()  # kind (or "update") -> items written
_installed = False


class Calls(collections.Counter):
    """operation name -> calls; `items_read`: items GetItem, Query, Scan and BatchGetItem read;
    `items_written`: items that successful writes put, updated or deleted (a cancelled transaction
    writes none); `written`: the same by the `kind` of the item put (`update` for updates/deletes)."""

    items_read = 0
    items_written = 0
    written: collections.Counter


def _written(operation: str, params: dict) -> list[str | None]:
    """The kind of every item a successful call of `operation` wrote (None: an update or delete)."""
    if operation == "PutItem":
        return [params.get("Item", {}).get("kind", {}).get("S")]
    if operation in ("UpdateItem", "DeleteItem"):
        return [None]
    if operation == "BatchWriteItem":  # less what it answers as unprocessed (see install)
        return [(request.get("PutRequest") or {}).get("Item", {}).get("kind", {}).get("S")
                for requests in params.get("RequestItems", {}).values() for request in requests]
    if operation == "TransactWriteItems":
        return [entry["Put"]["Item"].get("kind", {}).get("S") if "Put" in entry else None
                for entry in params.get("TransactItems", []) if "ConditionCheck" not in entry]
    return []


def _items_in(response: dict) -> int:
    if "Item" in response:
        return 1
    if "Items" in response or "ScannedCount" in response:  # Query/Scan (also Select=COUNT): what
        return response.get("ScannedCount", len(response.get("Items", [])))  # DynamoDB read, filtered or not
    if isinstance(response.get("Responses"), dict):
        return sum(len(items) for items in response["Responses"].values())
    return 0


def install() -> None:
    global _installed
    if _installed:
        return
    original = BaseClient._make_api_call

    def counted(self, operation_name, api_params):
        _counts[operation_name] += 1
        response = original(self, operation_name, api_params)  # a failed call raises: nothing written
        _items[0] += _items_in(response)
        for kind in _written(operation_name, api_params):
            _writes[kind or "update"] += 1
        if operation_name == "BatchWriteItem":  # unprocessed items were not written by this call
            for requests in (response.get("UnprocessedItems") or {}).values():
                for request in requests:
                    _writes[(request.get("PutRequest") or {}).get("Item", {}).get("kind", {}).get("S") or "update"] -= 1
        return response

    BaseClient._make_api_call = counted
    _installed = True


@contextlib.contextmanager
def counting() -> Iterator[Calls]:
    """Yields the calls made inside the block (and, on exit, the items they read)."""
    install()
    before, items_before, writes_before = collections.Counter(_counts), _items[0], collections.Counter(_writes)
    result = Calls()
    result.written = collections.Counter()
    try:
        yield result
    finally:
        result.update(_counts - before)
        result.items_read = _items[0] - items_before
        result.written.update(_writes - writes_before)
        result.items_written = sum(result.written.values())
