"""OpenAPI 3.1, generated from the registered routes (`api_route` specs) and their pydantic models."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.models.common import ErrorEnvelope

REF = "#/components/schemas/{model}"
_ERRORS = {
    400: "Invalid input: each bad field is named in `details`",
    401: "Missing, malformed, expired or untrusted bearer token",
    403: "The caller's role or department may not do this",
    404: "No such resource in the caller's scope",
    409: "Conflict: a concurrent change, a duplicate, a reused idempotency key or a refused transition",
    413: "The body is too large",
    415: "Unsupported Content-Type",
}


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


def _operation(spec: Any, refs: dict[tuple[type, str], dict], schemas: dict[str, Any]) -> dict:
    op: dict[str, Any] = {
        "operationId": spec.view_name,
        "summary": spec.summary,
        "tags": [spec.tag],
        "x-cxgov-roles": list(spec.roles),
        "parameters": [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                       for p in spec.path_params],
        "responses": {},
    }
    if spec.description:
        op["description"] = spec.description
    if spec.query is not None:
        op["parameters"] += _query_parameters(spec.query, schemas)
    if spec.body is not None:
        op["requestBody"] = {"required": True, "content": {
            ct: {"schema": refs[(spec.body, "validation")] if ct == "application/json" else {"type": "string"}}
            for ct in spec.content_types}}
    if spec.idempotent:
        op["parameters"].append({
            "name": "Idempotency-Key", "in": "header", "required": False,
            "description": "Retrying with the same key returns the first answer and writes nothing",
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:\\-]{8,128}$"}})
    ok_content = ({spec.response_media_type: {"schema": refs[(spec.response, "serialization")]}}
                  if spec.response is not None else {spec.response_media_type: {}})
    op["responses"][str(spec.status)] = {"description": "Success", "content": ok_content}
    error_codes = [400]
    if not spec.public:
        op["security"] = [{"bearerAuth": []}]
        error_codes += [401, 403]
        if spec.path_params:
            error_codes.append(404)
        if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
            error_codes.append(409)
    else:
        op["security"] = []
    if spec.body is not None:
        error_codes += [413, 415]
    error_codes += [code for code in spec.errors if code not in error_codes]
    for code in error_codes:
        op["responses"][str(code)] = {"description": _ERRORS[code], "content": {
            "application/json": {"schema": refs[(ErrorEnvelope, "serialization")]}}}
    return op


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    from chalicelib.api.routing import ROUTES

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
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cxgov",
            "version": "1.0.0",
            "description": "Customer-experience governance across the departments of a public "
                           "organisation: KPIs, voice of the customer and audit follow-up.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "RS256 JWT from the organisation's issuer (Cognito or OIDC); roles "
                               "from `custom:role`/`custom:department` or Cognito groups"}},
        },
    }
