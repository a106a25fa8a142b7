"""Audit follow-up rules: who may issue, answer, evaluate, act on and close what; every change to a
recommendation (its decision, its actions, its evidence, its status) is one transaction that also
appends the next chained history entry and moves the `REC` counters.

Visibility: reports are org-level. The ccxo and auditors read all; a dcxo reads a report only while
its department has a recommendation in it, and a report never shows whose recommendations it holds,
so nothing about another department leaks through it."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.audits import store as dal
from chalicelib.audits import evidence_store
from chalicelib.db import keys
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.core import hashchain
from chalicelib.audits import lifecycle, overdue, counters as rec_counters
from chalicelib.audits import due_index
from chalicelib.audits.schemas import (
    ActionCreate,
    ActionPatch,
    AuditReport,
    AuditReportCreate,
    CorrectiveAction,
    Evidence,
    EvidenceCreate,
    EvidenceCreated,
    HistoryEntry,
    HistoryVerification,
    ManagementDecisionPut,
    Recommendation,
    RecommendationCreate,
    ResolutionCreate,
    TransitionCreate,
    UnimplementedItem,
    UnimplementedReport,
)

_ID = re.compile(r"^[a-z0-9]{8,40}$")
EXPORT_MAX_ROWS = 10_000


def _now_text() -> str:
    return clock.now().isoformat(timespec="seconds")


def _today() -> date:
    return overdue.utc_day(clock.now())


def _json(value: Any) -> str:
    return hashchain.canonical(value).decode()


def _check_id(value: str, what: str) -> str:
    # Anything that is not one of our ids cannot exist: a 404 without touching the table.
    if not _ID.match(value or ""):
        raise NotFound(f"{what} not found")
    return value


# --- reports ---
def _report(item: dict[str, Any]) -> AuditReport:
    return AuditReport(id=item["report_id"], number=item["number"], title=item["title"],
                       issuer=item["issuer"], issued_on=item["issued_on"], category=item["category"],
                       monetary_impact=item["monetary_impact"], created_at=item["created_at"])


def create_report(body: AuditReportCreate, principal: Principal) -> AuditReport:
    if body.issued_on > _today():
        raise BadRequest.for_field("issued_on", "must not be in the future")
    return _report(dal.create_report(dal.new_id(), body.model_dump(mode="json"), principal.subject))


def get_report(report_id: str, principal: Principal) -> AuditReport:
    _check_id(report_id, "audit report")
    if not principal.org_wide and not dal.has_report_link(principal.department, report_id):
        raise NotFound("audit report not found")
    item = dal.get_report(report_id)
    if item is None:
        raise NotFound("audit report not found")
    return _report(item)


def list_reports(principal: Principal, limit: int, start_key: dict | None):
    if principal.org_wide:
        items, last = dal.list_reports(limit, start_key)
    else:
        items, last = dal.list_linked_reports(principal.department, limit, start_key)
    return [_report(item) for item in items], last


# --- recommendations: reading ---
def _decision(item: dict[str, Any]) -> dict[str, Any] | None:
    return json.loads(item["decision"]) if item.get("decision") else None


def _state(item: dict[str, Any]) -> dict[str, Any]:
    """What the counters depend on."""
    return {"status": item["status"], "issued_on": item["issued_on"], "issuer": item["issuer"],
            "category": item["category"], "has_decision": bool(item.get("decision")),
            "target_date": item.get("target_date"), "closed_on": item.get("closed_on"),
            **{name: item[name] for name in rec_counters.MONEY_FIELDS}}


def counter_state(item: dict[str, Any]) -> dict[str, Any]:
    """The state `rec_counters.contributions` counts, of a stored recommendation."""
    return _state(item)


def clocks_of(item: dict[str, Any], on: date) -> overdue.Overdue:
    return overdue.clocks(status=item["status"], issued_on=date.fromisoformat(item["issued_on"]),
                          has_decision=bool(item.get("decision")),
                          target_date=date.fromisoformat(item["target_date"]) if item.get("target_date") else None,
                          on=on)


def _due_dates(item: dict[str, Any]) -> dict[str, Any]:
    """The dates each overdue clock runs to, and the next one still ahead of an unclosed one."""
    issued = date.fromisoformat(item["issued_on"])
    dates = {"decision": None if item.get("decision") else overdue.decision_due(issued),
             "final_action": overdue.final_action_due(issued),
             "target_date": date.fromisoformat(item["target_date"]) if item.get("target_date") else None}
    today = _today()
    ahead = [d for d in dates.values() if d is not None and d >= today]
    closed = item["status"] in lifecycle.CLOSED
    return {**dates, "next": None if closed or not ahead else min(ahead)}


def _recommendation(item: dict[str, Any], principal: Principal | None) -> Recommendation:
    today = _today()
    decision = _decision(item) or {}
    resolution = json.loads(item["resolution"]) if item.get("resolution") else {}
    clocks = clocks_of(item, today)
    allowed = (lifecycle.allowed(item["status"], principal.role, item["requires_concurrence"])
               if principal else [])
    return Recommendation(
        id=item["rec_id"], report_id=item["report_id"], report_number=item["report_number"],
        department=item["department"], number=int(item["number"]), text=item["text"],
        finding=json.loads(item["finding"]), priority=item["priority"],
        significant=item["significant"], requires_concurrence=item["requires_concurrence"],
        questioned_costs=item["questioned_costs"], unsupported_costs=item["unsupported_costs"],
        funds_put_to_better_use=item["funds_put_to_better_use"], issuer=item["issuer"],
        category=item["category"], issued_on=item["issued_on"], status=item["status"],
        resolution={
            "decision": decision.get("decision"), "resolved": resolution.get("resolved"),
            "target_date": item.get("target_date"),
            "original_target_date": item.get("original_target_date"),
            "target_date_changes": json.loads(item["target_date_changes"]) if item.get("target_date_changes") else [],
            "action_plan": decision.get("action_plan"),
            "responsible_officials": decision.get("responsible_officials") or [],
            "comments": decision.get("comments"), "decided_at": decision.get("decided_at"),
            "agreed_amount": decision.get("agreed_amount"),
            "disagreed_amount": decision.get("disagreed_amount"),
            "auditor_comments": resolution.get("comments"), "evaluated_at": resolution.get("at"),
        },
        overdue={"decision": clocks.decision, "final_action": clocks.final_action,
                 "target_date": clocks.target_date},
        age_days=overdue.age_days(date.fromisoformat(item["issued_on"]), today),
        due=_due_dates(item),
        closed_on=item.get("closed_on"), allowed_transitions=allowed, version=int(item["version"]),
        created_at=item["created_at"], updated_at=item["updated_at"])


def _load(dept: str, rec_id: str) -> dict[str, Any]:
    _check_id(rec_id, "recommendation")
    item = dal.get_recommendation(dept, rec_id)
    if item is None:
        raise NotFound("recommendation not found")
    return item


def get_recommendation(dept: str, rec_id: str, principal: Principal) -> Recommendation:
    return _recommendation(_load(dept, rec_id), principal)


def _scope_department(principal: Principal, department: str | None) -> str | None:
    if principal.org_wide:
        return department
    if department is not None and department != principal.department:
        raise Forbidden("this department is outside your scope")
    return principal.department


def list_recommendations(principal: Principal, query: Any, start_key: dict | None):
    items, last = dal.query_recommendations(
        _scope_department(principal, query.department), status=query.status, issuer=query.issuer,
        report_id=query.report_id, overdue=query.overdue, today=_today().isoformat(),
        limit=query.limit, start_key=start_key)
    return [_recommendation(item, principal) for item in items], last


# --- recommendations: changing (one transaction each, with the next history entry) ---
def _entry(item: dict[str, Any], principal: Principal, event: str, changes: dict[str, Any],
           seq: int | None = None, prev_hash: str | None = None) -> dict[str, Any]:
    return hashchain.seal({
        "seq": seq if seq is not None else int(item["history_seq"]) + 1,
        "rec_id": item["rec_id"], "at": _now_text(), "actor": principal.subject,
        "actor_name": principal.name, "role": principal.role, "event": event,
        "changes": changes,
        "prev_hash": prev_hash if prev_hash is not None else item["history_head"]})


def _stored(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "changes": _json(entry["changes"])}


def _change(item: dict[str, Any], principal: Principal, event: str, changes: dict[str, Any],
            sets: dict[str, Any], new_items: list | None = None, updates: list | None = None,
            actions: list | None = None, due: tuple[list, list] = ((), ())) -> dict[str, Any]:
    """`actions`: the recommendation's corrective actions, when the change closes or reopens it
    (their reminders go or come back); `due`: an action's own reminder entries (puts, deletes)."""
    entry = _entry(item, principal, event, changes)
    after = {**item, **sets}
    due_puts, due_deletes = due_index.rec_change(item, after, actions or [])
    dal.commit(dal.Change(dept=item["department"], rec_id=item["rec_id"],
                          expected_version=int(item["version"]), sets=sets, history=_stored(entry),
                          counters=rec_counters.delta(_state(item), _state(after)),
                          new_items=new_items or [], updates=updates or [],
                          due_puts=due_puts + list(due[0]), due_deletes=due_deletes + list(due[1])),
               principal.subject)
    after.update(version=int(item["version"]) + 1, history_seq=entry["seq"],
                 history_head=entry["hash"], updated_at=clock.now())
    return after


