"""Bulk import of feedback in cxgov's own fields or in a source's own format (an import profile),
following sources over time: a row whose source record is stored is `updated` when it brings what
the record lacks and `duplicate` when it brings nothing new (updates.py).

Entry point for the synchronous route and the import-job worker alike:
`import_feedback(dept, rows, principal, profile=...)`, rows being the source's own rows (dicts
keyed by its column names for CSV, objects for JSON)."""
from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
from datetime import datetime
from typing import Any, Iterator, Literal

from pydantic import ValidationError

from chalicelib.core import clock, jsontext
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, from_validation_error
from chalicelib.org import service as org
from chalicelib.voc import ingest_writer as import_writer, touchpoints
from chalicelib.voc.counters import A11_DRIVERS
from chalicelib.voc.feedback import department
from chalicelib.voc.ids import FINGERPRINT, content_id
from chalicelib.voc.ingest_schemas import ImportResult, ImportRow
from chalicelib.voc.profile_mapper import Mapper
from chalicelib.voc.profiles import resolve
from chalicelib.voc.records import build_record, fingerprint
from chalicelib.voc.schemas import FeedbackCreate

MAX_IMPORT_ROWS = 10_000
# The synchronous answer stays far below Lambda's 6 MB: every row's status, the errors of the first
# DETAILED_REJECTIONS rejected rows only (issue 25). Import jobs write every error to their report.
DETAILED_REJECTIONS, ERRORS_PER_ROW, DETAIL_CHARS = 100, 20, 500
NATIVE_COLUMNS = frozenset(set(FeedbackCreate.model_fields) - {"a11"} | {f"a11.{d}" for d in A11_DRIVERS})


def answer(result: ImportResult) -> ImportResult:
    """`result` as the synchronous route answers it: errors detailed for the first rejected rows."""
    detailed, rows = 0, []
    for row in result.rows:
        if row.status == "rejected":
            if detailed < DETAILED_REJECTIONS:
                errors = [{k: str(v)[:DETAIL_CHARS] for k, v in error.items()}
                          for error in row.errors[:ERRORS_PER_ROW]]
                row = row.model_copy(update={"errors": errors})
            else:
                row = row.model_copy(update={"errors": []})
            detailed += 1
        rows.append(row)
    return result.model_copy(update={"rows": rows,
                                     "rejected_details_omitted": max(detailed - DETAILED_REJECTIONS, 0)})


