"""Import jobs as the API shows them: create one (a presigned upload), read one, list them."""
from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, cursors
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.imports import object_store as store, service, store as dal
from chalicelib.org import service as org
from chalicelib.voc import service as voc
from chalicelib.imports.schemas import (
    ImportJob,
    ImportJobCreate,
    ImportJobPage,
    ImportJobQuery,
    ImportJobUpload,
)


def _department(dept: str) -> None:
    """404 for a department that does not exist."""
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")


# A job running longer than this is not counted as active any more (a 10 GiB file takes hours).
ACTIVE_WINDOW = timedelta(days=2)


def max_active_jobs() -> int:
    """Jobs of one department awaiting their upload, queued or running at once (docs/import-jobs.md)."""
    return int(os.environ.get("CXGOV_IMPORT_MAX_ACTIVE_JOBS", "5"))


class TooManyJobs(Conflict):
    code = "too_many_jobs"


def create_job(dept: str, body: ImportJobCreate, principal: Principal) -> ImportJobUpload:
    _department(dept)
    voc.check_profile(dept, body.profile)
    store.bucket()  # 503 before anything is written when imports are not configured
    now = clock.now()
    limit = max_active_jobs()
    if dal.active_jobs(dept, now - ACTIVE_WINDOW, now - timedelta(seconds=store.UPLOAD_SECONDS)) >= limit:
        raise TooManyJobs(f"this department already has {limit} import jobs awaiting their upload, "
                          "queued or running: retry when one has ended (`GET …/import-jobs`)",
                          headers={"Retry-After": "60"})
    return ImportJobUpload(**service.create_upload(
        dept, job_kind=None, target=None, profile=body.profile or voc.DEFAULT_PROFILE, file_name=body.file_name,
        content_type=body.content_type, principal=principal))


def present(job: dict[str, Any]) -> ImportJob:
    return service.present(job, ImportJob)


def get_job(dept: str, job_id: str) -> ImportJob:
    job = dal.get(dept, job_id)
    if job is None:
        raise NotFound(f"import job {job_id!r} not found")
    return present(job)


def list_jobs(dept: str, query: ImportJobQuery, principal: Principal) -> ImportJobPage:
    """Newest first."""
    binding = f"{principal.scope_key}|import-jobs:{dept}|{json.dumps({'status': query.status})}"
    start = cursors.decode(query.cursor, binding)
    _department(dept)
    items, last = dal.list_jobs(dept, query.limit, start, query.status)
    return ImportJobPage(items=[present(j) for j in items], next_cursor=cursors.encode(last, binding))
