"""Import jobs on moto: the bucket, queue and notification, an upload through the presigned URL,
and the worker's Lambda handler called with what the queue holds (as Lambda's event source would)."""
from __future__ import annotations

import gzip
import json
from typing import Any

import requests

from devtools import import_dispatcher


def set_up(monkeypatch, run_seconds: int = 120) -> dict[str, str]:
    env = import_dispatcher.resources(None, run_seconds)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def start(api, token: str, dept: str = "parks", **body: Any):
    payload = {"file_name": "export.csv", "content_type": "text/csv", **body}
    return api.post(f"/departments/{dept}/feedback/import-jobs", token=token, body=payload)


def upload(job: dict, data: bytes) -> None:
    response = requests.put(job["upload_url"], data=data, headers=job["upload_headers"], timeout=30)
    assert response.status_code == 200, response.text


def drain(run_seconds: float = 120, limit: int = 100) -> int:
    """Delivers every queued message to the handler; answers how many it handled."""
    import boto3

    from chalicelib.imports.worker_handler import import_worker

    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = import_dispatcher.os.environ["CXGOV_IMPORT_QUEUE_URL"]
    handled = 0
    for _ in range(limit):
        answer = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, AttributeNames=["All"])
        messages = answer.get("Messages", [])
        if not messages:
            return handled
        message = messages[0]
        event = {"Records": [{"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
                              "body": message["Body"], "attributes": message.get("Attributes", {}),
                              "eventSource": "aws:sqs"}]}
        import_worker(event, import_dispatcher.LocalContext(run_seconds))
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        handled += 1
    return handled


def run(api, token: str, data: bytes, dept: str = "parks", **body: Any) -> dict:
    """Creates a job, uploads `data`, lets the worker finish, and answers the job as read."""
    created = start(api, token, dept, **body)
    assert created.status_code == 201, created.body
    upload(created.json, data)
    drain()
    read = api.get(f"/departments/{dept}/feedback/import-jobs/{created.json['id']}", token=token)
    assert read.status_code == 200, read.body
    return read.json


def csv_bytes(rows: list[dict[str, Any]], compress: bool = False) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode()
    return gzip.compress(data) if compress else data


def ndjson_bytes(rows: list[Any]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()
