"""Recommendations: scoped reads and lists, the management decision, the auditor's resolution,
corrective actions, evidence, lifecycle transitions and the chained history; the CSV export and
the unimplemented-recommendations report."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import cursors
from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

recommendations = lazy("chalicelib.audits.recommendations")
decisions = lazy("chalicelib.audits.decisions")
transitions = lazy("chalicelib.audits.transitions")
actions = lazy("chalicelib.audits.actions")
evidence = lazy("chalicelib.audits.evidence")
history = lazy("chalicelib.audits.history")
exports = lazy("chalicelib.audits.exports")
(ExportQuery, HistoryPage, HistoryVerification, ManagementDecisionPut, Recommendation, RecommendationPage,
 RecommendationQuery, ResolutionCreate, TransitionCreate, UnimplementedQuery, UnimplementedReport) = lazy(
    "chalicelib.audits.recommendations_schemas", "ExportQuery", "HistoryPage", "HistoryVerification",
    "ManagementDecisionPut", "Recommendation", "RecommendationPage", "RecommendationQuery", "ResolutionCreate",
    "TransitionCreate", "UnimplementedQuery", "UnimplementedReport")
(ActionCreate, ActionPatch, ActionQuery, CorrectiveAction, CorrectiveActionPage, Evidence, EvidenceCreate,
 EvidenceCreated, EvidencePage) = lazy(
    "chalicelib.audits.actions_schemas", "ActionCreate", "ActionPatch", "ActionQuery", "CorrectiveAction",
    "CorrectiveActionPage", "Evidence", "EvidenceCreate", "EvidenceCreated", "EvidencePage")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")

bp = Blueprint(__name__)
TAG = "recommendations"
REC = "/departments/{dept}/recommendations/{rec_id}"
ACTION = REC + "/actions/{action_id}"


def _ids(call: Call) -> tuple[str, str]:
    return call.path["dept"], call.path["rec_id"]


@api_route(bp, "/recommendations", "GET", summary="List recommendations in scope", tag=TAG,
           roles=ANY_ROLE, query=RecommendationQuery, response=RecommendationPage)
def list_recommendations(call: Call) -> RecommendationPage:
    """Org-wide for the ccxo and auditors, the own department for a dcxo; filters `department,
    status, overdue, issuer, report_id`. A filtered page may hold fewer than `limit` items."""
    q = call.query
    binding = (f"{call.principal.scope_key}|recommendations|{q.department}|{q.status}|{q.overdue}|"
               f"{q.issuer}|{q.report_id}")
    items, last = recommendations.list_recommendations(call.principal, q, cursors.decode(q.cursor, binding))
    return RecommendationPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, REC, "GET", summary="Read a recommendation", tag=TAG, roles=ANY_ROLE,
           response=Recommendation)
def get_recommendation(call: Call) -> Recommendation:
    """With `status`, `resolution`, the three `overdue` clocks and `age_days` as of now."""
    return recommendations.get_recommendation(*_ids(call), call.principal)


@api_route(bp, REC + "/management-decision", "PUT", summary="Record the management decision", tag=TAG,
           roles=("dcxo",), body=ManagementDecisionPut, response=Recommendation)
def put_management_decision(call: Call) -> Recommendation:
    """agree / partially_agree (with action plan, responsible officials and target date) or
    disagree. A changed target date keeps the original and every change."""
    return decisions.put_management_decision(*_ids(call), call.body, call.principal)


@api_route(bp, REC + "/resolution", "POST", summary="Evaluate the management decision", tag=TAG,
           roles=("auditor",), body=ResolutionCreate, response=Recommendation, idempotent=True)
def create_resolution(call: Call) -> Recommendation:
    return decisions.create_resolution(*_ids(call), call.body, call.principal)


@api_route(bp, REC + "/transitions", "POST", summary="Move a recommendation in its lifecycle", tag=TAG,
           roles=("dcxo", "auditor"), body=TransitionCreate, response=Recommendation, idempotent=True)
def create_transition(call: Call) -> Recommendation:
    """A refused transition is a 409 whose `details` list the allowed targets."""
    return transitions.transition(*_ids(call), call.body, call.principal)


@api_route(bp, REC + "/actions", "POST", summary="Add a corrective action", tag=TAG, roles=("dcxo",),
           body=ActionCreate, response=CorrectiveAction, status=201, idempotent=True)
def create_action(call: Call) -> CorrectiveAction:
    return actions.create_action(*_ids(call), call.body, call.principal)


@api_route(bp, REC + "/actions", "GET", summary="List a recommendation's corrective actions", tag=TAG,
           roles=ANY_ROLE, query=ActionQuery, response=CorrectiveActionPage)
def list_actions(call: Call) -> CorrectiveActionPage:
    """In creation order, each with `overdue` as of today; filter `status`. A filtered page may
    hold fewer than `limit` items."""
    dept, rec_id = _ids(call)
    q = call.query
    binding = f"{call.principal.scope_key}|actions|{dept}|{rec_id}|{q.status}"
    items, last = actions.list_actions(dept, rec_id, q.status, q.limit, cursors.decode(q.cursor, binding))
    return CorrectiveActionPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, ACTION, "GET", summary="Read a corrective action", tag=TAG, roles=ANY_ROLE,
           response=CorrectiveAction)
def get_action(call: Call) -> CorrectiveAction:
    return actions.get_action(*_ids(call), call.path["action_id"])


@api_route(bp, ACTION + "/evidence", "GET", summary="List a corrective action's evidence", tag=TAG,
           roles=ANY_ROLE, query=PageQuery, response=EvidencePage)
def list_evidence(call: Call) -> EvidencePage:
    """Files and links in creation order; a file is `confirmed` once the stored object's SHA-256
    equals the declared one (checked here for files not yet confirmed)."""
    dept, rec_id = _ids(call)
    action_id = call.path["action_id"]
    binding = f"{call.principal.scope_key}|evidence|{dept}|{rec_id}|{action_id}"
    items, last = evidence.list_evidence(dept, rec_id, action_id, call.query.limit,
                                         cursors.decode(call.query.cursor, binding))
    return EvidencePage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, ACTION, "PATCH", summary="Change a corrective action", tag=TAG, roles=("dcxo",),
           body=ActionPatch, response=CorrectiveAction)
def patch_action(call: Call) -> CorrectiveAction:
    """`progress_note` is appended to the action's notes, never replacing one."""
    return actions.patch_action(*_ids(call), call.path["action_id"], call.body, call.principal)