def _check_version(expected: int | None, item: dict[str, Any], what: str = "recommendation") -> None:
    if expected is not None and expected != int(item["version"]):
        raise Conflict.for_field("version", f"the {what} is at version {int(item['version'])}; "
                                            "read it again before changing it")


def _refuse_closed(item: dict[str, Any]) -> None:
    if item["status"] in lifecycle.CLOSED:
        raise Conflict.for_field("status", f"the recommendation is {item['status']}; "
                                           "an auditor must reopen it first")


def create_recommendation(report_id: str, body: RecommendationCreate, principal: Principal) -> Recommendation:
    _check_id(report_id, "audit report")
    report = dal.get_report(report_id)
    if report is None:
        raise NotFound("audit report not found")
    issued = date.fromisoformat(report["issued_on"])
    data = body.model_dump(mode="json")
    rec_id = dal.new_id()
    item = {
        "rec_id": rec_id, "report_id": report_id, "report_number": report["number"],
        "department": body.department, "number": body.number, "text": body.text,
        "finding": _json(data["finding"]), "priority": body.priority,
        "significant": body.significant, "requires_concurrence": body.requires_concurrence,
        **{name: data[name] for name in rec_counters.MONEY_FIELDS},
        "issuer": report["issuer"], "category": report["category"], "issued_on": report["issued_on"],
        "decision_due": overdue.decision_due(issued).isoformat(),
        "final_action_due": overdue.final_action_due(issued).isoformat(),
        "status": "open", "history_seq": 1,
    }
    entry = _entry(item, principal, "created", {"report_id": report_id, **data, "status": "open"},
                   seq=1, prev_hash=hashchain.GENESIS)
    item["history_head"] = entry["hash"]
    stored = dal.create_recommendation(body.department, item, _stored(entry),
                                       rec_counters.delta(None, _state(item)), principal.subject,
                                       due_entries=list(due_index.rec_entries(item).values()))
    return _recommendation(stored, principal)


