"""Which departments need the CCXO's attention, and in what order: with hundreds of departments the
overview shows these first. A department needs attention when a recommendation is overdue on any
clock, a KPI missed its target in its latest period, or feedback is overdue unanswered."""
from __future__ import annotations

from typing import Any, Mapping


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def of(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The `Attention` figures of one department (a plain dict: the rollup builds a thousand rows
    and validates only the page it answers)."""
    rec, kpis, voc = figures["recommendations"], figures["kpis"], figures["voc"]
    overdue = rec["overdue"]
    reasons = []
    if overdue["decision"]:
        reasons.append(_plural(overdue["decision"], "recommendation without a management decision after 6 months",
                               "recommendations without a management decision after 6 months"))
    if overdue["final_action"]:
        reasons.append(_plural(overdue["final_action"], "recommendation without final action after 12 months",
                               "recommendations without final action after 12 months"))
    if overdue["target_date"]:
        reasons.append(_plural(overdue["target_date"], "recommendation past its target date",
                               "recommendations past their target date"))
    if kpis["missed"]:
        reasons.append(_plural(kpis["missed"], "KPI missed its target", "KPIs missed their target"))
    if voc["overdue_unanswered"]:
        reasons.append(_plural(voc["overdue_unanswered"], "feedback item overdue unanswered",
                               "feedback items overdue unanswered"))
    return {"needs_attention": bool(reasons), "reasons": reasons,
            "overdue_recommendations": overdue["decision"] + overdue["final_action"] + overdue["target_date"]}


def order(row: Mapping[str, Any]) -> tuple:
    """Most reasons first, then the most overdue recommendations, KPIs missed, overdue feedback, the
    lowest share answered within target (no data last), and the department id."""
    a, voc = row["attention"], row["voc"]
    share = voc["within_target_share"]
    return (-len(a["reasons"]), -a["overdue_recommendations"], -row["kpis"]["missed"], -voc["overdue_unanswered"],
            share is None, share if share is not None else 0.0, row["department"])
