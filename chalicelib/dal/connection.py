"""One PynamoDB `Connection`, so one botocore DynamoDB client, for every model and transaction of
the process.

PynamoDB gives each model class its own connection, and each builds its own botocore session and
client on its first call (loading the DynamoDB service model: ~55 ms each). cxgov has a model per
item kind, so a warm Lambda paid that again on the first request touching each kind."""
from __future__ import annotations

import contextlib
import functools
import os
from typing import Any

from pynamodb.connection import Connection, TableConnection


@functools.lru_cache(maxsize=8)
def _connection(region: str, host: str | None, endpoint: str | None, connect_timeout: float | None,
                read_timeout: float | None, max_retry_attempts: int | None) -> Connection:
    # `endpoint` (AWS_ENDPOINT_URL_DYNAMODB) is part of the key because the client reads it when built.
    return Connection(region=region, host=host, connect_timeout_seconds=connect_timeout,
                      read_timeout_seconds=read_timeout, max_retry_attempts=max_retry_attempts)


def for_meta(meta: Any) -> Connection:
    """The shared connection for a model's settings (its `Meta`)."""
    return _connection(meta.region, getattr(meta, "host", None), os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"),
                       getattr(meta, "connect_timeout_seconds", None), getattr(meta, "read_timeout_seconds", None),
                       getattr(meta, "max_retry_attempts", None))


class SharedConnection:
    """A model base whose table connection talks through `for_meta(Meta)`."""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()  # type: ignore[misc]
        shared = for_meta(cls.Meta)  # type: ignore[attr-defined]
        if table.connection is not shared:
            with contextlib.suppress(ValueError):  # the table's schema is registered once
                shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        return table
