"""What the audit modules share: today's UTC day and the time as history entries record it,
canonical JSON (as stored and hashed), and a 404 for anything that is not one of our ids."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from chalicelib.audits import overdue
from chalicelib.core import clock, hashchain
from chalicelib.core.errors import NotFound

_ID = re.compile(r"^[a-z0-9]{8,40}$")


def now_text() -> str:
    return clock.now().isoformat(timespec="seconds")


def today() -> date:
    return overdue.utc_day(clock.now())


def as_json(value: Any) -> str:
    return hashchain.canonical(value).decode()


def check_id(value: str, what: str) -> str:
    # Anything that is not one of our ids cannot exist: a 404 without touching the table.
    if not _ID.match(value or ""):
        raise NotFound(f"{what} not found")
    return value
