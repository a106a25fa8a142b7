"""Counts AWS API calls per request by hooking botocore's `before-call` event on every client,
whoever creates it (PynamoDB, Powertools, boto3). Counts do not depend on the machine's speed."""
from __future__ import annotations

import collections
import contextlib
from typing import Iterator

import botocore.session

_counts: collections.Counter = collections.Counter()
_installed = False


def _on_call(model, **_: object) -> None:
    _counts[model.name] += 1


def install() -> None:
    global _installed
    if _installed:
        return
    original = botocore.session.Session.create_client

    def create_client(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", _on_call)
        return client

    botocore.session.Session.create_client = create_client
    _installed = True


@contextlib.contextmanager
def counting() -> Iterator[collections.Counter]:
    """Yields a Counter of operation name -> calls made inside the block."""
    install()
    before = collections.Counter(_counts)
    result: collections.Counter = collections.Counter()
    try:
        yield result
    finally:
        result.update(_counts - before)