def put_management_decision(dept: str, rec_id: str, body: ManagementDecisionPut,
                            principal: Principal) -> Recommendation:
    item = _load(dept, rec_id)
    _check_version(body.version, item)
    _refuse_closed(item)
    if body.decision != "disagree":
        for name in ("action_plan", "target_date"):
            if getattr(body, name) is None:
                raise BadRequest.for_field(name, f"required when the decision is {body.decision}")
        if not body.responsible_officials:
            raise BadRequest.for_field("responsible_officials",
                                       f"name at least one when the decision is {body.decision}")
    if body.target_date is not None and body.target_date < date.fromisoformat(item["issued_on"]):
        raise BadRequest.for_field("target_date", "must not be before the report's issue date")
    now = _now_text()
    data = body.model_dump(mode="json", exclude={"version", "target_date"})
    old = _decision(item) or {}
    changes = {name: {"from": old.get(name), "to": value} for name, value in data.items()
               if old.get(name) != value}
    sets: dict[str, Any] = {"decision": _json({**data, "decided_at": now, "decided_by": principal.subject})}
    new_target = body.target_date.isoformat() if body.target_date else None
    if new_target is not None and new_target != item.get("target_date"):
        history = json.loads(item["target_date_changes"]) if item.get("target_date_changes") else []
        history.append({"from": item.get("target_date"), "to": new_target, "at": now,
                        "by": principal.subject})
        sets["target_date"] = new_target
        sets["target_date_changes"] = _json(history)
        if not item.get("original_target_date"):
            sets["original_target_date"] = new_target
        changes["target_date"] = {"from": item.get("target_date"), "to": new_target}
    if not changes:
        return _recommendation(item, principal)  # the same decision again writes nothing
    if item.get("resolution"):
        # The auditor evaluated another decision: the new one awaits a new evaluation.
        sets["resolution"] = None
        changes["resolved"] = {"from": json.loads(item["resolution"]).get("resolved"), "to": None}
    return _recommendation(_change(item, principal, "management_decision", changes, sets), principal)


