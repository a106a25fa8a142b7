"""Write helpers shared by every resource's data access."""
from __future__ import annotations

from typing import TypeVar

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.db.items import VersionedItem

Item = TypeVar("Item", bound=VersionedItem)


def is_condition_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def put_new(item: Item, request_key: str) -> Item | None:
    """Creates `item` if its key is free; answers it, or None when the key is taken by another
    request. The same keyed request retried after a timeout whose write landed gets its item back."""
    if not request_key:
        raise ValueError("put_new needs the request's key to recognise its own earlier write")
    item.created_request = request_key
    try:
        item.save(condition=type(item).pk.does_not_exist())
        return item
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
    try:
        existing = type(item).get(item.pk, item.sk, consistent_read=True)
    except DoesNotExist:
        return None
    return existing if existing.created_request == request_key else None
