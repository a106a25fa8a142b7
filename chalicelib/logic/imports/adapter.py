"""The one place where the job path meets the synchronous import, so both import a row the same way.

Import profiles (issue 12) plug in here: `PROFILES` becomes the names `GET /import-profiles`
answers (plus the department's own), `csv_header_problems` asks the profile which columns it
reads, `source_id_of` where the profile keeps the source id, and `import_chunk` passes
`profile=profile` to `import_feedback`."""
from __future__ import annotations

from typing import Any

from chalicelib.auth import Principal
from chalicelib.logic import feedback
from chalicelib.logic.voc_counters import A11_DRIVERS
from chalicelib.models.feedback import FeedbackCreate, ImportResult

DEFAULT_PROFILE = "cxgov"
PROFILES = (DEFAULT_PROFILE,)


def known_profile(profile: str | None) -> bool:
    return profile is None or profile in PROFILES


def csv_header_problems(profile: str | None, header: list[str]) -> list[str]:
    """The header's columns the profile cannot read (the sync path refuses the same ones)."""
    known = set(FeedbackCreate.model_fields) - {"a11"} | {f"a11.{d}" for d in A11_DRIVERS}
    return [name or "(empty)" for name in header if name not in known]


def source_id_of(profile: str | None, row: Any) -> str:
    value = row.get("source_id") if isinstance(row, dict) else None
    return str(value) if value is not None else ""


def import_chunk(dept: str, rows: list[tuple[str, Any]], principal: Principal,
                 profile: str | None) -> ImportResult:
    """`rows` are (kind, raw source row): kind "csv" (a dict keyed by the file's columns) or "json"."""
    return feedback.import_feedback(dept, rows, principal)
