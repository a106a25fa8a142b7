"""The management decision on a recommendation (the dcxo's: agree, partially agree with an action
plan, responsible officials and a target date, or disagree) and the auditor's resolution, its
evaluation. A changed target date keeps the original and every change; a new decision after an
evaluation awaits a new one. Their free text is redacted (core.redaction) before it is written: it
enters the chained history, which can never be changed."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from chalicelib.audits.changes import change, check_version, refuse_closed
from chalicelib.audits.common import as_json, now_text
from chalicelib.audits.recommendations import decision_of, load, view
from chalicelib.audits.recommendations_schemas import ManagementDecisionPut, Recommendation, ResolutionCreate
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.core.redaction import redact_text


def put_management_decision(dept: str, rec_id: str, body: ManagementDecisionPut,
                            principal: Principal) -> Recommendation:
    item = load(dept, rec_id)
    check_version(body.version, item)
    refuse_closed(item)
    if body.decision != "disagree":
        for name in ("action_plan", "target_date"):
            if getattr(body, name) is None:
                raise BadRequest.for_field(name, f"required when the decision is {body.decision}")
        if not body.responsible_officials:
            raise BadRequest.for_field("responsible_officials",
                                       f"name at least one when the decision is {body.decision}")
    if body.target_date is not None and body.target_date < date.fromisoformat(item["issued_on"]):
        raise BadRequest.for_field("target_date", "must not be before the report's issue date")
    now = now_text()
    data = body.model_dump(mode="json", exclude={"version", "target_date"})
    data.update(action_plan=redact_text(body.action_plan), comments=redact_text(body.comments))
    old = decision_of(item) or {}
    changes = {name: {"from": old.get(name), "to": value} for name, value in data.items()
               if old.get(name) != value}
    sets: dict[str, Any] = {"decision": as_json({**data, "decided_at": now, "decided_by": principal.subject})}
    new_target = body.target_date.isoformat() if body.target_date else None
    if new_target is not None and new_target != item.get("target_date"):
        history = json.loads(item["target_date_changes"]) if item.get("target_date_changes") else []
        history.append({"from": item.get("target_date"), "to": new_target, "at": now,
                        "by": principal.subject})
        sets["target_date"] = new_target
        sets["target_date_changes"] = as_json(history)
        if not item.get("original_target_date"):
            sets["original_target_date"] = new_target
        changes["target_date"] = {"from": item.get("target_date"), "to": new_target}
    if not changes:
        return view(item, principal)  # the same decision again writes nothing
    if item.get("resolution"):
        # The auditor evaluated another decision: the new one awaits a new evaluation.
        sets["resolution"] = None
        changes["resolved"] = {"from": json.loads(item["resolution"]).get("resolved"), "to": None}
    return view(change(item, principal, "management_decision", changes, sets), principal)


def create_resolution(dept: str, rec_id: str, body: ResolutionCreate, principal: Principal) -> Recommendation:
    item = load(dept, rec_id)
    check_version(body.version, item)
    if not item.get("decision"):
        raise Conflict.for_field("management_decision", "there is no management decision to evaluate yet")
    old = json.loads(item["resolution"]) if item.get("resolution") else {}
    comments = redact_text(body.comments)
    resolution = {"resolved": body.resolved, "comments": comments, "at": now_text(), "by": principal.subject}
    changes = {"resolved": {"from": old.get("resolved"), "to": body.resolved}, "comments": comments}
    return view(change(item, principal, "resolution", changes,
                       {"resolution": as_json(resolution)}), principal)
