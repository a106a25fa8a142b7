"""What other domains ask of import jobs: an upload whose rows a registered kind imports
(kinds.py), and the job as it stands. Peer sets (issue 29) load through here: the same presigned
upload, queue, worker, lease, checkpoints and error report as a department's feedback import."""
from __future__ import annotations

from typing import Any, TypeVar

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.db import keys
from chalicelib.imports import object_store, store as dal
from chalicelib.imports.schemas import JobProgress

Progress = TypeVar("Progress", bound=JobProgress)


def create_upload(owner: str, *, job_kind: str | None, target: str | None, profile: str, file_name: str,
                  content_type: str, principal: Principal) -> dict[str, Any]:
    """A job of `job_kind` owned by `owner`: `{id, status, upload_url, upload_headers, expires_in}`.
    A department's feedback import: `owner` its id, no kind nor target (imports.jobs); another
    kind's: the partition and object-key prefix in the place of a department id (never one)."""
    object_store.bucket()  # 503 before anything is written when imports are not configured
    now = clock.now()
    job_id = dal.new_job_id(now)
    object_key = keys.import_object_key(owner, job_id)
    url, headers = object_store.presign_upload(owner, object_key, content_type)
    dal.create({"job_id": job_id, "department": owner, "profile": profile, "file_name": file_name,
                "content_type": content_type, "object_key": object_key, "job_kind": job_kind,
                "target": target, "created_by": principal.subject, "created_by_role": principal.role,
                "created_by_name": principal.name, "created_at": now, "updated_at": now})
    return {"id": job_id, "status": "awaiting_upload", "upload_url": url, "upload_headers": headers,
            "expires_in": object_store.UPLOAD_SECONDS}


def get_upload(owner: str, job_id: str) -> dict[str, Any] | None:
    """The job as stored (None: no such job of that owner); `present` shows it."""
    return dal.get(owner, job_id)


def present(job: dict[str, Any], model: type[Progress], **extra: Any) -> Progress:
    """A stored job as `model` (ImportJob, peers' PeerUpload): the fields it names, `errors_url` the
    presigned CSV of the rejected rows (None when no row was rejected); `extra` the model's own."""
    errors_url = object_store.presign_report(job["department"], job["report_key"]) if job["report_key"] else None
    values = {**job, "id": job["job_id"], "file_bytes": job["object_size"], "errors_url": errors_url, **extra}
    return model(**{name: values[name] for name in model.model_fields})
