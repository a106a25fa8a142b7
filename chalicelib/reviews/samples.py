"""Samples: the seeded draw, the verdicts (a misclassified one reclassifies the record in the same
transaction), the close with its Wilson estimate, and the reads (docs/reviews.md)."""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from chalicelib.core import clock, periods
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.db import keys
from chalicelib.org import service as org
from chalicelib.reviews import stats, store as dal
from chalicelib.reviews.chain import next_entry
from chalicelib.reviews.plans import check_id, load as load_plan
from chalicelib.reviews.schemas import Sample, SampleCreate, VerdictPut
from chalicelib.voc import service as voc

_FEEDBACK_ID = re.compile(r"^[0-9]{6}[0-9a-hjkmnp-tv-z]{26}$")
ATTEMPTS = 3  # a verdict racing another reviewer's on the same plan is tried again


def _reviewer(holder: dict[str, Any], principal: Principal, what: str) -> None:
    """A plan's reviewer role draws; a sample's (the plan's at its draw) gives verdicts and closes."""
    if principal.role != holder["reviewer_role"]:
        raise Forbidden(f"only the reviewer role ({holder['reviewer_role']}) may {what}")


def _period(plan: dict[str, Any], text: str, zone: str, now: datetime) -> periods.Period:
    try:
        period = periods.parse(text)
    except ValueError as exc:
        raise BadRequest.for_field("period", str(exc))
    wanted = "monthly" if plan["frequency"] == "monthly" else "quarterly"
    if period.frequency != wanted:
        raise BadRequest.for_field("period", f"the plan is {plan['frequency']}: name a "
                                             f"{'month (2017-03)' if wanted == 'monthly' else 'quarter (2017-Q2)'}")
    if period.utc_bounds(zone)[1] > now:
        raise BadRequest.for_field("period", f"{text} has not ended yet in the department's time zone")
    return period


def present(sample: dict[str, Any], plan_name: str, items: list[dict[str, Any]] | None = None) -> Sample:
    shown = None
    if items is not None:
        shown = [{"feedback_id": e["feedback_id"], "rank": e["rank"],
                  "classification_at_draw": {"actionable": e["actionable_at_draw"], "category": e["category_at_draw"]},
                  "verdict": json.loads(e["verdict"]) if e.get("verdict") else None}
                 for e in sorted(items, key=lambda e: e["rank"])]
    reviewed = int(sample["reviewed"])
    return Sample(id=sample["sample_id"], plan_id=sample["plan_id"], department=sample["department"],
                  plan_name=plan_name, period=sample["period"], population_size=int(sample["population_size"]),
                  sample_size=int(sample["sample_size"]), seed=sample["seed"], status=sample["status"],
                  population=json.loads(sample["population"]), confidence=sample["confidence"], margin=sample["margin"], expected_rate=sample["expected_rate"],
                  reviewer_role=sample["reviewer_role"], reviewed=reviewed,
                  misclassified=int(sample["misclassified"]), remaining=int(sample["sample_size"]) - reviewed,
                  drawn_at=sample["created_at"], drawn_by=sample.get("created_by"),
                  closed_at=sample.get("closed_at"),
                  result=json.loads(sample["result"]) if sample.get("result") else None, items=shown)


