"""A sample's population as it was classified when the sample was drawn, page by page: what an
auditor re-derives the sample from (`cxgov sample verify`). Each record of the period counts if it
existed at the draw and its classification then (its trail's later changes undone, the second
look's own included) matched the plan's population."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.core import cursors, periods
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest
from chalicelib.reviews.samples import load
from chalicelib.reviews.schemas import SamplePopulation
from chalicelib.voc import service as voc

MAX_QUERIES = 20  # a page stops early (with a cursor) rather than read without bound


def _matches(record: dict[str, Any], criteria: dict[str, Any], drawn_at) -> bool:
    then = voc.classification_at(record, drawn_at)
    if then is None or then[0] != criteria["actionable"]:
        return False
    if criteria["categories"] and then[1] not in criteria["categories"]:
        return False
    return not criteria["channels"] or record["channel"] in criteria["channels"]


def page(dept: str, plan_id: str, sample_id: str, limit: int, cursor: str | None,
         principal: Principal) -> SamplePopulation:
    _, sample = load(dept, plan_id, sample_id)
    binding = f"{principal.scope_key}|review-population|{dept}|{plan_id}|{sample_id}"
    position = cursors.decode(cursor, binding) or {}
    months = [m.label for m in periods.parse(sample["period"]).months()]
    month = position.get("m", months[0])
    if month not in months:
        raise BadRequest.for_field("cursor", "the cursor is invalid, expired or belongs to another query")
    criteria = json.loads(sample["population"])
    ids: list[str] = []
    start_key, index, calls, next_position = position.get("k"), months.index(month), 0, None
    while index < len(months) and len(ids) < limit and calls < MAX_QUERIES:
        records, last = voc.records_page(dept, months[index], limit - len(ids), start_key)
        calls += 1
        ids += [r["id"] for r in records if _matches(r, criteria, sample["created_at"])]
        if last:
            start_key = last
        else:
            index, start_key = index + 1, None
        next_position = {"m": months[index], "k": start_key} if index < len(months) else None
    return SamplePopulation(sample_id=sample_id, period=sample["period"], seed=sample["seed"],
                            population_size=int(sample["population_size"]), items=ids,
                            next_cursor=cursors.encode(next_position, binding))
