"""Local stand-in for Lambda's SQS event source: polls the import queue on moto's SQS and calls the
worker's Lambda handler (`chalicelib.imports.worker_handler.import_worker`) with the same event and a
context whose remaining time counts down from CXGOV_IMPORT_RUN_SECONDS, deleting each message the
handler returns from (a raised error leaves it for the visibility timeout, like Lambda).

    python -m devtools.import_dispatcher     # one worker process (what `dispatcher()` starts)

`resources(endpoint)` creates the bucket, the queue, its dead-letter queue and the bucket's
notification on a moto server; `dispatcher(env, workers=N)` runs N worker processes while the
`with` block lasts (make run, the end-to-end tests and the benchmark use it)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

from devtools import localstack

BUCKET = "cxgov-imports-local"
QUEUE = "cxgov-imports-local"
MAX_RECEIVES = 5  # as the template's RedrivePolicy


def stage_env() -> dict[str, str]:
    """The local stage's variables, as `chalice local --stage local` gives them to the API."""
    config = json.loads((localstack.ROOT / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}),
            **config["stages"]["local"].get("environment_variables", {})}


def resources(endpoint: str | None, run_seconds: int | None = None, visibility: int | None = None) -> dict[str, str]:
    """Bucket, queue + DLQ and the upload notification on the moto server at `endpoint`; answers
    the variables that point the API and the workers at them."""
    import boto3

    run = run_seconds or int(os.environ.get("CXGOV_IMPORT_RUN_SECONDS", "120"))
    region = localstack.FAKE_AWS_ENV["AWS_DEFAULT_REGION"]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region)
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
    s3.create_bucket(Bucket=BUCKET)
    dlq = sqs.create_queue(QueueName=f"{QUEUE}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(QueueName=QUEUE, Attributes={
        "VisibilityTimeout": str(visibility or run + 30),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "imports/"}]}}}]})
    endpoints = {"AWS_ENDPOINT_URL_S3": endpoint, "AWS_ENDPOINT_URL_SQS": endpoint} if endpoint else {}
    return {**endpoints, "CXGOV_IMPORT_BUCKET": BUCKET, "CXGOV_IMPORT_QUEUE_URL": queue,
            "CXGOV_IMPORT_DLQ_URL": dlq, "CXGOV_IMPORT_RUN_SECONDS": str(run),
            "CXGOV_IMPORT_MAX_RECEIVES": str(MAX_RECEIVES)}


class LocalContext:
    """What Lambda's context offers the handler and Powertools' logger."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.function_name = "cxgov-local-import_worker"
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 1024
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def serve() -> None:
    """Polls until SIGTERM; one message per handler call (the function's batch size)."""
    import boto3

    import app  # noqa: F401 - as the Lambda's: registers the job kinds (peer sets) the worker fills
    from chalicelib.imports.worker_handler import import_worker

    stopping = []
    for stop in (signal.SIGTERM, signal.SIGINT):  # Ctrl-C in `make run` reaches the workers too
        signal.signal(stop, lambda *_: stopping.append(True))
    sqs = boto3.client("sqs", region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    queue = os.environ["CXGOV_IMPORT_QUEUE_URL"]
    run_seconds = float(os.environ.get("CXGOV_IMPORT_RUN_SECONDS", "120"))
    while not stopping:
        answer = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=5,
                                     AttributeNames=["All"])
        for message in answer.get("Messages", []):
            event = {"Records": [{
                "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"], "attributes": message.get("Attributes", {}),
                "messageAttributes": {}, "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs", "eventSourceARN": queue, "awsRegion": "us-east-1"}]}
            try:
                import_worker(event, LocalContext(run_seconds))
            except Exception as exc:  # Lambda would report it; the message comes back later
                print(f"import worker: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
                continue
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def start_worker(env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "devtools.import_dispatcher"], cwd=localstack.ROOT,
                            env={**os.environ, **stage_env(), **env}, stdout=out, stderr=subprocess.STDOUT)


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def dispatcher(env: dict[str, str], workers: int = 1, log: Path | None = None) -> Iterator[list[subprocess.Popen]]:
    """`workers` worker processes on the import queue while the block runs."""
    import logging

    # moto's server (a thread of this process) logs every request: the workers' polls would drown
    # `make run`'s output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    processes = [start_worker(env, log) for _ in range(workers)]
    try:
        yield processes
    finally:
        for process in processes:
            stop_worker(process)


if __name__ == "__main__":
    serve()