def create_resolution(dept: str, rec_id: str, body: ResolutionCreate, principal: Principal) -> Recommendation:
    item = _load(dept, rec_id)
    _check_version(body.version, item)
    if not item.get("decision"):
        raise Conflict.for_field("management_decision", "there is no management decision to evaluate yet")
    old = json.loads(item["resolution"]) if item.get("resolution") else {}
    resolution = {"resolved": body.resolved, "comments": body.comments, "at": _now_text(),
                  "by": principal.subject}
    changes = {"resolved": {"from": old.get("resolved"), "to": body.resolved}, "comments": body.comments}
    return _recommendation(_change(item, principal, "resolution", changes,
                                   {"resolution": _json(resolution)}), principal)


def _confirmed_citations(item: dict[str, Any], evidence_ids: list[str]) -> tuple[int, list]:
    """Checks every cited evidence item; answers how many are confirmed and the updates that mark
    newly confirmed files (written in the transition's transaction)."""
    found = dal.get_evidence_many(item["department"], item["rec_id"], evidence_ids)
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
        updates.append(dal.evidence_confirmation(item["department"], item["rec_id"], evidence_id,
                                                 int(evidence["version"]), _now_text()))
    return len(found), updates


def transition(dept: str, rec_id: str, body: TransitionCreate, principal: Principal) -> Recommendation:
    item = _load(dept, rec_id)
    _check_version(body.version, item)
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
    sets: dict[str, Any] = {"status": body.to}
    if body.to in lifecycle.CLOSED:
        sets["closed_on"] = _today().isoformat()
    elif source in lifecycle.CLOSED:
        sets["closed_on"] = None
    sets.update(_closure_dates(source, body.to, principal.role, body.reason))
    changes = {"status": {"from": source, "to": body.to}, "reason": body.reason,
               "evidence_ids": list(dict.fromkeys(body.evidence_ids))}
    closing_or_reopening = (source in lifecycle.CLOSED) != (body.to in lifecycle.CLOSED)
    actions = dal.all_actions(dept, rec_id) if closing_or_reopening else None
    return _recommendation(_change(item, principal, rule.event, changes, sets, updates=updates,
                                   actions=actions), principal)


