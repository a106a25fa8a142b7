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
_installed = False


class Calls(collections.Counter):
    """operation name -> calls; `items_read`: items GetItem, Query, Scan and BatchGetItem read."""

    items_read = 0


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
        response = original(self, operation_name, api_params)
        _items[0] += _items_in(response)
        return response

    BaseClient._make_api_call = counted
    _installed = True


@contextlib.contextmanager
def counting() -> Iterator[Calls]:
    """Yields the calls made inside the block (and, on exit, the items they read)."""
    install()
    before, items_before = collections.Counter(_counts), _items[0]
    result = Calls()
    try:
        yield result
    finally:
        result.update(_counts - before)
        result.items_read = _items[0] - items_before
