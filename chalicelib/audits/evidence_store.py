"""Evidence files in S3 (bucket from `CXGOV_EVIDENCE_BUCKET`; `AWS_ENDPOINT_URL_S3` points boto3 at a
local moto server). Uploads go straight from the client to S3 through a presigned PUT whose signed
headers include the declared SHA-256 (`x-amz-checksum-sha256`), so S3 itself refuses other bytes.
The API still confirms a file by hashing the stored object before it counts as evidence."""
from __future__ import annotations

import base64
import hashlib
import os

from chalicelib.core.errors import ServiceUnavailable

UPLOAD_SECONDS = 900
MAX_HASHED_BYTES = 512 * 1024 * 1024


def _bucket() -> str:
    bucket = os.environ.get("CXGOV_EVIDENCE_BUCKET", "")
    if not bucket:
        raise ServiceUnavailable("evidence uploads are not configured (CXGOV_EVIDENCE_BUCKET)")
    return bucket


def _client():
    from botocore.config import Config

    from chalicelib.db import connection

    return connection.client("s3", config=Config(
        signature_version="s3v4", request_checksum_calculation="when_required",
        response_checksum_validation="when_required"))


def presign_upload(object_key: str, content_type: str, sha256_hex: str) -> tuple[str, dict[str, str]]:
    """A presigned PUT and the headers the client must send with it (all of them are signed)."""
    checksum = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
    url = _client().generate_presigned_url(
        "put_object", ExpiresIn=UPLOAD_SECONDS,
        Params={"Bucket": _bucket(), "Key": object_key, "ContentType": content_type,
                "ChecksumSHA256": checksum, "ChecksumAlgorithm": "SHA256"})
    headers = {"Content-Type": content_type, "x-amz-checksum-sha256": checksum,
               "x-amz-sdk-checksum-algorithm": "SHA256"}
    return url, headers


def stored_sha256(object_key: str) -> str | None:
    """The hex SHA-256 of the stored object's bytes, or None when nothing (or too much) is stored."""
    from botocore.exceptions import ClientError

    try:
        response = _client().get_object(Bucket=_bucket(), Key=object_key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound", "AccessDenied"):
            return None
        raise ServiceUnavailable("the evidence store cannot be reached; retry shortly")
    if int(response.get("ContentLength") or 0) > MAX_HASHED_BYTES:
        return None
    digest = hashlib.sha256()
    for chunk in response["Body"].iter_chunks(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()
