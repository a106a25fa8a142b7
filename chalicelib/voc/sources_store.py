"""Pulled sources: pk `{dept}`, sk `PULL#{id}`; active ones also in the `by_org` partition
`PULLSOURCE`, which the scheduler reads with one Query for every department."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Iterator

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.common import is_condition_failure
from chalicelib.db.items import PulledSourceItem, PulledSourceStateItem
from chalicelib.core.errors import Conflict

LEASE = timedelta(minutes=14)  # a pull holds its source at most this long (Lambda stops at 15)


def _plain(item: PulledSourceItem, state: PulledSourceStateItem | None) -> dict[str, Any]:
    return {"id": item.source_id, "department": item.department, "name": item.name, "kind": item.source_kind,
            "base_url": item.base_url, "jurisdiction_id": item.jurisdiction_id,
            "service_codes": list(item.service_codes or []), "page_size": int(item.page_size),
            "since": item.since, "active": item.active, "secret_name": item.secret_name,
            "updated_after": bool(item.updated_after),
            "watermark": state.watermark if state else None,
            "last_sync": json.loads(state.last_sync) if state and state.last_sync else None,
            "version": item.version, "created_at": item.created_at}


def _state_key(dept: str, source_id: str) -> tuple[str, str]:
    return keys.department_pk(dept), keys.pulled_source_state_sk(source_id)


def _states(dept: str, source_ids: list[str]) -> dict[str, PulledSourceStateItem]:
    if not source_ids:
        return {}
    found = PulledSourceStateItem.batch_get([_state_key(dept, i) for i in source_ids], consistent_read=True)
    return {item.sk[len("PULLSTATE#"):]: item for item in found}


def _org(dept: str, source_id: str, active: bool) -> tuple[str | None, str | None]:
    return (keys.ORG_PULL_SOURCES, keys.pulled_source_org_sk(dept, source_id)) if active else (None, None)


def create(dept: str, source_id: str, data: dict[str, Any], actor: str) -> dict[str, Any]:
    now = clock.now()
    org_pk, org_sk = _org(dept, source_id, data["active"])
    item = PulledSourceItem(keys.department_pk(dept), keys.pulled_source_sk(source_id), source_id=source_id,
                            department=dept, org_pk=org_pk, org_sk=org_sk, created_at=now, created_by=actor,
                            updated_at=now, updated_by=actor, **data)
    item.save(condition=PulledSourceItem.pk.does_not_exist())
    return _plain(item, None)


def get(dept: str, source_id: str) -> dict[str, Any] | None:
    if not keys.is_id(source_id):
        return None
    try:
        item = PulledSourceItem.get(keys.department_pk(dept), keys.pulled_source_sk(source_id), consistent_read=True)
    except DoesNotExist:
        return None
    return _plain(item, _states(dept, [source_id]).get(source_id))


def list_for(dept: str, limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    result = PulledSourceItem.query(keys.department_pk(dept), PulledSourceItem.sk.startswith("PULL#"),
                                    limit=limit, last_evaluated_key=start_key)
    items = list(result)
    states = _states(dept, [i.source_id for i in items])
    return [_plain(i, states.get(i.source_id)) for i in items], result.last_evaluated_key


def active_everywhere() -> Iterator[tuple[str, str]]:
    """(department, source id) of every active source."""
    for item in PulledSourceItem.by_org.query(keys.ORG_PULL_SOURCES):
        yield item.department, item.source_id


def _item(dept: str, source_id: str, version: int | None = None) -> PulledSourceItem:
    item = PulledSourceItem(keys.department_pk(dept), keys.pulled_source_sk(source_id))
    if version is not None:
        item.version = version
    return item


def update(dept: str, source_id: str, changes: dict[str, Any], expected_version: int, actor: str) -> dict[str, Any]:
    item = _item(dept, source_id, expected_version)
    actions = [getattr(PulledSourceItem, name).set(value) for name, value in changes.items()]
    if "active" in changes:
        org_pk, org_sk = _org(dept, source_id, changes["active"])
        actions += ([PulledSourceItem.org_pk.set(org_pk), PulledSourceItem.org_sk.set(org_sk)] if org_pk
                    else [PulledSourceItem.org_pk.remove(), PulledSourceItem.org_sk.remove()])
    actions += [PulledSourceItem.updated_at.set(clock.now()), PulledSourceItem.updated_by.set(actor)]
    try:
        item.update(actions=actions, condition=PulledSourceItem.pk.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict.for_field("version", "the source was changed meanwhile; read it again")
        raise
    return get(dept, source_id)


def take_lease(dept: str, source_id: str, now: datetime) -> bool:
    """Whether this pull may run: no other pull holds the source (or its lease ran out)."""
    state = PulledSourceStateItem(*_state_key(dept, source_id))
    try:
        state.update(actions=[PulledSourceStateItem.sync_lease.set(now + LEASE),
                              PulledSourceStateItem.kind.set(PulledSourceStateItem)],
                     condition=PulledSourceStateItem.sync_lease.does_not_exist()
                     | (PulledSourceStateItem.sync_lease < now))
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def save_progress(dept: str, source_id: str, *, watermark: datetime | None = None,
                  last_sync: dict[str, Any] | None = None, release: bool = False) -> None:
    """The pull's own bookkeeping, on the state item (the source's version stays)."""
    actions = []
    if watermark is not None:
        actions.append(PulledSourceStateItem.watermark.set(watermark))
    if last_sync is not None:
        actions.append(PulledSourceStateItem.last_sync.set(json.dumps(last_sync, default=str)))
    if release:
        actions.append(PulledSourceStateItem.sync_lease.remove())
    if actions:
        PulledSourceStateItem(*_state_key(dept, source_id)).update(actions=actions)
