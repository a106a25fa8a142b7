"""The one place where the job path meets the synchronous import, so both import a row the same
way: the same profiles (`GET /import-profiles` and the department's own), the same header check,
the same `import_feedback`."""
from __future__ import annotations

from typing import Any

from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest
from chalicelib.voc import feedback, ingest
from chalicelib.voc import profile_mapper, profiles
from chalicelib.voc.ingest_schemas import ImportResult

DEFAULT_PROFILE = profile_mapper.NATIVE
# Needs a journey and a date the job does not carry: a Touchpoints file goes through the sync import.
SYNC_ONLY = ("touchpoints",)


def check_profile(dept: str, profile: str | None) -> None:
    """400 on `profile` for one that does not exist (built-in or the department's) or that a job
    cannot run."""
    if profile in SYNC_ONLY:
        raise BadRequest.for_field("profile", f"a {profile} file needs ?journey_id= (and received_at): "
                                              "import it with POST …/feedback/imports")
    profiles.resolve(dept, profile)


def _mapper(dept: str, profile: str | None) -> profile_mapper.Mapper | None:
    chosen = profiles.resolve(dept, profile)
    if chosen.native:
        return None
    return profile_mapper.Mapper(chosen, feedback.department(dept).time_zone)


def csv_header_problems(dept: str, profile: str | None, header: list[str]) -> list[str]:
    """The header's problems for the profile (the sync path refuses the same ones): unknown native
    fields, or the columns a profile reads that the header lacks."""
    mapper = _mapper(dept, profile)
    if mapper is None:
        return [name or "(empty)" for name in header if name not in ingest.NATIVE_COLUMNS]
    return [f"{d['field']} (missing)" for d in mapper.header_errors(header)]


def source_id_of(dept: str, profile: str | None, row: Any) -> str:
    """The row's source id, from the column the profile reads it from."""
    mapper = _mapper(dept, profile)
    column = "source_id" if mapper is None else mapper.column("source_id")
    value = row.get(column) if isinstance(row, dict) else None
    return str(value) if value is not None else ""


def import_chunk(dept: str, rows: list[tuple[str, Any]], principal: Principal,
                 profile: str | None) -> ImportResult:
    """`rows` are (kind, raw source row): kind "csv" (a dict keyed by the file's columns) or "json"."""
    return ingest.import_feedback(dept, rows, principal, profile=profile)

