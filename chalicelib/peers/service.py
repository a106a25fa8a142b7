"""Peer sets, their uploads (import jobs of kind `peer_set`), figures, a department's mapping and
its comparison with the peers. What reporting (the department page) asks of peers is `benchmark`.

Exact medians in bounded memory: every row is stored as a value item whose sort key begins with its
seconds to close (zero-padded), in a partition per group (and per group and service type) and
month. A figure is computed on read: DynamoDB counts the closed rows (a COUNT query, nothing
transferred), which fixes the median's and the p90's ranks; then one pass merges the period's months
in sort-key order (`heapq.merge`, one page of each month at a time; closed rows come first, by
seconds to close), counting volume, closed, seconds, within target and A-11 drivers, and keeping only
the values at those ranks. Memory: one page (1,000 items) per month of the period, whatever the
number of rows; reads: the period's rows once (plus the count)."""
from __future__ import annotations

import heapq
import json
from typing import Any, Iterator

from chalicelib.core import clock, cursors, periods
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.db import credentials, keys
from chalicelib.db import keys_v12
from chalicelib.imports import service as imports
from chalicelib.org import service as org
from chalicelib.peers import rules, store
from chalicelib.peers.ingest import KIND
from chalicelib.peers.schemas import (
    PeerBenchmark,
    PeerFigures,
    PeerMapping,
    PeerMappingPut,
    PeerSet,
    PeerSetCreate,
    PeerSetPage,
    PeerUpload,
    PeerUploadCreate,
    PeerUploadStart,
)
from chalicelib.voc import service as voc


def _out(record: dict[str, Any]) -> PeerSet:
    return PeerSet(id=record["peer_set_id"], **{k: record[k] for k in (
        "name", "publisher", "source_url", "retrieved_on", "kind", "profile", "group_column", "service_column",
        "target_hours", "created_at")})


def create_set(body: PeerSetCreate, principal: Principal, request_key: str) -> PeerSet:
    record = {"peer_set_id": keys.new_id(), **body.model_dump(), "created_by": principal.subject,
              "created_at": clock.now()}
    record["retrieved_on"] = body.retrieved_on.isoformat()
    if body.kind == "a11_responses" and body.profile != "touchpoints":
        raise BadRequest.for_field("profile", "a set of A-11 responses reads the touchpoints profile")
    if body.kind == "service_requests" and body.profile == "touchpoints":
        raise BadRequest.for_field("profile", "service requests read la311, nyc311 or open311")
    saved = store.create_set(record, request_key)
    if saved is None:
        raise Conflict("this peer set was created by another request")
    return _out(saved)


def _found(peer_set_id: str) -> dict[str, Any]:
    found = store.get_set(peer_set_id)
    if found is None:
        raise NotFound(f"peer set {peer_set_id!r} not found")
    return found


def get_set(peer_set_id: str) -> PeerSet:
    return _out(_found(peer_set_id))


def list_sets(limit: int, cursor: str | None, principal: Principal) -> PeerSetPage:
    binding = f"{principal.scope_key}|peer-sets"
    items, last = store.list_sets(limit, cursors.decode(cursor, binding))
    return PeerSetPage(items=[_out(i) for i in items], next_cursor=cursors.encode(last, binding))


# --- uploads ---------------------------------------------------------------------------------------

def create_upload(peer_set_id: str, body: PeerUploadCreate, principal: Principal) -> PeerUploadStart:
    found = _found(peer_set_id)
    started = imports.create_upload(keys_v12.peer_job_owner(peer_set_id), job_kind=KIND, target=peer_set_id,
                                    profile=found["profile"], file_name=body.file_name,
                                    content_type=body.content_type, principal=principal)
    return PeerUploadStart(**started)


def get_upload(peer_set_id: str, upload_id: str) -> PeerUpload:
    _found(peer_set_id)
    with credentials.org_role():  # a peer set's job is org-level, readable by every role
        job = imports.get_upload(keys_v12.peer_job_owner(peer_set_id), upload_id)
        if job is None or job.get("target") != peer_set_id:
            raise NotFound(f"upload {upload_id!r} of this peer set not found")
        return imports.present(job, PeerUpload, peer_set_id=peer_set_id)


# --- figures ---------------------------------------------------------------------------------------

def _rows(peer_set_id: str, month: str, part: str) -> Iterator[tuple]:
    start = None
    while True:
        rows, start = store.rows_page(peer_set_id, month, part, start)
        yield from rows
        if not start:
            return


