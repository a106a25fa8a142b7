"""The one clock. Overdue and aging are computed from it at read time; tests move it."""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
