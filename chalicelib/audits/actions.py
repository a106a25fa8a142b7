"""Corrective actions of a recommendation: the dcxo adds and changes them (each change is one of the
recommendation's, with its history entry and the action's reminder entries); anyone who reads the
recommendation reads them, scoped exactly as it (a 404 for what does not exist). Descriptions and
progress notes are redacted (core.redaction) before they enter the chained history."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from chalicelib.audits import actions_store, due_index
from chalicelib.audits import store as dal
from chalicelib.audits.actions_schemas import ActionCreate, ActionPatch, CorrectiveAction
from chalicelib.audits.attention import OPEN_ACTION_STATUSES
from chalicelib.audits.changes import change, check_version, refuse_closed
from chalicelib.audits.common import as_json, check_id, now_text, today
from chalicelib.audits.recommendations import load
from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.errors import NotFound
from chalicelib.core.redaction import redact_text


def action_overdue(action: dict[str, Any], on: date) -> bool:
    """Still to be done and past its due date (UTC days, like the recommendation's clocks)."""
    return action["status"] in OPEN_ACTION_STATUSES and on > date.fromisoformat(action["due_date"])


def view(dept: str, action: dict[str, Any]) -> CorrectiveAction:
    """A stored action as read, `overdue` as of today."""
    return CorrectiveAction(id=action["action_id"], recommendation_id=action["rec_id"], department=dept,
                            description=action["description"], owner=action["owner"],
                            due_date=action["due_date"], status=action["status"],
                            overdue=action_overdue(action, today()),
                            progress_notes=json.loads(action["progress_notes"]),
                            version=int(action["version"]), created_at=action["created_at"],
                            updated_at=action["updated_at"])


def _load_action(dept: str, rec_id: str, action_id: str) -> dict[str, Any]:
    check_id(action_id, "corrective action")
    action = actions_store.get_action(dept, rec_id, action_id)
    if action is None:
        raise NotFound("corrective action not found")
    return action


def load_action(dept: str, rec_id: str, action_id: str) -> dict[str, Any]:
    """The stored action, or a 404 (also for anything that is not one of our ids)."""
    check_id(rec_id, "recommendation")
    return _load_action(dept, rec_id, action_id)


def create_action(dept: str, rec_id: str, body: ActionCreate, principal: Principal) -> CorrectiveAction:
    item = load(dept, rec_id)
    refuse_closed(item)
    data = {**body.model_dump(mode="json"), "description": redact_text(body.description)}
    note = redact_text(data.pop("progress_note"))
    action_id = dal.new_id()
    notes = [{"at": now_text(), "by": principal.subject, "note": note}] if note else []
    fields = {**data, "action_id": action_id, "rec_id": rec_id, "progress_notes": as_json(notes)}
    new = actions_store.new_action(dept, fields, principal.subject)
    due = due_index.difference({}, due_index.action_entries(item, fields))
    change(item, principal, "action_created", {"action_id": action_id, **data, "progress_note": note}, {},
           new_items=[new], due=due)
    return view(dept, {**fields, "version": 1, "created_at": new.created_at, "updated_at": new.updated_at})


def patch_action(dept: str, rec_id: str, action_id: str, body: ActionPatch,
                 principal: Principal) -> CorrectiveAction:
    item = load(dept, rec_id)
    action = _load_action(dept, rec_id, action_id)
    check_version(body.version, action, "corrective action")
    refuse_closed(item)
    wanted = body.changes()
    note = redact_text(wanted.pop("progress_note", None))
    if wanted.get("description") is not None:
        wanted["description"] = redact_text(wanted["description"])
    sets = {name: value for name, value in wanted.items() if action.get(name) != value}
    changes = {name: {"from": action.get(name), "to": value} for name, value in sets.items()}
    if note:
        notes = json.loads(action["progress_notes"])
        notes.append({"at": now_text(), "by": principal.subject, "note": note})
        sets["progress_notes"] = as_json(notes)
        changes["progress_note"] = note
    if not sets:
        return view(dept, action)
    update = actions_store.action_update(dept, rec_id, action_id, int(action["version"]), sets, principal.subject)
    due = due_index.difference(due_index.action_entries(item, action),
                               due_index.action_entries(item, {**action, **sets}))
    change(item, principal, "action_updated", {"action_id": action_id, **changes}, {}, updates=[update],
           due=due)
    return view(dept, {**action, **sets, "version": int(action["version"]) + 1,
                       "updated_at": clock.now()})


# --- reads ---
def list_actions(dept: str, rec_id: str, status: str | None, limit: int,
                 start_key: dict | None) -> tuple[list[CorrectiveAction], dict | None]:
    load(dept, rec_id)  # no recommendation: a 404, not an empty list
    items, last = actions_store.list_actions(dept, rec_id, status=status, limit=limit, start_key=start_key)
    return [view(dept, item) for item in items], last


def get_action(dept: str, rec_id: str, action_id: str) -> CorrectiveAction:
    return view(dept, load_action(dept, rec_id, action_id))