def parse_import(raw: bytes, content_type: str | None) -> list[Any]:
    """The rows of an import body, as the source wrote them: a JSON array, or CSV rows keyed by the
    header's column names. Which columns must be there depends on the profile (checked on import)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "text/csv":
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadRequest.for_field("body", "the CSV must be UTF-8")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            if not reader.fieldnames:
                raise BadRequest.for_field("body", "the CSV needs a header row naming the columns")
            repeated_header(reader.fieldnames)
            rows = []
            for line in reader:
                if len(rows) >= MAX_IMPORT_ROWS:
                    raise BadRequest.for_field("body", f"at most {MAX_IMPORT_ROWS} rows per import")
                rows.append(("csv", line))
        except csv.Error as exc:
            raise BadRequest.for_field("body", f"malformed CSV: {exc}")
    else:
        try:
            data = jsontext.loads(raw)  # a key given twice or nesting too deep: a 400 naming it
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the body is not valid JSON", [{"field": "body", "message": "malformed JSON"}])
        if not isinstance(data, list):
            raise BadRequest.for_field("body", "an import is a JSON array of records")
        if len(data) > MAX_IMPORT_ROWS:
            raise BadRequest.for_field("body", f"at most {MAX_IMPORT_ROWS} rows per import")
        rows = [("json", row) for row in data]
    if not rows:
        raise BadRequest.for_field("body", "the import holds no rows")
    return rows


def repeated_header(names: list[str]) -> None:
    """A CSV header naming a column twice is a 400 naming it: which of the two cells is the field's
    value would be a guess (csv.DictReader keeps the last)."""
    seen: set[str] = set()
    for name in names:
        key = name.strip()
        if key and key in seen:
            raise BadRequest.for_field(key[:200], "the CSV header names this column twice: name it once")
        seen.add(key)


def _kind(row: Any, source_format: str | None) -> tuple[str, Any]:
    if isinstance(row, tuple) and len(row) == 2 and row[0] in ("csv", "json"):
        return row
    if source_format:
        return source_format, row
    plain_text = isinstance(row, dict) and all(k is None or isinstance(v, (str, type(None))) for k, v in row.items())
    return ("csv" if plain_text else "json"), row


class Rejected(Exception):
    def __init__(self, details: list[dict[str, str]]):
        super().__init__(details)
        self.details = details


def _native(kind: str, row: Any) -> FeedbackCreate:
    if kind == "json":
        if not isinstance(row, dict):
            raise BadRequest.for_field("row", "each row is a JSON object")
        return FeedbackCreate.model_validate_json(json.dumps(row))
    data: dict[str, Any] = {}
    for name, value in row.items():
        if name is None:  # more cells than header columns
            raise BadRequest.for_field("row", "more cells than the header names")
        if value is None or value.strip() == "":
            continue
        if name.startswith("a11."):
            data.setdefault("a11", {})[name[4:]] = value
        else:
            data[name] = value
    return FeedbackCreate.model_validate(data, strict=False)


def _profiled(mapper: Mapper, kind: str, row: Any) -> FeedbackCreate:
    if not isinstance(row, dict):
        raise Rejected([{"field": "row", "message": "each row is a JSON object"}])
    if kind == "csv" and None in row:
        raise Rejected([{"field": "row", "message": "more cells than the header names"}])
    data, errors = mapper.map(row)
    if errors:
        raise Rejected(errors)
    try:
        return FeedbackCreate.model_validate(data, strict=False)
    except ValidationError as exc:
        details = []
        for detail in from_validation_error(exc).details:
            named = mapper.name(detail["field"])
            message = detail["message"] if named == detail["field"] else f"{detail['field']}: {detail['message']}"
            details.append({"field": named, "message": message})
        raise Rejected(details)


def _header_check(mapper: Mapper | None, rows: list[tuple[str, Any]]) -> None:
    """A CSV's columns (the keys of its first row), against what the profile reads."""
    first = next((row for kind, row in rows if kind == "csv" and isinstance(row, dict)), None)
    if first is None:
        return
    header = [name for name in first if name is not None]
    if mapper is None:
        unknown = [name for name in header if name not in NATIVE_COLUMNS]
        if unknown:
            raise BadRequest("the CSV header names unknown fields (no profile given: cxgov's own fields)",
                             [{"field": name or "(empty)", "message": "unknown field"} for name in unknown])
        return
    missing = mapper.header_errors(header)
    if missing:
        raise BadRequest(f"the CSV header lacks columns profile {mapper.profile.id} reads", missing)


def _journey(dept: str, journey_id: str):
    journey = org.journey(dept, journey_id)
    if journey is None:
        raise BadRequest.for_field("journey_id", "no journey with this id in this department")
    return journey


def _mapper(dept: str, chosen: Any, zone: str, journey_id: str | None, received_at: datetime | None):
    """The row mapper of a profile; the `touchpoints` one reads the journey's A-11 service."""
    if chosen.id == "touchpoints":
        if journey_id is None:
            raise BadRequest.for_field("journey_id", "a Touchpoints import names the journey of its "
                                                     "A-11 service (?journey_id=)")
        service = _journey(dept, journey_id).a11_service
        if not service:
            raise BadRequest.for_field("journey_id", "this journey names no A-11 service (a11_service): "
                                                     "set one before importing its Touchpoints responses")
        return touchpoints.Mapper(chosen, service.survey_type, service.channel, journey_id, received_at)
    if received_at is not None:
        raise BadRequest.for_field("received_at", "only a Touchpoints import (?profile=touchpoints) takes "
                                                  "received_at; other rows carry their own")
    if journey_id is not None:
        _journey(dept, journey_id)
    return None if chosen.native else Mapper(chosen, zone)