def _closure_dates(source: str, to: str, role: str, reason: str | None) -> dict[str, Any]:
    """What the reminders need to know of closure requests: when the current one was made, and when
    (and why) the auditor last returned one, until the next request or a close."""
    today = _today().isoformat()
    if to == "closure_requested":
        return {"closure_requested_on": today, "closure_returned_on": None, "closure_return_reason": None}
    if source == "closure_requested" and to == "in_progress" and role == "auditor":
        return {"closure_requested_on": None, "closure_returned_on": today, "closure_return_reason": reason}
    return {"closure_requested_on": None, "closure_returned_on": None, "closure_return_reason": None}


# --- corrective actions and evidence ---
OPEN_ACTION_STATUSES = ("planned", "in_progress")


def action_overdue(action: dict[str, Any], on: date) -> bool:
    """Still to be done and past its due date (UTC days, like the recommendation's clocks)."""
    return action["status"] in OPEN_ACTION_STATUSES and on > date.fromisoformat(action["due_date"])


def _action(dept: str, action: dict[str, Any]) -> CorrectiveAction:
    return CorrectiveAction(id=action["action_id"], recommendation_id=action["rec_id"], department=dept,
                            description=action["description"], owner=action["owner"],
                            due_date=action["due_date"], status=action["status"],
                            overdue=action_overdue(action, _today()),
                            progress_notes=json.loads(action["progress_notes"]),
                            version=int(action["version"]), created_at=action["created_at"],
                            updated_at=action["updated_at"])


def action_view(dept: str, action: dict[str, Any]) -> CorrectiveAction:
    return _action(dept, action)


def load_recommendation(dept: str, rec_id: str) -> dict[str, Any]:
    """The stored recommendation, or a 404 (also for anything that is not one of our ids)."""
    return _load(dept, rec_id)


def load_action(dept: str, rec_id: str, action_id: str) -> dict[str, Any]:
    _check_id(rec_id, "recommendation")
    return _load_action(dept, rec_id, action_id)


def create_action(dept: str, rec_id: str, body: ActionCreate, principal: Principal) -> CorrectiveAction:
    item = _load(dept, rec_id)
    _refuse_closed(item)
    data = body.model_dump(mode="json")
    note = data.pop("progress_note")
    action_id = dal.new_id()
    notes = [{"at": _now_text(), "by": principal.subject, "note": note}] if note else []
    fields = {**data, "action_id": action_id, "rec_id": rec_id, "progress_notes": _json(notes)}
    new = dal.new_action(dept, fields, principal.subject)
    due = due_index.difference({}, due_index.action_entries(item, fields))
    _change(item, principal, "action_created", {"action_id": action_id, **data, "progress_note": note}, {},
            new_items=[new], due=due)
    return _action(dept, {**fields, "version": 1, "created_at": new.created_at, "updated_at": new.updated_at})


def _load_action(dept: str, rec_id: str, action_id: str) -> dict[str, Any]:
    _check_id(action_id, "corrective action")
    action = dal.get_action(dept, rec_id, action_id)
    if action is None:
        raise NotFound("corrective action not found")
    return action


def patch_action(dept: str, rec_id: str, action_id: str, body: ActionPatch,
                 principal: Principal) -> CorrectiveAction:
    item = _load(dept, rec_id)
    action = _load_action(dept, rec_id, action_id)
    _check_version(body.version, action, "corrective action")
    _refuse_closed(item)
    wanted = body.changes()
    note = wanted.pop("progress_note", None)
    sets = {name: value for name, value in wanted.items() if action.get(name) != value}
    changes = {name: {"from": action.get(name), "to": value} for name, value in sets.items()}
    if note:
        notes = json.loads(action["progress_notes"])
        notes.append({"at": _now_text(), "by": principal.subject, "note": note})
        sets["progress_notes"] = _json(notes)
        changes["progress_note"] = note
    if not sets:
        return _action(dept, action)
    update = dal.action_update(dept, rec_id, action_id, int(action["version"]), sets, principal.subject)
    due = due_index.difference(due_index.action_entries(item, action),
                               due_index.action_entries(item, {**action, **sets}))
    _change(item, principal, "action_updated", {"action_id": action_id, **changes}, {}, updates=[update],
            due=due)
    return _action(dept, {**action, **sets, "version": int(action["version"]) + 1,
                          "updated_at": clock.now()})


