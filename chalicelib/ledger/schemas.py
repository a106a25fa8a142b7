"""The ledger's shapes: signed tree heads, the public key, consistency proofs, the history bundle."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from chalicelib.core.schemas import EARLIEST, LATEST, OutputModel, Page, PageQuery, QueryModel

HEX = r"^[0-9a-f]{64}$"
_HEAD = {"tree_size": 1742, "root_hash": "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
         "timestamp": "2026-12-01T09:30:00Z", "log_id": "cxgov-ledger",
         "signature": "MEUCIQDm0nT0n1Yw6Z0m0b7iZ6e6Yx9f2Cq3Zl2x2m7gW6oKxQIgX1ZbJk2YQWm0z2y1Q7w3sZp7mGfQ0v5n9p0k4t2bE1Y=",
         "key_id": "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
         "algorithm": "ECDSA_SHA_256"}
_PEM = ("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...\n-----END PUBLIC KEY-----\n")


class TreeHead(OutputModel):
    """A signed tree head: `signature` is base64 of the DER ECDSA P-256 signature over the RFC 8785
    canonical JSON of {tree_size, root_hash, timestamp, log_id}."""

    model_config = ConfigDict(json_schema_extra={"examples": [_HEAD]})

    tree_size: int = Field(ge=0)
    root_hash: str = Field(pattern=HEX)
    timestamp: str = Field(description="RFC 3339 UTC, to the second", examples=["2026-12-01T09:30:00Z"])
    log_id: str
    signature: str
    key_id: str
    algorithm: Literal["ECDSA_SHA_256"]


class TreeHeadQuery(PageQuery):
    from_: AwareDatetime | None = Field(default=None, alias="from", description="signed at or after (RFC 3339 with offset)")
    to: AwareDatetime | None = Field(default=None, description="signed at or before (RFC 3339 with offset)")

    @field_validator("from_", "to")
    @classmethod
    def _within_dates_people_type(cls, value: datetime | None) -> datetime | None:
        # Year 1 at +01:51 is year 0 in UTC: far-off years are typing mistakes, refused as elsewhere.
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
        return value


class TreeHeadPage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_HEAD], "next_cursor": None}]})

    items: list[TreeHead]


class SigningKey(OutputModel):
    key_id: str
    public_key: str = Field(description="PEM SubjectPublicKeyInfo")
    first_used_at: datetime | None = None


class PublicKey(OutputModel):
    """The key that signs new tree heads, and every key that signed one (rotation)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "key_id": _HEAD["key_id"], "algorithm": "ECDSA_SHA_256", "public_key": _PEM,
        "keys": [{"key_id": _HEAD["key_id"], "public_key": _PEM,
                  "first_used_at": "2026-11-02T00:00:00+00:00"}]}]})

    key_id: str
    algorithm: Literal["ECDSA_SHA_256"]
    public_key: str = Field(description="PEM SubjectPublicKeyInfo")
    keys: list[SigningKey]


class PublicKeyQuery(QueryModel):
    key_id: str | None = Field(default=None, max_length=2048, description="a key that signed older tree heads")


class ConsistencyQuery(QueryModel):
    first: int = Field(ge=0, description="the older tree size")
    second: int = Field(ge=0, description="the newer tree size")


class ConsistencyProof(OutputModel):
    """RFC 6962 §2.1.2 PROOF(first, D[second]), hashes as lowercase hex."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "first": 6, "second": 8, "first_root": "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "second_root": "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        "proof": ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]}]})

    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


class BundleQuery(QueryModel):
    since: int | None = Field(default=None, ge=0, description="the size of an older tree head you "
                              "kept: the bundle then carries the consistency proof from it")


class Inclusion(OutputModel):
    leaf_index: int
    tree_size: int
    audit_path: list[str]


class BundleConsistency(OutputModel):
    first: int
    second: int
    proof: list[str]


class HistoryBundle(OutputModel):
    """Everything `cxgov verify` needs offline (docs/ledger.md)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "format": "cxgov-history-bundle/1", "department": "parks", "rec_id": "0190a1b2c3d4e5f6a7b8c9",
        "entries": [{"seq": 1, "rec_id": "0190a1b2c3d4e5f6a7b8c9", "at": "2017-05-08T14:00:00+00:00",
                     "actor": "oig-1", "actor_name": "Ada Auditor", "role": "auditor",
                     "event": "created", "changes": {"status": "open"}, "prev_hash": "0" * 64,
                     "hash": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"}],
        "tree_head": _HEAD,
        "inclusion": {"leaf_index": 1741, "tree_size": 1742, "audit_path": [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]},
        "public_key": _PEM}]})

    format: Literal["cxgov-history-bundle/1"]
    department: str
    rec_id: str
    entries: list[dict[str, Any]]
    tree_head: TreeHead
    inclusion: Inclusion
    public_key: str
    consistency: BundleConsistency | None = None
