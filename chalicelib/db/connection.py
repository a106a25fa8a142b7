"""One botocore session for the process, one PynamoDB `Connection` (so one DynamoDB client) for
every model and transaction, and `client()` for every other AWS client.

A botocore session loads the endpoint rules and each service's model once, so a client in a new
session costs ~100 ms and another in the same session ~8 ms. PynamoDB gives each model class its
own connection, each with its own session and client, and the STS and idempotency clients had
their own sessions too: a cold Lambda paid that once per model kind and again for each of them.
The session is also boto3's default, for whatever calls `boto3.client(...)` directly."""
from __future__ import annotations

import contextlib
import functools
import os
import threading
from typing import Any

from botocore.session import Session
from pynamodb.connection import Connection, TableConnection

_guard = threading.RLock()  # botocore: a session must not set up or make clients from two threads at once


@functools.lru_cache(maxsize=1)
def _sessions() -> tuple[Any, Session]:
    import boto3
    from botocore.session import get_session

    from chalicelib.db import credentials

    credentials.install(sts_client)  # its signing handlers must be in the session before it makes a client
    core = get_session()
    # One boto3 session around it: each boto3.Session registers its handlers on the botocore
    # session it wraps, and a second wrapper would register them twice.
    wrapper = boto3.Session(botocore_session=core)
    boto3.DEFAULT_SESSION = wrapper
    return wrapper, core


def region() -> str:
    """The function's region (Lambda sets AWS_REGION; locally AWS_DEFAULT_REGION or us-east-1)."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def botocore_session() -> Session:
    """The process's botocore session."""
    with _guard:
        return _sessions()[1]


def client(service: str, **options: Any) -> Any:
    """A boto3 client made by the process's session (`options` as for `boto3.client`; the region
    defaults to `region()`)."""
    options.setdefault("region_name", region())
    with _guard:
        return _sessions()[0].client(service, **options)


def sts_client() -> Any:
    """The STS client the department credentials assume roles with: the region's endpoint
    (AWS_ENDPOINT_URL_STS locally: moto), short timeouts inside Lambda's limit."""
    from botocore.config import Config

    return client("sts", config=Config(connect_timeout=2, read_timeout=5,
                                       retries={"max_attempts": 3, "mode": "standard"}))


class _SharedSessionConnection(Connection):
    @property
    def session(self) -> Session:  # PynamoDB would make a new session per connection and thread
        return botocore_session()

    @property
    def client(self) -> Any:  # made (or remade) under the same lock as every other client
        with _guard:
            return super().client


@functools.lru_cache(maxsize=8)
def _connection(region: str, host: str | None, endpoint: str | None, connect_timeout: float | None,
                read_timeout: float | None, max_retry_attempts: int | None) -> Connection:
    # `endpoint` (AWS_ENDPOINT_URL_DYNAMODB) is part of the key because the client reads it when built.
    return _SharedSessionConnection(region=region, host=host, connect_timeout_seconds=connect_timeout,
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
