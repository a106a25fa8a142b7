"""Cross-cutting middleware: Powertools logging context, EMF metrics, optional tracing, the
correlation id, and Chalice's own errors (405, 415, bad JSON) reshaped into the error envelope."""
from __future__ import annotations

import functools
from typing import Any, Callable

from chalice import Chalice, ConvertToMiddleware, Response

from chalicelib.http.errors import error_response, to_api_error
from chalicelib.http.routing import correlation_id
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ApiError, BadRequest, UnsupportedMediaType
from chalicelib.core.observability import count, flush_metrics, get_tracer, logger

_CHALICE_ERRORS: dict[str, type[ApiError]] = {
    "UnsupportedMediaType": UnsupportedMediaType,
    "BadRequestError": BadRequest,
    "BadRequest": BadRequest,
}


def _reshape_chalice_error(response: Response, cid: str) -> Response:
    body = response.body
    if not (isinstance(body, dict) and "Code" in body and "error" not in body):
        return response
    if response.status_code == 405:
        error = ApiError(str(body.get("Message", "method not allowed")))
        error.status, error.code = 405, "method_not_allowed"
        error.headers = {"Allow": response.headers.get("Allow", "")}
    else:
        message = str(body.get("Message", ""))
        error_type = _CHALICE_ERRORS.get(body["Code"], ApiError)
        field = "Content-Type" if error_type is UnsupportedMediaType else "body"
        error = error_type(message, [{"field": field, "message": message}])
    return error_response(error, cid)


def _http(app: Chalice, event: Any, get_response: Callable[[Any], Response]) -> Response:
    cid = correlation_id(event, app.lambda_context)
    logger.set_correlation_id(cid)
    logger.append_keys(method=event.method, route=event.path)
    try:
        response = _reshape_chalice_error(get_response(event), cid)
    except Exception as exc:  # noqa: BLE001 - a failing middleware still answers in the envelope
        response = error_response(to_api_error(exc), cid)
    # Every answer (JSON, errors, CSV, the dashboard's pages and assets): browsers take the declared
    # Content-Type as it is and never guess another (a CSV or an upload rendered as HTML).
    response.headers["X-Content-Type-Options"] = "nosniff"
    status = response.status_code
    count("Requests")
    if status >= 500:
        count("ServerErrors")
    elif status >= 400:
        count("ClientErrors")
    logger.info("request handled", extra={"status": status})
    return response


def _publish_metrics(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Every event (HTTP, queue, schedule, stream) publishes its metrics when it ends, as
    Powertools' `log_metrics` does, but one thread at a time (`flush_metrics`)."""
    try:
        return get_response(event)
    finally:
        flush_metrics()


def _traced(handler: Callable[..., Any]) -> Callable[..., Any]:
    # The Tracer (the X-Ray SDK, ~260 ms) is built by the first invocation, not by `import app`.
    return get_tracer().capture_lambda_handler(handler)


def register_middleware(app: Chalice) -> None:
    app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)))
    app.register_middleware(_publish_metrics)
    if get_settings().tracing_enabled:
        app.register_middleware(ConvertToMiddleware(_traced))
    app.register_middleware(functools.partial(_http, app), "http")
