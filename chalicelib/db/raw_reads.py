"""Queries that answer DynamoDB's own item dicts (`{"pk": {"S": "..."}, "n": {"N": "3"}}`), for the
few reads that take a thousand items in one request (the org-wide rollup: every department's name,
its REC item and its fiscal-year VoC item; issue 31).

Two costs are left out, both client work, not DynamoDB's: PynamoDB building a model instance per
item, and botocore walking its service model over every attribute of the answer (a structure per
attribute value: about half the rollup's time with a thousand aggregate items of a few dozen
counters). DynamoDB's JSON protocol already carries the items in the shape botocore would give
back, save binary values (base64 in the JSON, bytes once parsed): while `query` runs, a
`before-parse` handler on the shared client hands botocore's parser an empty object and the JSON
itself as the answer, unless the answer holds a binary value (`"B"`/`"BS"`), an error or anything
but status 200, which go through botocore's parser as before. The handler does nothing outside
`query` (a context variable says when), so every other read and write is parsed as always."""
from __future__ import annotations

import contextvars
import json
from typing import Any, Iterable

_RAW = contextvars.ContextVar("cxgov_raw_json_answer", default=False)
_EVENT = "before-parse.dynamodb.Query"
_HANDLER_ID = "cxgov-raw-json-answer"


def _keep_json(response_dict: dict, customized_response_dict: dict, **_: Any) -> None:
    if not _RAW.get() or response_dict.get("status_code") != 200:
        return
    body = response_dict.get("body")
    if not isinstance(body, (bytes, bytearray)) or not body or b'"B"' in body or b'"BS"' in body:
        return
    customized_response_dict.update(json.loads(body))
    response_dict["body"] = b"{}"


def query(model: type, hash_key: str, *, index: str | None = None,
          attributes: Iterable[str] | None = None) -> list[dict[str, dict[str, Any]]]:
    """Every item of `model` (its discriminator's kinds, as `model.query` filters them) under
    `hash_key` in the table or in `index`, in key order, all pages; `attributes`: project to these
    (include the discriminator `kind`)."""
    from pynamodb.expressions.condition import Condition

    table = model._get_connection()
    table.connection.client.meta.events.register(_EVENT, _keep_json, unique_id=_HANDLER_ID)
    discriminator = model._get_discriminator_attribute()
    condition: Condition | None = None
    if discriminator is not None:
        condition = discriminator.is_in(*discriminator.get_registered_subclasses(model))
    found: list[dict[str, dict[str, Any]]] = []
    start = None
    token = _RAW.set(True)
    try:
        while True:
            answer = table.query(hash_key, filter_condition=condition, index_name=index,
                                 attributes_to_get=list(attributes) if attributes is not None else None,
                                 exclusive_start_key=start)
            found += answer.get("Items", [])
            start = answer.get("LastEvaluatedKey")
            if not start:
                return found
    finally:
        _RAW.reset(token)
