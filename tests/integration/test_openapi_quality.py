"""What a client generator and a reader of /openapi.json rely on: an example for every request body
and every success answer (valid for its model), patterns on every path parameter, enums and formats
on outputs as on inputs, money as two-decimal text, every error an operation can answer (503 with
Retry-After), X-Correlation-Id and Idempotency-Key declared, roles in each description, and
`servers` naming the prefix the document was fetched under. New routes are held to the same."""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from chalicelib.http.routing import ROUTES

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture()
def document(api) -> dict[str, Any]:
    return api.get("/openapi.json").json


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def _spec(path: str, method: str):
    return next(s for s in ROUTES if s.path == path and s.method.lower() == method)


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = document["components"][section][name]
    return node


def test_every_request_body_has_an_example_its_model_accepts(document):
    missing = []
    for path, method, op in _operations(document):
        media = op.get("requestBody", {}).get("content", {}).get("application/json")
        if media is None:
            continue
        spec = _spec(path, method)
        examples = spec.body.model_json_schema(mode="validation").get("examples") or []
        if "example" not in media or not examples:
            missing.append(f"{method.upper()} {path}")
            continue
        for example in examples:  # validated as the route validates a body: strict, from JSON
            spec.body.model_validate_json(json.dumps(example))
    assert missing == [], f"request bodies without an example: {missing}"


def test_every_success_answer_has_an_example_its_model_accepts(document):
    missing = []
    for path, method, op in _operations(document):
        spec = _spec(path, method)
        success = op["responses"][str(spec.status)]
        if spec.status == 204:
            assert "content" not in success
            continue
        media = next(iter(success["content"].values()))
        if media.get("example") is None:
            missing.append(f"{method.upper()} {path}")
            continue
        if spec.response is not None:
            spec.response.model_validate(media["example"])
    assert missing == [], f"success answers without an example: {missing}"


def test_every_path_parameter_has_a_pattern_or_an_enum(document):
    loose = [(path, p["name"]) for path, _, op in _operations(document) for p in op["parameters"]
             if p.get("in") == "path" and not ({"pattern", "enum"} & set(p["schema"]))]
    assert loose == [], "add these to chalicelib.http.openapi.PATH_PARAMETERS"
    dept = next(p for p in document["paths"]["/departments/{dept}"]["get"]["parameters"] if p["name"] == "dept")
    assert re.fullmatch(dept["schema"]["pattern"], "corp-comms")
    assert not re.fullmatch(dept["schema"]["pattern"], "Corp Comms")


def test_errors_are_declared_where_they_occur(document):
    for path, method, op in _operations(document):
        spec = _spec(path, method)
        codes = set(op["responses"])
        assert {"400", "429"} <= codes, (path, method)
        if spec.public:
            continue
        assert {"401", "403", "503"} <= codes, (path, method)
        assert "Retry-After" in op["responses"]["503"]["headers"], (path, method)
        assert "WWW-Authenticate" in op["responses"]["401"]["headers"], (path, method)
        if spec.path_params:
            assert "404" in codes, (path, method)
        if method in WRITES:
            assert "409" in codes, (path, method)
        if spec.body is not None:
            assert {"413", "415"} <= codes, (path, method)


def test_correlation_and_idempotency_headers_and_roles_are_declared(document):
    for path, method, op in _operations(document):
        spec = _spec(path, method)
        names = {_resolve(document, p)["name"] for p in op["parameters"]}
        assert "X-Correlation-Id" in names, (path, method)
        assert ("Idempotency-Key" in names) == spec.idempotent, (path, method)
        for response in op["responses"].values():
            if response["description"].startswith("Too many requests"):
                continue  # API Gateway's own answer
            assert "X-Correlation-Id" in response["headers"], (path, method)
        expected = "Public" if spec.public else "Roles: " + ", ".join(f"`{r}`" for r in spec.roles)
        assert op["description"].startswith(expected), (path, method)


