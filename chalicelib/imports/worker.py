"""The import worker: one SQS message at a time (the S3 upload's event, or a follow-up the worker
queued itself), run by `@on_sqs_message` in AWS and by devtools/import_dispatcher.py locally.

A run claims the job's lease, streams the file from its checkpoint, imports chunks through the
synchronous import's code, checkpoints after each chunk (offset, counts, lease renewed), and when
the Lambda run is about to end queues a follow-up message and gives the lease up. A run that dies
leaves its lease to expire; the message comes back (SQS visibility timeout) and the next run
resumes at the last checkpoint. Rows of the interrupted chunk are imported again: the source guard
(row dedup) answers `duplicate` for those already written, and the worker counts such a duplicate
as `created` when its record was written after the last checkpoint and before this chunk began
(by the run that died) - once per record, so a repeat inside the file stays a duplicate."""
from __future__ import annotations

import csv
import io
import json
import os
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import unquote_plus


from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.observability import count, logger
from chalicelib.db import keys
from chalicelib.imports import json_array, kinds, object_store as store, reader, store as dal
from chalicelib.voc import service as voc

CHUNK_ROWS = int(os.environ.get("CXGOV_IMPORT_CHUNK_ROWS", "1000"))


def max_file_rows() -> int:
    """The records a job reads at most: default 5,000,000."""
    return int(os.environ.get("CXGOV_IMPORT_MAX_ROWS", "5000000"))
CHUNK_BYTES = 4 * 1024 * 1024
REPORT_HEADER = "row,source_id,field,message\r\n"


def lease_seconds() -> int:
    return int(os.environ.get("CXGOV_IMPORT_LEASE_SECONDS", "120"))


def margin_ms() -> int:
    """Stop this early before the run's end: a chunk and the follow-up must fit in it."""
    return int(float(os.environ.get("CXGOV_IMPORT_MARGIN_SECONDS", "60")) * 1000)


def max_receives() -> int:
    """The queue's maxReceiveCount (infra/template.yaml); on the last one a failure fails the job."""
    return int(os.environ.get("CXGOV_IMPORT_MAX_RECEIVES", "5"))


class LeaseLost(Exception):
    """Another worker holds the job now (this run's lease expired): stop without writing."""


# --- messages ---------------------------------------------------------------------------------

def handle_message(body: str, receive_count: int, remaining_ms: Callable[[], int]) -> None:
    """One SQS message. Returns normally when the message is done with (processed, or not ours);
    raises on a transient failure so SQS delivers it again (and to the DLQ after the last try)."""
    try:
        message = json.loads(body)
    except ValueError:
        logger.warning("import queue: a message that is not JSON was dropped")
        return
    if not isinstance(message, dict) or message.get("Event") == "s3:TestEvent":
        return
    targets: list[tuple[str, str]] = []
    if isinstance(message.get("continue"), dict):
        target = message["continue"]
        targets.append((str(target.get("department")), str(target.get("job_id"))))
    for record in message.get("Records") or []:
        found = _uploaded(record)
        if found:
            targets.append(found)
    for dept, job_id in targets:
        try:
            run_job(dept, job_id, remaining_ms)
        except Exception as exc:
            if receive_count < max_receives():
                raise
            logger.exception("import job failed on its last delivery", extra={"job_id": job_id})
            dal.finish(dept, job_id, None, "failed", clock.now(),
                       error=f"the import stopped after {receive_count} attempts on an internal error "
                             f"({type(exc).__name__}); the rows imported so far are kept - retry "
                             "with a new job (rows already imported count as duplicates)")


def _uploaded(record: Any) -> tuple[str, str] | None:
    """The job an S3 `ObjectCreated` record belongs to, once it is marked queued; None otherwise.
    The key names the department and the job, and the job item must sit in that department's
    partition with exactly that key: an upload can only ever start its own department's job."""
    if not isinstance(record, dict) or not str(record.get("eventName", "")).startswith("ObjectCreated"):
        return None
    s3 = record.get("s3") or {}
    if (s3.get("bucket") or {}).get("name") != store.bucket():
        return None
    key = unquote_plus(str((s3.get("object") or {}).get("key", "")))
    parsed = keys.parse_import_object_key(key)
    if parsed is None:
        return None
    dept, job_id = parsed
    job = dal.get(dept, job_id, consistent=True)
    if job is None or job["object_key"] != key or job["department"] != dept:
        logger.warning("an upload matches no import job", extra={"object_key": key})
        return None
    size = int((s3.get("object") or {}).get("size") or 0)
    etag = (s3.get("object") or {}).get("eTag")
    etag = f'"{etag.strip(chr(34))}"' if etag else None
    if job["status"] == "awaiting_upload":
        dal.mark_queued(dept, job_id, size, etag, clock.now())
        return dept, job_id
    if job["status"] in ("queued", "running") and job["object_etag"] == etag:
        return dept, job_id  # this upload's event again (its first run died): resume
    logger.warning("another upload to a started job was ignored", extra={"job_id": job_id})
    return None


