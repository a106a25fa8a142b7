"""Reports over recommendations: the CSV export (the list's filters and scope) and the
recommendations unimplemented for a year, with their money (the IG Act's semi-annual list)."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.audits import counters as rec_counters
from chalicelib.audits import overdue
from chalicelib.audits import store as dal
from chalicelib.audits.common import today
from chalicelib.audits.recommendations import scope_department, view
from chalicelib.audits.recommendations_schemas import UnimplementedItem, UnimplementedReport
from chalicelib.core.auth import Principal

EXPORT_MAX_ROWS = 10_000
CSV_COLUMNS = ("id", "report_id", "report_number", "department", "number", "status", "issuer",
               "category", "issued_on", "age_days", "overdue_decision", "overdue_final_action",
               "overdue_target_date", "decision", "resolved", "target_date", "original_target_date",
               "requires_concurrence", "priority", "significant", "questioned_costs",
               "unsupported_costs", "funds_put_to_better_use", "closed_on", "text")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def export_csv(principal: Principal, query: Any) -> str:
    dept = scope_department(principal, query.department)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    start, rows = None, 0
    while rows < EXPORT_MAX_ROWS:
        items, start = dal.query_recommendations(
            dept, status=query.status, issuer=query.issuer, report_id=query.report_id,
            overdue=query.overdue, today=today().isoformat(), limit=200, start_key=start)
        for item in items[:EXPORT_MAX_ROWS - rows]:
            rec = view(item, principal)
            writer.writerow([_cell(v) for v in (
                rec.id, rec.report_id, rec.report_number, rec.department, rec.number, rec.status,
                rec.issuer, rec.category, rec.issued_on, rec.age_days, rec.overdue.decision,
                rec.overdue.final_action, rec.overdue.target_date, rec.resolution.decision,
                rec.resolution.resolved, rec.resolution.target_date,
                rec.resolution.original_target_date, rec.requires_concurrence, rec.priority,
                rec.significant, rec.questioned_costs, rec.unsupported_costs,
                rec.funds_put_to_better_use, rec.closed_on, rec.text)])
            rows += 1
        if not start:
            break
    return buffer.getvalue()


def unimplemented(as_of: date) -> UnimplementedReport:
    """Recommendations whose report was issued a year or more before `as_of` and that were not
    closed on that date (still open, or closed only after it), with their money."""
    cutoff = overdue.add_months(as_of, -12)
    items = [item for item in dal.recommendations_issued_until(cutoff.isoformat(), as_of.isoformat())]
    totals = {name: sum((Decimal(item[name]) for item in items), Decimal("0"))
              for name in rec_counters.MONEY_FIELDS}
    listed = [UnimplementedItem(
        id=item["rec_id"], report_id=item["report_id"], report_number=item["report_number"],
        department=item["department"], number=int(item["number"]), status=item["status"],
        issued_on=item["issued_on"], age_days=overdue.age_days(date.fromisoformat(item["issued_on"]), as_of),
        **{name: item[name] for name in rec_counters.MONEY_FIELDS}) for item in items]
    return UnimplementedReport(as_of=as_of, count=len(listed),
                               totals={name: f"{value:.2f}" for name, value in totals.items()},
                               items=listed)
