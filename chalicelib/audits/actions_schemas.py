"""Corrective actions and their evidence (a file with its SHA-256, or a link): what is created,
changed and read, and their lists."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.audits.schemas import ActionStatus, Name, Text, Version
from chalicelib.core.schemas import (
    CalendarDay,
    DateTimeText,
    InputModel,
    OutputModel,
    Page,
    PageQuery,
    PatchModel,
    Timestamp,
    captured_example,
)

Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[^/\\\x00-\x1f]{1,200}$")]
ContentType = Annotated[str, StringConstraints(pattern=r"^[a-z]+/[A-Za-z0-9.+\-]{1,100}$")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s]{3,2000}$")]


# --- corrective actions and evidence ---
class ActionCreate(InputModel):
    description: Text
    owner: Name
    due_date: CalendarDay
    status: ActionStatus = "planned"
    progress_note: Text | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"description": "Staff the Social Media Operations Center on weekends",
         "owner": "Manager, Social Media Operations", "due_date": "2017-09-30", "status": "planned"}]})


class ActionPatch(PatchModel):
    description: Text | None = None
    owner: Name | None = None
    due_date: CalendarDay | None = None
    status: ActionStatus | None = None
    progress_note: Text | None = None
    version: Version | None = None

    DUMP_MODE: ClassVar[str] = "json"  # dates as ISO text, as they are stored
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"status": "in_progress", "progress_note": "Weekend shifts advertised; two of four filled.",
         "version": 1}]})


class ProgressNote(OutputModel):
    at: DateTimeText
    by: str
    note: str


class CorrectiveAction(OutputModel):
    id: str
    recommendation_id: str
    department: str
    description: str
    owner: str
    due_date: date
    status: ActionStatus
    overdue: bool = Field(description="planned or in progress, and past its due date (UTC days)")
    progress_notes: list[ProgressNote]
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("CorrectiveAction"))


def _evidence_one_of(schema: dict[str, Any], cls: type) -> None:
    """Documents the body as what it is, a link or a file (validation checks the same)."""
    props = schema.pop("properties")
    schema.pop("required", None)
    schema.pop("additionalProperties", None)
    schema["oneOf"] = [
        {"title": "EvidenceLink", "type": "object", "additionalProperties": False, "required": ["url"],
         "properties": {k: props[k] for k in ("url", "description")}},
        {"title": "EvidenceFile", "type": "object", "additionalProperties": False,
         "required": ["file_name", "content_type", "sha256"],
         "properties": {k: props[k] for k in ("file_name", "content_type", "sha256", "description")}},
    ]
    schema["examples"] = [
        {"url": "https://intranet.example.gov/smoc/weekend-roster-2017.pdf",
         "description": "Weekend roster signed by the VP Corporate Communications"},
        {"file_name": "weekend-roster-2017.pdf", "content_type": "application/pdf",
         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    ]


class EvidenceCreate(InputModel):
    """Either a file (`file_name`, `content_type`, `sha256` of its bytes, hex) or a link (`url`)."""

    file_name: FileName | None = None
    content_type: ContentType | None = None
    sha256: Sha256Hex | None = None
    url: HttpsUrl | None = None
    description: Text | None = None

    model_config = ConfigDict(json_schema_extra=_evidence_one_of)


class EvidenceCreated(OutputModel):
    id: str
    kind: Literal["file", "link"]
    upload_url: str | None = Field(default=None, json_schema_extra={"format": "uri"},
                                   description="a presigned S3 PUT, valid `expires_in` seconds")
    upload_headers: dict[str, str] | None = None
    expires_in: int | None = None

    model_config = ConfigDict(json_schema_extra=captured_example("EvidenceCreated"))


class Evidence(OutputModel):
    id: str
    action_id: str
    recommendation_id: str
    kind: Literal["file", "link"]
    file_name: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    url: str | None = Field(default=None, json_schema_extra={"format": "uri"})
    description: str | None = None
    confirmed: bool
    confirmed_at: DateTimeText | None = None
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Evidence"))


# --- follow-up reads: lists of actions and evidence ---
_ACTION_EXAMPLE = {
    "id": "18c2f4a9b1e3d5f7a90b", "recommendation_id": "18c2f4a0c3e1d2b4f6a8",
    "department": "corp-comms", "description": "Staff the SMOC on weekends",
    "owner": "VP Corporate Communications", "due_date": "2017-12-31", "status": "in_progress",
    "overdue": False,
    "progress_notes": [{"at": "2017-10-02T14:00:00+00:00", "by": "demo-dcxo-corp-comms",
                        "note": "Two weekend agents hired"}],
    "version": 2, "created_at": "2017-09-12T15:04:05+00:00", "updated_at": "2017-10-02T14:00:00+00:00",
}
_EVIDENCE_EXAMPLE = {
    "id": "18c2f4b7d0a1c2e3f4a5", "action_id": "18c2f4a9b1e3d5f7a90b",
    "recommendation_id": "18c2f4a0c3e1d2b4f6a8", "kind": "file", "file_name": "staffing-plan.pdf",
    "content_type": "application/pdf",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "url": None, "description": "Weekend staffing plan, signed", "confirmed": True,
    "confirmed_at": "2017-10-03T09:12:00+00:00", "created_at": "2017-10-03T09:10:00+00:00",
}


class ActionQuery(PageQuery):
    status: ActionStatus | None = None


class CorrectiveActionPage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_ACTION_EXAMPLE], "next_cursor": None}]})

    items: list[CorrectiveAction]


class EvidencePage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_EVIDENCE_EXAMPLE], "next_cursor": None}]})

    items: list[Evidence]
