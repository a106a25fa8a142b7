"""Signed tree heads: ECDSA P-256 / SHA-256 by an AWS KMS asymmetric key (moto's KMS locally).

The signed bytes are the RFC 8785 canonical JSON of `{tree_size, root_hash, timestamp, log_id}`;
KMS hashes them itself (MessageType RAW) and answers a DER signature, kept as base64. `key_id` is
the key's ARN as KMS answers it, so heads signed before a rotation name their key; every key that
signed is registered with its public key (`GET /ledger/public-key?key_id=`)."""
from __future__ import annotations

import base64
import functools
import os

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key

from chalicelib.core import clock
from chalicelib.ledger import store as dal
from chalicelib.core import jcs
from chalicelib.ledger import log

ALGORITHM = "ECDSA_SHA_256"
SIGNED_FIELDS = ("tree_size", "root_hash", "timestamp", "log_id")


class SigningUnavailable(Exception):
    """No signing key is configured (CXGOV_LEDGER_KEY_ID)."""


def configured_key() -> str:
    key = os.environ.get("CXGOV_LEDGER_KEY_ID", "")
    if not key:
        raise SigningUnavailable("CXGOV_LEDGER_KEY_ID is not set")
    return key


def log_id() -> str:
    return os.environ.get("CXGOV_LEDGER_LOG_ID", "cxgov-ledger")


@functools.lru_cache(maxsize=4)
def _kms(endpoint: str | None, region: str | None):
    from botocore.config import Config

    from chalicelib.db import connection

    return connection.client("kms", endpoint_url=endpoint, region_name=region,
                             config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3}))


def kms():
    # AWS_ENDPOINT_URL_KMS points at moto locally; part of the cache key since a client keeps it.
    return _kms(os.environ.get("AWS_ENDPOINT_URL_KMS") or None,
                os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))


def timestamp_text(moment=None) -> str:
    return (moment or clock.now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def message(head: dict) -> bytes:
    return jcs.canonical({name: head[name] for name in SIGNED_FIELDS})


def _public_pem(key_id: str) -> tuple[str, str]:
    """(the key's ARN, its PEM). Not cached: an alias may be moved to a new key (rotation)."""
    answer = kms().get_public_key(KeyId=key_id)
    pem = load_der_public_key(answer["PublicKey"]).public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    key_id = answer["KeyId"]
    if not key_id.startswith("arn:"):  # AWS answers the ARN, as Sign does; moto the bare id
        key_id = kms().describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    return key_id, pem


def current_public_key() -> tuple[str, str]:
    """(key_id as KMS names it, PEM) of the configured key."""
    return _public_pem(configured_key())


def public_key_of(key_id: str) -> str | None:
    registered = dal.signing_key(key_id)
    if registered:
        return registered["public_key"]
    current_id, pem = current_public_key()
    return pem if key_id == current_id else None


def sign_tree_head() -> dict:
    """Signs the tree as it is now and keeps the head."""
    key = configured_key()
    size, root = log.current_root()
    head = {"tree_size": size, "root_hash": root.hex(), "timestamp": timestamp_text(), "log_id": log_id()}
    answer = kms().sign(KeyId=key, Message=message(head), MessageType="RAW", SigningAlgorithm=ALGORITHM)
    key_id = answer["KeyId"]
    if dal.signing_key(key_id) is None:
        dal.register_signing_key(key_id, _public_pem(key_id)[1])
    head.update(signature=base64.b64encode(answer["Signature"]).decode(), key_id=key_id,
                algorithm=ALGORITHM)
    return dal.put_tree_head(head)


def head_covering(size: int) -> dict:
    """The latest signed tree head if it covers `size` leaves, else a new one."""
    latest = dal.latest_tree_head()
    if latest is not None and latest["tree_size"] >= size:
        return latest
    return sign_tree_head()
