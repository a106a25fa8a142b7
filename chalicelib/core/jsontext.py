"""Reading JSON that clients send, strictly (issue 25): an object naming a key twice is refused (a
proxy that keeps the first value and cxgov the last would read two different requests in one
body), and so is nesting deeper than MAX_DEPTH (no body of the API nests more than a few levels;
Python's parser would otherwise fail with a RecursionError, a 500)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.core.errors import BadRequest

MAX_DEPTH = 32


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook` refusing a key given twice in one object."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _refused(field: str, message: str) -> BadRequest:
    return BadRequest(f"{field}: {message}" if field != "body" else message,
                      [{"field": field, "message": message}])


def loads(raw: bytes | str) -> Any:
    """The parsed JSON; a 400 naming a key given twice, or `body` when nested too deeply;
    ValueError (UnicodeDecodeError) when it is not JSON at all."""
    try:
        data = json.loads(raw, object_pairs_hook=unique_pairs)
    except DuplicateKey as exc:
        raise _refused(exc.key[:200], "this key is given more than once in one object: give it once")
    except RecursionError:
        raise _refused("body", f"the JSON nests more than {MAX_DEPTH} levels deep")
    if depth(data) > MAX_DEPTH:
        raise _refused("body", f"the JSON nests more than {MAX_DEPTH} levels deep")
    return data


def check(raw: bytes | str) -> None:
    """`loads`' refusals for a body another parser reads (malformed JSON is left to that parser)."""
    try:
        loads(raw)
    except ValueError:
        pass