def _properties(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for model, schema in document["components"]["schemas"].items():
        for name, prop in (schema.get("properties") or {}).items():
            options = prop.get("anyOf", [prop])
            for option in options:
                if option.get("type") != "null":
                    yield model, name, _resolve(document, option) if "$ref" in option else option


MONEY = {"questioned_costs", "unsupported_costs", "funds_put_to_better_use", "monetary_impact",
         "agreed_amount", "disagreed_amount"}
ENUMS = {"status", "channel", "role", "category", "kind", "issuer", "priority", "decision", "unit",
         "direction", "frequency", "standard", "attainment", "measure", "from_category", "to_category"}


def test_outputs_carry_enums_formats_and_two_decimal_money(document):
    loose = []
    for model, name, prop in _properties(document):
        if name.endswith("_at") and prop.get("type") == "string" and prop.get("format") != "date-time":
            loose.append(f"{model}.{name}: format date-time")
        if name in ENUMS and prop.get("type") == "string" and not {"enum", "const", "format"} & set(prop):
            # (a dated field with an enum's name, like DueDates.decision, is a date, not a choice)
            loose.append(f"{model}.{name}: enum")
        if name in MONEY and prop.get("type") == "string" and not model.endswith("Create") \
                and not model.endswith("Put") and prop.get("pattern") != "^-?[0-9]+\\.[0-9]{2}$":
            loose.append(f"{model}.{name}: two-decimal money")
    assert loose == []
    # One named enum per concept, shared by inputs and outputs (a generated client's one `Channel`)
    schemas = document["components"]["schemas"]
    assert schemas["Journey"]["properties"]["channels"]["items"] == {"$ref": "#/components/schemas/Channel"}
    assert schemas["JourneyCreate"]["properties"]["channels"]["items"] == {"$ref": "#/components/schemas/Channel"}
    assert "twitter" in schemas["Channel"]["enum"]


def test_evidence_is_a_link_or_a_file(document):
    path = "/departments/{dept}/recommendations/{rec_id}/actions/{action_id}/evidence"
    ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = _resolve(document, ref)
    assert [option["title"] for option in schema["oneOf"]] == ["EvidenceLink", "EvidenceFile"]
    assert schema["oneOf"][0]["required"] == ["url"]
    assert set(schema["oneOf"][1]["required"]) == {"file_name", "content_type", "sha256"}


def test_money_leaves_the_api_with_two_decimals(seeded, tokens):
    from tests.integration.audit_helpers import make_rec

    rec = make_rec(seeded, tokens, questioned_costs="1250.5", unsupported_costs="3")
    assert (rec["questioned_costs"], rec["unsupported_costs"], rec["funds_put_to_better_use"]) == \
        ("1250.50", "3.00", "0.00")
    report = seeded.get(f"/audit-reports/{rec['report_id']}", token=tokens["auditor"]).json
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}", report["monetary_impact"])


def _gateway_event(called: str, route: str, stage: str = "v1", domain: str = "abc123.execute-api.us-east-1.amazonaws.com"):
    """An API Gateway REST proxy event as AWS sends it (fields the app reads)."""
    return {
        "resource": route, "path": route, "httpMethod": "GET",
        "headers": {"Host": domain, "Accept": "application/json"},
        "multiValueHeaders": {"Host": [domain], "Accept": ["application/json"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": route, "httpMethod": "GET", "path": called, "stage": stage,
                           "domainName": domain, "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                           "identity": {"sourceIp": "203.0.113.7"}},
    }


@pytest.mark.parametrize("called, expected", [
    ("/v1/openapi.json", "/v1"),            # the execute-api URL: the stage prefix
    ("/openapi.json", "/"),                 # a custom domain mapped to the root
    ("/cx/api/openapi.json", "/cx/api"),    # a custom domain's base path mapping
])
def test_servers_say_where_the_document_is_served(aws, called, expected):
    from app import app

    class Context:
        aws_request_id, function_name, memory_limit_in_mb = "r-1", "cxgov", 512
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cxgov"

    answer = app(_gateway_event(called, "/openapi.json"), Context())
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["servers"][0]["url"] == expected
