"""Assessments: framework libraries (built in, or published by the ccxo), a department's
assessments against them (answers, lifecycle, score, history), their gaps raised as recommendations,
and the org summary of each department's latest approved assessment."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.core.lazy import lazy
from chalicelib.http.routing import ANY_ROLE, Call, api_route

frameworks = lazy("chalicelib.assessments.frameworks")
logic = lazy("chalicelib.assessments.service")
findings = lazy("chalicelib.assessments.findings")
evidence = lazy("chalicelib.assessments.evidence")
AssessmentEvidenceCreate, AssessmentEvidenceCreated, AssessmentEvidencePage = lazy(
    "chalicelib.assessments.evidence_schemas", "AssessmentEvidenceCreate", "AssessmentEvidenceCreated",
    "AssessmentEvidencePage")
Framework, FrameworkCreate, FrameworkPage, FrameworkVersionQuery = lazy(
    "chalicelib.assessments.framework_schemas", "Framework", "FrameworkCreate", "FrameworkPage",
    "FrameworkVersionQuery")
(AnswerPut, Assessment, AssessmentCreate, AssessmentOrgSummary, AssessmentPage, AssessmentQuery,
 FindingsCreate, FindingsCreated, AssessmentHistoryPage, SummaryQuery, TransitionCreate) = lazy(
    "chalicelib.assessments.schemas", "AnswerPut", "Assessment", "AssessmentCreate",
    "AssessmentOrgSummary", "AssessmentPage", "AssessmentQuery", "FindingsCreate", "FindingsCreated",
    "AssessmentHistoryPage", "SummaryQuery", "TransitionCreate")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")

bp = Blueprint(__name__)
TAG = "assessments"
EVERYONE = ("dcxo", "ccxo", "auditor")
DECIDERS = ("ccxo", "auditor")
ONE = "/departments/{dept}/assessments/{assessment_id}"


@api_route(bp, "/frameworks", "GET", summary="List assessment frameworks", tag=TAG, roles=ANY_ROLE,
           query=PageQuery, response=FrameworkPage)
def list_frameworks(call: Call) -> FrameworkPage:
    """The built-in frameworks (first page) and every version the ccxo published."""
    binding = f"{call.principal.scope_key}|frameworks"
    items, last = frameworks.list_frameworks(call.query.limit, cursors.decode(call.query.cursor, binding))
    return FrameworkPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, "/frameworks/{framework_id}", "GET", summary="Read a framework and its requirements",
           tag=TAG, roles=ANY_ROLE, query=FrameworkVersionQuery, response=Framework)
def get_framework(call: Call) -> Framework:
    """`version` picks a version (default: the newest published)."""
    return frameworks.get_framework(call.path["framework_id"], call.query.version)


@api_route(bp, "/frameworks", "POST", summary="Publish a framework library", tag=TAG, roles=("ccxo",),
           body=FrameworkCreate, response=Framework, status=201, idempotent=True)
def publish_framework(call: Call) -> Framework:
    """A JSON library, validated: a bad one is a 400 whose details name each path in the document
    (`requirements.3.category`). A version not yet used by an assessment may be published again
    (replaced); once used it is immutable (409) and a change is a new version."""
    return frameworks.publish(call.body, call.principal)


@api_route(bp, "/departments/{dept}/assessments", "POST", summary="Start an assessment", tag=TAG,
           roles=EVERYONE, body=AssessmentCreate, response=Assessment, status=201, idempotent=True)
def create_assessment(call: Call) -> Assessment:
    """A draft against a framework version (default the newest); `copy_from` starts it from an
    earlier assessment's answers (re-assessment)."""
    return logic.create_assessment(call.path["dept"], call.body, call.principal, call.request_key)


@api_route(bp, "/departments/{dept}/assessments", "GET", summary="List a department's assessments",
           tag=TAG, roles=EVERYONE, query=AssessmentQuery, response=AssessmentPage)
def list_assessments(call: Call) -> AssessmentPage:
    dept, query = call.path["dept"], call.query
    binding = f"{call.principal.scope_key}|assessments|{dept}|{query.framework_id or ''}|{query.status or ''}"
    items, last = logic.list_assessments(dept, query, call.principal, cursors.decode(query.cursor, binding))
    return AssessmentPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, ONE, "GET", summary="Read an assessment with its requirements and score", tag=TAG,
           roles=EVERYONE, response=Assessment)
