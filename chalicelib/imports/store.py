"""Import job items: creation, reads, and the conditional writes of the worker's lease and
checkpoints (each write of a running job is conditioned on the caller still holding the lease, so
two workers can never both advance one job)."""
from __future__ import annotations

import json
import secrets
import time
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.db import keys
from chalicelib.db.common import is_condition_failure
from chalicelib.db.items import ImportJobItem

TERMINAL = ("completed", "failed")
_B32 = "0123456789abcdefghjkmnpqrstvwxyz"
_FIELDS = ("job_id", "department", "status", "profile", "file_name", "content_type", "object_key",
           "created_by", "created_by_role", "created_by_name", "object_size", "object_etag",
           "file_format", "offset", "rows_done", "created", "updated", "duplicates", "rejected",
           "report_key", "error", "runs", "lease_owner", "lease_until", "checkpoint_at", "queued_at",
           "started_at", "finished_at", "created_at", "updated_at", "job_kind", "target")
COUNTS = ("rows_done", "created", "updated", "duplicates", "rejected")


def new_job_id(now: datetime, random_bits: int | None = None) -> str:
    """26 characters of Crockford base32: creation time in ms, then 80 random bits (sorts by time)."""
    bits = secrets.randbits(80) if random_bits is None else random_bits
    number, width, chars = (int(now.timestamp() * 1000) << 80) | bits, 26, []
    for _ in range(width):
        number, rest = divmod(number, 32)
        chars.append(_B32[rest])
    return "".join(reversed(chars))


def is_job_id(text: str) -> bool:
    return len(text) == 26 and all(c in _B32 for c in text)


def _record(item: ImportJobItem) -> dict[str, Any]:
    record = {name: getattr(item, name) for name in _FIELDS}
    for name in (*COUNTS, "offset", "runs"):
        record[name] = int(record[name] or 0)
    record["header"] = json.loads(item.header) if item.header else None
    record["error_parts"] = sorted(int(n) for n in (item.error_parts or ()))
    return record


def create(job: dict[str, Any]) -> dict[str, Any]:
    item = ImportJobItem(keys.import_jobs_pk(job["department"]), keys.import_job_sk(job["job_id"]),
                         status="awaiting_upload", **{k: v for k, v in job.items() if k != "status"})
    item.save(condition=ImportJobItem.pk.does_not_exist())
    return _record(item)


def get(dept: str, job_id: str, consistent: bool = False) -> dict[str, Any] | None:
    if not is_job_id(job_id):
        return None
    try:
        return _record(ImportJobItem.get(keys.import_jobs_pk(dept), keys.import_job_sk(job_id),
                                         consistent_read=consistent))
    except DoesNotExist:
        return None


def list_jobs(dept: str, limit: int, start_key: dict | None, status: str | None
              ) -> tuple[list[dict[str, Any]], dict | None]:
    """Newest first."""
    condition = ImportJobItem.status == status if status else None
    result = ImportJobItem.query(keys.import_jobs_pk(dept), scan_index_forward=False, limit=limit,
                                 last_evaluated_key=start_key, filter_condition=condition,
                                 page_size=limit)
    items = [_record(item) for item in result]
    return items, result.last_evaluated_key


def active_jobs(dept: str, since: datetime, uploads_since: datetime) -> int:
    """The department's jobs created since `since` that are queued or running, or awaiting an
    upload created since `uploads_since` (its presigned URL may still be used)."""
    floor = keys.import_job_sk(new_job_id(since, random_bits=0))
    upload_floor = keys.import_job_sk(new_job_id(uploads_since, random_bits=0))
    active = 0
    for item in ImportJobItem.query(keys.import_jobs_pk(dept), ImportJobItem.sk >= floor,
                                    filter_condition=ImportJobItem.status.is_in(
                                        "awaiting_upload", "queued", "running"),
                                    attributes_to_get=["sk", "status"]):
        active += item.status != "awaiting_upload" or item.sk >= upload_floor
    return active


def _key(dept: str, job_id: str) -> ImportJobItem:
    return ImportJobItem(keys.import_jobs_pk(dept), keys.import_job_sk(job_id))


