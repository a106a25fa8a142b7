"""A fault injector for DynamoDB under moto, shared by the fault tests.

It stands where a request leaves for DynamoDB (in front of moto's stub), for every client, so
botocore's own retry logic sees the injected answers exactly as it would see DynamoDB's.

`plan["PutItem@cxgov"] = ["throttle", ...]` scripts the next attempts of an operation on one table
("PutItem" alone: on every table; "TransactWriteItems" names no table). Steps: `throttle`
(answered 400 ThrottlingException, nothing written), `timeout` (no answer, nothing written),
`timeout_after_write` (the write lands, the answer is lost), `crash` (the process dies before the
request leaves: SystemExit).

moto ignores `ClientRequestToken`; DynamoDB answers a `TransactWriteItems` whose token it committed
within the last 10 minutes with success and does not run it again (another request under the same
token is an IdempotentParameterMismatchException). The injector applies that rule itself, so a
retried transaction behaves here as it does on DynamoDB and on DynamoDB Local."""
from __future__ import annotations

import hashlib
import json
from collections import Counter

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

STEPS = ("throttle", "timeout", "timeout_after_write", "crash")


class _RawBody:
    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_):
        yield self._data

    def read(self, *_):
        return self._data


def _answer(url: str, status: int, payload: dict) -> AWSResponse:
    return AWSResponse(url, status, {"x-amzn-RequestId": "fault"}, _RawBody(json.dumps(payload).encode()))


class Faults:
    def __init__(self, monkeypatch):
        from moto.core.botocore_stubber import BotocoreStubber

        self.plan: dict[str, list[str]] = {}
        self.sent: list[str] = []
        self.injected: Counter = Counter()  # step -> how many times it was applied
        self.tokens: dict[str, str] = {}  # committed ClientRequestToken -> digest of its request
        self.replayed = 0  # transactions answered from their token, not run twice
        moto_send = BotocoreStubber.__call__
        faults = self

        def send(stubber, event_name, request, **kwargs):
            operation, table, body = faults._identify(request)
            step = faults._next(operation, table)
            if step:
                faults.injected[step] += 1
            if step == "crash":
                raise SystemExit("the function was killed mid-request")
            if step == "throttle":
                return _answer(request.url, 400, {
                    "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "Rate exceeded"})
            if step == "timeout":
                raise ReadTimeoutError(endpoint_url=request.url)
            token = body.get("ClientRequestToken") if operation == "TransactWriteItems" else None
            digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            if token and token in faults.tokens:
                if faults.tokens[token] != digest:
                    return _answer(request.url, 400, {
                        "__type": "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                        "message": "another request used this ClientRequestToken"})
                faults.replayed += 1
                response = _answer(request.url, 200, {})
            else:
                response = moto_send(stubber, event_name, request, **kwargs)
                if token and response is not None and response.status_code == 200:
                    faults.tokens[token] = digest
            if step == "timeout_after_write":
                raise ReadTimeoutError(endpoint_url=request.url)
            return response

        monkeypatch.setattr(BotocoreStubber, "__call__", send)

    def _identify(self, request) -> tuple[str, str | None, dict]:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        body = json.loads(request.body or b"{}") if operation else {}
        table = body.get("TableName")
        self.sent.append(f"{operation}@{table}")
        return operation, table, body

    def _next(self, operation: str, table: str | None) -> str | None:
        # "PutItem@cxgov" targets one table; "PutItem" every table (the idempotency table too)
        steps = self.plan.get(f"{operation}@{table}") or self.plan.get(operation)
        return steps.pop(0) if steps else None
