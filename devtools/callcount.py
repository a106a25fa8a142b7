"""Counts AWS API calls made in-process by wrapping botocore's single choke point,
`BaseClient._make_api_call`, for every client whoever created it (PynamoDB, Powertools, boto3) and
whenever. Counts do not depend on the machine's speed."""
from __future__ import annotations

import collections
import contextlib
from typing import Iterator

from botocore.client import BaseClient

_counts: collections.Counter = collections.Counter()
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    original = BaseClient._make_api_call

    def counted(self, operation_name, api_params):
        _counts[operation_name] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counted
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