def _figure(peer_set: dict[str, Any], group: str, service: str | None, period: str, months: list[str],
            part: str) -> dict[str, Any]:
    """One pass over the period's months merged in sort-key order (closed rows first, ascending
    seconds to close, across months): counts, and the values at the median's and p90's ranks, whose
    positions DynamoDB's count of the closed rows gives first."""
    set_id = peer_set["peer_set_id"]
    picker = rules.RankPicker(sum(store.count_closed(set_id, m, part) for m in months))
    tally = rules.Tally()
    for sk, w, agree, asked in heapq.merge(*(_rows(set_id, m, part) for m in months), key=lambda r: r[0]):
        tally.add(sk, w, agree, asked)
        if sk.startswith("C#"):
            picker.offer(int(sk[2:14]))
    return rules.figure(group, service, period, tally, picker.result(), peer_set["kind"] == "a11_responses")


def figures_of(peer_set: dict[str, Any], period: periods.Period,
               only: set[tuple[str, str | None]] | None = None) -> list[dict[str, Any]]:
    """Every (group, service type) figure of the period (or `only` those)."""
    set_id, months = peer_set["peer_set_id"], [m.label for m in period.months()]
    found: dict[tuple[str, str | None], tuple[str, list[str]]] = {}
    for month, part, group, service in store.parts(set_id, months):
        if only is not None and (group, service) not in only:
            continue
        found.setdefault((group, service), (part, []))[1].append(month)
    answer = []
    for (group, service), (part, in_months) in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        figure = _figure(peer_set, group, service, period.label, in_months, part)
        if figure["volume"]:  # else every row of it moved elsewhere on a later upload
            answer.append(figure)
    return answer


def _period(text: str) -> periods.Period:
    try:
        return periods.parse(text)
    except ValueError as exc:
        raise BadRequest.for_field("period", str(exc))


def figures(peer_set_id: str, period: str) -> PeerFigures:
    found = _found(peer_set_id)
    return PeerFigures(peer_set_id=peer_set_id, period=period, items=figures_of(found, _period(period)))


# --- mapping and comparison ------------------------------------------------------------------------

def _department(dept: str) -> None:
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")


def put_mapping(dept: str, body: PeerMappingPut, principal: Principal) -> PeerMapping:
    _department(dept)
    groups = [g.model_dump() for g in body.groups]
    seen = set()
    for n, entry in enumerate(groups):
        if store.get_set(entry["peer_set_id"]) is None:
            raise BadRequest.for_field(f"groups.{n}.peer_set_id", "no such peer set")
        key = json.dumps([entry["peer_set_id"], entry["group"], entry["service_type"]])
        if key in seen:
            raise BadRequest.for_field(f"groups.{n}", "this peer group is listed twice")
        seen.add(key)
    store.put_mapping(dept, groups, principal.subject, clock.now())
    return PeerMapping(department=dept, groups=groups)


def get_mapping(dept: str) -> PeerMapping:
    _department(dept)
    return PeerMapping(department=dept, groups=store.get_mapping(dept) or [])


def _department_value(dept: str, measure: str, period: str) -> float | None:
    summary = voc.department_summary(dept, period)
    if measure == "volume":
        return summary.volume
    if measure == "within_target_share":
        return summary.within_target_share
    if measure == "median_hours_to_close":
        return summary.first_response_hours.median  # the department's median first-response hours
    return summary.a11.get(measure.removeprefix("a11."))


def benchmark(dept: str, measure: str, period: str) -> PeerBenchmark:
    """The department's value, each mapped peer group's, their distribution and the percentile."""
    _department(dept)
    chosen = _period(period)
    mapping = store.get_mapping(dept) or []
    by_set: dict[str, set[tuple[str, str | None]]] = {}
    for entry in mapping:
        by_set.setdefault(entry["peer_set_id"], set()).add((entry["group"], entry["service_type"]))
    computed: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for set_id, wanted in by_set.items():
        found = store.get_set(set_id)
        if found is None:
            continue
        for fig in figures_of(found, chosen, only=wanted):
            computed[(set_id, fig["group"], fig["service_type"])] = fig
    peers = []
    for entry in mapping:
        fig = computed.get((entry["peer_set_id"], entry["group"], entry["service_type"]))
        peers.append({**entry, "value": rules.measure_value(fig, measure) if fig else None,
                      "volume": fig["volume"] if fig else 0})
    values = [p["value"] for p in peers if p["value"] is not None]
    own = _department_value(dept, measure, chosen.label)
    return PeerBenchmark(department=own, measure=measure, period=chosen.label, peers=peers,
                         distribution=rules.distribution(values), percentile=rules.percentile(own, values, measure))
