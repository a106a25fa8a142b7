"""Lifecycle transitions of a recommendation (the rules and guards of lifecycle.py): a closure cites
confirmed evidence, a refused transition answers the allowed targets, and closing or reopening
moves the reminders of its corrective actions. Closure requests keep the dates the reminders read.
The reason is redacted (core.redaction) before it enters the chained history."""
from __future__ import annotations

from typing import Any

from chalicelib.audits import actions_store, evidence_store, lifecycle
from chalicelib.audits.changes import change, check_version
from chalicelib.audits.common import now_text, today
from chalicelib.audits.recommendations import load, view
from chalicelib.audits.recommendations_schemas import Recommendation, TransitionCreate
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.core.redaction import redact_text


def _confirmed_citations(item: dict[str, Any], evidence_ids: list[str]) -> tuple[int, list]:
    """Checks every cited evidence item; answers how many are confirmed and the updates that mark
    newly confirmed files (written in the transition's transaction)."""
    found = actions_store.get_evidence_many(item["department"], item["rec_id"], evidence_ids)
    updates = []
    for index, evidence_id in enumerate(dict.fromkeys(evidence_ids)):
        evidence = found.get(evidence_id)
        if evidence is None:
            raise BadRequest.for_field(f"evidence_ids.{index}", "no such evidence for this recommendation")
        if evidence["confirmed"]:
            continue
        if evidence_store.stored_sha256(evidence["object_key"]) != evidence["sha256"]:
            raise Conflict.for_field(f"evidence_ids.{index}",
                                     "not confirmed: nothing was uploaded, or the stored object's "
                                     "SHA-256 differs from the declared one")
        updates.append(actions_store.evidence_confirmation(item["department"], item["rec_id"], evidence_id,
                                                           int(evidence["version"]), now_text()))
    return len(found), updates


def transition(dept: str, rec_id: str, body: TransitionCreate, principal: Principal) -> Recommendation:
    item = load(dept, rec_id)
    check_version(body.version, item)
    source = item["status"]
    try:
        rule = lifecycle.find_rule(source, body.to, principal.role, item["requires_concurrence"])
        confirmed, updates = 0, []
        if rule.needs_evidence and body.evidence_ids:
            confirmed, updates = _confirmed_citations(item, body.evidence_ids)
        lifecycle.check_guards(rule, has_decision=bool(item.get("decision")), reason=body.reason,
                               confirmed_evidence=confirmed)
    except lifecycle.TransitionRefused as refused:
        raise Conflict(str(refused), [{"field": "to", "message": f"allowed: {target}", "allowed": target}
                                      for target in refused.allowed]
                       or [{"field": "to", "message": "no transition is allowed from here for this role"}])
    except lifecycle.GuardFailed as failed:
        error = BadRequest if failed.field == "reason" else Conflict
        raise error.for_field(failed.field, failed.message)
    reason = redact_text(body.reason)
    sets: dict[str, Any] = {"status": body.to}
    if body.to in lifecycle.CLOSED:
        sets["closed_on"] = today().isoformat()
    elif source in lifecycle.CLOSED:
        sets["closed_on"] = None
    sets.update(_closure_dates(source, body.to, principal.role, reason))
    changes = {"status": {"from": source, "to": body.to}, "reason": reason,
               "evidence_ids": list(dict.fromkeys(body.evidence_ids))}
    closing_or_reopening = (source in lifecycle.CLOSED) != (body.to in lifecycle.CLOSED)
    actions = actions_store.all_actions(dept, rec_id) if closing_or_reopening else None
    return view(change(item, principal, rule.event, changes, sets, updates=updates,
                       actions=actions), principal)


def _closure_dates(source: str, to: str, role: str, reason: str | None) -> dict[str, Any]:
    """What the reminders need to know of closure requests: when the current one was made, and when
    (and why) the auditor last returned one, until the next request or a close."""
    day = today().isoformat()
    if to == "closure_requested":
        return {"closure_requested_on": day, "closure_returned_on": None, "closure_return_reason": None}
    if source == "closure_requested" and to == "in_progress" and role == "auditor":
        return {"closure_requested_on": None, "closure_returned_on": day, "closure_return_reason": reason}
    return {"closure_requested_on": None, "closure_returned_on": None, "closure_return_reason": None}
