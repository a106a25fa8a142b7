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
from chalicelib.http.idempotency import _runner
_runner()  # Powertools' idempotency layer and its DynamoDB persistence load from the package
print("ANSWER " + json.dumps({"status": answer["statusCode"], "body": json.loads(answer["body"]),
                             "openapi": openapi["statusCode"],
                             "paths": len(json.loads(openapi["body"])["paths"])}))
"""


def test_the_package_imports_and_answers_with_only_the_runtime_beside_it(packaged, tmp_path):
    task, runtime = lambda_sandbox.prepare(packaged / "deployment.zip", tmp_path)
    run = lambda_sandbox.run(task, runtime, HANDLER, tracing=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    answer = json.loads(next(l for l in run.stdout.splitlines() if l.startswith("ANSWER "))[7:])
    assert answer["status"] == 200 and answer["body"] == {"status": "ok", "service": "cxgov"}
    assert answer["openapi"] == 200 and answer["paths"] > 30