# --- a run ------------------------------------------------------------------------------------

def run_job(dept: str, job_id: str, remaining_ms: Callable[[], int]) -> None:
    owner = uuid.uuid4().hex
    job = dal.claim(dept, job_id, owner, lease_seconds(), clock.now())
    if job is None:
        current = dal.get(dept, job_id, consistent=True)
        if current is None or current["status"] in (*dal.TERMINAL, "awaiting_upload"):
            return
        # Another run holds a live lease: look again when it runs out (a no-op if it finished).
        wait = int(current["lease_until"] or 0) - int(time.time()) + 1
        store.send_continuation(dept, job_id, max(wait, 1))
        return
    try:
        _import(job, owner, remaining_ms)
    except LeaseLost:
        logger.warning("import job lease lost; another run continues it", extra={"job_id": job_id})
    except reader.PoisonFile as exc:
        _end(job, owner, "failed", str(exc))
    except store.ObjectGone:
        _end(job, owner, "failed", "the uploaded file is gone, or was replaced after the job was "
                                   "queued: create a new job for the new file")
    except Exception:
        dal.release(dept, job_id, owner, clock.now())  # the retried message may claim it at once
        raise


def _principal(job: dict[str, Any]) -> Principal:
    return Principal(subject=job["created_by"], role=job["created_by_role"], department=job["department"],
                     name=job["created_by_name"])


def _open(job: dict[str, Any], owner: str):
    """The rows from the job's checkpoint on (the first run detects format and header)."""
    dept, kind = job["department"], reader.FORMATS[job["content_type"]]
    known = job["file_format"]
    compressed = None if known is None else known.endswith("+gzip")
    start = job["offset"]
    raw = store.open_object(dept, job["object_key"], job["object_etag"],
                            start if compressed is False else 0)
    stream, compressed = reader.open_stream(raw, compressed)
    header = job["header"]
    if known is None:
        reader.sniff(stream)
        start = 0
        if kind == "csv":
            header, start = reader.csv_header(stream)
            sink = kinds.handler(job["job_kind"])
            unknown = (sink.header_problems(job, header) if sink is not None
                       else voc.csv_header_problems(dept, job["profile"], header))
            if unknown:
                raise reader.PoisonFile("the CSV header names columns the profile does not read: "
                                        + ", ".join(unknown))
        if not dal.save_format(dept, job["job_id"], owner, kind + ("+gzip" if compressed else ""),
                               header, start):
            raise LeaseLost()
    elif compressed:
        reader.skip(stream, start)
    first = job["rows_done"] + 1
    if kind == "csv":
        return reader.csv_rows(stream, header, start, first), start
    if kind == "ndjson":
        return reader.ndjson_rows(stream, start, first), start
    return json_array.json_rows(stream, start, first), start


def _import(job: dict[str, Any], owner: str, remaining_ms: Callable[[], int]) -> None:
    rows, offset = _open(job, owner)
    resumed_since = (job["checkpoint_at"] or job["started_at"]) if job["runs"] > 1 else None
    chunk: list[reader.Row] = []
    size, slowest = 0, 0.0
    row_limit = max_file_rows()
    for row in rows:
        if row.number > row_limit:
            if chunk:  # the rows before the limit are imported, as before any poison
                job = _flush(job, owner, chunk, resumed_since)
            raise reader.PoisonFile(f"too_many_rows: the file holds more than {row_limit:,} records "
                                    "(CXGOV_IMPORT_MAX_ROWS): split it into several jobs")
        size += row.end_offset - offset
        offset = row.end_offset
        chunk.append(row)
        if len(chunk) < CHUNK_ROWS and size < CHUNK_BYTES:
            continue
        started = time.monotonic()
        job = _flush(job, owner, chunk, resumed_since)
        slowest = max(slowest, (time.monotonic() - started) * 1000)
        chunk, size, resumed_since = [], 0, None
        if remaining_ms() < max(margin_ms(), 3 * slowest):
            dal.release(job["department"], job["job_id"], owner, clock.now())
            store.send_continuation(job["department"], job["job_id"])
            logger.info("import job continues in a follow-up message",
                        extra={"job_id": job["job_id"], "rows_done": job["rows_done"]})
            return
    if chunk:
        job = _flush(job, owner, chunk, resumed_since)
    _end(job, owner, "completed", None)


