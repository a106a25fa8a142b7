"""Storage of a recommendation's corrective actions and evidence items (its children partition,
beside the history entries). The evidence files themselves are in S3 (evidence_store.py).

Items leave this module as plain dicts of their attributes; PynamoDB stays here."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.audits.store import plain
from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.items import CorrectiveActionItem, EvidenceItem


# --- corrective actions ---
def new_action(dept: str, data: dict[str, Any], actor: str) -> CorrectiveActionItem:
    now = clock.now()
    return CorrectiveActionItem(keys.recommendation_children_pk(dept, data["rec_id"]),
                                keys.action_sk(data["action_id"]), created_at=now, updated_at=now,
                                created_by=actor, updated_by=actor, **data)


def action_update(dept: str, rec_id: str, action_id: str, expected_version: int,
                  sets: dict[str, Any], actor: str) -> tuple[CorrectiveActionItem, list]:
    item = CorrectiveActionItem(keys.recommendation_children_pk(dept, rec_id), keys.action_sk(action_id))
    item.version = expected_version
    actions = [getattr(CorrectiveActionItem, name).set(value) for name, value in sets.items()]
    actions += [CorrectiveActionItem.updated_at.set(clock.now()),
                CorrectiveActionItem.updated_by.set(actor)]
    return item, actions


def get_action(dept: str, rec_id: str, action_id: str) -> dict[str, Any] | None:
    try:
        return plain(CorrectiveActionItem.get(keys.recommendation_children_pk(dept, rec_id),
                                              keys.action_sk(action_id)))
    except DoesNotExist:
        return None


def list_actions(dept: str, rec_id: str, *, status: str | None, limit: int,
                 start_key: dict | None) -> tuple[list[dict], dict | None]:
    """A recommendation's corrective actions in creation order (ids are time-ordered): one Query
    on its children partition."""
    result = CorrectiveActionItem.query(
        keys.recommendation_children_pk(dept, rec_id), CorrectiveActionItem.sk.startswith(keys.action_sk("")),
        filter_condition=(CorrectiveActionItem.status == status) if status else None,
        limit=limit, last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def all_actions(dept: str, rec_id: str) -> list[dict]:
    """Every corrective action of a recommendation (a closing or reopening moves their reminders)."""
    return [plain(item) for item in CorrectiveActionItem.query(
        keys.recommendation_children_pk(dept, rec_id), CorrectiveActionItem.sk.startswith(keys.action_sk("")),
        consistent_read=True)]


# --- evidence ---
def list_evidence(dept: str, rec_id: str, action_id: str, limit: int,
                  start_key: dict | None) -> tuple[list[dict], dict | None]:
    """An action's evidence in creation order: one Query on the recommendation's children partition,
    filtered on the action (a recommendation holds a handful of evidence items)."""
    result = EvidenceItem.query(
        keys.recommendation_children_pk(dept, rec_id), EvidenceItem.sk.startswith(keys.evidence_sk("")),
        filter_condition=EvidenceItem.action_id == action_id, limit=limit, last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def new_evidence(dept: str, data: dict[str, Any], actor: str) -> EvidenceItem:
    now = clock.now()
    return EvidenceItem(keys.recommendation_children_pk(dept, data["rec_id"]),
                        keys.evidence_sk(data["evidence_id"]), created_at=now, updated_at=now,
                        created_by=actor, updated_by=actor, **data)


def get_evidence(dept: str, rec_id: str, evidence_id: str) -> dict[str, Any] | None:
    try:
        return plain(EvidenceItem.get(keys.recommendation_children_pk(dept, rec_id),
                                      keys.evidence_sk(evidence_id)))
    except DoesNotExist:
        return None


def get_evidence_many(dept: str, rec_id: str, evidence_ids: list[str]) -> dict[str, dict[str, Any]]:
    wanted = [(keys.recommendation_children_pk(dept, rec_id), keys.evidence_sk(i))
              for i in dict.fromkeys(evidence_ids)]
    return {item.evidence_id: plain(item) for item in EvidenceItem.batch_get(wanted)}


def evidence_confirmation(dept: str, rec_id: str, evidence_id: str, version: int,
                          at: str) -> tuple[EvidenceItem, list]:
    """The update that marks a file confirmed (inside a change's transaction), on the version read."""
    item = EvidenceItem(keys.recommendation_children_pk(dept, rec_id), keys.evidence_sk(evidence_id))
    item.version = version
    return item, [EvidenceItem.confirmed.set(True), EvidenceItem.confirmed_at.set(at)]


def confirm_evidence(dept: str, rec_id: str, evidence_id: str, version: int, at: str) -> None:
    """Marks a file confirmed on its own (when read): one UpdateItem on the version read; a
    concurrent confirmation wins harmlessly."""
    item, actions = evidence_confirmation(dept, rec_id, evidence_id, version, at)
    try:
        item.update(actions=actions, condition=EvidenceItem.pk.exists())
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
