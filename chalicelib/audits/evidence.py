"""Evidence of a corrective action: a link, taken as cited, or a file uploaded straight to S3
through a presigned PUT (evidence_store.py) and confirmed once its stored bytes hash to the declared
SHA-256. Adding it is a change of the recommendation (with its history entry); its description is
redacted (core.redaction) first."""
from __future__ import annotations

from typing import Any

from chalicelib.audits import actions_store, evidence_store
from chalicelib.audits import store as dal
from chalicelib.audits.actions import load_action
from chalicelib.audits.actions_schemas import Evidence, EvidenceCreate, EvidenceCreated
from chalicelib.audits.changes import change, refuse_closed
from chalicelib.audits.common import check_id, now_text
from chalicelib.audits.recommendations import load
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.core.redaction import redact_text
from chalicelib.db import keys


def create_evidence(dept: str, rec_id: str, action_id: str, body: EvidenceCreate,
                    principal: Principal) -> EvidenceCreated:
    item = load(dept, rec_id)
    load_action(dept, rec_id, action_id)
    refuse_closed(item)
    file_fields = {"file_name": body.file_name, "content_type": body.content_type, "sha256": body.sha256}
    if body.url is not None:
        extra = sorted(name for name, value in file_fields.items() if value is not None)
        if extra:
            raise BadRequest.for_field(extra[0], "send either a url, or file_name, content_type and sha256")
    else:
        for name, value in file_fields.items():
            if value is None:
                raise BadRequest.for_field(name, "required for a file (or send a url for a link)")
    evidence_id = dal.new_id()
    kind = "link" if body.url is not None else "file"
    fields = {"evidence_id": evidence_id, "action_id": action_id, "rec_id": rec_id,
              "evidence_kind": kind, "description": redact_text(body.description), "url": body.url,
              "file_name": body.file_name, "content_type": body.content_type, "sha256": body.sha256,
              "object_key": keys.evidence_object_key(dept, rec_id, action_id, evidence_id) if kind == "file" else None,
              # A link is taken as cited; only a file's bytes can be (and are) checked.
              "confirmed": kind == "link"}
    upload = evidence_store.presign_upload(fields["object_key"], body.content_type, body.sha256) \
        if kind == "file" else None
    changes = {name: value for name, value in fields.items()
               if value is not None and name not in ("rec_id", "object_key")}
    change(item, principal, "evidence_added", changes, {},
           new_items=[actions_store.new_evidence(dept, fields, principal.subject)])
    if upload is None:
        return EvidenceCreated(id=evidence_id, kind=kind)
    return EvidenceCreated(id=evidence_id, kind=kind, upload_url=upload[0], upload_headers=upload[1],
                           expires_in=evidence_store.UPLOAD_SECONDS)


def get_evidence(dept: str, rec_id: str, action_id: str, evidence_id: str) -> Evidence:
    check_id(rec_id, "recommendation")
    check_id(action_id, "corrective action")
    check_id(evidence_id, "evidence")
    evidence = actions_store.get_evidence(dept, rec_id, evidence_id)
    if evidence is None or evidence["action_id"] != action_id:
        raise NotFound("evidence not found")
    return view(dept, evidence)


def view(dept: str, evidence: dict[str, Any]) -> Evidence:
    """A stored evidence item as read: an unconfirmed file is checked against S3 first (and marked
    confirmed once its stored bytes hash to the declared SHA-256)."""
    rec_id, evidence_id = evidence["rec_id"], evidence["evidence_id"]
    if not evidence["confirmed"] and evidence["evidence_kind"] == "file":
        if evidence_store.stored_sha256(evidence["object_key"]) == evidence["sha256"]:
            evidence["confirmed"], evidence["confirmed_at"] = True, now_text()
            actions_store.confirm_evidence(dept, rec_id, evidence_id, int(evidence["version"]),
                                           evidence["confirmed_at"])
    return Evidence(id=evidence_id, action_id=evidence["action_id"], recommendation_id=rec_id,
                    kind=evidence["evidence_kind"], file_name=evidence.get("file_name"),
                    content_type=evidence.get("content_type"), sha256=evidence.get("sha256"),
                    url=evidence.get("url"), description=evidence.get("description"),
                    confirmed=evidence["confirmed"], confirmed_at=evidence.get("confirmed_at"),
                    created_at=evidence["created_at"])


def list_evidence(dept: str, rec_id: str, action_id: str, limit: int,
                  start_key: dict | None) -> tuple[list[Evidence], dict | None]:
    load_action(dept, rec_id, action_id)  # the action's key holds the recommendation's
    items, last = actions_store.list_evidence(dept, rec_id, action_id, limit, start_key)
    return [view(dept, item) for item in items], last
