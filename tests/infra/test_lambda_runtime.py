"""The packaged function as Lambda runs it: only the zip's contents plus what the Python runtime
provides (boto3 and its dependencies), with the prod stage's tracing switched on. It must import,
build its Tracer and answer a request - a dependency kept only in the dev lock would fail here."""
from __future__ import annotations

import json

from devtools import lambda_sandbox

HANDLER = """
import json, sys
from app import app

class Context:
    function_name = "cxgov"; function_version = "1"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cxgov"
    aws_request_id = "req-1"; log_group_name = "/aws/lambda/cxgov"; log_stream_name = "s"
    def get_remaining_time_in_millis(self): return 29000

from chalicelib.core.observability import get_tracer
assert get_tracer() is not None, "the prod stage traces"
event = {"resource": "/health", "path": "/health", "httpMethod": "GET", "headers": {},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/health", "httpMethod": "GET", "requestId": "req-1",
                            "path": "/v1/health", "stage": "v1"}}
answer = app(event, Context())
openapi = app({**event, "resource": "/openapi.json", "path": "/openapi.json",
               "requestContext": {**event["requestContext"], "resourcePath": "/openapi.json"}}, Context())
openapi_without_pydantic = "pydantic" not in sys.modules  # served from the zip's prebuilt document
from chalicelib.http.idempotency import _runner
_runner()  # Powertools' idempotency layer and its DynamoDB persistence load from the package
print("ANSWER " + json.dumps({"status": answer["statusCode"], "body": json.loads(answer["body"]),
                             "openapi": openapi["statusCode"], "openapi_without_pydantic": openapi_without_pydantic,
                             "servers": json.loads(openapi["body"])["servers"],
                             "paths": len(json.loads(openapi["body"])["paths"])}))
"""


def test_the_package_imports_and_answers_with_only_the_runtime_beside_it(packaged, tmp_path):
    task, runtime = lambda_sandbox.prepare(packaged / "deployment.zip", tmp_path)
    run = lambda_sandbox.run(task, runtime, HANDLER, tracing=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    answer = json.loads(next(l for l in run.stdout.splitlines() if l.startswith("ANSWER "))[7:])
    assert answer["status"] == 200 and answer["body"] == {"status": "ok", "service": "cxgov"}
    assert answer["openapi"] == 200 and answer["paths"] > 30
    # The zip's OpenAPI document, written at package time, is what a cold /openapi.json serves
    assert (task / "chalicelib" / "http" / "openapi.json").is_file() and answer["openapi_without_pydantic"]
    assert answer["servers"] == [{"url": "/", "description": "where this document is served"}]


TRACED = """
import json, sys
from app import app
from chalicelib.db.items import DepartmentItem

class Context:
    function_name = "cxgov"; function_version = "1"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cxgov"
    aws_request_id = "req-1"; log_group_name = "/aws/lambda/cxgov"; log_stream_name = "s"
    def get_remaining_time_in_millis(self): return 29000

event = {"resource": "/health", "path": "/health", "httpMethod": "GET", "headers": {},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/health", "httpMethod": "GET", "requestId": "req-1",
                            "path": "/v1/health", "stage": "v1"}}
assert app(event, Context())["statusCode"] == 200
try:  # a DynamoDB read through PynamoDB, to an endpoint where nothing listens
    DepartmentItem.get("parks", "DEPARTMENT")
except Exception as exc:
    print("READ FAILED AS EXPECTED", type(exc).__name__)
"""


def test_with_tracing_on_each_invocation_and_each_dynamodb_call_is_traced(packaged, tmp_path):
    import socket

    # Given the packaged function with tracing on as Lambda runs it (trace header, daemon address)
    task, runtime = lambda_sandbox.prepare(packaged / "deployment.zip", tmp_path)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        daemon.settimeout(5)
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))  # a port nothing listens on
        env = {**lambda_sandbox.TRACING_ON, "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}",
               "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{closed.getsockname()[1]}",
               "AWS_MAX_ATTEMPTS": "1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
        # When it answers a request and then reads DynamoDB
        run = lambda_sandbox.run(task, runtime, TRACED, tracing=True, extra_env=env)
        closed.close()
        assert run.returncode == 0 and "READ FAILED AS EXPECTED" in run.stdout, run.stdout[-2000:] + run.stderr[-4000:]
        segments = []
        try:
            while True:
                header, _, body = daemon.recv(65536).decode().partition("\n")
                segments.append(json.loads(body))
        except socket.timeout:
            pass
    # Then the daemon got the invocation's subsegment and one for the DynamoDB call (botocore's)
    names = [(s.get("name"), s.get("namespace"), s.get("aws", {}).get("operation")) for s in segments]
    assert any(name.startswith("## ") for name, _, _ in names), names
    assert [n for n in names if n[1] == "aws"] == [("dynamodb", "aws", "GetItem")], names