@api_route(bp, ACTION + "/evidence", "POST", summary="Add evidence (file upload or link)", tag=TAG,
           roles=("dcxo",), body=EvidenceCreate, response=EvidenceCreated, status=201, idempotent=True)
def create_evidence(call: Call) -> EvidenceCreated:
    """A file answers a presigned S3 PUT and the headers to send with it (the SHA-256 among them);
    a link answers its id."""
    return evidence.create_evidence(*_ids(call), call.path["action_id"], call.body, call.principal)


@api_route(bp, ACTION + "/evidence/{evidence_id}", "GET", summary="Read evidence", tag=TAG,
           roles=ANY_ROLE, response=Evidence)
def get_evidence(call: Call) -> Evidence:
    """A file is `confirmed` once the stored object's SHA-256 equals the declared one."""
    return evidence.get_evidence(*_ids(call), call.path["action_id"], call.path["evidence_id"])


@api_route(bp, REC + "/history", "GET", summary="Read the history of a recommendation", tag=TAG,
           roles=ANY_ROLE, query=PageQuery, response=HistoryPage)
def list_history(call: Call) -> HistoryPage:
    dept, rec_id = _ids(call)
    binding = f"{call.principal.scope_key}|history|{dept}|{rec_id}"
    items, last = history.history_page(dept, rec_id, call.query.limit,
                                     cursors.decode(call.query.cursor, binding))
    return HistoryPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, REC + "/history/verify", "GET", summary="Verify the history's hash chain", tag=TAG,
           roles=ANY_ROLE, response=HistoryVerification)
def verify_history(call: Call) -> HistoryVerification:
    return history.verify_history(*_ids(call))


@api_route(bp, "/exports/recommendations.csv", "GET", summary="Export recommendations as CSV",
           tag=TAG, roles=ANY_ROLE, query=ExportQuery, response_media_type="text/csv",
           response_example=lambda: (",".join(exports.CSV_COLUMNS) + "\r\n1a230ef83e4fa52ac8627,1a230ef83d8ec0d7136d2,"
                                     "MS-AR-17-006,corp-comms,1,open,oig,operations_management,2017-05-08,3494,"
                                     "false,true,true,partially_agree,true,2017-09-30,2017-09-30,true,high,true,"
                                     "0.00,0.00,0.00,,Develop strategies to address resources and staffing "
                                     "shortfalls\r\n"))
def export_recommendations(call: Call) -> Response:
    """The list's filters; a dcxo exports its own department. Cells that a spreadsheet would run
    as a formula are prefixed with a quote."""
    return Response(body=exports.export_csv(call.principal, call.query), status_code=200,
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": 'attachment; filename="recommendations.csv"'})


@api_route(bp, "/reports/unimplemented", "GET", summary="Recommendations unimplemented for a year",
           tag=TAG, roles=("ccxo", "auditor"), query=UnimplementedQuery, response=UnimplementedReport)
def unimplemented_report(call: Call) -> UnimplementedReport:
    """Open (or closed only later) on `as_of`, from reports issued a year or more before it, with
    their money: the list the IG Act's semi-annual report needs."""
    return exports.unimplemented(call.query.as_of)