def _flush(job: dict[str, Any], owner: str, chunk: list[reader.Row],
           resumed_since: datetime | None) -> dict[str, Any]:
    dept = job["department"]
    errors: list[tuple[int, str, str, str]] = []
    good: list[reader.Row] = []
    for row in chunk:
        problem = reader.is_malformed(row.data)
        if problem:
            errors.append((row.number, "", "row", problem))
        else:
            good.append(row)
    counts = {"rows_done": len(chunk), "rejected": len(chunk) - len(good)}
    sink = kinds.handler(job["job_kind"])
    if good and sink is not None:  # another domain's rows (a peer set): its module imports them
        found, rejected = sink.import_rows(job, good)
        for name, value in found.items():
            counts[name] = counts.get(name, 0) + value
        errors.extend(rejected)
    elif good:
        call_started = clock.now()
        result = voc.import_chunk(dept, [(r.kind, r.data) for r in good], _principal(job), job["profile"])
        counted: set[str] = set()  # records already counted in this chunk (a repeat is a duplicate)
        for answer in result.rows:
            row = good[answer.row - 1]
            status = answer.status
            if (status == "duplicate" and resumed_since and answer.id not in counted
                    and _written_between(dept, answer.id, resumed_since, call_started)):
                status = "created"
            if status == "created" and answer.id:
                counted.add(answer.id)
            name = {"created": "created", "updated": "updated", "duplicate": "duplicates"}.get(status, "rejected")
            counts[name] = counts.get(name, 0) + 1
            if status == "rejected":
                source_id = voc.source_id_of(dept, job["profile"], row.data)
                for error in answer.errors or [{"field": "row", "message": "rejected"}]:
                    errors.append((row.number, source_id, str(error.get("field", "")), str(error.get("message", ""))))
    part = None
    if errors:
        part = chunk[0].number
        store.put_text(dept, keys.import_errors_part_key(dept, job["job_id"], part), _csv(errors))
    count("ImportRows", len(chunk))
    updated = dal.checkpoint(dept, job["job_id"], owner, offset=chunk[-1].end_offset, counts=counts,
                             error_part=part, lease_seconds=lease_seconds(), now=clock.now())
    if updated is None:
        raise LeaseLost()
    return updated


def _written_between(dept: str, feedback_id: str | None, since: datetime, until: datetime) -> bool:
    """Whether a record the import calls a duplicate was written by the run that died: after the
    last checkpoint, before this chunk's import began."""
    written = voc.created_at(dept, feedback_id) if feedback_id else None
    if written is None:
        return False
    return since.astimezone(timezone.utc) <= written < until.astimezone(timezone.utc)


def _csv(errors: list[tuple[int, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for entry in errors:
        writer.writerow(entry)
    return out.getvalue()


def _end(job: dict[str, Any], owner: str, status: str, error: str | None) -> None:
    """Completes or fails the job; the error report joins the chunks' rejected rows in row order."""
    dept, job_id = job["department"], job["job_id"]
    current = dal.get(dept, job_id, consistent=True) or job
    report = None
    if current["error_parts"]:
        report = keys.import_errors_key(dept, job_id)
        store.compose(dept, report, REPORT_HEADER,
                      [keys.import_errors_part_key(dept, job_id, n) for n in current["error_parts"]])
    if dal.finish(dept, job_id, owner, status, clock.now(), error=error, report_key=report) is None:
        raise LeaseLost()
    count("ImportJobsCompleted" if status == "completed" else "ImportJobsFailed")
    logger.info("import job finished", extra={"job_id": job_id, "status": status, "error": error})
