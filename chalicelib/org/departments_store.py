"""Department items: one GetItem to read, one conditional PutItem to create, one conditional
UpdateItem to change, one Query on `by_org` per page of the org-wide list."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.core import clock
from chalicelib.db import keys, raw_reads
from chalicelib.db.common import is_condition_failure, put_new
from chalicelib.db.items import ContactAttribute, DepartmentItem, StaffedHoursAttribute, WatchSettingsAttribute
from chalicelib.core.errors import Conflict
from chalicelib.org.departments_schemas import Department


def _to_model(item: DepartmentItem) -> Department:
    return Department(
        id=item.pk, name=item.name, dcxo_contact=item.dcxo_contact.as_dict(),
        response_target_hours=item.response_target_hours,
        staffed_hours=item.staffed_hours.as_dict(), time_zone=item.time_zone,
        active=item.active, version=item.version, created_at=item.created_at,
        watch={"z": float(item.watch.z), "min_volume": int(item.watch.min_volume)} if item.watch else {},
        updated_at=item.updated_at,
    )


def create(data: dict[str, Any], actor: str, request_key: str) -> Department:
    now = clock.now()
    item = DepartmentItem(
        keys.department_pk(data["id"]), keys.DEPARTMENT_SK,
        org_pk=keys.ORG_DEPARTMENTS, org_sk=data["id"],
        name=data["name"], dcxo_contact=ContactAttribute(**data["dcxo_contact"]),
        response_target_hours=data["response_target_hours"],
        staffed_hours=StaffedHoursAttribute(**data["staffed_hours"]),
        time_zone=data["time_zone"], active=data["active"],
        watch=WatchSettingsAttribute(**data["watch"]) if data.get("watch") else None,
        created_at=now, created_by=actor, updated_at=now, updated_by=actor,
    )
    saved = put_new(item, request_key)
    if saved is None:
        raise Conflict.for_field("id", f"department {data['id']!r} already exists")
    return _to_model(saved)


def get(dept: str) -> Department | None:
    try:
        return _to_model(DepartmentItem.get(keys.department_pk(dept), keys.DEPARTMENT_SK))
    except DoesNotExist:
        return None


def list_all(limit: int, start_key: dict | None) -> tuple[list[Department], dict | None]:
    result = DepartmentItem.by_org.query(keys.ORG_DEPARTMENTS, limit=limit,
                                         last_evaluated_key=start_key)
    items = [_to_model(item) for item in result]
    return items, result.last_evaluated_key


def all_names() -> dict[str, str]:
    """Every department's id -> name, in id order: the rollup's rows. Projected to those two
    attributes (and the item kind), read as DynamoDB's item dicts (db/raw_reads.py): no model
    instance per department."""
    return {item["pk"]["S"]: item["name"]["S"] for item in raw_reads.query(
        DepartmentItem, keys.ORG_DEPARTMENTS, index=DepartmentItem.by_org.Meta.index_name,
        attributes=["pk", "kind", "name"])}


_MAPS = {"dcxo_contact": ContactAttribute, "staffed_hours": StaffedHoursAttribute,
         "watch": WatchSettingsAttribute}


def update(dept: str, changes: dict[str, Any], expected_version: int, actor: str) -> Department:
    """Applies `changes` only if the stored version is still `expected_version` (409 otherwise)."""
    item = DepartmentItem(keys.department_pk(dept), keys.DEPARTMENT_SK)
    item.version = expected_version  # PynamoDB conditions the update on it and increments it
    actions = [getattr(DepartmentItem, name).set(_MAPS[name](**value) if name in _MAPS else value)
               for name, value in changes.items()]
    actions += [DepartmentItem.updated_at.set(clock.now()), DepartmentItem.updated_by.set(actor)]
    try:
        item.update(actions=actions, condition=DepartmentItem.pk.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict.for_field(
                "version", "the department was changed by someone else; read it again")
        raise
    return _to_model(item)
