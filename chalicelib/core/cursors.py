"""Opaque pagination cursors: signed (HMAC-SHA256) and bound to the caller's scope and query.

A cursor decoded under another scope or query, or altered in any byte, is a 400 on `cursor`,
never somebody else's page."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib.core.config import get_settings
from chalicelib.core.errors import BadRequest, ServiceUnavailable


def _secret() -> bytes:
    secret = get_settings().cursor_secret
    if len(secret) < 16:
        raise ServiceUnavailable("pagination is not configured (CXGOV_CURSOR_SECRET)")
    return secret


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: bytes, binding: str) -> bytes:
    return hmac.new(_secret(), payload + b"\x00" + binding.encode(), hashlib.sha256).digest()


def encode(last_key: dict[str, Any] | None, binding: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(payload, binding))}"


def decode(cursor: str | None, binding: str) -> dict[str, Any] | None:
    if cursor is None:
        return None
    bad = BadRequest.for_field("cursor", "the cursor is invalid, expired or belongs to another query")
    try:
        payload_part, mac_part = cursor.split(".")
        payload, mac = _unb64(payload_part), _unb64(mac_part)
    except ValueError:
        raise bad
    if not hmac.compare_digest(mac, _mac(payload, binding)):
        raise bad
    try:
        key = json.loads(payload)
    except ValueError:
        raise bad
    if not isinstance(key, dict):
        raise bad
    return key
