"""The HTTP side of the CLI: the API's base URL and token (options, else CXGOV_API / CXGOV_TOKEN),
JSON requests, and every error the API can answer turned into a message and an exit code."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, BinaryIO, Callable

import click

# Exit codes (docs/import-jobs.md, "The `cxgov` command-line client"); click itself exits 2 on a usage error.
OK, REJECTED_ROWS, USAGE, REFUSED, JOB_FAILED, UNAVAILABLE, TIMED_OUT = 0, 1, 2, 3, 4, 5, 6
DEFAULT_API = "http://127.0.0.1:8000"
_HINTS = {
    401: "the token is missing, expired or not accepted: pass --token or set CXGOV_TOKEN "
         "(locally `cxgov token --role dcxo --dept DEPT` mints one)",
    403: "this token's role or department may not do this",
    404: "not found (check the department id and the job id)",
    413: "the request is too large",
}


class CliError(click.ClickException):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code


def api_options(func: Callable) -> Callable:
    func = click.option("--token", envvar="CXGOV_TOKEN", show_envvar=True,
                        help="bearer token (default: $CXGOV_TOKEN)")(func)
    return click.option("--api", "api_url", envvar="CXGOV_API", show_envvar=True, default=DEFAULT_API,
                        show_default=True, help="the API's base URL (default: $CXGOV_API)")(func)


def _message(status: int, raw: bytes) -> str:
    try:
        error = json.loads(raw)["error"]
    except (ValueError, KeyError, TypeError):
        return f"the API answered HTTP {status}"
    lines = [f"{error.get('message', 'error')} (HTTP {status}, {error.get('code', '')})"]
    for detail in error.get("details") or []:
        lines.append(f"  {detail.get('field', '')}: {detail.get('message', '')}")
    if status in _HINTS:
        lines.append(f"  hint: {_HINTS[status]}")
    if error.get("correlation_id"):
        lines.append(f"  correlation id: {error['correlation_id']}")
    return "\n".join(lines)


class Api:
    def __init__(self, base: str, token: str | None):
        if not token:
            raise CliError("no token: pass --token or set CXGOV_TOKEN (locally `cxgov token --role dcxo "
                           "--dept DEPT` mints one)", USAGE)
        self.base, self.token = base.rstrip("/"), token

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        """JSON in and out; 503/429 are retried (Retry-After) a few times before giving up."""
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(4):
            request = urllib.request.Request(self.base + path, data=data, method=method)
            request.add_header("Authorization", f"Bearer {self.token}")
            request.add_header("Accept", "application/json")
            if data is not None:
                request.add_header("Content-Type", "application/json")
            for name, value in (headers or {}).items():
                request.add_header(name, value)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    raw = response.read()
                    return json.loads(raw) if raw else None
            except urllib.error.HTTPError as error:
                raw = error.read()
                if error.code in (429, 503) and attempt < 3:
                    time.sleep(min(float(error.headers.get("Retry-After") or 1), 10))
                    continue
                code = UNAVAILABLE if error.code >= 500 else REFUSED
                raise CliError(_message(error.code, raw), code)
            except (urllib.error.URLError, OSError) as error:
                if attempt < 3:
                    time.sleep(1)
                    continue
                raise CliError(f"cannot reach the API at {self.base}: {getattr(error, 'reason', error)} "
                               "(set --api or CXGOV_API)", UNAVAILABLE)
        raise CliError("the API stayed unavailable; retry later", UNAVAILABLE)


def put_file(url: str, headers: dict[str, str], stream: BinaryIO, size: int) -> None:
    """PUT the file to the presigned URL, streaming (never read whole into memory)."""
    request = urllib.request.Request(url, data=stream, method="PUT")
    for name, value in headers.items():
        request.add_header(name, value)
    request.add_header("Content-Length", str(size))
    try:
        with urllib.request.urlopen(request, timeout=300):
            return
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")[:500]
        expired = "expired" in body.lower()
        raise CliError(f"the upload was refused (HTTP {error.code})"
                       + (": the upload URL expired, start the import again" if expired else f": {body}"),
                       REFUSED)
    except (urllib.error.URLError, OSError) as error:
        raise CliError(f"the upload failed: {getattr(error, 'reason', error)}", UNAVAILABLE)
