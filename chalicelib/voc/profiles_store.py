"""A department's own import profiles: pk `{dept}`, sk `PROFILE#{id}`."""
from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.common import is_condition_failure
from chalicelib.db.items import ImportProfileItem
from chalicelib.core.errors import Conflict


def _plain(item: ImportProfileItem) -> dict[str, Any]:
    return {"id": item.profile_id, "department": item.department, "name": item.name,
            "description": item.description, "rules": json.loads(item.rules), "version": item.version,
            "created_at": item.created_at}


def create(dept: str, profile_id: str, name: str, description: str | None, rules: dict[str, Any],
           actor: str) -> dict[str, Any] | None:
    """None when the department already has a profile of that id."""
    now = clock.now()
    item = ImportProfileItem(keys.department_pk(dept), keys.import_profile_sk(profile_id), profile_id=profile_id,
                             department=dept, name=name, description=description, rules=json.dumps(rules),
                             created_at=now, created_by=actor, updated_at=now, updated_by=actor)
    try:
        item.save(condition=ImportProfileItem.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return _plain(item)


def get(dept: str, profile_id: str) -> dict[str, Any] | None:
    try:
        return _plain(ImportProfileItem.get(keys.department_pk(dept), keys.import_profile_sk(profile_id),
                                            consistent_read=True))
    except DoesNotExist:
        return None


def list_for(dept: str, limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    result = ImportProfileItem.query(keys.department_pk(dept), ImportProfileItem.sk.startswith("PROFILE#"),
                                     limit=limit, last_evaluated_key=start_key)
    return [_plain(i) for i in result], result.last_evaluated_key


def update(dept: str, profile_id: str, name: str, description: str | None, rules: dict[str, Any],
           expected_version: int, actor: str) -> dict[str, Any]:
    item = ImportProfileItem(keys.department_pk(dept), keys.import_profile_sk(profile_id))
    item.version = expected_version
    try:
        item.update(actions=[ImportProfileItem.name.set(name), ImportProfileItem.description.set(description),
                             ImportProfileItem.rules.set(json.dumps(rules)),
                             ImportProfileItem.updated_at.set(clock.now()), ImportProfileItem.updated_by.set(actor)],
                    condition=ImportProfileItem.pk.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict.for_field("version", "the profile was changed meanwhile; read it again")
        raise
    return get(dept, profile_id)
