"""KPIs on a department's journeys, their measurements, and the standard KPI catalogue."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.errors import BadRequest
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.kpis.service")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(CataloguePage, Kpi, KpiCreate, KpiPage, KpiPatch, KpiQuery, Measurement, MeasurementPage,
 MeasurementPut) = lazy(
    "chalicelib.kpis.schemas", "CataloguePage", "Kpi", "KpiCreate", "KpiPage", "KpiPatch", "KpiQuery",
    "Measurement", "MeasurementPage", "MeasurementPut")

bp = Blueprint(__name__)
TAG = "kpis"
WRITERS = ("dcxo", "ccxo")
READERS = ("dcxo", "ccxo", "auditor")
MEASURE = "/departments/{dept}/kpis/{kpi_id}/measurements"


@api_route(bp, "/kpi-catalogue", "GET", summary="The standard KPI definitions and their formulas",
           tag=TAG, roles=ANY_ROLE, query=PageQuery, response=CataloguePage)
def kpi_catalogue(call: Call) -> CataloguePage:
    binding = f"{call.principal.scope_key}|kpi-catalogue"
    offset = cursors.decode(call.query.cursor, binding) or {"offset": 0}
    start = offset.get("offset")
    if not isinstance(start, int) or start < 0:
        raise BadRequest.for_field("cursor", "the cursor is invalid, expired or belongs to another query")
    entries = logic.list_catalogue()
    end = start + call.query.limit
    return CataloguePage(items=entries[start:end],
                         next_cursor=cursors.encode({"offset": end} if end < len(entries) else None,
                                                    binding))


@api_route(bp, "/departments/{dept}/kpis", "POST", summary="Define a KPI on a journey", tag=TAG,
           roles=WRITERS, body=KpiCreate, response=Kpi, status=201, idempotent=True)
def create_kpi(call: Call) -> Kpi:
    """With `catalogue_code`, unit, direction, standard and formula come from the catalogue."""
    return logic.create_kpi(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/kpis", "GET", summary="List a department's KPIs", tag=TAG,
           roles=READERS, query=KpiQuery, response=KpiPage)
def list_kpis(call: Call) -> KpiPage:
    dept, journey_id = call.path["dept"], call.query.journey_id
    binding = f"{call.principal.scope_key}|kpis|{dept}|{journey_id or ''}"
    items, last_key = logic.list_kpis(dept, journey_id, call.query.limit,
                                      cursors.decode(call.query.cursor, binding))
    return KpiPage(items=items, next_cursor=cursors.encode(last_key, binding))


@api_route(bp, "/departments/{dept}/kpis/{kpi_id}", "GET", summary="Read a KPI", tag=TAG,
           roles=READERS, response=Kpi)
def get_kpi(call: Call) -> Kpi:
    return logic.get_kpi(call.path["dept"], call.path["kpi_id"])


@api_route(bp, "/departments/{dept}/kpis/{kpi_id}", "PATCH", summary="Change a KPI or its target",
           tag=TAG, roles=WRITERS, body=KpiPatch, response=Kpi)
def patch_kpi(call: Call) -> Kpi:
    """A new `target` takes `effective_from`, a period after the latest measured one: past
    attainment never changes. Unit, direction, frequency and standard are fixed at creation."""
    return logic.patch_kpi(call.path["dept"], call.path["kpi_id"], call.body, call.principal)


@api_route(bp, MEASURE + "/{period}", "PUT", summary="Record or correct a period's measurement",
           tag=TAG, roles=("dcxo",), body=MeasurementPut, response=Measurement)
def put_measurement(call: Call) -> Measurement:
    """Idempotent by period; a correction keeps the replaced value in `history`. A percent with
    numerator and denominator is computed from them. Derived KPIs refuse typed values (409)."""
    return logic.put_measurement(call.path["dept"], call.path["kpi_id"], call.path["period"],
                                 call.body, call.principal)


@api_route(bp, MEASURE, "GET", summary="List a KPI's measurements with attainment", tag=TAG,
           roles=READERS, query=PageQuery, response=MeasurementPage)
def list_measurements(call: Call) -> MeasurementPage:
    dept, kpi_id = call.path["dept"], call.path["kpi_id"]
    binding = f"{call.principal.scope_key}|measurements|{dept}|{kpi_id}"
    items, last_key = logic.list_measurements(dept, kpi_id, call.query.limit,
                                              cursors.decode(call.query.cursor, binding))
    return MeasurementPage(items=items, next_cursor=cursors.encode(last_key, binding))


@api_route(bp, MEASURE + "/{period}", "GET", summary="Read one period's measurement", tag=TAG,
           roles=READERS, response=Measurement)
def get_measurement(call: Call) -> Measurement:
    return logic.get_measurement(call.path["dept"], call.path["kpi_id"], call.path["period"])
