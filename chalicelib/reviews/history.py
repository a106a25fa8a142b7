"""Reads of a review plan's history chain."""
from __future__ import annotations

from chalicelib.reviews import chain, store as dal
from chalicelib.reviews.plans import load
from chalicelib.reviews.schemas import ReviewHistoryEntry, ReviewHistoryVerification


def page(dept: str, plan_id: str, limit: int, start_key: dict | None) -> tuple[list[ReviewHistoryEntry], dict | None]:
    load(dept, plan_id)
    items, last = dal.history(dept, plan_id, limit, start_key)
    return [ReviewHistoryEntry(**chain.entry_of(item)) for item in items], last


def verify(dept: str, plan_id: str) -> ReviewHistoryVerification:
    plan = load(dept, plan_id)
    valid, count, broken = chain.verify(plan, dal.history_all(dept, plan_id))
    return ReviewHistoryVerification(valid=valid, entries=count, first_broken=broken)
