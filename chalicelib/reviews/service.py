"""What other domains read of the second look (never its store):
- kpis: the closed samples' counts (the derived KPI `classification_accuracy`);
- reporting: each department's latest closed rate with its interval (rollup, dashboard);
- reminders: the open samples awaiting a role's verdicts (the digests)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.reviews import chain, plans, store


def closed_samples(dept: str) -> list[dict[str, Any]]:
    """{period, plan_id, reviewed, misclassified} of every closed sample of the department."""
    return [{"period": s["period"], "plan_id": s["plan_id"], "reviewed": int(s["reviewed"]),
             "misclassified": int(s["misclassified"])} for s in store.closed_samples(dept)]


def _latest(item: dict[str, Any]) -> dict[str, Any]:
    result = json.loads(item["result"])
    return {"plan_id": item["plan_id"], "plan_name": item["plan_name"], "sample_id": item["sample_id"],
            "period": item["period"], "closed_at": item["closed_at"], "rate": result["rate"],
            "interval": result["interval"], "reviewed": result["reviewed"],
            "misclassified": result["misclassified"]}


def latest_closed(dept: str) -> dict[str, Any] | None:
    """The department's latest closed sample (latest period): rate and Wilson interval."""
    found = store.latest(dept)
    return _latest(found) if found else None


def latest_closed_for_all() -> dict[str, dict[str, Any]]:
    """dept -> its latest closed sample, for every department that has one (one Query)."""
    return {dept: _latest(item) for dept, item in store.latest_for_all().items()}


def awaiting(role: str, dept: str | None) -> list[dict[str, Any]]:
    """Open samples awaiting `role`'s verdicts (of one department, or all), oldest period first:
    {department, plan_id, sample_id, period, sample_size, remaining}."""
    found, start = [], None
    while True:
        items, start = store.queue(role, dept, 200, start)
        found += [{"department": s["department"], "plan_id": s["plan_id"], "sample_id": s["sample_id"],
                   "period": s["period"], "sample_size": int(s["sample_size"]),
                   "remaining": int(s["sample_size"]) - int(s["reviewed"])} for s in items]
        if not start or len(found) >= 1000:
            return found


def chained_history(dept: str, plan_id: str) -> tuple[str, list[dict[str, Any]]]:
    """(the chain's id, every entry of an existing plan's chain, exactly the hashed fields plus
    `hash`): the ledger's bundle. 404 for a plan that does not exist."""
    plans.load(dept, plan_id)
    return chain.chain_id(plan_id), [chain.entry_of(item) for item in store.history_all(dept, plan_id)]
