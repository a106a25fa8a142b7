"""The ledger: signed tree heads, the public key, consistency proofs and a recommendation's bundle;
and the two functions that are not routes: the stream consumer that appends every new history
entry to the log, and the daily signer."""
from __future__ import annotations

import os

from chalice import Blueprint, Rate

from chalicelib.core import cursors
from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy
from chalicelib.core.observability import logger

log = lazy("chalicelib.ledger.log")
service = lazy("chalicelib.ledger.service")
signing = lazy("chalicelib.ledger.signing")
(BundleQuery, ConsistencyProof, ConsistencyQuery, HistoryBundle, PublicKey, PublicKeyQuery, TreeHead,
 TreeHeadPage, TreeHeadQuery) = lazy(
    "chalicelib.ledger.schemas", "BundleQuery", "ConsistencyProof", "ConsistencyQuery", "HistoryBundle",
    "PublicKey", "PublicKeyQuery", "TreeHead", "TreeHeadPage", "TreeHeadQuery")

bp = Blueprint(__name__)
TAG = "ledger"
ORG_READERS = ("ccxo", "auditor")
# The stream's ARN exists only once the table does: the deployment template sets the event source
# to the table's StreamArn (infra/template.yaml, LedgerAppend); this is what `chalice package` sees.
STREAM_ARN = os.environ.get("CXGOV_STREAM_ARN",
                            "arn:aws:dynamodb:us-east-1:000000000000:table/cxgov/stream/set-by-the-template")


@api_route(bp, "/ledger/tree-heads", "POST", summary="Sign a tree head now", tag=TAG,
           roles=("auditor",), response=TreeHead, status=201)
def create_tree_head(call: Call) -> TreeHead:
    """Signs the log as it is now with the KMS key, and keeps the head. An auditor asks for one to
    pin the log's state at a moment (then compares later heads with `GET /ledger/consistency`)."""
    return service.sign_now()


@api_route(bp, "/ledger/tree-heads/latest", "GET", summary="Read the latest signed tree head",
           tag=TAG, roles=ORG_READERS, response=TreeHead, errors=(404,))
def latest_tree_head(call: Call) -> TreeHead:
    return service.latest()


@api_route(bp, "/ledger/tree-heads", "GET", summary="List signed tree heads", tag=TAG,
           roles=ORG_READERS, query=TreeHeadQuery, response=TreeHeadPage)
def list_tree_heads(call: Call) -> TreeHeadPage:
    """Oldest first; `from` and `to` (RFC 3339) bound when they were signed."""
    q = call.query
    binding = f"{call.principal.scope_key}|tree-heads|{q.from_}|{q.to}"
    items, last = service.list_heads(q, cursors.decode(q.cursor, binding))
    return TreeHeadPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, "/ledger/public-key", "GET", summary="Read the log's public key", tag=TAG,
           roles=ANY_ROLE, query=PublicKeyQuery, response=PublicKey, errors=(404,))
def read_public_key(call: Call) -> PublicKey:
    """The key that signs new tree heads (PEM) and every key that signed one; `key_id` picks one.
    Verify bundles with a copy you obtained and kept yourself, not one fetched with the bundle."""
    return service.public_key(call.query.key_id)


@api_route(bp, "/ledger/consistency", "GET", summary="Prove that the log only grew", tag=TAG,
           roles=ORG_READERS, query=ConsistencyQuery, response=ConsistencyProof)
def read_consistency(call: Call) -> ConsistencyProof:
    """RFC 6962 consistency proof between two tree sizes, with both roots."""
    return service.consistency(call.query.first, call.query.second)


@api_route(bp, "/departments/{dept}/recommendations/{rec_id}/history/bundle", "GET",
           summary="Download the history bundle an auditor verifies offline", tag=TAG,
           roles=ANY_ROLE, query=BundleQuery, response=HistoryBundle, errors=(409,))
def read_bundle(call: Call) -> HistoryBundle:
    """Every history entry, the latest signed tree head (signed now when none covers the last
    entry yet), the last entry's inclusion proof and the public key; `since` adds the consistency
    proof from an older tree head's size. 409 while the last entry is still on its way to the log."""
    return service.bundle(call.path["dept"], call.path["rec_id"], call.query.since)


@api_route(bp, "/departments/{dept}/review-plans/{plan_id}/history/bundle", "GET",
           summary="Download a review plan's history bundle", tag=TAG, roles=ANY_ROLE, query=BundleQuery,
           response=HistoryBundle, errors=(409,))
def read_review_plan_bundle(call: Call) -> HistoryBundle:
    """A second-look plan's chain (every draw with its seed, verdict and close) in the same format
    as a recommendation's bundle (`rec_id` is `review-plan-{plan_id}`): `cxgov verify` checks it."""
    return service.review_plan_bundle(call.path["dept"], call.path["plan_id"], call.query.since)


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON",
                       name="ledger_append")
def append_to_ledger(event) -> None:
    """Every new history entry of the main table's stream, appended in the order received. A
    failure fails the batch: Lambda delivers it again and what was appended is not appended twice."""
    log.append_records(event.to_dict()["Records"])


@bp.schedule(Rate(1, unit=Rate.DAYS), name="ledger_sign_daily",
             description="cxgov: sign a ledger tree head every day")
def sign_daily(event) -> None:
    head = signing.sign_tree_head()
    logger.info("tree head signed", extra={"tree_size": head["tree_size"], "key_id": head["key_id"]})
