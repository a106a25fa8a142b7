"""Audit reports (org-level): auditors issue them and their recommendations; everyone reads in scope
(a dcxo only the reports in which its department has recommendations)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

reports = lazy("chalicelib.audits.reports")
recommendations = lazy("chalicelib.audits.recommendations")
AuditReport, AuditReportCreate, AuditReportPage = lazy(
    "chalicelib.audits.schemas", "AuditReport", "AuditReportCreate", "AuditReportPage")
Recommendation, RecommendationCreate = lazy(
    "chalicelib.audits.recommendations_schemas", "Recommendation", "RecommendationCreate")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")

bp = Blueprint(__name__)
TAG = "audit-reports"


@api_route(bp, "/audit-reports", "POST", summary="Issue an audit report", tag=TAG, roles=("auditor",),
           body=AuditReportCreate, response=AuditReport, status=201, idempotent=True)
def create_audit_report(call: Call) -> AuditReport:
    """`number` is unique across the organisation (a second MS-AR-17-006 is a 409)."""
    return reports.create_report(call.body, call.principal)


@api_route(bp, "/audit-reports", "GET", summary="List audit reports in scope", tag=TAG, roles=ANY_ROLE,
           query=PageQuery, response=AuditReportPage)
def list_audit_reports(call: Call) -> AuditReportPage:
    """The ccxo and auditors see every report; a dcxo those holding its department's recommendations."""
    binding = f"{call.principal.scope_key}|audit-reports"
    items, last = reports.list_reports(call.principal, call.query.limit,
                                     cursors.decode(call.query.cursor, binding))
    return AuditReportPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, "/audit-reports/{report_id}", "GET", summary="Read an audit report", tag=TAG,
           roles=ANY_ROLE, response=AuditReport)
def get_audit_report(call: Call) -> AuditReport:
    return reports.get_report(call.path["report_id"], call.principal)


@api_route(bp, "/audit-reports/{report_id}/recommendations", "POST", summary="Issue a recommendation",
           tag=TAG, roles=("auditor",), body=RecommendationCreate, response=Recommendation, status=201,
           idempotent=True)
def create_recommendation(call: Call) -> Recommendation:
    """Assigned to one department and stored under that department's partition; `number` is
    unique within the report; `unsupported_costs` is part of `questioned_costs`."""
    return recommendations.create_recommendation(call.path["report_id"], call.body, call.principal)
