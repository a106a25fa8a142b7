"""One `TransactWriteItems` per change, on a connection that matches the models' settings."""
from __future__ import annotations

import contextlib
import functools
import os
from typing import Iterator

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.dal.models import CxgovItem


class Transaction(TransactWrite):
    def put_serialized(self, put: dict) -> None:
        """A Put already serialized (dal/item_codec.py: no model instance), sent with the others."""
        self._put_items.append(put)


def cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """The per-item reasons DynamoDB gave. PynamoDB sends items grouped by type, so the order is:
    condition checks, deletes, puts, updates (each group in the order added)."""
    return [reason.code if reason else None for reason in (error.cancellation_reasons or [])]


@functools.lru_cache(maxsize=4)
def _connection(region: str, host: str | None, endpoint: str | None) -> Connection:
    # One per configuration, like the models' own: a new Connection builds a new botocore client,
    # which costs about 0.2 s (loading the service model) on every write otherwise. `endpoint`
    # (AWS_ENDPOINT_URL_DYNAMODB) is part of the key because the client reads it when built.
    meta = CxgovItem.Meta
    return Connection(region=region, host=host, connect_timeout_seconds=meta.connect_timeout_seconds,
                      read_timeout_seconds=meta.read_timeout_seconds,
                      max_retry_attempts=meta.max_retry_attempts)


@contextlib.contextmanager
def transaction(token: str | None = None) -> Iterator[Transaction]:
    """Commits on leaving the block; a failed condition raises TransactWriteError, whose
    `cancellation_codes` tell which item's condition failed.

    Every transaction carries a `ClientRequestToken`: `token` when given, else one botocore fills
    in itself (the field is an idempotency token in DynamoDB's service model) and keeps for its own
    retries. DynamoDB answers a token it committed in the last 10 minutes with success instead of
    running the transaction again, so botocore's retry of a transaction whose answer was lost does
    not fail its own conditions. That is why writes that must not be applied twice by such a retry
    (a list append, a counter) go through a transaction, not a bare UpdateItem."""
    connection = _connection(CxgovItem.Meta.region, getattr(CxgovItem.Meta, "host", None),
                             os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"))
    with Transaction(connection=connection, client_request_token=token) as tx:
        yield tx
