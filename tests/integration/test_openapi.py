"""The OpenAPI document is generated from the registered routes and is valid OpenAPI 3.1."""
from __future__ import annotations

from openapi_spec_validator import validate


def test_document_is_valid_openapi_31(api):
    document = api.get("/openapi.json").json
    validate(document)  # raises on any violation of the 3.1 schema
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_chalice_route_is_documented_and_nothing_else(api):
    from app import app

    document = api.get("/openapi.json").json
    registered = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert registered == documented


def test_protected_operations_declare_security_roles_and_errors(api):
    document = api.get("/openapi.json").json
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if op["x-cxgov-roles"]:
                assert op["security"] == [{"bearerAuth": []}], (path, method)
                assert {"400", "401", "403"} <= set(op["responses"]), (path, method)
            error = op["responses"]["400"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_create_operations_document_the_idempotency_key(api):
    document = api.get("/openapi.json").json
    op = document["paths"]["/departments"]["post"]
    parameters = [document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
                  for p in op["parameters"]]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)
    body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = api.get("/openapi.json").json["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False
    assert {"id", "name", "dcxo_contact", "time_zone"} <= set(schema["required"])
