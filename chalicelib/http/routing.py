"""The conventions every route gets by being declared with `api_route`:

authentication and role check, department scope for any `{dept}` path, body size limit, pydantic
validation of body and query (unknown fields refused), `Idempotency-Key` on creates, one mapping
of every exception to the error envelope, and a `RouteSpec` from which /openapi.json is built."""
from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from chalice import Blueprint, Response

from chalicelib.http import idempotency
from chalicelib.http.errors import error_response, to_api_error
from chalicelib.core.claims import ROLES
from chalicelib.core.config import get_settings
from chalicelib.core.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    from_validation_error,
)
from chalicelib.core.lazy import lazy, resolved
from chalicelib.core.observability import logger

if TYPE_CHECKING:
    from pydantic import BaseModel

    from chalicelib.core.auth import Principal

# Loaded by the first request that needs them, not by `import app` (see chalicelib/core/lazy.py): token
# verification (PyJWT, cryptography), the data layer's signing hooks (botocore's handlers), pydantic.
auth = lazy("chalicelib.core.auth")
credentials = lazy("chalicelib.db.credentials")
models = lazy("chalicelib.core.schemas")
jsontext = lazy("chalicelib.core.jsontext")  # duplicate keys and nesting, before pydantic reads a body
text = lazy("chalicelib.core.text")

PUBLIC: tuple[str, ...] = ()
ANY_ROLE: tuple[str, ...] = ROLES
_PATH_PARAM = re.compile(r"{(\w+)}")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")  # as models.common.Slug


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    view_name: str
    summary: str
    tag: str
    roles: tuple[str, ...]
    status: int = 200
    # The pydantic models, as classes or `lazy(...)` names: resolved on first use (see `body`).
    body_ref: Any = None
    query_ref: Any = None
    response_ref: Any = None
    response_media_type: str = "application/json"
    content_types: tuple[str, ...] = ("application/json",)
    idempotent: bool = False
    max_body_bytes: int | None = None
    # Parses bodies `body` cannot (CSV, row-by-row imports): (raw bytes, Content-Type) -> a dict;
    # `body` then only documents the JSON shape.
    body_parser: Callable[[bytes, str | None], dict[str, Any]] | None = None
    description: str = ""
    path_params: tuple[str, ...] = field(default=())
    # Error statuses the route answers beyond the ones its shape implies (openapi.py documents them).
    errors: tuple[int, ...] = ()
    # The OpenAPI example of a success answer that has no response model (HTML, CSV, SVG ...).
    response_example: Any = None
    # API Gateway's own limit for this method in the packaged template (steady rate per second,
    # burst): the public survey routes, which no authorizer guards (devtools/infra_gen.py).
    throttle: tuple[int, int] | None = None

    @property
    def public(self) -> bool:
        return not self.roles

    # The models are imported when a request or /openapi.json first needs them, not at cold start.
    @property
    def body(self) -> type[BaseModel] | None:
        return resolved(self.body_ref)

    @property
    def query(self) -> type[BaseModel] | None:
        return resolved(self.query_ref)

    @property
    def response(self) -> type[BaseModel] | None:
        return resolved(self.response_ref)


ROUTES: list[RouteSpec] = []


@dataclass
class Call:
    """What a handler gets: who is calling, and the already validated input."""

    principal: Principal | None
    path: dict[str, str]
    body: Any
    query: Any
    headers: Any
    raw_body: bytes
    # Identifies this request on what it creates (dal.common.put_new): the Idempotency-Key's
    # fingerprint when sent, else unique per request so botocore's own retries still match.
    request_key: str = ""
    # Where the API is served: `/v1` on API Gateway's execute-api URL, "" at a custom domain's root.
    base_path: str = ""


_BASE_PATH = re.compile(r"^(/[A-Za-z0-9._~\-]+)+$")


def base_path(request: Any) -> str:
    """The prefix in front of the route, from the event API Gateway sends: `requestContext.path` is
    the path the client called (`/v1/me`; on a custom domain, its base path mapping and the route),
    the event's `path` the route's own (`/me`). `chalice local` and the test client send no
    prefix."""
    if request is None:
        return ""
    context = request.context or {}
    called = str(context.get("path") or "")
    route = str((request.to_original_event() or {}).get("path") or "")
    prefix = ""
    if route and called.endswith(route) and len(called) > len(route):
        prefix = called[: len(called) - len(route)]
    elif route == "/" and called.rstrip("/") and called != "/":
        prefix = called.rstrip("/")
    return prefix if _BASE_PATH.match(prefix) else ""


def path_template_filled(template: str, path: dict[str, str]) -> str:
    return _PATH_PARAM.sub(lambda m: path.get(m.group(1), m.group(0)), template)


def correlation_id(request: Any, lambda_context: Any = None) -> str:
    header = (request.headers or {}).get("x-correlation-id", "") if request else ""
    if re.fullmatch(r"[A-Za-z0-9._\-]{1,128}", header or ""):
        return header
    request_id = (request.context or {}).get("requestId") if request else None
    if request_id:
        return str(request_id)
    return getattr(lambda_context, "aws_request_id", None) or "unknown"


