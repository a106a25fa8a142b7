"""What the ledger's routes answer: signed tree heads, the public key, consistency proofs and a
recommendation's bundle. Sizes and keys are checked before anything is read."""
from __future__ import annotations

from datetime import timezone

from chalicelib.ledger import store as dal
from chalicelib.core.errors import BadRequest, Conflict, NotFound, ServiceUnavailable
from chalicelib.audits import service as audits
from chalicelib.reviews import service as reviews
from chalicelib.ledger import log, signing
from chalicelib.ledger.schemas import (
    BundleConsistency,
    ConsistencyProof,
    HistoryBundle,
    Inclusion,
    PublicKey,
    SigningKey,
    TreeHead,
)

BUNDLE_FORMAT = "cxgov-history-bundle/1"


def _signing():
    try:
        return signing.configured_key()
    except signing.SigningUnavailable:
        raise ServiceUnavailable("no ledger signing key is configured", headers={"Retry-After": "60"})


def sign_now() -> TreeHead:
    _signing()
    return TreeHead(**signing.sign_tree_head())


def latest() -> TreeHead:
    head = dal.latest_tree_head()
    if head is None:
        raise NotFound("no tree head has been signed yet")
    return TreeHead(**head)


def _utc_text(moment) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def list_heads(query, start_key: dict | None) -> tuple[list[TreeHead], dict | None]:
    start, end = _utc_text(query.from_), _utc_text(query.to)
    if start and end and start > end:
        raise BadRequest.for_field("from", "must not be after `to`")
    items, last = dal.tree_heads(start, end, query.limit, start_key)
    return [TreeHead(**item) for item in items], last


def public_key(key_id: str | None) -> PublicKey:
    _signing()
    current_id, current_pem = signing.current_public_key()
    keys = [SigningKey(**item) for item in dal.signing_keys()]
    if not any(k.key_id == current_id for k in keys):
        keys.append(SigningKey(key_id=current_id, public_key=current_pem))
    if key_id is None:
        return PublicKey(key_id=current_id, algorithm=signing.ALGORITHM, public_key=current_pem, keys=keys)
    chosen = next((k for k in keys if k.key_id == key_id), None)
    if chosen is None:
        raise NotFound("no tree head was signed with this key_id")
    return PublicKey(key_id=chosen.key_id, algorithm=signing.ALGORITHM, public_key=chosen.public_key,
                     keys=keys)


def _check_sizes(first: int, second: int, size: int, first_name: str = "first",
                 second_name: str = "second") -> None:
    if first > second:
        raise BadRequest.for_field(first_name, f"must not exceed {second_name} ({second})")
    if second > size:
        raise BadRequest.for_field(second_name, f"the log has {size} entries")


def consistency(first: int, second: int) -> ConsistencyProof:
    _check_sizes(first, second, log.tree_size())
    first_root, second_root, proof = log.consistency_with_roots(first, second)
    return ConsistencyProof(first=first, second=second, first_root=first_root, second_root=second_root,
                            proof=proof)


def bundle(dept: str, rec_id: str, since: int | None) -> HistoryBundle:
    entries = audits.chained_history(dept, rec_id)
    if not entries:
        raise NotFound("recommendation not found")
    return _bundle(dept, rec_id, entries, since)


def review_plan_bundle(dept: str, plan_id: str, since: int | None) -> HistoryBundle:
    """The same bundle of a review plan's chain (issue 26): its leaves carry `review-plan-{plan_id}`."""
    chain_id, entries = reviews.chained_history(dept, plan_id)
    return _bundle(dept, chain_id, entries, since)


def _bundle(dept: str, rec_id: str, entries: list, since: int | None) -> HistoryBundle:
    last = entries[-1]
    index = dal.entry_position(dept, rec_id, int(last["seq"]))
    if index is None:
        raise Conflict(f"the latest history entry (seq {last['seq']}) is not in the ledger yet: "
                       "entries reach it within a minute of the change; retry then",
                       headers={"Retry-After": "30"})
    _signing()
    head = signing.head_covering(index + 1)
    size = head["tree_size"]
    pem = signing.public_key_of(head["key_id"])
    if pem is None:
        raise ServiceUnavailable("the key that signed the latest tree head is not registered",
                                 headers={"Retry-After": "60"})
    proof = None
    if since is not None:
        if since > size:
            raise BadRequest.for_field("since", f"must not exceed the tree head's size ({size})")
        proof = BundleConsistency(first=since, second=size, proof=log.consistency_proof(since, size))
    return HistoryBundle(format=BUNDLE_FORMAT, department=dept, rec_id=rec_id, entries=entries,
                         tree_head=TreeHead(**head),
                         inclusion=Inclusion(leaf_index=index, tree_size=size,
                                             audit_path=log.inclusion_path(index, size)),
                         public_key=pem, consistency=proof)
