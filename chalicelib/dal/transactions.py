"""One `TransactWriteItems` per change, on a connection that matches the models' settings."""
from __future__ import annotations

import contextlib
import functools
from typing import Iterator

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.dal.models import CxgovItem


def cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """The per-item reasons DynamoDB gave. PynamoDB sends items grouped by type, so the order is:
    condition checks, deletes, puts, updates (each group in the order added)."""
    return [reason.code if reason else None for reason in (error.cancellation_reasons or [])]


@functools.lru_cache(maxsize=4)
def _connection(region: str, host: str | None) -> Connection:
    # One per process: a Connection builds its botocore client on first use, which costs
    # ~0.3 s (service model loading) - paid once, not per transaction.
    return Connection(region=region, host=host)


@contextlib.contextmanager
def transaction(token: str | None = None) -> Iterator[TransactWrite]:
    """Commits on leaving the block; a failed condition raises TransactWriteError, whose
    `cancellation_codes` tell which item's condition failed."""
    connection = _connection(CxgovItem.Meta.region, getattr(CxgovItem.Meta, "host", None))
    with TransactWrite(connection=connection, client_request_token=token) as tx:
        yield tx