def _parse_body(spec: RouteSpec, request: Any) -> tuple[Any, bytes]:
    raw = request.raw_body or b""
    limit = spec.max_body_bytes or get_settings().max_body_bytes
    if len(raw) > limit:
        raise PayloadTooLarge.for_field("body", f"the body exceeds {limit} bytes")
    if spec.body is None:
        if raw.strip():
            raise BadRequest.for_field("body", "this route takes no body")
        return None, raw
    if not raw.strip():
        raise BadRequest.for_field("body", "a JSON body is required")
    if spec.body_parser is not None:
        return spec.body_parser(raw, (request.headers or {}).get("content-type")), raw
    jsontext.check(raw)  # a key given twice, nesting too deep: a 400 before pydantic reads it
    from pydantic import ValidationError

    try:
        return spec.body.model_validate_json(raw), raw
    except ValidationError as exc:
        raise from_validation_error(exc)


def _parse_query(spec: RouteSpec, request: Any) -> Any:
    multi = request.query_params or {}
    for name in multi:
        if hasattr(multi, "getlist") and len(multi.getlist(name)) > 1:
            raise BadRequest.for_field(name, "give this parameter once")
    params = dict(multi)
    if spec.query is None:
        if params:
            raise BadRequest.for_field(sorted(params)[0], "this route takes no query parameters")
        return None
    from pydantic import ValidationError

    try:
        return spec.query.model_validate(params)
    except ValidationError as exc:
        raise from_validation_error(exc)


_directory: Callable[[str], Any] | None = None


def use_directory(directory: Callable[[str], Any]) -> None:
    """Who grants a role to a token that names none (app.py wires the org domain's role directory:
    a lazy name, so only such tokens pay for its import and its read)."""
    global _directory
    _directory = directory


def _authorize(spec: RouteSpec, request: Any, path: dict[str, str]) -> Principal | None:
    if spec.public:
        return None
    principal = auth.authenticate(request.headers or {}, directory=_directory)
    if principal.role not in spec.roles:
        raise Forbidden(f"the {principal.role} role may not call {spec.method} {spec.path}")
    dept = path.get("dept")
    if dept is not None:
        if not principal.may_access(dept):
            # Same answer whether or not that department exists: nothing about it leaks.
            raise Forbidden("this department is outside your scope")
        if not _SLUG.match(dept):
            raise NotFound("no department has this id")
    return principal


def _shape(spec: RouteSpec, result: Any) -> dict[str, Any]:
    if isinstance(result, Response):
        body = result.body
        if isinstance(body, str) and spec.response_media_type == "text/csv":
            body = text.strip_controls(body)  # exports never carry control characters (issue 25)
        return {"status": result.status_code, "body": body, "headers": result.headers}
    body = result if isinstance(result, dict) else models.dump(result)  # a dict needs no pydantic
    return {"status": spec.status, "body": body, "headers": {}}


def api_route(bp: Blueprint, path: str, method: str, *, summary: str, tag: str,
              roles: tuple[str, ...], **options: Any) -> Callable:
    """Registers `handler(call) -> model | dict | Response` on `bp` with every convention applied."""

    for name in ("body", "query", "response"):
        if name in options:
            options[f"{name}_ref"] = options.pop(name)

    def decorator(handler: Callable[[Call], Any]) -> Callable:
        spec = RouteSpec(path=path, method=method, view_name=handler.__name__, summary=summary,
                         tag=tag, roles=roles, path_params=tuple(_PATH_PARAM.findall(path)),
                         description=(handler.__doc__ or "").strip(), **options)
        ROUTES.append(spec)

        @functools.wraps(handler)
        def view(**path: str) -> Response:
            request = bp.current_request
            cid = logger.get_correlation_id() or correlation_id(request, bp.lambda_context)
            try:
                principal = _authorize(spec, request, path)
                query = _parse_query(spec, request)
                body, raw = _parse_body(spec, request)
                call = Call(principal=principal, path=path, body=body, query=query,
                            headers=request.headers, raw_body=raw, request_key=uuid.uuid4().hex,
                            base_path=base_path(request))
                key = (request.headers or {}).get(idempotency.HEADER.lower())
                # A dcxo's DynamoDB and S3 calls are signed with its department's role session.
                with credentials.request_scope(principal) as department:
                    if spec.idempotent and key is not None:
                        scope = principal.scope_key if principal else "-"
                        route = f"{method} {path_template_filled(spec.path, path)}"
                        call.request_key = idempotency.request_key(scope, route, idempotency.validate_key(key))
                        payload = models.dump(body) if body is not None else None
                        if query is not None:  # `?profile=` changes what an import does
                            payload = {"body": payload, "query": models.dump(query)}
                        shaped = idempotency.run_once(
                            key, scope, route, payload, bp.lambda_context,
                            lambda: _shape(spec, handler(call)), department=department)
                    else:
                        shaped = _shape(spec, handler(call))
            except Exception as exc:  # noqa: BLE001 - every failure leaves as the error envelope
                return error_response(to_api_error(exc), cid)
            headers = {**shaped["headers"], "X-Correlation-Id": cid}
            return Response(body=shaped["body"], status_code=shaped["status"], headers=headers)

        bp.route(path, methods=[method], content_types=list(spec.content_types))(view)
        return handler

    return decorator
