"""Voice of the customer: feedback records, imports, responses, reclassifications and the summary."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.http.routing import Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.voc.feedback")
ingest = lazy("chalicelib.voc.ingest")
voc_summary = lazy("chalicelib.voc.summary")
(ClassificationCreate, Feedback, FeedbackCreate, FeedbackPage, FeedbackQuery, ResponseCreate) = lazy(
    "chalicelib.voc.schemas", "ClassificationCreate", "Feedback", "FeedbackCreate", "FeedbackPage",
    "FeedbackQuery", "ResponseCreate")
SummaryQuery, VocSummary = lazy("chalicelib.voc.summary_schemas", "SummaryQuery", "VocSummary")
FeedbackImportDoc, ImportQuery, ImportResult = lazy(
    "chalicelib.voc.ingest_schemas", "FeedbackImportDoc", "ImportQuery", "ImportResult")

bp = Blueprint(__name__)
TAG = "feedback"
READERS = ("dcxo", "ccxo", "auditor")
IMPORT_MAX_BYTES = 6_000_000  # Lambda's synchronous payload limit


def _import_rows(raw: bytes, content_type: str | None) -> dict:
    return {"rows": ingest.parse_import(raw, content_type)}


@api_route(bp, "/departments/{dept}/feedback", "POST", summary="Record one piece of feedback", tag=TAG,
           roles=("dcxo",), body=FeedbackCreate, response=Feedback, status=201, idempotent=True)
def create_feedback(call: Call) -> Feedback:
    """Personal data in `comment` is redacted before it is stored; a `source_system` + `source_id`
    already recorded is a 409 naming the id it was recorded as."""
    return logic.create_feedback(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/feedback/imports", "POST", summary="Import feedback in bulk", tag=TAG,
           roles=("dcxo",), body=FeedbackImportDoc, body_parser=_import_rows, query=ImportQuery,
           response=ImportResult,
           status=200, idempotent=True, content_types=("application/json", "text/csv"),
           max_body_bytes=IMPORT_MAX_BYTES)
def import_feedback(call: Call) -> ImportResult:
    """A JSON array or a `text/csv` body, at most 10,000 rows, in cxgov's own fields (header row of
    field names, A-11 drivers as `a11.satisfaction` ...) or, with `?profile=`, in a source's own
    format (`la311`, `nyc311`, `open311`, or one of the department's profiles: see
    `GET /import-profiles`). Times without an offset are read in the profile's time zone; one the
    zone skips (the spring DST gap) rejects its row, one it shows twice takes the first occurrence.

    Each row is `created`, `updated` (its source record was stored and the row brings what it
    lacked: a closing, a due time, scores, a journey; `received_at` never moves, a first response
    is never replaced, nothing is deleted), `duplicate` (nothing new; without a source id: the same
    content) or `rejected` with its errors, named by the source's column. Good rows are kept when
    others fail. Row 1 is the first record. The errors of the first 100 rejected rows are listed
    (at most 20 a row); `rejected_details_omitted` counts the rejected rows listed without them."""
    query = call.query
    return ingest.answer(ingest.import_feedback(call.path["dept"], call.body["rows"], call.principal,
                                                profile=query.profile if query else None,
                                                journey_id=query.journey_id if query else None,
                                                received_at=query.received_at if query else None))


@api_route(bp, "/departments/{dept}/feedback", "GET", summary="List feedback", tag=TAG, roles=READERS,
           query=FeedbackQuery, response=FeedbackPage)
def list_feedback(call: Call) -> FeedbackPage:
    """Newest first; `overdue=true` lists unanswered actionable items past their due time, oldest
    due first."""
    return logic.list_feedback(call.path["dept"], call.query, call.principal)


@api_route(bp, "/departments/{dept}/feedback/{feedback_id}", "GET", summary="Read feedback", tag=TAG,
           roles=READERS, response=Feedback)
def get_feedback(call: Call) -> Feedback:
    return logic.get_feedback(call.path["dept"], call.path["feedback_id"])


@api_route(bp, "/departments/{dept}/feedback/{feedback_id}/responses", "POST", summary="Record a response",
           tag=TAG, roles=("dcxo",), body=ResponseCreate, response=Feedback, status=201, idempotent=True)
def respond(call: Call) -> Feedback:
    """The first response sets `first_responded_at`; later ones are kept in `responses`."""
    return logic.respond(call.path["dept"], call.path["feedback_id"], call.body, call.principal,
                         request_key=call.request_key)


@api_route(bp, "/departments/{dept}/feedback/{feedback_id}/classifications", "POST",
           summary="Reclassify feedback", tag=TAG, roles=("dcxo",), body=ClassificationCreate,
           response=Feedback, status=201, idempotent=True)
def reclassify(call: Call) -> Feedback:
    """Changes `actionable` and/or `category`, keeping who, when and why."""
    return logic.reclassify(call.path["dept"], call.path["feedback_id"], call.body, call.principal,
                            request_key=call.request_key)


@api_route(bp, "/departments/{dept}/voc-summary", "GET", summary="Voice-of-the-customer summary",
           tag=TAG, roles=READERS, query=SummaryQuery, response=VocSummary)
def get_voc_summary(call: Call) -> VocSummary:
    """Shares are fractions 0-1, hours decimal, NPS in points (-100..100), absent data null. Items
    received in the period (in the department's zone); overdue and within-target as of now."""
    return voc_summary.summary(call.path["dept"], call.query.period)
