"""A feedback record as it is stored: built from what a client or an import row gives (comment
redacted, month, due time and out-of-hours fixed from the department at receipt), known by its
content when it names no source (`fingerprint`), and read back as the facts the measures count."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Mapping

from chalicelib.core import periods
from chalicelib.org.departments_schemas import Department
from chalicelib.voc import facts as receipt
from chalicelib.voc.facts import FeedbackFacts
from chalicelib.voc.ids import new_id
from chalicelib.core.redaction import redact
from chalicelib.voc.schemas import FeedbackCreate


def facts(record: Mapping[str, Any]) -> FeedbackFacts:
    return FeedbackFacts(
        month=record["month"], channel=record["channel"], category=record["category"],
        actionable=record["actionable"], received_at=record["received_at"], due_at=record["due_at"],
        out_of_hours=record["out_of_hours"], first_responded_at=record["first_responded_at"],
        nps=record["nps"], csat=record["csat"], ces=record["ces"], a11=record["a11"],
        ever_actionable=record["ever_actionable"],
        reclassified_not_actionable=record["reclassified_not_actionable"],
        reclassification_changes=record["reclassification_changes"],
        journey_id=record.get("journey_id"), survey_offered=record.get("survey_offered"),
        survey_answered=bool(record.get("survey")))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def build_record(dept: Department, body: FeedbackCreate, now: datetime) -> dict[str, Any]:
    """The record as it will be stored: comment redacted, month, due time and out-of-hours fixed
    from the department's zone, target and staffed hours at the time of receipt."""
    received = utc(body.received_at)
    responded = utc(body.first_responded_at) if body.first_responded_at else None
    redacted = redact(body.comment) if body.comment else None
    staffed = dept.staffed_hours
    month = periods.local_date(received, dept.time_zone).strftime("%Y-%m")
    status = body.status or ("responded" if responded else "open")
    record = {
        "id": new_id(month, received), "department": dept.id, "month": month,
        "channel": body.channel, "category": body.category, "actionable": body.actionable,
        "status": status, "journey_id": body.journey_id,
        "comment": redacted.text if redacted else None,
        "redactions": dict(redacted.counts) if redacted else {},
        "a11": body.a11.model_dump(exclude_none=True) if body.a11 else {},
        "nps": body.nps, "csat": body.csat, "ces": body.ces,
        "source_system": body.source_system, "source_id": body.source_id,
        "survey_offered": body.survey_offered, "survey": body.survey.model_dump() if body.survey else None,
        "received_at": received, "first_responded_at": responded,
        "due_at": (receipt.ceil_minute(utc(body.due_at)) if body.due_at
                   else receipt.due_at(received, dept.response_target_hours)),
        "due_source": "source" if body.due_at else "target",
        "response_target_hours": dept.response_target_hours,
        "out_of_hours": receipt.out_of_hours(received, dept.time_zone, staffed.days,
                                             staffed.start, staffed.end),
        "ever_actionable": body.actionable, "reclassified_not_actionable": False,
        "reclassification_changes": 0, "responses": [], "classifications": [],
        "created_at": now, "version": 1,
    }
    record["dedup"] = (body.source_system, body.source_id) if body.source_system else None
    return record


def fingerprint(record: Mapping[str, Any]) -> str:
    """What identifies a row that names no source: its content (already redacted), canonically."""
    content = {k: record[k] for k in ("channel", "category", "actionable", "journey_id", "comment",
                                      "a11", "nps", "csat", "ces")}
    content["received_at"] = record["received_at"].isoformat()
    content["first_responded_at"] = record["first_responded_at"].isoformat() if record["first_responded_at"] else None
    if record.get("survey"):  # a Touchpoints response: its answers as written (absent before A-11)
        content["survey"] = record["survey"]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
