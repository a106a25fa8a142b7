"""What one recommendation contributes to the pre-aggregated counters of scope `REC` (see
docs/data-model.md, "Aggregates"). A change adds `delta(before, after)` in the same transaction as
the write, so the counters always equal the sum of every recommendation's contribution."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from chalicelib.core import periods
from chalicelib.audits.lifecycle import CLOSED
from datetime import date

SCOPE = "REC"
MONEY_FIELDS = ("questioned_costs", "unsupported_costs", "funds_put_to_better_use")


def cents(amount: str | None) -> int:
    return int(Decimal(amount or "0") * 100)


def closed_fiscal_year(closed_on: str) -> str:
    return periods.containing(date.fromisoformat(closed_on), "fiscal_year").label.lower()


def contributions(state: Mapping[str, Any] | None) -> dict[str, int]:
    """`state`: status, issued_on, issuer, category, has_decision, target_date, closed_on and the
    money fields (decimal strings). None (not yet existing) contributes nothing."""
    if state is None:
        return {}
    status, issued = state["status"], state["issued_on"]
    counters = {"rec__total": 1, f"rec__status__{status}": 1,
                # The trends' "opened" and "closed" per month (GET /rollup/series).
                f"rec__issued_by_month__{issued[:7]}": 1}
    if status in CLOSED:
        kind = "implemented" if status == "closed_implemented" else "not_implemented"
        counters[f"rec__closed_by_fy__{closed_fiscal_year(state['closed_on'])}__{kind}"] = 1
        counters[f"rec__closed_by_month__{state['closed_on'][:7]}"] = 1
        counters[f"rec__closed_by_issuer__{state['issuer']}"] = 1
        counters[f"rec__closed_by_category__{state['category']}"] = 1
        return counters
    counters["rec__unclosed"] = 1
    counters[f"rec__unclosed_by_issued__{issued}"] = 1
    counters[f"rec__unclosed_by_issuer__{state['issuer']}"] = 1
    counters[f"rec__unclosed_by_category__{state['category']}"] = 1
    if not state.get("has_decision"):
        counters[f"rec__nodecision_by_issued__{issued}"] = 1
    if state.get("target_date"):
        counters[f"rec__unclosed_by_target__{state['target_date']}"] = 1
    for name in MONEY_FIELDS:
        counters[f"rec__money_open__{name}_cents"] = cents(state.get(name))
    return counters


def delta(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, int]:
    old, new = contributions(before), contributions(after)
    changes = {name: new.get(name, 0) - old.get(name, 0) for name in set(old) | set(new)}
    return {name: value for name, value in sorted(changes.items()) if value}