def create_evidence(dept: str, rec_id: str, action_id: str, body: EvidenceCreate,
                    principal: Principal) -> EvidenceCreated:
    item = _load(dept, rec_id)
    _load_action(dept, rec_id, action_id)
    _refuse_closed(item)
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
              "evidence_kind": kind, "description": body.description, "url": body.url,
              "file_name": body.file_name, "content_type": body.content_type, "sha256": body.sha256,
              "object_key": keys.evidence_object_key(dept, rec_id, action_id, evidence_id) if kind == "file" else None,
              # A link is taken as cited; only a file's bytes can be (and are) checked.
              "confirmed": kind == "link"}
    upload = evidence_store.presign_upload(fields["object_key"], body.content_type, body.sha256) \
        if kind == "file" else None
    changes = {name: value for name, value in fields.items()
               if value is not None and name not in ("rec_id", "object_key")}
    _change(item, principal, "evidence_added", changes, {},
            new_items=[dal.new_evidence(dept, fields, principal.subject)])
    if upload is None:
        return EvidenceCreated(id=evidence_id, kind=kind)
    return EvidenceCreated(id=evidence_id, kind=kind, upload_url=upload[0], upload_headers=upload[1],
                           expires_in=evidence_store.UPLOAD_SECONDS)


def get_evidence(dept: str, rec_id: str, action_id: str, evidence_id: str) -> Evidence:
    _check_id(rec_id, "recommendation")
    _check_id(action_id, "corrective action")
    _check_id(evidence_id, "evidence")
    evidence = dal.get_evidence(dept, rec_id, evidence_id)
    if evidence is None or evidence["action_id"] != action_id:
        raise NotFound("evidence not found")
    return evidence_view(dept, evidence)


def evidence_view(dept: str, evidence: dict[str, Any]) -> Evidence:
    """A stored evidence item as read: an unconfirmed file is checked against S3 first (and marked
    confirmed once its stored bytes hash to the declared SHA-256)."""
    rec_id, evidence_id = evidence["rec_id"], evidence["evidence_id"]
    if not evidence["confirmed"] and evidence["evidence_kind"] == "file":
        if evidence_store.stored_sha256(evidence["object_key"]) == evidence["sha256"]:
            evidence["confirmed"], evidence["confirmed_at"] = True, _now_text()
            dal.confirm_evidence(dept, rec_id, evidence_id, int(evidence["version"]),
                                 evidence["confirmed_at"])
    return Evidence(id=evidence_id, action_id=evidence["action_id"], recommendation_id=rec_id,
                    kind=evidence["evidence_kind"], file_name=evidence.get("file_name"),
                    content_type=evidence.get("content_type"), sha256=evidence.get("sha256"),
                    url=evidence.get("url"), description=evidence.get("description"),
                    confirmed=evidence["confirmed"], confirmed_at=evidence.get("confirmed_at"),
                    created_at=evidence["created_at"])


# --- history ---
def _history_entry(stored: dict[str, Any]) -> dict[str, Any]:
    entry = {name: stored.get(name) for name in (*hashchain.HASHED_FIELDS, "hash")}
    entry["seq"] = int(entry["seq"]) if entry["seq"] is not None else None
    try:
        entry["changes"] = json.loads(stored["changes"])
    except (TypeError, ValueError):
        entry["changes"] = stored.get("changes")  # altered beyond JSON: its hash will not match
    return entry


