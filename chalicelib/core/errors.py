"""The API's errors and their one mapping to HTTP: `{"error": {"code", "message", "details"}}`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers or {}

    @classmethod
    def for_field(cls, field: str, message: str) -> "ApiError":
        return cls(f"{field}: {message}", [{"field": field, "message": message}])


class BadRequest(ApiError):
    status, code = 400, "validation_error"


class Unauthenticated(ApiError):
    status, code = 401, "unauthenticated"

    def __init__(self, message: str = "a valid bearer token is required"):
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="cxgov"'})


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class ServiceUnavailable(ApiError):
    status, code = 503, "service_unavailable"


def _field_path(loc: tuple[Any, ...], prefix: str | None) -> str:
    parts = [str(p) for p in loc if p not in ("body", "json", "[key]")]  # "[key]": the key itself is bad
    path = ".".join(parts)
    if prefix:
        return f"{prefix}.{path}" if path else prefix
    return path or "body"


def from_validation_error(exc: ValidationError, prefix: str | None = None) -> BadRequest:
    """One detail per bad field, named by its dotted path (`staffed_hours.start`)."""
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        if err["type"] == "json_invalid":
            return BadRequest("the body is not valid JSON",
                              [{"field": prefix or "body", "message": "malformed JSON"}])
        field = _field_path(tuple(err["loc"]), prefix)
        message = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        if message.startswith("Value error, "):  # pydantic's prefix for a validator's own words
            message = message[len("Value error, "):]
        details.append({"field": field, "message": message})
    names = ", ".join(sorted({d["field"] for d in details}))
    return BadRequest(f"invalid input: {names}", details)


def envelope(error: ApiError, correlation_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message, "details": error.details}
    if correlation_id:
        body["correlation_id"] = correlation_id
    return {"error": body}
