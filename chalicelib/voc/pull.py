"""One pull of an Open311 GeoReport v2 source.

1. New requests: `start_date`/`end_date` windows of at most 90 days (GeoReport v2 filters on
   `requested_datetime`) from the watermark (less a 15-minute overlap; first time: `since`) to now. A window follows
   `page`/`page_size` where the server pages; a server that ignores paging and answers its
   1,000-request default is asked again in two half windows, down to one minute.
2. The requests this source has still open in cxgov, refreshed by `service_request_id` lists (50
   a request), so a closing weeks later is picked up; or, where the server offers Chicago's
   extension (`updated_after` on the source), the requests changed since the last pull.

Each window (and each refresh batch) is fetched whole, checked, then imported with the `open311`
profile in the import's own transactions; only then does the watermark move past it. A failure
(timeout, HTTP error, HTML, malformed JSON, a malformed datetime) stops the pull there, is named
in `last_sync.error`, and leaves nothing of the failed window written."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.errors import ApiError
from chalicelib.core.observability import logger
from chalicelib.voc import source_secrets as secret_store, sources_store as dal, store as feedback_dal
from chalicelib.voc.feedback import department
from chalicelib.voc.ingest import import_feedback
from chalicelib.voc.outbound import OutboundError, get_json
from chalicelib.voc.profile_mapper import Mapper, builtins
from chalicelib.voc.sources_schemas import SyncResult

WINDOW = timedelta(days=90)
# Each pull re-reads this much before its watermark: a request the server stamps a little earlier
# than it makes it visible (clock skew, late indexing) is not missed; re-read ones are duplicates.
OVERLAP = timedelta(minutes=15)
MIN_WINDOW = timedelta(minutes=1)
SERVER_DEFAULT_LIMIT = 1000  # GeoReport v2: at most 1,000 requests per answer unless the server pages
REFRESH_BATCH = 50
MAX_REFRESH = 5000  # open requests refreshed per pull (the oldest due first)
MAX_PAGES = 500
PROFILE = "open311"
CHANGED = ("updated_after", "updated_before")  # Chicago's GeoReport extension


class SyncError(Exception):
    pass


def source_system(source_id: str) -> str:
    """The feedback records' source_system: per source, so two cities' request ids never collide."""
    return f"open311:{source_id}"


def _w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _settings() -> tuple[float, int, float]:
    env = os.environ
    return (float(env.get("CXGOV_OUTBOUND_TIMEOUT_SECONDS", "10")), int(env.get("CXGOV_OUTBOUND_RETRIES", "3")),
            float(env.get("CXGOV_OUTBOUND_BACKOFF_SECONDS", "0.5")))


class Fetcher:
    """GeoReport v2 `GET requests.json` for one source."""

    def __init__(self, source: dict[str, Any], api_key: str | None, get: Callable[..., Any] | None = None):
        self.url = f"{source['base_url']}/requests.json"
        self.base: dict[str, str] = {}
        if source["jurisdiction_id"]:
            self.base["jurisdiction_id"] = source["jurisdiction_id"]
        if source["service_codes"]:
            self.base["service_code"] = ",".join(source["service_codes"])
        if api_key:
            self.base["api_key"] = api_key
        self.page_size = source["page_size"]
        timeout, retries, backoff = _settings()
        self._get = get or (lambda url, params: get_json(url, params, timeout=timeout, retries=retries,
                                                         backoff=backoff))
        self.calls = 0

    def _requests(self, params: dict[str, str]) -> list[dict[str, Any]]:
        self.calls += 1
        answer = self._get(self.url, {**self.base, **params})
        if not isinstance(answer, list) or not all(isinstance(r, dict) for r in answer):
            raise SyncError("the server's requests.json is not a list of service requests")
        for request in answer:
            if request.get("service_request_id") in (None, ""):
                raise SyncError("the server answered a request without service_request_id")
        return answer

    def window(self, start: datetime, end: datetime, names: tuple[str, str] = ("start_date", "end_date")
               ) -> list[dict[str, Any]]:
        """Requests received (or, with Chicago's names, changed) between start and end."""
        dates = {names[0]: _w3c(start), names[1]: _w3c(end)}
        first = self._requests({**dates, "page": "1", "page_size": str(self.page_size)})
        if len(first) < min(self.page_size, SERVER_DEFAULT_LIMIT):
            return first
        found = {str(r["service_request_id"]): r for r in first}
        page, last = 1, first
        while True:
            page += 1
            if page > MAX_PAGES:
                raise SyncError(f"more than {MAX_PAGES} pages in the window {_w3c(start)} - {_w3c(end)}")
            batch = self._requests({**dates, "page": str(page), "page_size": str(self.page_size)})
            new = [r for r in batch if str(r["service_request_id"]) not in found]
            if page == 2 and batch and not new:
                # The server ignores paging: the first answer was all of it, unless it was cut at
                # the server's default limit, then half windows.
                if len(first) >= SERVER_DEFAULT_LIMIT:
                    return self._split(start, end, names)
                return first
            for r in new:
                found[str(r["service_request_id"])] = r
            last = batch
            if not new or len(last) < self.page_size:
                return list(found.values())

    def _split(self, start: datetime, end: datetime, names: tuple[str, str]) -> list[dict[str, Any]]:
        if end - start <= MIN_WINDOW:
            raise SyncError(f"more than {SERVER_DEFAULT_LIMIT} requests in one minute ({_w3c(start)}) "
                            "and the server does not page")
        middle = start + (end - start) / 2
        merged = {str(r["service_request_id"]): r for r in self.window(start, middle, names)}
        merged.update({str(r["service_request_id"]): r for r in self.window(middle, end, names)})
        return list(merged.values())

    def by_ids(self, ids: list[str]) -> list[dict[str, Any]]:
        return self._requests({"service_request_id": ",".join(ids)})

    def changed(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Chicago's extension: requests updated between start and end (90-day windows)."""
        found: dict[str, dict[str, Any]] = {}
        while start < end:
            stop = min(start + WINDOW, end)
            found.update({str(r["service_request_id"]): r for r in self.window(start, stop, CHANGED)})
            start = stop
        return list(found.values())


def _check(mapper: Mapper, requests: list[dict[str, Any]]) -> None:
    """A request the open311 profile cannot read fails the pull, naming it (nothing imported)."""
    for request in requests:
        _, errors = mapper.map(request)
        if errors:
            raise SyncError(f"request {request.get('service_request_id')}: {errors[0]['field']}: "
                            f"{errors[0]['message']}")


def _open_source_ids(dept: str, system: str) -> list[str]:
    ids: list[str] = []
    start = None
    far = datetime(2999, 12, 31, tzinfo=timezone.utc)
    while len(ids) < MAX_REFRESH:
        records, start = feedback_dal.query_open(dept, due_by=far, limit=200, start_key=start)
        ids += [r["source_id"] for r in records if r["source_system"] == system]
        if not start:
            break
    return ids[:MAX_REFRESH]


def run(source: dict[str, Any], principal: Principal, get: Callable[..., Any] | None = None,
        budget_seconds: float = 13 * 60) -> SyncResult | None:
    """One pull; None when another pull of this source holds it. A pull that reaches its time
    budget stops between windows (`complete: false`); the next one goes on from the watermark."""
    dept, source_id = source["department"], source["id"]
    now = clock.now().replace(microsecond=0)
    deadline = time.monotonic() + budget_seconds
    complete = True
    if not dal.take_lease(dept, source_id, now):
        return None
    system = source_system(source_id)
    totals = {"fetched": 0, "created": 0, "updated": 0, "duplicates": 0, "rejected": 0}
    watermark = source["watermark"]
    error = None

    seen: set[str] = set()

    def load(requests: list[dict[str, Any]]) -> None:
        _check(mapper, requests)
        totals["fetched"] += len(requests)
        seen.update(str(r["service_request_id"]) for r in requests)
        if requests:
            result = import_feedback(dept, requests, principal, profile=PROFILE, source_format="json",
                                     source_system=system)
            for name in ("created", "updated", "duplicates", "rejected"):
                totals[name] += getattr(result, name)

    try:
        mapper = Mapper(builtins()[PROFILE], department(dept).time_zone)
        api_key = secret_store.get(source["secret_name"]) if source["secret_name"] else None
        fetcher = Fetcher(source, api_key, get)
        start = watermark - OVERLAP if watermark else source["since"]
        while start < now:
            if time.monotonic() > deadline:
                complete = False
                break
            end = min(start + WINDOW, now)
            load(fetcher.window(start, end))
            watermark = end
            dal.save_progress(dept, source_id, watermark=watermark)
            start = end
        previous = (source["last_sync"] or {}).get("at")
        if complete and source["updated_after"] and previous:
            # The server says what changed since the last pull (less the overlap): no id lists.
            since_last = datetime.fromisoformat(str(previous)) - OVERLAP
            load([r for r in fetcher.changed(since_last, now) if str(r["service_request_id"]) not in seen])
            open_ids = []
        else:
            open_ids = [i for i in _open_source_ids(dept, system) if i not in seen] if complete else []
        for index in range(0, len(open_ids), REFRESH_BATCH):
            if time.monotonic() > deadline:
                complete = False
                break
            chunk = open_ids[index:index + REFRESH_BATCH]
            wanted = set(chunk)
            load([r for r in fetcher.by_ids(chunk) if str(r["service_request_id"]) in wanted])
    except (SyncError, OutboundError) as exc:
        error = str(exc)
    except ApiError as exc:  # the secret store or the database did not answer
        error = exc.message
    except Exception:  # noqa: BLE001 - reported on the source, never crashes the job
        logger.exception("pull failed", extra={"department": dept, "source_id": source_id})
        error = "the pull failed unexpectedly (the service log has the details)"
    outcome = {"at": now, "status": "error" if error else "ok", **totals, "error": error,
               "complete": complete and not error}
    dal.save_progress(dept, source_id, last_sync=outcome, release=True)
    return SyncResult(**outcome, watermark=watermark)
