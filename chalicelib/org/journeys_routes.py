"""Journeys a department owns: its dcxo and the ccxo manage them; auditors read."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.http.routing import Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.org.journeys")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(Journey, JourneyCreate, JourneyPage, JourneyPatch) = lazy(
    "chalicelib.org.journeys_schemas", "Journey", "JourneyCreate", "JourneyPage", "JourneyPatch")

bp = Blueprint(__name__)
TAG = "journeys"
WRITERS = ("dcxo", "ccxo")
READERS = ("dcxo", "ccxo", "auditor")


@api_route(bp, "/departments/{dept}/journeys", "POST", summary="Create a journey", tag=TAG,
           roles=WRITERS, body=JourneyCreate, response=Journey, status=201, idempotent=True)
def create_journey(call: Call) -> Journey:
    return logic.create_journey(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/journeys", "GET", summary="List a department's journeys",
           tag=TAG, roles=READERS, query=PageQuery, response=JourneyPage)
def list_journeys(call: Call) -> JourneyPage:
    dept = call.path["dept"]
    binding = f"{call.principal.scope_key}|journeys|{dept}"
    items, last_key = logic.list_journeys(dept, call.query.limit,
                                          cursors.decode(call.query.cursor, binding))
    return JourneyPage(items=items, next_cursor=cursors.encode(last_key, binding))


@api_route(bp, "/departments/{dept}/journeys/{journey_id}", "GET", summary="Read a journey",
           tag=TAG, roles=READERS, response=Journey)
def get_journey(call: Call) -> Journey:
    return logic.get_journey(call.path["dept"], call.path["journey_id"])


@api_route(bp, "/departments/{dept}/journeys/{journey_id}", "PATCH", summary="Change a journey",
           tag=TAG, roles=WRITERS, body=JourneyPatch, response=Journey)
def patch_journey(call: Call) -> Journey:
    """Send the `version` you read to turn a concurrent change into a 409."""
    return logic.patch_journey(call.path["dept"], call.path["journey_id"], call.body, call.principal)
