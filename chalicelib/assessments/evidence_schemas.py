"""An assessment's evidence files (evidence.py): what is declared to upload one (the audits'
presigned upload, with the audits' file name, content type and SHA-256 rules), the upload's answer and
what is read of them. Assessments themselves are in schemas.py."""
from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.audits.actions_schemas import ContentType, FileName, Sha256Hex
from chalicelib.core.schemas import InputModel, OutputModel, Page, Timestamp


class AssessmentEvidenceCreate(InputModel):
    """A file: its name, type and the SHA-256 of its bytes (hex); links go in an answer's `links`."""

    file_name: FileName
    content_type: ContentType
    sha256: Sha256Hex
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"file_name": "smoc-staffing-plan.pdf", "content_type": "application/pdf",
         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         "description": "Staffing plan FY2018"}]})


class AssessmentEvidenceCreated(OutputModel):
    id: str
    upload_url: str = Field(json_schema_extra={"format": "uri"},
                            description="a presigned S3 PUT, valid `expires_in` seconds")
    upload_headers: dict[str, str] = Field(description="send exactly these headers with the PUT")
    expires_in: int

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "19a3c0d4e5f6a7b8c9d0f", "upload_url": "https://cxgov-evidence.s3.amazonaws.com/corp-comms/"
         "assessments/19a3c0d4e5f6a7b8c9d0e/19a3c0d4e5f6a7b8c9d0f?X-Amz-Signature=...",
         "upload_headers": {"Content-Type": "application/pdf",
                            "x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
                            "x-amz-sdk-checksum-algorithm": "SHA256"}, "expires_in": 900}]})


class AssessmentEvidence(OutputModel):
    id: str
    file_name: str
    content_type: str
    sha256: str
    description: str | None
    confirmed: bool = Field(description="the stored bytes hash to the declared SHA-256")
    confirmed_at: Timestamp | None
    created_at: Timestamp


class AssessmentEvidencePage(Page):
    items: list[AssessmentEvidence]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"id": "19a3c0d4e5f6a7b8c9d0f", "file_name": "smoc-staffing-plan.pdf", "content_type": "application/pdf",
         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         "description": "Staffing plan FY2018", "confirmed": True, "confirmed_at": "2026-10-02T09:05:00+00:00",
         "created_at": "2026-10-02T09:00:00+00:00"}], "next_cursor": None}]})