def _update(dept: str, job_id: str, actions: list, condition) -> dict[str, Any] | None:
    """The updated job, or None when the condition failed."""
    item = _key(dept, job_id)
    try:
        item.update(actions=actions, condition=ImportJobItem.pk.exists() & condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return _record(item)


def mark_queued(dept: str, job_id: str, size: int, etag: str | None, now: datetime) -> dict | None:
    """awaiting_upload -> queued, once: a second upload to the same key changes nothing."""
    actions = [ImportJobItem.status.set("queued"), ImportJobItem.object_size.set(size),
               ImportJobItem.queued_at.set(now), ImportJobItem.updated_at.set(now)]
    if etag:
        actions.append(ImportJobItem.object_etag.set(etag))
    return _update(dept, job_id, actions, ImportJobItem.status == "awaiting_upload")


def claim(dept: str, job_id: str, owner: str, lease_seconds: int, now: datetime) -> dict | None:
    """Takes the lease of a queued or running job whose lease is free or expired."""
    epoch = int(time.time())
    free = (ImportJobItem.lease_until.does_not_exist() | (ImportJobItem.lease_until < epoch)
            | (ImportJobItem.lease_owner == owner))
    actions = [ImportJobItem.status.set("running"), ImportJobItem.lease_owner.set(owner),
               ImportJobItem.lease_until.set(epoch + lease_seconds),
               ImportJobItem.started_at.set(ImportJobItem.started_at | now),
               ImportJobItem.runs.add(1), ImportJobItem.updated_at.set(now)]
    return _update(dept, job_id, actions, ImportJobItem.status.is_in("queued", "running") & free)


def _held(owner: str):
    return (ImportJobItem.lease_owner == owner) & (ImportJobItem.status == "running")


def save_format(dept: str, job_id: str, owner: str, file_format: str, header: list[str] | None,
                offset: int) -> bool:
    actions = [ImportJobItem.file_format.set(file_format), ImportJobItem.offset.set(offset)]
    if header is not None:
        actions.append(ImportJobItem.header.set(json.dumps(header)))
    return _update(dept, job_id, actions, _held(owner)) is not None


def checkpoint(dept: str, job_id: str, owner: str, *, offset: int, counts: dict[str, int],
               error_part: int | None, lease_seconds: int, now: datetime) -> dict | None:
    """Advances the job past one imported chunk and renews the lease (None: the lease was lost)."""
    actions = [ImportJobItem.offset.set(offset), ImportJobItem.checkpoint_at.set(now),
               ImportJobItem.updated_at.set(now),
               ImportJobItem.lease_until.set(int(time.time()) + lease_seconds)]
    actions += [getattr(ImportJobItem, name).add(counts[name]) for name in COUNTS if counts.get(name)]
    if error_part is not None:
        actions.append(ImportJobItem.error_parts.add({error_part}))
    return _update(dept, job_id, actions, _held(owner))


def release(dept: str, job_id: str, owner: str, now: datetime) -> bool:
    """Gives the lease up (the follow-up message may claim it at once)."""
    return _update(dept, job_id, [ImportJobItem.lease_until.remove(), ImportJobItem.lease_owner.remove(),
                                  ImportJobItem.updated_at.set(now)], _held(owner)) is not None


def finish(dept: str, job_id: str, owner: str | None, status: str, now: datetime, *,
           error: str | None = None, report_key: str | None = None) -> dict | None:
    """running -> completed/failed (by the lease holder; `owner=None`: any job not yet finished)."""
    actions = [ImportJobItem.status.set(status), ImportJobItem.finished_at.set(now),
               ImportJobItem.updated_at.set(now), ImportJobItem.lease_until.remove(),
               ImportJobItem.lease_owner.remove()]
    if error:
        actions.append(ImportJobItem.error.set(error[:1000]))
    if report_key:
        actions.append(ImportJobItem.report_key.set(report_key))
    condition = _held(owner) if owner else ~ImportJobItem.status.is_in(*TERMINAL)
    return _update(dept, job_id, actions, condition)

