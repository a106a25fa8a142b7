"""Peers outside the organisation: peer sets (the CCXO writes, every role reads), their uploads
through the import-job path, their figures, a department's mapping and its comparison."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.lazy import lazy
from chalicelib.http.routing import ANY_ROLE, Call, api_route

logic = lazy("chalicelib.peers.service")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(BenchmarkQuery, PeerBenchmark, PeerFigures, PeerMapping, PeerMappingPut, PeerSet, PeerSetCreate, PeerSetPage,
 PeerUpload, PeerUploadCreate, PeerUploadStart, PeriodQuery) = lazy(
    "chalicelib.peers.schemas", "BenchmarkQuery", "PeerBenchmark", "PeerFigures", "PeerMapping", "PeerMappingPut",
    "PeerSet", "PeerSetCreate", "PeerSetPage", "PeerUpload", "PeerUploadCreate", "PeerUploadStart", "PeriodQuery")

bp = Blueprint(__name__)
TAG = "peers"
WRITERS = ("ccxo",)
READERS = ("dcxo", "ccxo", "auditor")
SET = "/peer-sets/{peer_set_id}"


@api_route(bp, "/peer-sets", "POST", summary="Create a peer set", tag=TAG, roles=WRITERS,
           body=PeerSetCreate, response=PeerSet, status=201, idempotent=True)
def create_peer_set(call: Call) -> PeerSet:
    """Another government's published figures (not a tenant, never in org totals): its rows arrive
    by `POST /peer-sets/{peer_set_id}/uploads`, read with the built-in `profile`."""
    return logic.create_set(call.body, call.principal, call.request_key)


@api_route(bp, "/peer-sets", "GET", summary="List peer sets", tag=TAG, roles=ANY_ROLE, query=PageQuery,
           response=PeerSetPage)
def list_peer_sets(call: Call) -> PeerSetPage:
    """Newest first."""
    return logic.list_sets(call.query.limit, call.query.cursor, call.principal)


@api_route(bp, SET, "GET", summary="Read a peer set", tag=TAG, roles=ANY_ROLE, response=PeerSet)
def get_peer_set(call: Call) -> PeerSet:
    return logic.get_set(call.path["peer_set_id"])


@api_route(bp, SET + "/uploads", "POST", summary="Upload a peer set's rows", tag=TAG, roles=WRITERS,
           body=PeerUploadCreate, response=PeerUploadStart, status=201, idempotent=True)
def create_peer_upload(call: Call) -> PeerUploadStart:
    """A presigned S3 PUT, as an import job: any size, streamed by the import workers. Rows are
    keyed by the source id: uploading the same rows again writes nothing, a changed row replaces
    its earlier version."""
    return logic.create_upload(call.path["peer_set_id"], call.body, call.principal)


@api_route(bp, SET + "/uploads/{upload_id}", "GET", summary="Read a peer set's upload", tag=TAG,
           roles=ANY_ROLE, response=PeerUpload)
def get_peer_upload(call: Call) -> PeerUpload:
    """`rows_done` grows while the upload is imported; `rejected` rows are in `errors_url`."""
    return logic.get_upload(call.path["peer_set_id"], call.path["upload_id"])


@api_route(bp, SET + "/figures", "GET", summary="A peer set's figures for a period", tag=TAG,
           roles=ANY_ROLE, query=PeriodQuery, response=PeerFigures)
def peer_figures(call: Call) -> PeerFigures:
    """Per peer group (`service_type` null) and per group and service type: volume, closed, hours
    to close (mean, exact median, nearest-rank p90), within-target share; A-11 driver shares."""
    return logic.figures(call.path["peer_set_id"], call.query.period)


@api_route(bp, "/departments/{dept}/peer-mapping", "PUT", summary="Map a department to peer groups",
           tag=TAG, roles=("dcxo", "ccxo"), body=PeerMappingPut, response=PeerMapping)
def put_peer_mapping(call: Call) -> PeerMapping:
    """Replaces the list of peer groups (a group, or a group's service type) it is compared with."""
    return logic.put_mapping(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/peer-mapping", "GET", summary="Read a department's peer groups",
           tag=TAG, roles=READERS, response=PeerMapping)
def get_peer_mapping(call: Call) -> PeerMapping:
    return logic.get_mapping(call.path["dept"])


@api_route(bp, "/departments/{dept}/benchmarks/peers", "GET", summary="Compare a department with its peers",
           tag=TAG, roles=READERS, query=BenchmarkQuery, response=PeerBenchmark)
def peer_benchmark(call: Call) -> PeerBenchmark:
    """`measure`: volume, within_target_share, median_hours_to_close (the department's median
    first-response hours) or a11.<driver>; the peers' distribution and the department's percentile."""
    return logic.benchmark(call.path["dept"], call.query.measure, call.query.period)
