"""RFC 8785 JSON Canonicalization Scheme: the bytes that are hashed and signed.

- object members sorted by their names' UTF-16 code units, no whitespace;
- strings as ECMAScript's JSON.stringify writes them: `\\"`, `\\\\`, `\\b \\f \\n \\r \\t`, other
  controls as `\\u00xx` (lowercase hex), everything else literally, UTF-8 encoded; a lone surrogate
  is not I-JSON and is refused;
- numbers as IEEE-754 doubles in ECMAScript's Number.prototype.toString form (shortest
  round-trip digits; exponent from 1e21 and below 1e-6). Integers beyond 2**53 are doubles too,
  as any JSON parser reading them back sees them. NaN and infinities are refused.

cxgov_cli/verify.py carries its own copy (it must run without chalicelib); a test proves they agree."""
from __future__ import annotations

import math
from typing import Any

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SAFE_INTEGER = 2 ** 53


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical form of a JSON value (dict, list, str, int, float, bool, None)."""
    return _write(value).encode("utf-8")


def _write(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value) if -_SAFE_INTEGER < value < _SAFE_INTEGER else _number(_as_double(value))
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_write(item) for item in value) + "]"
    if isinstance(value, dict):
        for name in value:
            if not isinstance(name, str):
                raise TypeError(f"object member names must be strings, not {type(name).__name__}")
        members = sorted(value.items(), key=lambda member: member[0].encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(_string(name) + ":" + _write(item) for name, item in members) + "}"
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _as_double(value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        raise ValueError("a number beyond the range of an IEEE-754 double is not I-JSON") from None


def _string(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT:
            out.append(_SHORT[char])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("a lone surrogate (U+%04X) is not I-JSON" % code)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _number(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise ValueError("NaN and infinities are not JSON numbers")
    if value == 0:
        return "0"  # also -0
    if value < 0:
        return "-" + _number(-value)
    # Python's repr is the shortest string that round-trips, as ECMAScript requires; only the
    # layout differs. value = 0.DIGITS x 10**point
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    digits = all_digits.lstrip("0")
    stripped = digits.rstrip("0")
    trailing = len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    point = int(exponent or 0) - len(fraction) + trailing + k
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    exp = point - 1
    sign = "+" if exp >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(exp)}"
