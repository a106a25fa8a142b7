"""The ledger in integration tests: a signing key in moto's KMS, and the stream drained through the
same consumer `make run` uses (devtools.ledger_stream) into the same handler Lambda runs."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import boto3
import pytest

from devtools import ledger_stream, localstack


@functools.cache
def _kms():
    """One client for every test: moto answers it in whichever mock_aws is active, and a new one
    would load botocore's KMS model again in each test's new default session (~0.15 s)."""
    return boto3.client("kms", region_name="us-east-1")


def create_local_signing_key() -> str:
    """The key stage `local` names (CXGOV_LEDGER_KEY_ID, an alias), in moto's KMS."""
    return ledger_stream.create_signing_key(_kms(), localstack.stage_variable("CXGOV_LEDGER_KEY_ID"))


def history_records() -> list[dict]:
    """INSERT stream records (as DynamoDB Streams writes them) of every history item, in `seq`
    order per recommendation. moto 5.2.5 answers the streams API with "Not yet implemented", so
    the moto tests read the table instead; the end-to-end tests (tests/e2e/test_ledger_local.py)
    consume DynamoDB Local's real stream."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    items = []
    for page in client.get_paginator("scan").paginate(TableName="cxgov"):
        items += [item for item in page["Items"] if item.get("kind", {}).get("S") == "history"]
    items.sort(key=lambda item: (item["at"]["S"], item["pk"]["S"], item["sk"]["S"]))
    return [{"eventName": "INSERT", "dynamodb": {"Keys": {"pk": i["pk"], "sk": i["sk"]}, "NewImage": i,
                                                 "SequenceNumber": str(n)}}
            for n, i in enumerate(items, start=1)]


@pytest.fixture()
def drain(aws):
    """drain() hands every history entry written so far to the ledger's consumer (the handler
    Lambda runs); entries already in the log are not appended again."""
    from chalicelib.ledger import log

    return lambda: log.append_records(history_records())


def public_pem() -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key

    der = boto3.client("kms", region_name="us-east-1").get_public_key(
        KeyId=localstack.stage_variable("CXGOV_LEDGER_KEY_ID"))["PublicKey"]
    return load_der_public_key(der).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def write(path: Path, value) -> str:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1))
    return str(path)
