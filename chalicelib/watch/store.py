"""Alert items (db/items.py AlertItem, AlertOpenItem): an alert and its open marker put in one
transaction, resolved with the marker's delete in another; listed per department (one Query) or
org-wide (`by_org` ALERT)."""
from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.db import keys_v12 as keys
from chalicelib.db.common import is_condition_failure
from chalicelib.db.items import AlertEventAttribute, AlertItem, AlertOpenItem
from chalicelib.db.transactions import transaction

_B32 = "0123456789abcdefghjkmnpqrstvwxyz"


def new_alert_id(now: datetime) -> str:
    """26 characters of Crockford base32: the opening time in ms, then 80 random bits."""
    number, chars = (int(now.timestamp() * 1000) << 80) | secrets.randbits(80), []
    for _ in range(26):
        number, rest = divmod(number, 32)
        chars.append(_B32[rest])
    return "".join(reversed(chars))


JOB = "watch-job"


def _event(event: str, actor: str, now: datetime) -> AlertEventAttribute:
    return AlertEventAttribute(at=now.isoformat(timespec="seconds"), event=event, actor=actor)


def _append(event: str, actor: str, now: datetime):
    return AlertItem.history.set((AlertItem.history | []).append([_event(event, actor, now)]))


def to_dict(item: AlertItem) -> dict[str, Any]:
    return {"id": item.alert_id, "kind": item.alert_kind, "department": item.department, "scope": item.scope,
            "key": item.key, "opened_at": item.opened_at, "resolved_at": item.resolved_at,
            "acknowledged_by": item.acknowledged_by, "acknowledged_at": item.acknowledged_at,
            "acknowledged_note": item.acknowledged_note,
            "figures": json.loads(item.figures), "mailed_at": item.mailed_at,
            "history": [e.as_dict() for e in item.history or []]}


def open_markers(dept: str) -> dict[tuple[str, str, str], str]:
    """(kind, scope, key) -> alert id of the department's open alerts: one Query."""
    found = {}
    for item in AlertOpenItem.query(keys.alerts_pk(dept), AlertOpenItem.sk.startswith("OPEN#"),
                                    consistent_read=True):
        _, kind, scope, key = item.sk.split("#", 3)
        found[(kind, scope, key)] = item.alert_id
    return found


def open_alerts(dept: str | None) -> list[dict[str, Any]]:
    """Open alerts, newest first, from the open markers (one Query: the department's partition, or
    `by_org` ALERT_OPEN for every department) and one BatchGetItem of the alerts: the cost follows
    the open alerts, never the history."""
    if dept is None:
        markers = [(m.pk, m.alert_id) for m in AlertOpenItem.by_org.query(keys.ORG_OPEN_ALERTS)]
    else:
        markers = [(keys.alerts_pk(dept), alert_id) for alert_id in open_markers(dept).values()]
    if not markers:
        return []
    found = [to_dict(item) for item in AlertItem.batch_get([(pk, keys.alert_sk(a)) for pk, a in markers])]
    return sorted(found, key=lambda a: a["id"], reverse=True)


def open_alert(dept: str, kind: str, scope: str, key: str, figures: dict, now: datetime) -> dict | None:
    """Puts the alert and its open marker; None when the condition has an open alert already."""
    alert_id = new_alert_id(now)
    item = AlertItem(keys.alerts_pk(dept), keys.alert_sk(alert_id), org_pk=keys.ORG_ALERTS,
                     org_sk=keys.alert_org_sk(alert_id, dept), alert_id=alert_id, department=dept,
                     alert_kind=kind, scope=scope, key=key, opened_at=now,
                     figures=json.dumps(figures, sort_keys=True, default=str), created_at=now, updated_at=now,
                     created_by=JOB, updated_by=JOB, history=[_event("opened", JOB, now)])
    marker = AlertOpenItem(keys.alerts_pk(dept), keys.alert_open_sk(kind, scope, key), alert_id=alert_id,
                           org_pk=keys.ORG_OPEN_ALERTS, org_sk=keys.alert_org_sk(alert_id, dept), created_at=now)
    try:
        with transaction() as tx:
            tx.save(marker, condition=AlertOpenItem.pk.does_not_exist())
            tx.save(item, condition=AlertItem.pk.does_not_exist())
    except TransactWriteError:
        return None
    return to_dict(item)


def resolve(dept: str, kind: str, scope: str, key: str, alert_id: str, figures: dict, now: datetime) -> None:
    """Sets `resolved_at` and deletes the open marker, in one transaction."""
    item = AlertItem(keys.alerts_pk(dept), keys.alert_sk(alert_id))
    marker = AlertOpenItem(keys.alerts_pk(dept), keys.alert_open_sk(kind, scope, key))
    with transaction() as tx:
        tx.delete(marker, condition=AlertOpenItem.alert_id == alert_id)
        tx.update(item, actions=[AlertItem.resolved_at.set(now), AlertItem.updated_at.set(now),
                                 AlertItem.updated_by.set(JOB), _append("resolved", JOB, now),
                                 AlertItem.figures.set(json.dumps({**figures}, sort_keys=True, default=str))],
                  condition=AlertItem.resolved_at.does_not_exist())


def get(dept: str, alert_id: str) -> dict | None:
    try:
        return to_dict(AlertItem.get(keys.alerts_pk(dept), keys.alert_sk(alert_id), consistent_read=True))
    except DoesNotExist:
        return None


def acknowledge(dept: str, alert_id: str, actor: str, note: str, now: datetime) -> bool:
    """Sets who acknowledged it, once; False when someone had already."""
    item = AlertItem(keys.alerts_pk(dept), keys.alert_sk(alert_id))
    try:
        item.update(actions=[AlertItem.acknowledged_by.set(actor), AlertItem.acknowledged_at.set(now),
                             AlertItem.acknowledged_note.set(note), _append("acknowledged", actor, now),
                             AlertItem.updated_at.set(now), AlertItem.updated_by.set(actor)],
                    condition=AlertItem.pk.exists() & AlertItem.acknowledged_by.does_not_exist())
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def claim_mail(dept: str, alert_id: str, now: datetime) -> bool:
    """Marks the alert mailed before the mail goes (at most once); False when it was already."""
    item = AlertItem(keys.alerts_pk(dept), keys.alert_sk(alert_id))
    try:
        item.update(actions=[AlertItem.mailed_at.set(now), _append("mailed", JOB, now)],
                    condition=AlertItem.pk.exists() & AlertItem.mailed_at.does_not_exist())
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def release_mail(dept: str, alert_id: str, now: datetime) -> None:
    """A mail that failed: the next run tries again."""
    AlertItem(keys.alerts_pk(dept), keys.alert_sk(alert_id)).update(
        actions=[AlertItem.mailed_at.remove(), _append("mail_failed", JOB, now)])


def page(dept: str | None, only_open: bool, limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    """Newest first: the department's partition, or every department's through `by_org`."""
    condition = AlertItem.resolved_at.does_not_exist() if only_open else None
    if dept is None:
        result = AlertItem.by_org.query(keys.ORG_ALERTS, scan_index_forward=False, limit=limit,
                                        filter_condition=condition, last_evaluated_key=start_key)
    else:
        result = AlertItem.query(keys.alerts_pk(dept), AlertItem.sk.startswith("ALERT#"),
                                 scan_index_forward=False, limit=limit, filter_condition=condition,
                                 last_evaluated_key=start_key)
    items = [to_dict(item) for item in result]
    return items, result.last_evaluated_key

