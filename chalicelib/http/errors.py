"""The one place an exception becomes an HTTP answer: the error envelope, with its status, for
every failure a route or the middleware meets."""
from __future__ import annotations

from chalice import Response

from chalicelib.core.errors import ApiError, Conflict, ServiceUnavailable, envelope
from chalicelib.core.lazy import lazy
from chalicelib.core.observability import logger

credentials = lazy("chalicelib.db.credentials")  # its signing errors; loaded by the first failure


def error_response(error: ApiError, cid: str | None) -> Response:
    headers = {"Content-Type": "application/json", **error.headers}
    if cid:
        headers["X-Correlation-Id"] = cid
    return Response(body=envelope(error, cid), status_code=error.status, headers=headers)


_BUSY = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
         "InternalServerError", "ServiceUnavailable", "LimitExceededException"}


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps: PynamoDB's `cause`, Python's chained `__cause__`."""
    chain, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = getattr(current, "cause", None) or current.__cause__ or current.__context__
    return chain


def _is_unavailable(exc: BaseException) -> bool:
    import botocore.exceptions as bce

    if isinstance(exc, (bce.ConnectionError, bce.HTTPClientError)):
        return True
    code = getattr(exc, "response", {}).get("Error", {}).get("Code") if isinstance(exc, bce.ClientError) else None
    return code in _BUSY


def to_api_error(exc: Exception) -> ApiError:
    """The one place an exception becomes an HTTP status."""
    if isinstance(exc, ApiError):
        return exc
    wrapped = next((e for e in _causes(exc) if isinstance(e, credentials.SIGNING_ERRORS)), None)
    if wrapped is not None:  # raised while botocore signed, maybe under Powertools' own error
        return wrapped
    # Input is validated (and turned into 400s) before a handler runs: a ValidationError that gets
    # here was raised building an answer, a server bug, and falls through to the 500 below.
    code = getattr(exc, "cause_response_code", None)
    reasons = [getattr(r, "code", None) for r in (getattr(exc, "cancellation_reasons", None) or []) if r]
    if "TransactionConflict" in reasons or code == "TransactionConflictException":
        return Conflict("a concurrent change touched the same records; read again and retry")
    if (set(reasons) & {"ThrottlingError", "ProvisionedThroughputExceeded"}
            or any(_is_unavailable(e) for e in _causes(exc))):
        # Whether a timed-out write landed is unknown: a retry with the same Idempotency-Key is safe.
        return ServiceUnavailable("the database did not answer in time; retry (with the same "
                                  "Idempotency-Key for a create)", headers={"Retry-After": "1"})
    logger.exception("unhandled error")
    return ApiError("an internal error occurred; quote the correlation id when reporting it")
