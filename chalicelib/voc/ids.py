"""Feedback ids: the partition month, then a ULID of the receipt time (time-ordered), its last 80
bits chance (`new_id`) or, for a record known by its content, taken from that content
(`content_id`: the same row always maps to the same key, docs/data-model.md)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

_B32 = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case: sorts like the numbers
FINGERPRINT = "fingerprint"  # the `dedup` system of records known by their content (and of their old guards)


def _b32(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rest = divmod(number, 32)
        chars.append(_B32[rest])
    return "".join(reversed(chars))


def time_part(moment: datetime) -> str:
    return _b32(max(int(moment.timestamp() * 1000), 0), 10)


def new_id(month: str, received_at: datetime) -> str:
    """Opaque to clients: the partition month, then a ULID of the receipt time (time-ordered)."""
    return f"{month.replace('-', '')}{time_part(received_at)}{_b32(secrets.randbits(80), 16)}"


def content_id(month: str, received_at: datetime, dept: str, fingerprint: str) -> str:
    """The id of a record known by its content: like `new_id`, with the last 80 bits taken from
    the department and the content's fingerprint instead of chance, so the same row always maps to
    the same key (the fingerprint includes the receipt time)."""
    digest = int.from_bytes(hashlib.sha256(f"{dept}\x00{fingerprint}".encode()).digest()[:10], "big")
    return f"{month.replace('-', '')}{time_part(received_at)}{_b32(digest, 16)}"


def parse_id(feedback_id: str) -> tuple[str, str] | None:
    if len(feedback_id) != 32 or not feedback_id[:6].isdigit():
        return None
    if any(c not in _B32 for c in feedback_id[6:]):
        return None
    month = f"{feedback_id[:4]}-{feedback_id[4:6]}"
    if not "01" <= month[5:] <= "12":
        return None
    return month, feedback_id[6:]


def minute(moment: datetime) -> str:
    """The UTC minute of a due time, as the sparse open-items index sorts it."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