def _candidate(number: int, kind: str, row: Any, mapper: Mapper | None, department_model, now: datetime,
               answers: dict[int, ImportRow], *, source_system: str | None,
               journey_id: str | None) -> import_writer.Candidate | None:
    """The row as a record on its way to the table, or None when it is rejected (answered here)."""
    try:
        body = _native(kind, row) if mapper is None else _profiled(mapper, kind, row)
    except ValidationError as exc:
        answers[number] = ImportRow(row=number, status="rejected", id=None, errors=from_validation_error(exc).details)
        return None
    except (BadRequest, Rejected) as exc:
        answers[number] = ImportRow(row=number, status="rejected", id=None, errors=exc.details)
        return None
    if source_system:
        body = body.model_copy(update={"source_system": source_system})
    if journey_id and body.journey_id is None:
        body = body.model_copy(update={"journey_id": journey_id})
    record = build_record(department_model, body, now)
    if record["dedup"] is None:  # known by its content: the content gives its id (ids.py)
        record["dedup"] = (FINGERPRINT, fingerprint(record))
        record["id"] = content_id(record["month"], record["received_at"], department_model.id,
                                  record["dedup"][1])
        record["keyed_by_content"] = True
    return import_writer.Candidate(number, record, set(body.model_fields_set))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while one import builds and writes its rows (at most
    MAX_IMPORT_ROWS): the rows' records, puts and counters are long-lived allocations that made it
    run over and over for nothing to collect (about a fifth of the import's CPU time, measured with
    bench_voc's rows). On again afterwards, unless it was off before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_feedback(dept: str, rows: list[Any], principal: Principal, *, profile: str | None = None,
                    source_format: Literal["csv", "json"] | None = None,
                    source_system: str | None = None, journey_id: str | None = None,
                    received_at: datetime | None = None) -> ImportResult:
    """Validates row by row (through `profile`, default the native fields), keeps every good row,
    and follows sources: never creates a source record twice, updates it when a row brings what it
    lacks. `source_system` (the pulled sources') overrides the profile's. `journey_id` ties rows
    that name none to that journey; `received_at` dates Touchpoints rows without `created_at`."""
    with _collector_paused():
        return _import(dept, rows, principal, profile=profile, source_format=source_format,
                       source_system=source_system, journey_id=journey_id, received_at=received_at)


def _import(dept: str, rows: list[Any], principal: Principal, *, profile: str | None,
            source_format: Literal["csv", "json"] | None, source_system: str | None, journey_id: str | None,
            received_at: datetime | None) -> ImportResult:
    now = clock.now()
    department_model = department(dept)
    chosen = resolve(dept, profile)
    mapper = _mapper(dept, chosen, department_model.time_zone, journey_id, received_at)
    typed = [_kind(row, source_format) for row in rows]
    _header_check(mapper, typed)
    answers: dict[int, ImportRow] = {}
    received_name = mapper.column("received_at") if mapper else "received_at"
    queue = []
    for number, (kind, row) in enumerate(typed, start=1):
        candidate = _candidate(number, kind, row, mapper, department_model, now, answers,
                               source_system=source_system, journey_id=journey_id)
        if candidate is not None:
            queue.append(candidate)
    import_writer.write_rows(queue, dept, principal, now, answers, received_name)
    ordered = [answers[n] for n in sorted(answers)]
    return ImportResult(
        created=sum(r.status == "created" for r in ordered),
        updated=sum(r.status == "updated" for r in ordered),
        duplicates=sum(r.status == "duplicate" for r in ordered),
        rejected=sum(r.status == "rejected" for r in ordered),
        rows=ordered)
