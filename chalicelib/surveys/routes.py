"""Survey definitions: the department's dcxo and the ccxo create, read and change them."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.core.lazy import lazy
from chalicelib.http.routing import Call, api_route

logic = lazy("chalicelib.surveys.definitions")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
clock = lazy("chalicelib.core.clock")
Survey, SurveyCreate, SurveyPage, SurveyPatch, CountsQuery, SurveyCounts = lazy(
    "chalicelib.surveys.schemas", "Survey", "SurveyCreate", "SurveyPage", "SurveyPatch", "CountsQuery", "SurveyCounts")

bp = Blueprint(__name__)
TAG = "surveys"
ROLES = ("dcxo", "ccxo")


@api_route(bp, "/departments/{dept}/surveys", "POST", summary="Create a survey", tag=TAG, roles=ROLES,
           body=SurveyCreate, response=Survey, status=201, idempotent=True)
def create_survey(call: Call) -> Survey:
    """A survey of one of the department's journeys: the kind's standard questions (A-11 thumbs or
    Likert, CSAT, NPS, CES) and up to 10 of the department's own, in English and Spanish. Its
    `page_url` is the hosted page; `embed_url` the script its allowed origins embed."""
    return logic.create_survey(call.path["dept"], call.body, call.principal, call.base_path)


@api_route(bp, "/departments/{dept}/surveys", "GET", summary="List a department's surveys", tag=TAG,
           roles=ROLES, query=PageQuery, response=SurveyPage)
def list_surveys(call: Call) -> SurveyPage:
    dept = call.path["dept"]
    binding = f"{call.principal.scope_key}|surveys|{dept}"
    items, last = logic.list_surveys(dept, call.query.limit, cursors.decode(call.query.cursor, binding),
                                     call.base_path)
    return SurveyPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, "/departments/{dept}/surveys/{survey_id}", "GET", summary="Read a survey", tag=TAG,
           roles=ROLES, response=Survey)
def get_survey(call: Call) -> Survey:
    return logic.get_survey(call.path["dept"], call.path["survey_id"], call.base_path)


@api_route(bp, "/departments/{dept}/surveys/{survey_id}", "PATCH", summary="Change a survey", tag=TAG,
           roles=ROLES, body=SurveyPatch, response=Survey)
def patch_survey(call: Call) -> Survey:
    """Its title, languages, own questions, allowed origins, or `active` (an inactive survey's
    public page and routes answer 404). Send the `version` you read to turn a concurrent change into a 409."""
    return logic.patch_survey(call.path["dept"], call.path["survey_id"], call.body, call.principal, call.base_path)


@api_route(bp, "/departments/{dept}/surveys/{survey_id}/counts", "GET", summary="A survey's offers and responses",
           tag=TAG, roles=ROLES, query=CountsQuery, response=SurveyCounts)
def survey_counts(call: Call) -> SurveyCounts:
    """In a period: how often its questions were shown (offers), the responses accepted, and those
    dropped for filling the hidden `website` field."""
    period = call.query.period or clock.now().strftime("%Y-%m")
    return logic.counts(call.path["dept"], call.path["survey_id"], period)
