"""Import jobs: upload a file of any size to S3; workers import it (chalicelib/imports)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.http.routing import Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.imports.jobs")
(ImportJob, ImportJobCreate, ImportJobPage, ImportJobQuery, ImportJobUpload) = lazy(
    "chalicelib.imports.schemas", "ImportJob", "ImportJobCreate", "ImportJobPage", "ImportJobQuery",
    "ImportJobUpload")

bp = Blueprint(__name__)
TAG = "feedback"
READERS = ("dcxo", "ccxo", "auditor")


@api_route(bp, "/departments/{dept}/feedback/import-jobs", "POST", summary="Start an import job",
           tag=TAG, roles=("dcxo",), body=ImportJobCreate, response=ImportJobUpload, status=201,
           idempotent=True)
def create_import_job(call: Call) -> ImportJobUpload:
    """Answers a presigned S3 PUT valid `expires_in` seconds; PUT the file there with exactly
    `upload_headers`. When S3 has the file the job is queued, and workers import it with the same
    rules as `POST …/feedback/imports` (dedup by source, rejected rows reported), any size: CSV with
    a header row, a JSON array or NDJSON, each optionally gzip."""
    return logic.create_job(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/feedback/import-jobs", "GET", summary="List import jobs",
           tag=TAG, roles=READERS, query=ImportJobQuery, response=ImportJobPage)
def list_import_jobs(call: Call) -> ImportJobPage:
    """Newest first; `status` filters."""
    return logic.list_jobs(call.path["dept"], call.query, call.principal)


@api_route(bp, "/departments/{dept}/feedback/import-jobs/{job_id}", "GET", summary="Read an import job",
           tag=TAG, roles=READERS, response=ImportJob)
def get_import_job(call: Call) -> ImportJob:
    """`rows_done` grows while the job runs; `errors_url` (when rows were rejected) is a presigned
    CSV of them, made fresh on every read."""
    return logic.get_job(call.path["dept"], call.path["job_id"])
