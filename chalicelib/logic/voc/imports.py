"""Bulk import of feedback in cxgov's own fields or in a source's own format (an import profile),
following sources over time: a row whose source record is stored is `updated` when it brings what
the record lacks and `duplicate` when it brings nothing new (logic/voc/updates.py).

Entry point for the synchronous route and the import-job worker alike:
`import_feedback(dept, rows, principal, profile=...)`, rows being the source's own rows (dicts
keyed by its column names for CSV, objects for JSON)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from chalicelib import clock
from chalicelib.auth import Principal
from chalicelib.dal import feedback as dal
from chalicelib.dal import feedback_batch, feedback_updates
from chalicelib.errors import BadRequest, from_validation_error
from chalicelib.logic import voc_counters
from chalicelib.logic.voc import updates
from chalicelib.logic.voc.profiles import Mapper, resolve
from chalicelib.logic.voc_counters import A11_DRIVERS
from chalicelib.models.feedback import FeedbackCreate, ImportResult, ImportRow

MAX_IMPORT_ROWS = 10_000
FINGERPRINT = dal.FINGERPRINT  # dedup key of imported rows that name no source
MAX_ROUNDS = 8  # a row repeated in one file, or a record changed meanwhile, is tried in a later round
NATIVE_COLUMNS = frozenset(set(FeedbackCreate.model_fields) - {"a11"} | {f"a11.{d}" for d in A11_DRIVERS})


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
            rows = []
            for line in reader:
                if len(rows) >= MAX_IMPORT_ROWS:
                    raise BadRequest.for_field("body", f"at most {MAX_IMPORT_ROWS} rows per import")
                rows.append(("csv", line))
        except csv.Error as exc:
            raise BadRequest.for_field("body", f"malformed CSV: {exc}")
    else:
        try:
            data = json.loads(raw)
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


@dataclass
class Candidate:
    row: int
    record: dict[str, Any]
    given: set[str]
    tries: int = 0


def _mapper(dept: str, chosen: Any, zone: str, journey_id: str | None, received_at: datetime | None):
    """The row mapper of a profile; the `touchpoints` one reads the journey's A-11 service."""
    if chosen.id == "touchpoints":
        from chalicelib.logic.a11 import touchpoints
        from chalicelib.dal import a11 as a11_dal

        if journey_id is None:
            raise BadRequest.for_field("journey_id", "a Touchpoints import names the journey of its "
                                                     "A-11 service (?journey_id=)")
        journey = a11_dal.journey(dept, journey_id)
        if journey is None:
            raise BadRequest.for_field("journey_id", "no journey with this id in this department")
        service = journey["a11_service"]
        if not service:
            raise BadRequest.for_field("journey_id", "this journey names no A-11 service (a11_service): "
                                                     "set one before importing its Touchpoints responses")
        return touchpoints.Mapper(chosen, service["survey_type"], service["channel"], journey_id, received_at)
    if received_at is not None:
        raise BadRequest.for_field("received_at", "only a Touchpoints import (?profile=touchpoints) takes "
                                                  "received_at; other rows carry their own")
    if journey_id is not None:
        from chalicelib.dal import a11 as a11_dal

        if a11_dal.journey(dept, journey_id) is None:
            raise BadRequest.for_field("journey_id", "no journey with this id in this department")
    return None if chosen.native else Mapper(chosen, zone)


