"""Journey rules: a department's journeys, read and changed within its scope."""
from __future__ import annotations

from chalicelib.core.auth import Principal
from chalicelib.org import journeys_store as dal
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.org.journeys_schemas import Journey, JourneyCreate, JourneyPatch


def create_journey(dept: str, body: JourneyCreate, principal: Principal) -> Journey:
    return dal.create(dept, body.model_dump(), actor=principal.subject)


def get_journey(dept: str, journey_id: str) -> Journey:
    journey = dal.get(dept, journey_id)
    if journey is None:
        raise NotFound("no journey with this id in this department")
    return journey


def list_journeys(dept: str, limit: int, start_key: dict | None) -> tuple[list[Journey], dict | None]:
    return dal.list_for(dept, limit, start_key)


def patch_journey(dept: str, journey_id: str, body: JourneyPatch, principal: Principal) -> Journey:
    current = get_journey(dept, journey_id)
    if body.version is not None and body.version != current.version:
        raise Conflict.for_field("version", f"the journey is at version {current.version}; "
                                            "read it again before changing it")
    return dal.update(dept, journey_id, body.changes(), current.version, actor=principal.subject)
