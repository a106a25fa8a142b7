"""Import files in S3 and the import queue in SQS (bucket `CXGOV_IMPORT_BUCKET`, queue
`CXGOV_IMPORT_QUEUE_URL`; `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SQS` point boto3 at a local moto
server). Every client is made by `client()`, the one place where department-scoped credentials
(issue 16) take over: the department is passed wherever a call touches one department's objects."""
from __future__ import annotations

import io
import json
import os
from typing import Any, BinaryIO, Iterable

from chalicelib.core.errors import ServiceUnavailable

UPLOAD_SECONDS = 3600
REPORT_URL_SECONDS = 3600
PART_BYTES = 8 * 1024 * 1024  # multipart parts of the composed report (S3's minimum is 5 MiB)


def bucket() -> str:
    name = os.environ.get("CXGOV_IMPORT_BUCKET", "")
    if not name:
        raise ServiceUnavailable("import jobs are not configured (CXGOV_IMPORT_BUCKET)")
    return name


def queue_url() -> str:
    url = os.environ.get("CXGOV_IMPORT_QUEUE_URL", "")
    if not url:
        raise ServiceUnavailable("import jobs are not configured (CXGOV_IMPORT_QUEUE_URL)")
    return url


def client(service: str, dept: str | None = None):
    """The S3 or SQS client for a call on `dept`'s objects (None: the function's own role)."""
    from botocore.config import Config

    from chalicelib.db import connection

    config = Config(signature_version="s3v4", request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                    connect_timeout=5, read_timeout=60, retries={"max_attempts": 5, "mode": "standard"})
    return connection.client(service, config=config)


def presign_upload(dept: str, object_key: str, content_type: str) -> tuple[str, dict[str, str]]:
    """A presigned PUT of exactly this key; the Content-Type is signed with it."""
    url = client("s3", dept).generate_presigned_url(
        "put_object", ExpiresIn=UPLOAD_SECONDS,
        Params={"Bucket": bucket(), "Key": object_key, "ContentType": content_type})
    return url, {"Content-Type": content_type}


def presign_report(dept: str, object_key: str) -> str:
    return client("s3", dept).generate_presigned_url(
        "get_object", ExpiresIn=REPORT_URL_SECONDS,
        Params={"Bucket": bucket(), "Key": object_key, "ResponseContentType": "text/csv"})


class ObjectGone(Exception):
    """The upload is missing, or was replaced after the job was queued."""


def open_object(dept: str, object_key: str, etag: str | None, start: int = 0) -> BinaryIO:
    """A streaming body of the stored object from byte `start`, refused if its ETag changed."""
    from botocore.exceptions import ClientError

    params: dict[str, Any] = {"Bucket": bucket(), "Key": object_key}
    if etag:
        params["IfMatch"] = etag
    if start:
        params["Range"] = f"bytes={start}-"
    try:
        return client("s3", dept).get_object(**params)["Body"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in ("NoSuchKey", "404", "NotFound", "PreconditionFailed", "412", "InvalidRange"):
            raise ObjectGone(code)
        raise


def put_text(dept: str, object_key: str, text: str) -> None:
    client("s3", dept).put_object(Bucket=bucket(), Key=object_key, Body=text.encode(),
                                  ContentType="text/csv")


def compose(dept: str, target_key: str, header: str, part_keys: Iterable[str]) -> None:
    """Concatenates the part objects (in order) after `header` into `target_key`, streaming:
    a multipart upload of 8 MiB parts, so memory stays bounded whatever the report's size."""
    s3 = client("s3", dept)
    upload = s3.create_multipart_upload(Bucket=bucket(), Key=target_key, ContentType="text/csv")
    parts: list[dict[str, Any]] = []
    buffer = io.BytesIO()
    buffer.write(header.encode())

    def flush() -> None:
        number = len(parts) + 1
        answer = s3.upload_part(Bucket=bucket(), Key=target_key, UploadId=upload["UploadId"],
                                PartNumber=number, Body=buffer.getvalue())
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
        buffer.seek(0)
        buffer.truncate()

    try:
        for key in part_keys:
            body = s3.get_object(Bucket=bucket(), Key=key)["Body"]
            for chunk in body.iter_chunks(1024 * 1024):
                buffer.write(chunk)
                if buffer.tell() >= PART_BYTES:
                    flush()
        flush()
        s3.complete_multipart_upload(Bucket=bucket(), Key=target_key, UploadId=upload["UploadId"],
                                     MultipartUpload={"Parts": parts})
    except Exception:
        s3.abort_multipart_upload(Bucket=bucket(), Key=target_key, UploadId=upload["UploadId"])
        raise


def send_continuation(dept: str, job_id: str, delay_seconds: int = 0) -> None:
    """Queues the job again: the next run picks it up at its checkpoint."""
    client("sqs").send_message(QueueUrl=queue_url(), DelaySeconds=max(0, min(900, delay_seconds)),
                               MessageBody=json.dumps({"continue": {"department": dept, "job_id": job_id}}))
