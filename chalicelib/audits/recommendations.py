"""Recommendations: issuing one (with its first history entry), and reading them in scope, each
with its resolution, its three overdue clocks, its due dates and the transitions the caller's role
may make. A dcxo reads its own department's; the ccxo and auditors read all."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from chalicelib.audits import counters as rec_counters
from chalicelib.audits import due_index, lifecycle, overdue
from chalicelib.audits import store as dal
from chalicelib.audits.changes import counter_state, history_entry, stored_entry
from chalicelib.audits.common import as_json, check_id, today
from chalicelib.audits.recommendations_schemas import Recommendation, RecommendationCreate
from chalicelib.core import hashchain
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Forbidden, NotFound


def decision_of(item: dict[str, Any]) -> dict[str, Any] | None:
    return json.loads(item["decision"]) if item.get("decision") else None


def clocks_of(item: dict[str, Any], on: date) -> overdue.Overdue:
    return overdue.clocks(status=item["status"], issued_on=date.fromisoformat(item["issued_on"]),
                          has_decision=bool(item.get("decision")),
                          target_date=date.fromisoformat(item["target_date"]) if item.get("target_date") else None,
                          on=on)


def _due_dates(item: dict[str, Any]) -> dict[str, Any]:
    """The dates each overdue clock runs to, and the next one still ahead of an unclosed one."""
    issued = date.fromisoformat(item["issued_on"])
    dates = {"decision": None if item.get("decision") else overdue.decision_due(issued),
             "final_action": overdue.final_action_due(issued),
             "target_date": date.fromisoformat(item["target_date"]) if item.get("target_date") else None}
    day = today()
    ahead = [d for d in dates.values() if d is not None and d >= day]
    closed = item["status"] in lifecycle.CLOSED
    return {**dates, "next": None if closed or not ahead else min(ahead)}


def view(item: dict[str, Any], principal: Principal | None) -> Recommendation:
    """A stored recommendation as read, as of today."""
    day = today()
    decision = decision_of(item) or {}
    resolution = json.loads(item["resolution"]) if item.get("resolution") else {}
    clocks = clocks_of(item, day)
    allowed = (lifecycle.allowed(item["status"], principal.role, item["requires_concurrence"])
               if principal else [])
    return Recommendation(
        id=item["rec_id"], report_id=item["report_id"], report_number=item["report_number"],
        department=item["department"], number=int(item["number"]), text=item["text"],
        finding=json.loads(item["finding"]), priority=item["priority"],
        significant=item["significant"], requires_concurrence=item["requires_concurrence"],
        questioned_costs=item["questioned_costs"], unsupported_costs=item["unsupported_costs"],
        funds_put_to_better_use=item["funds_put_to_better_use"], issuer=item["issuer"],
        category=item["category"], issued_on=item["issued_on"], status=item["status"],
        resolution={
            "decision": decision.get("decision"), "resolved": resolution.get("resolved"),
            "target_date": item.get("target_date"),
            "original_target_date": item.get("original_target_date"),
            "target_date_changes": json.loads(item["target_date_changes"]) if item.get("target_date_changes") else [],
            "action_plan": decision.get("action_plan"),
            "responsible_officials": decision.get("responsible_officials") or [],
            "comments": decision.get("comments"), "decided_at": decision.get("decided_at"),
            "agreed_amount": decision.get("agreed_amount"),
            "disagreed_amount": decision.get("disagreed_amount"),
            "auditor_comments": resolution.get("comments"), "evaluated_at": resolution.get("at"),
        },
        overdue={"decision": clocks.decision, "final_action": clocks.final_action,
                 "target_date": clocks.target_date},
        age_days=overdue.age_days(date.fromisoformat(item["issued_on"]), day),
        due=_due_dates(item),
        closed_on=item.get("closed_on"), allowed_transitions=allowed,
        source=json.loads(item["source"]) if item.get("source") else None, version=int(item["version"]),
        created_at=item["created_at"], updated_at=item["updated_at"])


def load(dept: str, rec_id: str) -> dict[str, Any]:
    """The stored recommendation, or a 404 (also for anything that is not one of our ids)."""
    check_id(rec_id, "recommendation")
    item = dal.get_recommendation(dept, rec_id)
    if item is None:
        raise NotFound("recommendation not found")
    return item


def get_recommendation(dept: str, rec_id: str, principal: Principal) -> Recommendation:
    return view(load(dept, rec_id), principal)


def scope_department(principal: Principal, department: str | None) -> str | None:
    """The department a request reads: any (or all) for the org-wide roles, a dcxo's own."""
    if principal.org_wide:
        return department
    if department is not None and department != principal.department:
        raise Forbidden("this department is outside your scope")
    return principal.department


def list_recommendations(principal: Principal, query: Any, start_key: dict | None):
    items, last = dal.query_recommendations(
        scope_department(principal, query.department), status=query.status, issuer=query.issuer,
        report_id=query.report_id, overdue=query.overdue, today=today().isoformat(),
        limit=query.limit, start_key=start_key)
    return [view(item, principal) for item in items], last


def create_recommendation(report_id: str, body: RecommendationCreate, principal: Principal,
                          source: dict[str, Any] | None = None, extend: Any = None) -> Recommendation:
    """`source`: the assessment gap it is raised from (kept on it); `extend(tx, rec_id)`: another
    domain's items written in the same transaction (the assessment's link back and history entry)."""
    check_id(report_id, "audit report")
    report = dal.get_report(report_id)
    if report is None:
        raise NotFound("audit report not found")
    issued = date.fromisoformat(report["issued_on"])
    data = body.model_dump(mode="json")
    rec_id = dal.new_id()
    item = {
        "rec_id": rec_id, "report_id": report_id, "report_number": report["number"],
        "department": body.department, "number": body.number, "text": body.text,
        "finding": as_json(data["finding"]), "priority": body.priority,
        "significant": body.significant, "requires_concurrence": body.requires_concurrence,
        **{name: data[name] for name in rec_counters.MONEY_FIELDS},
        "issuer": report["issuer"], "category": report["category"], "issued_on": report["issued_on"],
        "decision_due": overdue.decision_due(issued).isoformat(),
        "final_action_due": overdue.final_action_due(issued).isoformat(),
        "status": "open", "history_seq": 1,
    }
    if source is not None:
        item["source"] = as_json(source)
    entry = history_entry(item, principal, "created",
                          {"report_id": report_id, **data, "status": "open",
                           **({"source": source} if source is not None else {})},
                          seq=1, prev_hash=hashchain.GENESIS)
    item["history_head"] = entry["hash"]
    stored = dal.create_recommendation(body.department, item, stored_entry(entry),
                                       rec_counters.delta(None, counter_state(item)), principal.subject,
                                       due_entries=list(due_index.rec_entries(item).values()), extend=extend)
    return view(stored, principal)
