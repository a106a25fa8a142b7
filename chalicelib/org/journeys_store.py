"""Journey items: one conditional PutItem to create, one GetItem to read, one conditional
UpdateItem to change, one Query per page of a department's journeys."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.items import JourneyItem
from chalicelib.core.errors import Conflict
from chalicelib.org.journeys_schemas import Journey


def _to_model(item: JourneyItem) -> Journey:
    return Journey(id=item.journey_id, department=item.pk, name=item.name,
                   description=item.description or "", channels=list(item.channels),
                   a11_service=item.a11_service.as_dict() if item.a11_service else None,
                   version=item.version, created_at=item.created_at, updated_at=item.updated_at)


def _plain_map(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """An A-11 service as stored: its given fields only (absent ones stay absent, not NULL)."""
    return None if value is None else {k: v for k, v in value.items() if v is not None}


def _is_condition_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def create(dept: str, data: dict[str, Any], actor: str) -> Journey:
    now, journey_id = clock.now(), keys.new_id()
    item = JourneyItem(keys.department_pk(dept), keys.journey_sk(journey_id), journey_id=journey_id,
                       name=data["name"], description=data["description"], channels=data["channels"],
                       a11_service=_plain_map(data.get("a11_service")), created_at=now, created_by=actor, updated_at=now, updated_by=actor)
    item.save(condition=JourneyItem.pk.does_not_exist())
    return _to_model(item)


def get(dept: str, journey_id: str) -> Journey | None:
    if not keys.is_id(journey_id):
        return None
    try:
        return _to_model(JourneyItem.get(keys.department_pk(dept), keys.journey_sk(journey_id)))
    except DoesNotExist:
        return None


def list_for(dept: str, limit: int, start_key: dict | None) -> tuple[list[Journey], dict | None]:
    result = JourneyItem.query(keys.department_pk(dept), JourneyItem.sk.startswith(keys.JOURNEY_PREFIX),
                               limit=limit, last_evaluated_key=start_key)
    items = [_to_model(item) for item in result]
    return items, result.last_evaluated_key


def update(dept: str, journey_id: str, changes: dict[str, Any], expected_version: int,
           actor: str) -> Journey:
    """Applies `changes` only if the stored version is still `expected_version` (409 otherwise)."""
    item = JourneyItem(keys.department_pk(dept), keys.journey_sk(journey_id))
    item.version = expected_version
    if "a11_service" in changes:
        changes = {**changes, "a11_service": _plain_map(changes["a11_service"])}
    actions = [getattr(JourneyItem, name).set(value) for name, value in changes.items()]
    actions += [JourneyItem.updated_at.set(clock.now()), JourneyItem.updated_by.set(actor)]
    try:
        item.update(actions=actions, condition=JourneyItem.pk.exists())
    except UpdateError as exc:
        if _is_condition_failure(exc):
            raise Conflict.for_field("version", "the journey was changed by someone else; read it again")
        raise
    return _to_model(item)


# The OMB A-11 exports' reads (a11 asks through org.service): plain dicts, no version.
def a11_journeys(dept: str) -> list[dict[str, Any]]:
    found = []
    for item in JourneyItem.query(keys.department_pk(dept), JourneyItem.sk.startswith(keys.JOURNEY_PREFIX),
                                  filter_condition=JourneyItem.a11_service.exists()):
        found.append(_a11_view(item))
    return found


def _a11_view(item: JourneyItem) -> dict[str, Any]:
    return {"id": item.journey_id, "name": item.name,
            "a11_service": item.a11_service.as_dict() if item.a11_service else None,
            "created_at": item.created_at, "updated_at": item.updated_at}


def a11_journey(dept: str, journey_id: str) -> dict[str, Any] | None:
    if not keys.is_id(journey_id):
        return None
    try:
        return _a11_view(JourneyItem.get(keys.department_pk(dept), keys.journey_sk(journey_id)))
    except DoesNotExist:
        return None
