"""Pulled sources (Open311 GeoReport v2): create, read, list, change, and pull now. The API key is
write-only: it goes to Secrets Manager and reads answer only `has_api_key`."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib.core import clock, cursors
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.core.observability import logger
from chalicelib.core.schemas import PageQuery
from chalicelib.db import keys
from chalicelib.voc import pull, source_secrets as secret_store, sources_store as dal
from chalicelib.voc.feedback import department
from chalicelib.voc.outbound import OutboundError, check_url
from chalicelib.voc.pull import source_system
from chalicelib.voc.sources_schemas import LastSync, Source, SourceCreate, SourcePage, SourcePatch, SyncResult

DEFAULT_SINCE = timedelta(days=90)
SYNC_NOW_BUDGET_SECONDS = 20  # within API Gateway's 29 s; the schedule carries on from the watermark
SCHEDULE_BUDGET_SECONDS = 13 * 60  # within the scheduled function's 15 minutes


def present(stored: dict[str, Any]) -> Source:
    return Source(**{k: stored[k] for k in ("id", "department", "name", "kind", "base_url", "jurisdiction_id",
                                            "service_codes", "since", "active", "page_size", "watermark",
                                            "updated_after",
                                            "version", "created_at")},
                  has_api_key=bool(stored["secret_name"]), source_system=source_system(stored["id"]),
                  last_sync=LastSync(**stored["last_sync"]) if stored["last_sync"] else None)


def _check_base_url(url: str) -> str:
    try:
        check_url(url)
    except OutboundError as exc:
        raise BadRequest.for_field("base_url", str(exc))
    return url.rstrip("/")


def _stored(dept: str, source_id: str) -> dict[str, Any]:
    found = dal.get(dept, source_id)
    if found is None:
        raise NotFound("this department has no source of that id")
    return found


def default_name(base_url: str) -> str:
    """A source named by nobody is called by its server's host (`mobile311.sfgov.org`)."""
    return urlsplit(base_url).hostname or base_url


def create(dept: str, body: SourceCreate, principal: Principal) -> Source:
    department(dept)
    base_url = _check_base_url(body.base_url)
    source_id = keys.new_id()
    secret_name = None
    if body.api_key is not None:
        secret_name = secret_store.name_for(dept, source_id)
        secret_store.put(secret_name, body.api_key.get_secret_value())
    since = (body.since or clock.now() - DEFAULT_SINCE).replace(microsecond=0)
    stored = dal.create(dept, source_id, {
        "name": body.name or default_name(base_url), "source_kind": body.kind, "base_url": base_url, "jurisdiction_id": body.jurisdiction_id,
        "service_codes": body.service_codes or None, "page_size": body.page_size, "since": since,
        "active": body.active, "secret_name": secret_name, "updated_after": body.updated_after},
        principal.subject)
    return present(stored)


def get(dept: str, source_id: str) -> Source:
    return present(_stored(dept, source_id))


def list_for(dept: str, query: PageQuery, principal: Principal) -> SourcePage:
    department(dept)
    binding = f"{principal.scope_key}|sources:{dept}"
    items, last = dal.list_for(dept, query.limit, cursors.decode(query.cursor, binding))
    return SourcePage(items=[present(i) for i in items], next_cursor=cursors.encode(last, binding))


def patch(dept: str, source_id: str, body: SourcePatch, principal: Principal) -> Source:
    stored = _stored(dept, source_id)
    if body.version is not None and body.version != stored["version"]:
        raise Conflict.for_field("version", f"the source is at version {stored['version']}; read it again")
    changes = body.changes()
    if "base_url" in changes:
        changes["base_url"] = _check_base_url(changes["base_url"])
    if "service_codes" in changes:
        changes["service_codes"] = changes["service_codes"] or None
    api_key = changes.pop("api_key", None)
    if api_key is not None:
        name = stored["secret_name"] or secret_store.name_for(dept, source_id)
        secret_store.put(name, api_key.get_secret_value() if hasattr(api_key, "get_secret_value") else str(api_key))
        changes["secret_name"] = name
    return present(dal.update(dept, source_id, changes, stored["version"], principal.subject))


def sync_now(dept: str, source_id: str, principal: Principal) -> SyncResult:
    """One pull now (the dcxo's `POST …/sync`); 409 while another pull of it runs."""
    stored = _stored(dept, source_id)
    outcome = pull.run(stored, principal, budget_seconds=SYNC_NOW_BUDGET_SECONDS)
    if outcome is None:
        raise Conflict.for_field("source_id", "a pull of this source is running; read last_sync shortly")
    return outcome


def sync_all() -> list[dict[str, Any]]:
    """Every active source of every department, one after another, within the scheduled function's
    time; a failing source is reported in its own `last_sync` and never stops the others."""
    outcomes = []
    deadline = time.monotonic() + SCHEDULE_BUDGET_SECONDS
    for dept, source_id in list(dal.active_everywhere()):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            logger.warning("pull budget spent; the remaining sources wait for the next run")
            break
        stored = dal.get(dept, source_id)
        if stored is None or not stored["active"]:
            continue
        try:
            outcome = pull.run(stored, Principal(subject=f"scheduler:{source_id}", role="dcxo",
                                                 department=dept, name="scheduled pull"),
                               budget_seconds=remaining)
        except Exception:  # noqa: BLE001 - one source's failure must not stop the others
            logger.exception("pull failed", extra={"department": dept, "source_id": source_id})
            continue
        if outcome is not None:
            outcomes.append({"department": dept, "source_id": source_id, "status": outcome.status})
    return outcomes