def load(dept: str, plan_id: str, sample_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    plan = load_plan(dept, plan_id)
    sample = dal.get_sample(dept, plan_id, check_id(sample_id, "sample"))
    if sample is None:
        raise NotFound("sample not found")
    return plan, sample


def draw(dept: str, plan_id: str, body: SampleCreate, principal: Principal) -> Sample:
    """Reads the period's records once, keeping the `largest_sample` smallest ranks (memory bounded
    by the sample size, not the population), then writes the n smallest."""
    plan = load_plan(dept, plan_id)
    _reviewer(plan, principal, "draw its samples")
    if not plan["active"]:
        raise Conflict.for_field("active", "the plan is not active")
    department = org.department(dept)
    if department is None:
        raise NotFound(f"department {dept!r} not found")
    now = clock.now()
    period = _period(plan, body.period, department.time_zone, now)
    if dal.period_taken(dept, plan_id, period.label):
        raise Conflict.for_field("period", f"the plan already has its sample of {period.label}; a period is drawn once")
    population = plan["population"]
    seed = stats.new_seed()
    stats_read: dict[str, int] = {}
    records = voc.population(dept, [m.label for m in period.months()], population["actionable"],
                             population["categories"] or None, population["channels"] or None, stats_read)
    keep = stats.largest_sample(plan["confidence"], plan["margin"], plan["expected_rate"])
    size, smallest = stats.smallest(seed, records, keep)
    if size == 0:
        raise Conflict.for_field("period", f"no feedback of {period.label} matches the plan's population")
    n = stats.sample_size(size, plan["confidence"], plan["margin"], plan["expected_rate"])
    chosen = smallest[:n]
    sample_id = keys.new_id()
    dal.write_entries(dept, sample_id, [
        {"feedback_id": fid, "rank": f"{rank:064x}", "actionable_at_draw": actionable, "category_at_draw": category}
        for rank, (fid, actionable, category) in chosen])
    sample = {"sample_id": sample_id, "plan_id": plan_id, "department": dept, "period": period.label,
              "population_size": size, "sample_size": n, "seed": seed, "status": "open",
              "population": json.dumps(population, sort_keys=True),
              "confidence": plan["confidence"], "margin": plan["margin"], "expected_rate": plan["expected_rate"],
              "reviewer_role": plan["reviewer_role"], "reviewed": 0, "misclassified": 0}
    entry = next_entry(plan, principal, "sample_drawn", {
        "sample_id": sample_id, "period": period.label, "population_size": size, "sample_size": n, "seed": seed,
        "items_read": stats_read.get("read", 0)})
    dal.commit_draw(plan, sample, entry, principal.subject, now)
    return get_sample(dept, plan_id, sample_id)


def get_sample(dept: str, plan_id: str, sample_id: str) -> Sample:
    plan, sample = load(dept, plan_id, sample_id)
    return present(sample, plan["name"], dal.entries(dept, sample_id))


def list_samples(dept: str, plan_id: str, limit: int, start_key: dict | None) -> tuple[list[Sample], dict | None]:
    plan = load_plan(dept, plan_id)
    items, last = dal.list_samples(dept, plan_id, limit, start_key)
    return [present(item, plan["name"]) for item in items], last


def _verdict_once(dept: str, plan_id: str, sample_id: str, feedback_id: str, body: VerdictPut,
                  principal: Principal) -> Sample | None:
    plan, sample = load(dept, plan_id, sample_id)
    _reviewer(sample, principal, "give its verdicts")
    entry = dal.get_entry(dept, sample_id, feedback_id) if _FEEDBACK_ID.match(feedback_id) else None
    if entry is None:
        raise NotFound("this feedback is not in the sample")
    record = voc.feedback_record(dept, feedback_id)
    category = body.category or (record["category"] if record else entry["category_at_draw"])
    if entry.get("verdict"):
        given = json.loads(entry["verdict"])
        if (given["actionable"], given["category"], given["note"]) == (body.actionable, category, body.note):
            return present(sample, plan["name"])  # the same verdict again
        raise Conflict.for_field("actionable", "this item already has its verdict; a verdict is final")
    if sample["status"] != "open":
        raise Conflict.for_field("status", "the sample is closed")
    now = clock.now()
    misclassified = body.actionable != entry["actionable_at_draw"]
    verdict = {"actionable": body.actionable, "category": category, "note": body.note,
               "misclassified": misclassified, "by": principal.subject, "role": principal.role,
               "at": now.isoformat(timespec="seconds")}
    reclassify = None
    if misclassified and record is not None and (record["actionable"], record["category"]) != (body.actionable, category):
        reason = f"second look: {plan['name']} {sample['period']}"

        def reclassify(tx: Any) -> None:
            voc.add_reclassification(tx, record, body.actionable, category, reason, principal.subject, now)

    history = next_entry(plan, principal, "verdict_given", {
        "sample_id": sample_id, "feedback_id": feedback_id, "actionable": body.actionable, "category": category,
        "misclassified": misclassified, "reclassified": reclassify is not None})
    try:
        dal.commit_verdict(plan, sample, feedback_id, verdict, history, principal.subject, now, reclassify)
    except Conflict:
        return None
    return present(dal.get_sample(dept, plan_id, sample_id), plan["name"])


def give_verdict(dept: str, plan_id: str, sample_id: str, feedback_id: str, body: VerdictPut,
                 principal: Principal) -> Sample:
    for _ in range(ATTEMPTS):
        answer = _verdict_once(dept, plan_id, sample_id, feedback_id, body, principal)
        if answer is not None:
            return answer
    raise Conflict.for_field("version", "the sample keeps changing; try again")


def close(dept: str, plan_id: str, sample_id: str, principal: Principal) -> Sample:
    plan, sample = load(dept, plan_id, sample_id)
    _reviewer(sample, principal, "close its samples")
    if sample["status"] != "open":
        raise Conflict.for_field("status", "the sample is already closed")
    left = int(sample["sample_size"]) - int(sample["reviewed"])
    if left:
        raise Conflict.for_field("items", f"{left} of {int(sample['sample_size'])} items still need a verdict")
    result = stats.estimate(int(sample["misclassified"]), int(sample["reviewed"]), int(sample["population_size"]),
                            sample["confidence"])
    latest = dal.latest(dept)
    newest = latest is None or latest["period"] <= sample["period"] or latest["sample_id"] == sample_id
    entry = next_entry(plan, principal, "sample_closed", {"sample_id": sample_id, "period": sample["period"],
                                                          "result": result})
    dal.commit_close(plan, sample, result, entry, principal.subject, clock.now(), newest)
    return get_sample(dept, plan_id, sample_id)


def queue(principal: Principal, limit: int, start_key: dict | None) -> tuple[list[Sample], dict | None]:
    items, last = dal.queue(principal.role, principal.department if principal.role == "dcxo" else None,
                            limit, start_key)
    names: dict[tuple[str, str], str] = {}
    shown = []
    for item in items:
        key = (item["department"], item["plan_id"])
        if key not in names:
            plan = dal.get_plan(*key)
            names[key] = plan["name"] if plan else ""
        shown.append(present(item, names[key]))
    return shown, last
