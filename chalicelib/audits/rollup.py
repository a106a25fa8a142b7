"""The recommendation figures of a rollup, derived at read time from one department's `REC`
counters (see docs/data-model.md): date-keyed counters are summed against today's date, so aging
and the overdue clocks move with the clock without any record being read."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Mapping

from chalicelib.core import periods
from chalicelib.audits import overdue
from chalicelib.audits.counters import MONEY_FIELDS

CENT = Decimal("0.01")
BUCKETS = ("0-90", "91-180", "181-365", ">365")


def _dated(counters: Mapping[str, float], prefix: str) -> list[tuple[date, int]]:
    found = []
    for name, value in counters.items():
        if name.startswith(prefix) and value:
            found.append((date.fromisoformat(name[len(prefix):]), int(value)))
    return found


def _grouped(counters: Mapping[str, float], prefix: str) -> dict[str, int]:
    return {name[len(prefix):]: int(value) for name, value in counters.items()
            if name.startswith(prefix) and value}


def recommendation_figures(counters: Mapping[str, float], today: date) -> dict:
    unclosed_by_issued = _dated(counters, "rec__unclosed_by_issued__")
    aging = dict.fromkeys(BUCKETS, 0)
    for issued, count in unclosed_by_issued:
        aging[overdue.aging_bucket(overdue.age_days(issued, today))] += count
    fiscal_year = periods.containing(today, "fiscal_year").label.lower()
    closed_this_fy = sum(int(v) for n, v in counters.items()
                         if n.startswith(f"rec__closed_by_fy__{fiscal_year}__"))
    by_issuer: dict[str, dict[str, int]] = defaultdict(lambda: {"open": 0, "closed": 0})
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: {"open": 0, "closed": 0})
    for group, prefix, state in ((by_issuer, "rec__unclosed_by_issuer__", "open"),
                                 (by_issuer, "rec__closed_by_issuer__", "closed"),
                                 (by_category, "rec__unclosed_by_category__", "open"),
                                 (by_category, "rec__closed_by_category__", "closed")):
        for key, count in _grouped(counters, prefix).items():
            group[key][state] += count
    return {
        "open": int(counters.get("rec__unclosed", 0)),
        "overdue": {
            "decision": sum(c for d, c in _dated(counters, "rec__nodecision_by_issued__")
                            if today > overdue.decision_due(d)),
            "final_action": sum(c for d, c in unclosed_by_issued if today > overdue.final_action_due(d)),
            "target_date": sum(c for d, c in _dated(counters, "rec__unclosed_by_target__") if today > d),
        },
        "closure_requested": int(counters.get("rec__status__closure_requested", 0)),
        "closed_this_fy": closed_this_fy,
        "aging": aging,
        "by_issuer": dict(sorted(by_issuer.items())),
        "by_category": dict(sorted(by_category.items())),
        "money_open": {field: str((Decimal(int(counters.get(f"rec__money_open__{field}_cents", 0))) / 100).quantize(CENT))
                       for field in MONEY_FIELDS},
    }
