"""Property-based API testing with Schemathesis against the live local stack (chalice local +
DynamoDB Local), from the generated /openapi.json, as every role, with valid and invalid data.
Goal: no server error and no response that contradicts the schema, on every route.
`make fuzz` runs a longer profile (CXGOV_FUZZ_EXAMPLES).

Issue 25: Schemathesis draws numbers and shapes a schema allows; the inputs that broke the API
were outside them. `test_every_body_with_extreme_numbers_nesting_and_repeated_keys` sends every
JSON body of the document with each numeric field set to numbers DynamoDB cannot store, nested
far too deep (whole body and each field), and with a key given twice: a 400, never a 5xx."""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from typing import Any, Iterator

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

# 17, not 20: the suite's default run stays as long as before the extreme inputs were added below.
EXAMPLES = int(os.environ.get("CXGOV_FUZZ_EXAMPLES", "17"))
ROLES = ("ccxo", "auditor", "dcxo-parks")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance, negative_data_rejection]


def test_every_operation_as_every_role(stack, e2e_tokens):
    # The token is added below for every role: generating requests without it would only test that.
    config = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_url(f"{stack.base}/openapi.json", config=config)
    sent, no_negative = 0, []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        raw = operation.definition.raw
        takes_input = bool(raw.get("parameters") or raw.get("requestBody"))
        # Invalid data needs something to be invalid: an operation without input has no negative cases.
        modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,)
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                nonlocal sent
                # Every generated request goes out once per role: what one may do, another is refused.
                for role in ROLES:
                    # On the case itself, so Schemathesis knows the request carried a token
                    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {e2e_tokens[role]}"}
                    case.call_and_validate(base_url=stack.base, checks=CHECKS)
                    sent += 1

            try:
                fuzz()
            except Unsatisfiable:
                # Only free-form path parameters (any string is a valid department id): nothing to
                # make invalid. Anything else unsatisfiable is a fault of this test.
                assert mode is GenerationMode.NEGATIVE and not raw.get("requestBody"), operation.label
                no_negative.append(operation.label)
    assert len(no_negative) < len(operations) / 2, no_negative
    print(f"\nschemathesis: {sent} requests over {len(operations)} operations, no failures "
          f"({len(no_negative)} without invalid inputs to generate)")


# Numbers DynamoDB cannot store (|x| < 1e-130 or > 9.99e125, or over 38 digits) and the extremes of a float.
EXTREME_NUMBERS = (1e-300, -1e-300, 5e-324, 1e-131, 1e126, -1e126, 1.7976931348623157e308, 10 ** 40)
TOKEN_OF_ROLE = {"dcxo": "dcxo-parks", "ccxo": "ccxo", "auditor": "auditor"}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _numeric_paths(document: dict, schema: dict, prefix: tuple = (), seen: frozenset = frozenset()) -> Iterator[tuple]:
    """Where the body's schema takes a number: paths of keys, `0` standing for an array's element."""
    ref = schema.get("$ref")
    if ref in seen or len(prefix) > 6:
        return
    schema = _resolve(document, schema)
    seen = seen | {ref} if ref else seen
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    for option in options:
        option = _resolve(document, option)
        if option.get("type") in ("number", "integer"):
            yield prefix
            return
    for option in options:
        option = _resolve(document, option)
        for name, child in (option.get("properties") or {}).items():
            yield from _numeric_paths(document, child, prefix + (name,), seen)
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            yield from _numeric_paths(document, option["items"], prefix + (0,), seen)


def _with(body: Any, path: tuple, value: Any) -> Any:
    """A copy of `body` with `value` at `path` (an object the example lacks on the way is added);
    None when the example's shape has no place for it."""
    body = json.loads(json.dumps(body))
    parent = body
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(parent, list) or not parent:
                return None
            parent = parent[0]
        else:
            if not isinstance(parent, dict) or not isinstance(parent.setdefault(step, {}), (dict, list)):
                return None
            parent = parent[step]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(parent, list):
            return None
        parent[:1] = [value]
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        return None
    return body


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def _extreme_bodies(document: dict, schema: dict, example: Any) -> Iterator[tuple[str, str]]:
    """(what, raw JSON) for one operation's body."""
    for path in sorted(set(_numeric_paths(document, schema)), key=str):
        for number in EXTREME_NUMBERS:
            body = _with(example, path, number)
            if body is not None:
                yield f"{'.'.join(map(str, path))}={number!r}", json.dumps(body)
    for levels in (40, 100_000):
        yield f"body nested {levels}", _nested(levels)
    first = example[0] if isinstance(example, list) and example else example
    if isinstance(first, dict) and first:
        for name in list(first)[:8]:
            marker = json.dumps({**first, name: "NESTED"})
            for levels in (40, 5_000):
                inner = marker.replace('"NESTED"', _nested(levels))
                yield f"{name} nested {levels}", f"[{inner}]" if isinstance(example, list) else inner
        raw = json.dumps(first)
        key = next(iter(first))
        repeated = raw[:-1] + (", " if len(first) else "") + f"{json.dumps(key)}: {json.dumps(first[key])}}}"
        yield f"{key} given twice", f"[{repeated}]" if isinstance(example, list) else repeated


def _send(base: str, method: str, path: str, token: str | None, raw: str) -> int:
    """The answer's status; a synchronous import whose first row (the one given the extreme value)
    was rejected counts as refused (422): an import answers 200 with each row's verdict, the bad
    rows rejected by name, the good ones kept."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base + path, data=raw.encode(), method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            if response.status == 200 and path.endswith("/feedback/imports"):
                rows = json.loads(body)["rows"]  # the extreme value is in the first row (_with)
                if rows and rows[0]["status"] == "rejected":
                    return 422
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_body_with_extreme_numbers_nesting_and_repeated_keys(stack, e2e_tokens):
    with urllib.request.urlopen(f"{stack.base}/openapi.json", timeout=30) as response:
        document = json.loads(response.read())
    sent, numeric, failures, operations = 0, 0, [], 0
    for template, operations_of_path in document["paths"].items():
        for method, operation in operations_of_path.items():
            content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
            if content is None:
                continue
            operations += 1
            first_line = operation["description"].split("\n", 1)[0]
            roles = [None] if first_line.startswith("Public") else re.findall(r"`(dcxo|ccxo|auditor)`", first_line)
            assert roles, first_line
            values = {p["name"]: ("parks" if p["name"] == "dept" else p["schema"].get("example", "x1"))
                      for p in operation.get("parameters", []) if p.get("in") == "path"}
            path = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), template)
            for what, raw in _extreme_bodies(document, content["schema"], content["example"]):
                numeric += "=" in what
                for role in roles:  # the roles that reach the body (None: a public route, no token)
                    token = e2e_tokens[TOKEN_OF_ROLE[role]] if role else None
                    status = _send(stack.base, method.upper(), path, token, raw)
                    sent += 1
                    if not 400 <= status < 500:
                        failures.append((status, method.upper(), template, role, what))
    assert not failures, failures[:20]
    assert numeric > 100 and operations == sum(
        1 for ops in document["paths"].values() for op in ops.values()
        if "application/json" in (op.get("requestBody") or {}).get("content", {}))
    print(f"\nextreme inputs: {sent} requests over {operations} bodies ({numeric} with numbers DynamoDB "
          "cannot store), every one a 4xx, no 5xx")
