"""`Idempotency-Key` for every create, through Powertools idempotency and its DynamoDB layer.

The key is bound to the caller's scope and the route, so one department can never replay another's
answer; the body is the validated payload, so the same key with another body is a 409."""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any, Callable

from chalicelib.core.config import get_settings
from chalicelib.core.errors import BadRequest, Conflict

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")


def request_key(scope: str, route: str, key: str) -> str:
    """A stable fingerprint of one keyed request, stored on what it creates, so that a retry after a
    timeout whose write did land recognises its own item instead of reporting a duplicate."""
    return hashlib.sha256(f"{scope}|{route}|{key}".encode()).hexdigest()


def validate_key(raw: str) -> str:
    if not _KEY.match(raw):
        raise BadRequest.for_field(HEADER, "use 8-128 characters: letters, digits, . _ : -")
    return raw


@lru_cache(maxsize=1)
def _runner() -> tuple[Callable[..., dict[str, Any]], Any]:
    # Built on first use: the persistence layer creates its boto3 client when constructed, and
    # reads and lists never pay for importing it.
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    class DepartmentFirstKeys(DynamoDBPersistenceLayer):
        """Record ids start with the caller's department (`parks#...`; `ORG#...` for org-wide
        roles) so that the department role's `dynamodb:LeadingKeys` condition admits a dcxo's own
        records and no other's. Powertools hashes `[scope, route, key]`; the prefix comes first."""

        def _get_hashed_idempotency_key(self, data: dict[str, Any]) -> str | None:
            hashed = super()._get_hashed_idempotency_key(data)
            return f"{data['partition']}#{hashed}" if hashed else hashed

    settings = get_settings()
    from chalicelib.db import connection

    persistence = DepartmentFirstKeys(table_name=settings.idempotency_table_name,  # the process's session
                                      boto3_client=connection.client("dynamodb"))
    config = IdempotencyConfig(
        event_key_jmespath="[scope, route, key]",
        payload_validation_jmespath="body",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=settings.idempotency_ttl_seconds,
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    def run(*, request: dict[str, Any], execute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return execute()

    return run, config


# A DynamoDB item holds at most 400 KB. An answer larger than this (an import of thousands of rows)
# is answered but not kept: the key is released and a retry runs again, which only routes that are
# safe to re-run by themselves may rely on (the feedback import dedups every row by its source).
MAX_KEPT_ANSWER_BYTES = 300_000


class _TooLargeToKeep(Exception):
    def __init__(self, answer: dict[str, Any]):
        super().__init__("answer too large to keep")
        self.answer = answer


ORG_PARTITION = "ORG"  # no department slug is upper case


def run_once(key: str, scope: str, route: str, body: Any, lambda_context: Any,
             execute: Callable[[], dict[str, Any]], department: str | None = None) -> dict[str, Any]:
    """Runs `execute` once per (scope, route, key); a retry gets the first answer back. The record
    lives under `department` (the one whose credentials sign this request's calls) or `ORG`."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    run, config = _runner()
    if lambda_context is not None:
        config.register_lambda_context(lambda_context)

    def keep_if_it_fits() -> dict[str, Any]:
        answer = execute()
        if len(json.dumps(answer, default=str)) > MAX_KEPT_ANSWER_BYTES:
            raise _TooLargeToKeep(answer)  # Powertools releases the key, then we answer
        return answer

    try:
        # A plain dict: Powertools' pydantic path needs its event handler, which is not deployed.
        return run(request={"scope": scope, "route": route, "key": key, "body": body,
                            "partition": department or ORG_PARTITION},
                   execute=keep_if_it_fits)
    except _TooLargeToKeep as large:
        return large.answer
    except IdempotencyValidationError:
        raise Conflict.for_field(HEADER, "this key was already used with a different body")
    except IdempotencyAlreadyInProgressError:
        raise Conflict.for_field(HEADER, "a request with this key is still being processed; retry shortly")
