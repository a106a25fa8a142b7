"""Import jobs: a file of any size uploaded to S3 and imported by workers (DESIGN "Imports of any size")."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.core.schemas import InputModel, OutputModel, Page, PageQuery, Timestamp

JobStatus = Literal["awaiting_upload", "queued", "running", "completed", "failed"]
ContentType = Literal["text/csv", "application/json", "application/x-ndjson"]


class ImportJobCreate(InputModel):
    """`profile`: how the file's columns map to feedback fields (default `cxgov`, the native
    fields). A gzip file is recognised by its magic bytes, whatever `content_type` says."""

    profile: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    file_name: str = Field(min_length=1, max_length=255)
    content_type: ContentType

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"profile": "cxgov", "file_name": "311-requests-fy2017.csv.gz", "content_type": "text/csv"}]})


class ImportJobUpload(OutputModel):
    """PUT the file to `upload_url` with exactly `upload_headers`; the job starts when S3 has it."""

    id: str
    status: JobStatus
    upload_url: str
    upload_headers: dict[str, str]
    expires_in: int

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01jf3k5q9x2m7v8w4c6b0n1p2r", "status": "awaiting_upload",
        "upload_url": "https://cxgov-imports.s3.amazonaws.com/imports/parks/01jf3k5q9x2m7v8w4c6b0n1p2r?X-Amz-Signature=...",
        "upload_headers": {"Content-Type": "text/csv"}, "expires_in": 3600}]})


class JobProgress(OutputModel):
    """Where a job stands, as its reader polls it: an import job's (ImportJob) and a peer set's
    upload's (peers.schemas.PeerUpload), presented by imports.service.present."""

    id: str
    status: JobStatus
    file_name: str
    file_format: str | None = Field(description="what the worker found: csv, json or ndjson, `+gzip` when compressed")
    rows_done: int
    created: int
    updated: int
    duplicates: int
    rejected: int
    error: str | None = Field(description="why a failed job stopped")
    errors_url: str | None = Field(description="presigned CSV of the rejected rows (row, source_id, field, message), valid one hour")
    created_at: Timestamp
    finished_at: Timestamp | None


class ImportJob(JobProgress):
    department: str
    profile: str
    content_type: ContentType
    file_bytes: int | None
    queued_at: Timestamp | None
    started_at: Timestamp | None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01jf3k5q9x2m7v8w4c6b0n1p2r", "department": "parks", "status": "completed", "profile": "cxgov",
        "file_name": "311-requests-fy2017.csv.gz", "content_type": "text/csv", "file_format": "csv+gzip",
        "file_bytes": 18234112, "rows_done": 200000, "created": 199250, "updated": 0, "duplicates": 700,
        "rejected": 50, "error": None,
        "errors_url": "https://cxgov-imports.s3.amazonaws.com/import-reports/parks/01jf3k5q9x2m7v8w4c6b0n1p2r/errors.csv?X-Amz-Signature=...",
        "created_at": "2026-12-01T09:00:00+00:00", "queued_at": "2026-12-01T09:00:20+00:00",
        "started_at": "2026-12-01T09:00:21+00:00", "finished_at": "2026-12-01T09:04:02+00:00"}]})


class ImportJobQuery(PageQuery):
    status: JobStatus | None = None


class ImportJobPage(Page):
    items: list[ImportJob]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "next_cursor": None}]})


