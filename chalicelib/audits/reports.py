"""Audit reports (org-level): issued by auditors; the ccxo and auditors read all, a dcxo reads a
report only while its department has a recommendation in it, and a report never shows whose
recommendations it holds, so nothing about another department leaks through it."""
from __future__ import annotations

from typing import Any

from chalicelib.audits import store as dal
from chalicelib.audits.common import check_id, today
from chalicelib.audits.schemas import AuditReport, AuditReportCreate
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, NotFound


def _report(item: dict[str, Any]) -> AuditReport:
    return AuditReport(id=item["report_id"], number=item["number"], title=item["title"],
                       issuer=item["issuer"], issued_on=item["issued_on"], category=item["category"],
                       monetary_impact=item["monetary_impact"], created_at=item["created_at"])


def create_report(body: AuditReportCreate, principal: Principal, extend: Any = None) -> AuditReport:
    """`extend(tx, report_id)`: another domain's items written in the report's transaction (an
    assessment's link to it)."""
    if body.issued_on > today():
        raise BadRequest.for_field("issued_on", "must not be in the future")
    return _report(dal.create_report(dal.new_id(), body.model_dump(mode="json"), principal.subject,
                                     extend=extend))


def get_report(report_id: str, principal: Principal) -> AuditReport:
    check_id(report_id, "audit report")
    if not principal.org_wide and not dal.has_report_link(principal.department, report_id):
        raise NotFound("audit report not found")
    item = dal.get_report(report_id)
    if item is None:
        raise NotFound("audit report not found")
    return _report(item)


def list_reports(principal: Principal, limit: int, start_key: dict | None):
    if principal.org_wide:
        items, last = dal.list_reports(limit, start_key)
    else:
        items, last = dal.list_linked_reports(principal.department, limit, start_key)
    return [_report(item) for item in items], last
