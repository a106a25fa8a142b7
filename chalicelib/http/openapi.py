"""OpenAPI 3.1, generated from the registered routes (`api_route` specs) and their pydantic models.

Every operation states its roles, its path parameters' patterns, the errors it can answer (the
envelope, `X-Correlation-Id` on every answer, `Retry-After` on a 503) and an example of its body
and its success answer (the models' `examples`; tests/integration/test_openapi_quality.py checks)."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.core.schemas import API_ENUMS, ErrorEnvelope
from chalicelib.http.openapi_file import SERVERS_MARK, servers

REF = "#/components/schemas/{model}"
_ERRORS = {
    400: "Invalid input: each bad field is named in `details`",
    401: "Missing, malformed, expired or untrusted bearer token",
    403: "The caller's role or department may not do this",
    404: "No such resource in the caller's scope",
    409: "Conflict: a concurrent change, a duplicate, a reused idempotency key or a refused transition",
    413: "The body is too large",
    415: "Unsupported Content-Type",
    429: "Too many requests: API Gateway's throttling of the stage (its own body, not the envelope)",
    503: "The database or the identity provider did not answer in time; retry after `Retry-After` seconds",
}
_ID = {"type": "string", "pattern": "^[a-z0-9]{8,40}$"}
_HEX32 = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
# Path parameters' schemas by name: a route with a new name must add it here (the test says so).
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "dept": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,39}$", "example": "corp-comms"},
    "period": {"type": "string", "pattern": "^([0-9]{4}-(0[1-9]|1[0-2])|[0-9]{4}-Q[1-4]|FY[0-9]{4})$",
               "description": "2017-03 (month), 2017-Q2 (quarter) or FY2017 (federal fiscal year), "
                              "as the KPI's frequency", "example": "2017-03"},
    "journey_id": {**_HEX32, "example": "5b0e8c1f9a7d4e2b8c6a1f3e0d9b7a45"},
    "kpi_id": {**_HEX32, "example": "8d2f6a0c4b1e4f7a9c3d5e7f1a2b4c6d"},
    "report_id": {**_ID, "example": "1a230ef83d8ec0d7136d2"},
    "rec_id": {**_ID, "example": "1a230ef83e4fa52ac8627"},
    "action_id": {**_ID, "example": "1a230ef892eab4e27c80b"},
    "evidence_id": {**_ID, "example": "1a230ef8960e5201ad35c"},
    "feedback_id": {"type": "string", "pattern": "^[0-9]{6}[0-9a-hjkmnp-tv-z]{26}$",
                    "description": "yyyymm of receipt and a ULID", "example": "20170301bbphe7w05f6vw298fxw3patf"},
    "profile_id": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,39}$",
                   "description": "a department's own import profile", "example": "sprinklr"},
    "source_id": {**_HEX32, "example": "3c9e1a7b5d2f4e6a8b0c1d3e5f7a9b2c"},
    "job_id": {"type": "string", "pattern": "^[0-9a-hjkmnp-tv-z]{26}$",
               "description": "an import job: creation time and randomness, Crockford base32", "example": "01jf3k5q9x2m7v8w4c6b0n1p2r"},
    "alert_id": {"type": "string", "pattern": "^[0-9a-hjkmnp-tv-z]{26}$",
                 "description": "an alert: its opening time and randomness, Crockford base32",
                 "example": "01b8zk3w6t7f2m9q4c6b0n1p2r"},
    "survey_id": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,39}_[0-9a-f]{16}$",
                  "description": "the department's id and 16 hex digits", "example": "parks_5f2c9a0b1d3e4f60"},
    "assessment_id": {**_ID, "example": "19a3c0d4e5f6a7b8c9d0e"},
    "framework_id": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,59}$",
                     "example": "contact-centre-operational-audit"},
    "ref": {"type": "string", "pattern": "^[0-9A-Za-z][0-9A-Za-z.\\-_]{0,19}$",
            "description": "a requirement's ref in its framework", "example": "OPS-1"},
    "peer_set_id": {**_HEX32, "description": "a peer set (issue 29)", "example": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b"},
    "upload_id": {"type": "string", "pattern": "^[0-9a-hjkmnp-tv-z]{26}$",
                  "description": "a peer set's upload (an import job)", "example": "01jf3k5q9x2m7v8w4c6b0n1p2r"},
    "plan_id": {**_HEX32, "example": "9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59"},
    "sample_id": {**_HEX32, "example": "4e7a1c9b2d3f4a5b8c6d0e1f2a3b4c5d"},
    "chart": {"type": "string", "enum": ["recommendations", "voc", "channels", "kpis"]},
    # the dashboard's own files and the USWDS files it serves (chalicelib/reporting/dashboard_routes.py)
    "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$", "example": "core.js"},
    "kind": {"type": "string", "enum": ["css", "js", "fonts", "img"]},
    "family": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$", "example": "source-sans-pro"},
    "subject": {"type": "string", "pattern": "^[A-Za-z0-9._:|@+=\\-]{1,255}$",
                "description": "the `sub` claim of the person's token", "example": "9f2c1e44-6a4b-4f6e-9a63-1d2f0c8b7e51"},
}
_UNKNOWN_PARAMETER = {"type": "string"}
_MEDIA_EXAMPLES = {
    "text/html": "<!doctype html><html lang=\"en\">...</html>",
    "text/javascript": "\"use strict\";\n(function () { /* ... */ })();",
    "image/svg+xml": "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">...</svg>",
    "text/css": ".usa-button{font-family:Source Sans Pro Web,sans-serif}",
    "font/woff2": "(the WOFF2 font file's bytes)",
}
_HEADERS = {
    "XCorrelationId": {"description": "The request's correlation id (yours when you sent a valid one): "
                                      "quote it when reporting a problem",
                       "schema": {"type": "string", "pattern": "^[A-Za-z0-9._\\-]{1,128}$"}},
    "RetryAfter": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}},
    "WWWAuthenticate": {"description": "`Bearer realm=\"cxgov\"`", "schema": {"type": "string"}},
}
_PARAMETERS = {
    "XCorrelationId": {"name": "X-Correlation-Id", "in": "header", "required": False,
                       "description": "Your id for this request, echoed in the answer and the logs. "
                                      "1-128 of `A-Za-z0-9._-`; any other value is replaced by the "
                                      "request's own id (never refused)",
                       "schema": {"type": "string"}},
    "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "Retrying with the same key returns the first answer and writes nothing",
                       "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:\\-]{8,128}$"}},
}
_GATEWAY_MESSAGE = {"type": "object", "properties": {"message": {"type": "string"}},
                    "required": ["message"], "examples": [{"message": "Too Many Requests"}]}


def _enum_names() -> dict[frozenset, str]:
    """The API's enums by name (`api_enum` in each domain's schemas), by their set of values."""
    from typing import get_args

    return {frozenset(get_args(alias)): name for name, alias in API_ENUMS.items()}


def _hoist_enums(node: Any, names: dict[frozenset, str], found: dict[str, list]) -> Any:
    """Replaces every inline string enum that is one of the named ones by a reference to it."""
    if isinstance(node, list):
        return [_hoist_enums(item, names, found) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "string" and isinstance(node.get("enum"), list) and frozenset(node["enum"]) in names:
        name = names[frozenset(node["enum"])]
        found.setdefault(name, node["enum"])
        kept = {k: v for k, v in node.items() if k in ("default", "description", "examples")}
        return {"$ref": REF.format(model=name), **kept}
    return {key: _hoist_enums(value, names, found) for key, value in node.items()}


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


def _header(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _example_of(model: type[BaseModel], mode: str) -> Any:
    examples = model.model_json_schema(mode=mode).get("examples") or [None]
    return examples[0]


def _roles_text(spec: Any) -> str:
    if spec.public:
        return "Public: no token needed."
    return "Roles: " + ", ".join(f"`{r}`" for r in spec.roles) + "."


def _success(spec: Any, refs: dict[tuple[type, str], dict]) -> dict[str, Any]:
    headers = {"X-Correlation-Id": _header("XCorrelationId")}
    if spec.status == 204:
        return {"description": "Done; no content", "headers": headers}
    if spec.response is not None:
        media: dict[str, Any] = {"schema": refs[(spec.response, "serialization")]}
        example = _example_of(spec.response, "serialization")
    else:
        media = {"schema": {"type": "string"} if spec.response_media_type != "application/json" else {"type": "object"}}
        example = spec.response_example() if callable(spec.response_example) else spec.response_example
        example = example if example is not None else _MEDIA_EXAMPLES.get(spec.response_media_type)
    if example is not None:
        media["example"] = example
    return {"description": "Success", "headers": headers, "content": {spec.response_media_type: media}}


def _error_codes(spec: Any) -> list[int]:
    codes = [400]
    if not spec.public:
        codes += [401, 403]
        if spec.path_params:
            codes.append(404)
        if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append(409)
    elif spec.path_params:  # a public route with a path parameter (the dashboard's files) can be a 404
        codes.append(404)
    if spec.body is not None:
        codes += [413, 415]
    codes += [code for code in spec.errors if code not in codes]  # what the route declares itself
    codes.append(429)
    if not spec.public:
        codes.append(503)
    return codes


def _error(code: int, refs: dict[tuple[type, str], dict]) -> dict[str, Any]:
    if code == 429:
        return {"description": _ERRORS[429], "content": {"application/json": {
            "schema": {"$ref": REF.format(model="GatewayMessage")}}}}
    headers = {"X-Correlation-Id": _header("XCorrelationId")}
    if code == 401:
        headers["WWW-Authenticate"] = _header("WWWAuthenticate")
    if code == 503:
        headers["Retry-After"] = _header("RetryAfter")
    return {"description": _ERRORS[code], "headers": headers, "content": {
        "application/json": {"schema": refs[(ErrorEnvelope, "serialization")]}}}


def _operation(spec: Any, refs: dict[tuple[type, str], dict], schemas: dict[str, Any]) -> dict:
    op: dict[str, Any] = {
        "operationId": spec.view_name,
        "summary": spec.summary,
        "description": (_roles_text(spec) + ("\n\n" + spec.description if spec.description else "")),
        "tags": [spec.tag],
        "x-cxgov-roles": list(spec.roles),
        "parameters": [{"name": p, "in": "path", "required": True,
                        "schema": dict(PATH_PARAMETERS.get(p, _UNKNOWN_PARAMETER))}
                       for p in spec.path_params],
        "responses": {},
    }
    if spec.query is not None:
        op["parameters"] += _query_parameters(spec.query, schemas)
    op["parameters"].append({"$ref": "#/components/parameters/XCorrelationId"})
    if spec.body is not None:
        body_example = _example_of(spec.body, "validation")
        content: dict[str, Any] = {}
        for ct in spec.content_types:
            media: dict[str, Any] = {"schema": refs[(spec.body, "validation")] if ct == "application/json"
                                     else {"type": "string"}}
            if ct == "application/json" and body_example is not None:
                media["example"] = body_example
            content[ct] = media
        op["requestBody"] = {"required": True, "content": content}
    if spec.idempotent:
        op["parameters"].append({"$ref": "#/components/parameters/IdempotencyKey"})
    op["responses"][str(spec.status)] = _success(spec, refs)
    op["security"] = [] if spec.public else [{"bearerAuth": []}]
    for code in _error_codes(spec):
        op["responses"][str(code)] = _error(code, refs)
    return op


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    from chalicelib.http.routing import ROUTES

    models: set[tuple[type, str]] = {(ErrorEnvelope, "serialization")}
    for spec in ROUTES:
        if spec.body is not None:
            models.add((spec.body, "validation"))
        if spec.response is not None:
            models.add((spec.response, "serialization"))
    ordered = sorted(models, key=lambda m: (m[0].__name__, m[1]))
    refs, defs = models_json_schema(ordered, ref_template=REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for spec in sorted(ROUTES, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs, schemas)
    names, found = _enum_names(), {}
    schemas = _hoist_enums(schemas, names, found)
    paths = _hoist_enums(paths, names, found)
    clashes = set(found) & set(schemas)
    if clashes:
        raise RuntimeError(f"enum names clash with models: {sorted(clashes)}")
    schemas.update({name: {"title": name, "type": "string", "enum": values} for name, values in found.items()})
    tags = sorted({spec.tag for spec in ROUTES})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cxgov",
            "version": "1.1.0",
            "description": "Customer-experience governance across the departments of a public "
                           "organisation: KPIs, voice of the customer and audit follow-up.",
            "license": {"name": "Proprietary", "identifier": "LicenseRef-cxgov"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": t, "description": f"The {t} operations"} for t in tags],
        "paths": paths,
        "components": {
            "schemas": {**schemas, "GatewayMessage": _GATEWAY_MESSAGE},
            "headers": _HEADERS,
            "parameters": _PARAMETERS,
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "RS256 JWT from the organisation's issuer (Cognito, Entra ID, Login.gov "
                               "or any OIDC provider). The role comes from the claims the stage "
                               "configures, else from the role directory (`/settings/users`)."}},
        },
    }


def openapi_document(base_path: str = "") -> dict[str, Any]:
    """The document as served under `base_path` (`/v1` on the execute-api URL, "" on a custom
    domain mapped to the root): `servers` says so."""
    return {**_document(), "servers": servers(base_path)}


def prebuilt_text() -> str:
    """The document as the packaged zip ships it (openapi_file.PREBUILT): compact JSON, as Chalice
    would serialize it, whose `servers` is a mark the route replaces with the request's."""
    from chalicelib.http.routing import ROUTES

    if not ROUTES:
        raise RuntimeError("no route is registered: import app before building the document")
    text = json.dumps({**_document(), "servers": json.loads(SERVERS_MARK)}, separators=(",", ":"))
    if text.count(SERVERS_MARK) != 1:
        raise RuntimeError(f"the mark {SERVERS_MARK} must occur once in the document")
    return text