def import_feedback(dept: str, rows: list[Any], principal: Principal, *, profile: str | None = None,
                    source_format: Literal["csv", "json"] | None = None,
                    source_system: str | None = None, journey_id: str | None = None,
                    received_at: datetime | None = None) -> ImportResult:
    """Validates row by row (through `profile`, default the native fields), keeps every good row,
    and follows sources: never creates a source record twice, updates it when a row brings what it
    lacks. `source_system` (the pulled sources') overrides the profile's. `journey_id` ties rows
    that name none to that journey; `received_at` dates Touchpoints rows without `created_at`."""
    from chalicelib.logic.feedback import build_record, department, fingerprint

    now = clock.now()
    department_model = department(dept)
    chosen = resolve(dept, profile)
    mapper = _mapper(dept, chosen, department_model.time_zone, journey_id, received_at)
    typed = [_kind(row, source_format) for row in rows]
    _header_check(mapper, typed)
    answers: dict[int, ImportRow] = {}
    queue: list[Candidate] = []
    for number, (kind, row) in enumerate(typed, start=1):
        try:
            body = _native(kind, row) if mapper is None else _profiled(mapper, kind, row)
        except ValidationError as exc:
            answers[number] = ImportRow(row=number, status="rejected", id=None,
                                        errors=from_validation_error(exc).details)
            continue
        except (BadRequest, Rejected) as exc:
            answers[number] = ImportRow(row=number, status="rejected", id=None, errors=exc.details)
            continue
        if source_system:
            body = body.model_copy(update={"source_system": source_system})
        if journey_id and body.journey_id is None:
            body = body.model_copy(update={"journey_id": journey_id})
        record = build_record(department_model, body, now)
        if record["dedup"] is None:  # known by its content: the content gives its id (dal/feedback.py)
            record["dedup"] = (FINGERPRINT, fingerprint(record))
            record["id"] = dal.content_id(record["month"], record["received_at"], dept, record["dedup"][1])
            record["keyed_by_content"] = True
        queue.append(Candidate(number, record, set(body.model_fields_set)))
    received_name = mapper.column("received_at") if mapper else "received_at"
    rounds = 0
    while queue:
        rounds += 1
        this_round, later, seen = [], [], set()
        for candidate in queue:
            key = candidate.record["dedup"]
            (later if key in seen else this_round).append(candidate)
            seen.add(key)
        retry = _write_round(dept, this_round, principal, now, answers, received_name)
        queue = later + retry
        if rounds >= MAX_ROUNDS:
            for candidate in queue:
                answers[candidate.row] = ImportRow(row=candidate.row, status="rejected", id=None, errors=[
                    {"field": "source_id", "message": "the record kept changing during the import; import again"}])
            break
    ordered = [answers[n] for n in sorted(answers)]
    return ImportResult(
        created=sum(r.status == "created" for r in ordered),
        updated=sum(r.status == "updated" for r in ordered),
        duplicates=sum(r.status == "duplicate" for r in ordered),
        rejected=sum(r.status == "rejected" for r in ordered),
        rows=ordered)


def _write_round(dept: str, candidates: list[Candidate], principal: Principal, now, answers: dict[int, ImportRow],
                 received_name: str) -> list[Candidate]:
    """Creates the new sources and updates the stored ones (each key once in a round); answers the
    candidates to try again (a race lost to another writer)."""
    from chalicelib.logic.feedback import facts

    existing = feedback_batch.existing_sources(dept, [c.record for c in candidates])
    fresh, known = [], []
    for candidate in candidates:
        owner = existing.get(candidate.record["dedup"])
        if owner is None:
            fresh.append(candidate)
        elif candidate.record.get("keyed_by_content"):
            answers[candidate.row] = ImportRow(row=candidate.row, status="duplicate", id=owner, errors=[])
        else:
            known.append((candidate, owner))
    retry: list[Candidate] = []
    by_row = {c.row: c for c in fresh}
    pending = [feedback_batch.Pending(c.row, c.record, voc_counters.contributions(facts(c.record)),
                           len(json.dumps(c.record, default=str))) for c in fresh]
    for number, (status, feedback_id) in feedback_batch.create_many(dept, pending, principal.subject).items():
        candidate = by_row[number]
        if status == "duplicate" and not candidate.record.get("keyed_by_content"):
            retry.append(candidate)  # another writer created it first: next round compares with it
        else:
            answers[number] = ImportRow(row=number, status=status, id=feedback_id or None, errors=[])
    stored = feedback_updates.get_many(dept, [owner for _, owner in known]) if known else {}
    changes: list[feedback_updates.PendingUpdate] = []
    by_update: dict[int, Candidate] = {}
    for candidate, owner in known:
        record = stored.get(owner)
        if record is None:
            answers[candidate.row] = ImportRow(row=candidate.row, status="duplicate", id=owner, errors=[])
            continue
        try:
            new, changed = updates.merge(record, candidate.record, candidate.given)
        except updates.ReceivedAtMoved as exc:
            answers[candidate.row] = ImportRow(row=candidate.row, status="rejected", id=owner,
                                               errors=[{"field": received_name, "message": str(exc)}])
            continue
        if not changed:
            answers[candidate.row] = ImportRow(row=candidate.row, status="duplicate", id=owner, errors=[])
            continue
        counters = voc_counters.delta(facts(record), facts(new))
        changes.append(feedback_updates.PendingUpdate(candidate.row, record, new, counters,
                                         len(json.dumps(new, default=str)), changed))
        by_update[candidate.row] = candidate
    ids = {c.row: c.record["id"] for c in changes}
    for number, status in feedback_updates.update_many(dept, changes, principal.subject, now).items():
        if status == "lost":
            candidate = by_update[number]
            candidate.tries += 1
            retry.append(candidate)
        else:
            answers[number] = ImportRow(row=number, status="updated", id=ids[number], errors=[])
    return retry
