"""The journeys OMB A-11 reporting reads: a department's journeys that name an A-11 service (one
Query, sized by journeys), or one of them. Its volumes and respondents come from voc's service."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.db import keys
from chalicelib.db.items import JourneyItem


def a11_journeys(dept: str) -> list[dict[str, Any]]:
    found = []
    for item in JourneyItem.query(keys.department_pk(dept), JourneyItem.sk.startswith(keys.JOURNEY_PREFIX),
                                  filter_condition=JourneyItem.a11_service.exists()):
        found.append(_journey(item))
    return found


def _journey(item: JourneyItem) -> dict[str, Any]:
    return {"id": item.journey_id, "name": item.name,
            "a11_service": item.a11_service.as_dict() if item.a11_service else None,
            "created_at": item.created_at, "updated_at": item.updated_at}


def journey(dept: str, journey_id: str) -> dict[str, Any] | None:
    if not keys.is_id(journey_id):
        return None
    try:
        return _journey(JourneyItem.get(keys.department_pk(dept), keys.journey_sk(journey_id)))
    except DoesNotExist:
        return None
