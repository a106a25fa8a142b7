"""A small Open311 GeoReport v2 server of the tests' own, on loopback: `GET …/requests.json` with
`start_date`/`end_date` (on requested_datetime), `service_request_id` lists, `service_code`,
`page`/`page_size` (or, with `paging=False`, the 1,000-request default and no paging), and the
failures a real one shows (`mode`: timeout, 500, html, bad_datetime)."""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit


class GeoReport:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.paging = True
        self.max_page_size = 1000
        self.limit = 1000
        self.mode = "ok"
        self.sleep = 5.0
        self.calls: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def answer(self, params: dict[str, str]) -> tuple[int, str, bytes]:
        with self.lock:
            self.calls.append(params)
        if self.mode == "timeout":
            time.sleep(self.sleep)
        if self.mode == "500":
            return 500, "application/json", b'{"error": "database unavailable"}'
        if self.mode == "html":
            return 200, "text/html", b"<html><body><h1>Scheduled maintenance</h1></body></html>"
        found = list(self.requests)
        if "service_request_id" in params:
            wanted = set(params["service_request_id"].split(","))
            found = [r for r in found if r["service_request_id"] in wanted]
        elif "updated_after" in params:  # Chicago's extension, on updated_datetime
            low, high = datetime.fromisoformat(params["updated_after"]), datetime.fromisoformat(params["updated_before"])
            found = [r for r in found if low <= datetime.fromisoformat(r["updated_datetime"]) <= high]
        else:
            start = datetime.fromisoformat(params["start_date"]) if "start_date" in params else None
            end = datetime.fromisoformat(params["end_date"]) if "end_date" in params else None
            found = [r for r in found if (start is None or datetime.fromisoformat(r["requested_datetime"]) >= start)
                     and (end is None or datetime.fromisoformat(r["requested_datetime"]) <= end)]
        if "service_code" in params:
            codes = set(params["service_code"].split(","))
            found = [r for r in found if r.get("service_code") in codes]
        found.sort(key=lambda r: datetime.fromisoformat(r["requested_datetime"]), reverse=True)
        if self.paging and "page" in params:
            size = min(int(params.get("page_size", "50")), self.max_page_size)
            page = int(params["page"])
            found = found[(page - 1) * size:page * size]
        else:
            found = found[:self.limit]
        if self.mode == "bad_datetime" and found:
            found = [dict(found[0], requested_datetime="31/12/2017 25:61")] + found[1:]
        return 200, "application/json; charset=utf-8", json.dumps(found).encode()


@contextmanager
def serve(server: GeoReport | None = None) -> Iterator[tuple[str, GeoReport]]:
    """(base_url, server): the GeoReport endpoint on 127.0.0.1 and a free port, stopped on exit."""
    state = server or GeoReport()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            if not url.path.endswith("/requests.json"):
                self.send_error(404)
                return
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, media, body = state.answer(params)
            try:
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/open311/v2", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def request(number: int, requested: datetime, *, status: str = "open", updated: datetime | None = None,
            expected: datetime | None = None, code: str = "PH01") -> dict[str, Any]:
    """One GeoReport v2 service request as servers answer it."""
    return {"service_request_id": f"{number}", "status": status, "service_name": "Pothole",
            "service_code": code, "description": f"request {number}", "agency_responsible": "Public Works",
            "requested_datetime": requested.isoformat(), "updated_datetime": (updated or requested).isoformat(),
            "expected_datetime": expected.isoformat() if expected else None,
            "address": f"{number} Main St", "lat": 37.76, "long": -122.42}
