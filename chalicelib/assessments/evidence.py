"""An assessment's evidence files, uploaded as the audits' evidence is (audits.service: a presigned
S3 PUT whose signed headers carry the declared SHA-256) under `{dept}/assessments/{id}/...`, and
confirmed once the stored bytes hash to it. Adding one is a change of the assessment (its history
entry, while it is a draft); answers cite them in `evidence_ids`."""
from __future__ import annotations

from typing import Any

from chalicelib.assessments import store as dal
from chalicelib.assessments.evidence_schemas import AssessmentEvidence, AssessmentEvidenceCreate, AssessmentEvidenceCreated
from chalicelib.assessments.service import history_entry, load, now_text
from chalicelib.audits import service as audits
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict
from chalicelib.core.redaction import redact_text
from chalicelib.db import keys_v12


def create_evidence(dept: str, assessment_id: str, body: AssessmentEvidenceCreate,
                    principal: Principal) -> AssessmentEvidenceCreated:
    item = load(dept, assessment_id, consistent=True)
    if item["status"] != "draft":
        raise Conflict.for_field("status", f"the assessment is {item['status']}: evidence is added while it is a draft")
    evidence_id = dal.new_id()
    fields = {"evidence_id": evidence_id, "file_name": body.file_name, "content_type": body.content_type,
              "sha256": body.sha256, "description": redact_text(body.description),
              "object_key": keys_v12.assessment_evidence_object_key(dept, assessment_id, evidence_id)}
    url, headers = audits.presign_upload(fields["object_key"], body.content_type, body.sha256)
    entry = history_entry(item, principal, "evidence_added",
                          {k: v for k, v in fields.items() if v is not None and k != "object_key"})
    dal.commit(dal.Change(dept, assessment_id, int(item["version"]), {}, entry,
                          extra=[dal.new_evidence(dept, assessment_id, fields)]), principal.subject)
    return AssessmentEvidenceCreated(id=evidence_id, upload_url=url, upload_headers=headers,
                                     expires_in=audits.UPLOAD_SECONDS)


def _view(dept: str, assessment_id: str, stored: dict[str, Any]) -> AssessmentEvidence:
    if not stored["confirmed"] and audits.stored_sha256(stored["object_key"]) == stored["sha256"]:
        stored["confirmed"], stored["confirmed_at"] = True, now_text()
        dal.confirm_evidence(dept, assessment_id, stored["evidence_id"], stored["confirmed_at"])
    return AssessmentEvidence(id=stored["evidence_id"], file_name=stored["file_name"],
                              content_type=stored["content_type"], sha256=stored["sha256"],
                              description=stored.get("description"), confirmed=stored["confirmed"],
                              confirmed_at=stored.get("confirmed_at"), created_at=stored["created_at"])


def list_evidence(dept: str, assessment_id: str) -> list[AssessmentEvidence]:
    load(dept, assessment_id)
    return [_view(dept, assessment_id, stored) for stored in dal.list_evidence(dept, assessment_id)]
