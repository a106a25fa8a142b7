"""What OMB A-11 reporting reads: a department's journeys that name an A-11 service, and the
month aggregate items of a quarter (one Query each, sized by journeys and months, never by records)."""
from __future__ import annotations

from typing import Any, Iterator

from pynamodb.exceptions import DoesNotExist

from chalicelib.db import keys
from chalicelib.db.items import AggregateItem, FeedbackItem, JourneyItem


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


def month_counters(dept: str, first_month: str, last_month: str) -> dict[str, float]:
    """The month items `VOC#{first_month}`..`VOC#{last_month}` summed, counter by counter."""
    total: dict[str, float] = {}
    for item in AggregateItem.query(keys.department_pk(dept), AggregateItem.sk.between(
            keys.aggregate_sk(f"VOC#{first_month}"), keys.aggregate_sk(f"VOC#{last_month}"))):
        for name, value in item.counters.items():
            total[name] = total.get(name, 0) + value
    return total


def journey_records(dept: str, month: str, journey_ids: list[str]) -> Iterator[dict[str, Any]]:
    """A month's feedback records on those journeys, in receipt order (one Query per page; the
    filter keeps the answer to the journeys, the read is the month's)."""
    from chalicelib.voc.store import _to_record

    for item in FeedbackItem.query(keys.feedback_pk(dept, month), FeedbackItem.sk.startswith("FB#"),
                                   filter_condition=FeedbackItem.journey_id.is_in(*journey_ids)):
        yield _to_record(item)
