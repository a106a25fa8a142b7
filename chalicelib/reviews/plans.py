"""Review plans: who reviews which classification of a department's feedback, how often, and at
what confidence and margin. Every change is chained in the plan's history (chain.py)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.db import keys
from chalicelib.org import service as org
from chalicelib.reviews import stats, store as dal
from chalicelib.reviews.chain import next_entry
from chalicelib.reviews.schemas import Plan, PlanCreate, PlanPatch

FIELDS = ("name", "frequency", "confidence", "margin", "expected_rate", "reviewer_role", "active")


def check_id(value: str, what: str) -> str:
    if not keys.is_id(value or ""):
        raise NotFound(f"{what} not found")
    return value


def load(dept: str, plan_id: str) -> dict[str, Any]:
    found = dal.get_plan(dept, check_id(plan_id, "review plan"))
    if found is None:
        raise NotFound("review plan not found")
    found["population"] = json.loads(found["population"])
    return found


def present(plan: dict[str, Any]) -> Plan:
    return Plan(id=plan["plan_id"], department=plan["department"], population=plan["population"],
                largest_sample=stats.largest_sample(plan["confidence"], plan["margin"], plan["expected_rate"]),
                version=int(plan["version"]), created_at=plan["created_at"], updated_at=plan["updated_at"],
                **{name: plan[name] for name in FIELDS})


def _department(dept: str) -> None:
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")


def create_plan(dept: str, body: PlanCreate, principal: Principal, request_key: str) -> Plan:
    _department(dept)
    now = clock.now()
    plan_id = keys.new_id()
    settings = body.model_dump(mode="json")
    values = {**{name: settings[name] for name in FIELDS}, "plan_id": plan_id, "department": dept,
              "population": json.dumps(settings["population"], sort_keys=True),
              "created_at": now, "updated_at": now, "created_by": principal.subject,
              "updated_by": principal.subject}
    entry = next_entry({"plan_id": plan_id, "history_seq": 0, "history_head": None}, principal,
                       "review_plan_created", settings)
    values.update(history_seq=entry["seq"], history_head=entry["hash"])
    return present({**dal.create_plan(values, entry, request_key), "population": settings["population"]})


def get_plan(dept: str, plan_id: str) -> Plan:
    return present(load(dept, plan_id))


def list_plans(dept: str, limit: int, start_key: dict | None) -> tuple[list[Plan], dict | None]:
    _department(dept)
    items, last = dal.list_plans(dept, limit, start_key)
    return [present({**item, "population": json.loads(item["population"])}) for item in items], last


def patch_plan(dept: str, plan_id: str, body: PlanPatch, principal: Principal) -> Plan:
    plan = load(dept, plan_id)
    changes = body.changes()
    if principal.role == "dcxo" and (plan["reviewer_role"] != "dcxo" or changes.get("reviewer_role", "dcxo") != "dcxo"):
        raise Forbidden(f"only the {plan['reviewer_role']} role or the ccxo may change a plan reviewed "
                        "by another role than the dcxo")
    if body.version is not None and body.version != int(plan["version"]):
        raise Conflict.for_field("version", f"the plan is at version {int(plan['version'])}; read it again")
    sets = {name: value for name, value in changes.items() if name in FIELDS and value != plan[name]}
    if "population" in changes and changes["population"] != plan["population"]:
        sets["population"] = json.dumps(changes["population"], sort_keys=True)
    if not sets:
        return present(plan)
    now = clock.now()
    shown = {name: (changes["population"] if name == "population" else value) for name, value in sets.items()}
    entry = next_entry(plan, principal, "review_plan_changed", shown)
    dal.change_plan(plan, sets, entry, principal.subject, now)
    return get_plan(dept, plan_id)
