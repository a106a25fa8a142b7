"""One `TransactWriteItems` per change, on the models' shared connection (db/connection.py)."""
from __future__ import annotations

import contextlib
from typing import Iterator

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.db import connection
from chalicelib.db.items import CxgovItem


class Transaction(TransactWrite):
    def put_serialized(self, put: dict) -> None:
        """A Put already serialized (db/item_codec.py: no model instance), sent with the others."""
        self._put_items.append(put)


def cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """The per-item reasons DynamoDB gave. PynamoDB sends items grouped by type, so the order is:
    condition checks, deletes, puts, updates (each group in the order added)."""
    return [reason.code if reason else None for reason in (error.cancellation_reasons or [])]


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
    with Transaction(connection=connection.for_meta(CxgovItem.Meta), client_request_token=token) as tx:
        yield tx