def history_page(dept: str, rec_id: str, limit: int, start_key: dict | None):
    _check_id(rec_id, "recommendation")
    items, last = dal.history_page(dept, rec_id, limit, start_key)
    if not items and start_key is None:
        _load(dept, rec_id)  # an empty first page only for a recommendation that does not exist
    entries = []
    for stored in items:
        entry = _history_entry(stored)
        if not isinstance(entry["changes"], dict):
            entry["changes"] = {"unreadable": str(entry["changes"])}
        entries.append(HistoryEntry(**entry))
    return entries, last


def chained_history(dept: str, rec_id: str) -> list[dict[str, Any]]:
    """Every entry of an existing recommendation, exactly the hashed fields plus `hash` (the
    ledger's bundle); 404 for a recommendation that does not exist."""
    _load(dept, rec_id)
    return [_history_entry(stored) for stored in dal.history_all(dept, rec_id)]


def verify_history(dept: str, rec_id: str) -> HistoryVerification:
    item = _load(dept, rec_id)
    entries = [_history_entry(stored) for stored in dal.history_all(dept, rec_id)]
    valid, count, broken = hashchain.verify(entries, item["history_head"], int(item["history_seq"]))
    return HistoryVerification(valid=valid, entries=count, first_broken=broken)


# --- reports over recommendations ---
CSV_COLUMNS = ("id", "report_id", "report_number", "department", "number", "status", "issuer",
               "category", "issued_on", "age_days", "overdue_decision", "overdue_final_action",
               "overdue_target_date", "decision", "resolved", "target_date", "original_target_date",
               "requires_concurrence", "priority", "significant", "questioned_costs",
               "unsupported_costs", "funds_put_to_better_use", "closed_on", "text")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def export_csv(principal: Principal, query: Any) -> str:
    dept = _scope_department(principal, query.department)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    start, rows = None, 0
    while rows < EXPORT_MAX_ROWS:
        items, start = dal.query_recommendations(
            dept, status=query.status, issuer=query.issuer, report_id=query.report_id,
            overdue=query.overdue, today=_today().isoformat(), limit=200, start_key=start)
        for item in items[:EXPORT_MAX_ROWS - rows]:
            rec = _recommendation(item, principal)
            writer.writerow([_cell(v) for v in (
                rec.id, rec.report_id, rec.report_number, rec.department, rec.number, rec.status,
                rec.issuer, rec.category, rec.issued_on, rec.age_days, rec.overdue.decision,
                rec.overdue.final_action, rec.overdue.target_date, rec.resolution.decision,
                rec.resolution.resolved, rec.resolution.target_date,
                rec.resolution.original_target_date, rec.requires_concurrence, rec.priority,
                rec.significant, rec.questioned_costs, rec.unsupported_costs,
                rec.funds_put_to_better_use, rec.closed_on, rec.text)])
            rows += 1
        if not start:
            break
    return buffer.getvalue()


def unimplemented(as_of: date) -> UnimplementedReport:
    """Recommendations whose report was issued a year or more before `as_of` and that were not
    closed on that date (still open, or closed only after it), with their money."""
    cutoff = overdue.add_months(as_of, -12)
    items = [item for item in dal.recommendations_issued_until(cutoff.isoformat(), as_of.isoformat())]
    totals = {name: sum((Decimal(item[name]) for item in items), Decimal("0"))
              for name in rec_counters.MONEY_FIELDS}
    listed = [UnimplementedItem(
        id=item["rec_id"], report_id=item["report_id"], report_number=item["report_number"],
        department=item["department"], number=int(item["number"]), status=item["status"],
        issued_on=item["issued_on"], age_days=overdue.age_days(date.fromisoformat(item["issued_on"]), as_of),
        **{name: item[name] for name in rec_counters.MONEY_FIELDS}) for item in items]
    return UnimplementedReport(as_of=as_of, count=len(listed),
                               totals={name: f"{value:.2f}" for name, value in totals.items()},
                               items=listed)
