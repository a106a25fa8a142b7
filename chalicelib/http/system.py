"""Liveness, the caller's identity, and the generated OpenAPI document."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.http.routing import ANY_ROLE, PUBLIC, Call, api_route
from chalicelib.core.lazy import lazy

Health, Me = lazy("chalicelib.http.system_schemas", "Health", "Me")

bp = Blueprint(__name__)
TAG = "system"


@api_route(bp, "/health", "GET", summary="Liveness", tag=TAG, roles=PUBLIC, response=Health)
def health(call: Call) -> dict:
    # Plain dicts (shaped as Health and Me): the liveness probe and a token check load no pydantic.
    return {"status": "ok", "service": "cxgov"}


@api_route(bp, "/me", "GET", summary="The caller's role and scope", tag=TAG, roles=ANY_ROLE,
           response=Me)
def me(call: Call) -> dict:
    p = call.principal
    return {"subject": p.subject, "name": p.name, "role": p.role, "department": p.department,
            "org_wide": p.org_wide}


@api_route(bp, "/openapi.json", "GET", summary="This API's OpenAPI 3.1 document", tag=TAG,
           roles=PUBLIC, response_example={"openapi": "3.1.0", "info": {"title": "cxgov", "version": "1.1.0"},
                                           "servers": [{"url": "/v1"}], "paths": {}})
def openapi(call: Call) -> Response:
    """`servers` names the prefix the document was fetched under (`/v1` on the execute-api URL)."""
    from chalicelib.http import openapi_file  # loaded by this route only

    headers = {"Content-Type": "application/json"}
    prebuilt = openapi_file.prebuilt()  # the packaged zip's (devtools/package.py)
    if prebuilt is not None:
        return Response(body=openapi_file.served(prebuilt, call.base_path), status_code=200, headers=headers)
    from chalicelib.http.openapi import openapi_document  # JSON-schema generation only when asked for

    return Response(body=openapi_document(call.base_path), status_code=200, headers=headers)
