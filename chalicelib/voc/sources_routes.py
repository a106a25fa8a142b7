"""Pulled sources (Open311 GeoReport v2) and the scheduled pull of all of them every 15 minutes."""
from __future__ import annotations

from chalice import Blueprint, Rate

from chalicelib.http.routing import Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.voc.sources")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(Source, SourceCreate, SourcePage, SourcePatch, SyncResult) = lazy(
    "chalicelib.voc.sources_schemas", "Source", "SourceCreate", "SourcePage", "SourcePatch", "SyncResult")

bp = Blueprint(__name__)
TAG = "sources"
READERS = ("dcxo", "ccxo", "auditor")


@api_route(bp, "/departments/{dept}/sources", "POST", summary="Register a source to pull", tag=TAG,
           roles=("dcxo",), body=SourceCreate, response=Source, status=201, idempotent=True)
def create_source(call: Call) -> Source:
    """An Open311 GeoReport v2 endpoint pulled every 15 minutes with the `open311` profile. In AWS
    `base_url` must be https and resolve to public addresses (400 otherwise). `api_key` is
    write-only (Secrets Manager); reads show `has_api_key`. `since` (default 90 days ago) is the
    first pull's earliest `requested_datetime`."""
    return logic.create(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/sources", "GET", summary="List the department's sources", tag=TAG,
           roles=READERS, query=PageQuery, response=SourcePage)
def list_sources(call: Call) -> SourcePage:
    return logic.list_for(call.path["dept"], call.query, call.principal)


@api_route(bp, "/departments/{dept}/sources/{source_id}", "GET", summary="Read a source", tag=TAG,
           roles=READERS, response=Source)
def get_source(call: Call) -> Source:
    """With `watermark` (requests received up to it are imported) and `last_sync` (the last pull's
    outcome: counts, or the error that stopped it)."""
    return logic.get(call.path["dept"], call.path["source_id"])


@api_route(bp, "/departments/{dept}/sources/{source_id}", "PATCH", summary="Change a source", tag=TAG,
           roles=("dcxo",), body=SourcePatch, response=Source)
def patch_source(call: Call) -> Source:
    """`active: false` stops the scheduled pull; a new `api_key` replaces the stored one. Send the
    `version` read to turn a concurrent change into a 409."""
    return logic.patch(call.path["dept"], call.path["source_id"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/sources/{source_id}/sync", "POST", summary="Pull a source now", tag=TAG,
           roles=("dcxo",), response=SyncResult)
def sync_source(call: Call) -> SyncResult:
    """Runs one pull now and answers its outcome (also kept as `last_sync`): a source that fails
    answers 200 with `status: error` naming what failed. 409 while another pull of it runs."""
    return logic.sync_now(call.path["dept"], call.path["source_id"], call.principal)


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="pull_sources")
def pull_sources(event) -> None:
    """Every 15 minutes: one pull of each active source (a failing one is reported on its own)."""
    logic.sync_all()
