"""One `TransactWriteItems` per change, on a connection that matches the models' settings."""
from __future__ import annotations

import contextlib
from typing import Iterator

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.dal.models import CxgovItem


def cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """The per-item reasons DynamoDB gave. PynamoDB sends items grouped by type, so the order is:
    condition checks, deletes, puts, updates (each group in the order added)."""
    return [reason.code if reason else None for reason in (error.cancellation_reasons or [])]


@contextlib.contextmanager
def transaction(token: str | None = None) -> Iterator[TransactWrite]:
    """Commits on leaving the block; a failed condition raises TransactWriteError, whose
    `cancellation_codes` tell which item's condition failed."""
    connection = Connection(region=CxgovItem.Meta.region, host=getattr(CxgovItem.Meta, "host", None))
    with TransactWrite(connection=connection, client_request_token=token) as tx:
        yield tx