def get_assessment(call: Call) -> Assessment:
    """Each requirement with its answer, the department's latest measurement of its KPI codes and
    the recommendation raised from it, if any."""
    return logic.get_assessment(call.path["dept"], call.path["assessment_id"], call.principal)


@api_route(bp, ONE + "/requirements/{ref}", "PUT", summary="Answer a requirement", tag=TAG,
           roles=EVERYONE, body=AnswerPut, response=Assessment)
def put_answer(call: Call) -> Assessment:
    """Only while the assessment is a draft; the score is recomputed in the same transaction."""
    return logic.put_answer(call.path["dept"], call.path["assessment_id"], call.path["ref"], call.body,
                            call.principal)


@api_route(bp, ONE + "/transitions", "POST", summary="Submit, approve or return an assessment", tag=TAG,
           roles=EVERYONE, body=TransitionCreate, response=Assessment)
def transition(call: Call) -> Assessment:
    """draft → submitted (dcxo); submitted → approved, or back to draft with a reason (auditor or
    ccxo, never the person who submitted it); approved is final. Anything else is a 409 naming the
    allowed targets."""
    return logic.transition(call.path["dept"], call.path["assessment_id"], call.body, call.principal)


@api_route(bp, ONE + "/evidence", "POST", summary="Upload an evidence file", tag=TAG, roles=EVERYONE,
           body=AssessmentEvidenceCreate, response=AssessmentEvidenceCreated, status=201, idempotent=True)
def create_assessment_evidence(call: Call) -> AssessmentEvidenceCreated:
    """While a draft: answers a presigned S3 PUT (the audits' evidence upload) whose signed headers
    carry the declared SHA-256; answers then cite the file's id in `evidence_ids`."""
    return evidence.create_evidence(call.path["dept"], call.path["assessment_id"], call.body, call.principal)


@api_route(bp, ONE + "/evidence", "GET", summary="An assessment's evidence files", tag=TAG, roles=EVERYONE,
           response=AssessmentEvidencePage)
def list_assessment_evidence(call: Call) -> AssessmentEvidencePage:
    """Each file with `confirmed` (its stored bytes hash to the declared SHA-256)."""
    return AssessmentEvidencePage(items=evidence.list_evidence(call.path["dept"], call.path["assessment_id"]))


@api_route(bp, ONE + "/history", "GET", summary="An assessment's chained history", tag=TAG,
           roles=EVERYONE, query=PageQuery, response=AssessmentHistoryPage)
def history(call: Call) -> AssessmentHistoryPage:
    """Every change, each entry chained to the previous by SHA-256 (as a recommendation's), and
    whether the chain verifies against the assessment's head."""
    dept, assessment_id = call.path["dept"], call.path["assessment_id"]
    binding = f"{call.principal.scope_key}|assessment-history|{dept}|{assessment_id}"
    items, last, valid = logic.history(dept, assessment_id, call.query.limit,
                                       cursors.decode(call.query.cursor, binding))
    return AssessmentHistoryPage(items=items, valid=valid, next_cursor=cursors.encode(last, binding))


@api_route(bp, ONE + "/findings", "POST", summary="Raise gaps as recommendations", tag=TAG,
           roles=DECIDERS, body=FindingsCreate, response=FindingsCreated, status=201, idempotent=True)
def raise_findings(call: Call) -> FindingsCreated:
    """From a submitted or approved assessment: one internal audit report for the assessment and one
    recommendation per requirement named (answered non_compliant or partially_compliant), each
    linked both ways; they follow the recommendation lifecycle."""
    return findings.raise_findings(call.path["dept"], call.path["assessment_id"], call.body, call.principal)


@api_route(bp, "/assessments/summary", "GET", summary="Each department's latest approved assessment, ranked",
           tag=TAG, roles=DECIDERS, query=SummaryQuery, response=AssessmentOrgSummary, errors=(404,))
def org_summary(call: Call) -> AssessmentOrgSummary:
    """Ranked by compliance share, then maturity mean; a framework that does not exist is a 404."""
    return logic.org_summary(call.query.framework_id)
