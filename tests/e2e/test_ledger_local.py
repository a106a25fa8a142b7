"""The ledger end to end: `chalice local` on DynamoDB Local writes history; the consumer reads
DynamoDB Local's real stream (in its own process, as Lambda would run it), is killed in the middle
of a batch and restarted; the bundle fetched over HTTP verifies with `cxgov verify`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter

import boto3
import pytest

from devtools import localstack
from tests.e2e.conftest import new_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Its own database: the stream then holds only this module's writes, whatever ran before
    (the 200,000-row import job writes to the session's)."""
    with new_stack(tmp_path_factory.mktemp("ledger-logs")) as made:
        yield made

# A consumer that dies (like a Lambda timing out or its host failing) right after the first chunk
# of a batch committed and before the batch's position is checkpointed; one batch takes all the
# stream has, so the batch is several chunks.
CRASHING = textwrap.dedent("""
    import os, sys
    from chalicelib.ledger import store as ledger
    from devtools import ledger_stream
    ledger_stream.BATCH = 1000
    original, calls = ledger._append_chunk, []
    def crash_after_first_chunk(leaves):
        if calls:
            os._exit(9)
        calls.append(1)
        return original(leaves)
    ledger._append_chunk = crash_after_first_chunk
    sys.exit(ledger_stream.main(sys.argv[1:]))
""")


def _consume(stack, checkpoint, crashing: bool = False) -> int:
    command = ([sys.executable, "-c", CRASHING] if crashing else [sys.executable, "-m", "devtools.ledger_stream"])
    done = subprocess.run([*command, "--checkpoint", str(checkpoint), "--until-idle"], cwd=localstack.ROOT,
                          env={**os.environ, **stack.env}, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 9), done.stdout + done.stderr
    return done.returncode


def _scan(client, table: str) -> list[dict]:
    items = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items += page["Items"]
    return items


def _decide(stack, tokens, rec) -> None:
    status, _, body = stack.request("PUT", f"/departments/parks/recommendations/{rec}/management-decision",
                                    token=tokens["dcxo-parks"],
                                    body={"decision": "agree", "action_plan": "Staff weekends.",
                                          "responsible_officials": ["VP"], "target_date": "2017-09-30"})
    assert status == 200, body


def test_a_consumer_killed_mid_batch_loses_and_repeats_nothing(stack, e2e_tokens, tmp_path):
    tokens = e2e_tokens
    status, _, _ = stack.request("POST", "/departments", token=tokens["ccxo"], body={
        "id": "parks", "name": "Parks", "time_zone": "America/Chicago",
        "dcxo_contact": {"name": "P", "email": "p@parks.example.gov"}})
    assert status in (201, 409)
    status, _, report = stack.request("POST", "/audit-reports", token=tokens["auditor"], body={
        "number": "LEDGER-E2E-1", "title": "Ledger", "issuer": "internal", "issued_on": "2017-05-08",
        "category": "compliance"})
    assert status == 201, report
    checkpoint = tmp_path / "stream.json"
    # Given the consumer caught up with what the stack already holds
    assert _consume(stack, checkpoint) == 0
    # When 40 recommendations get two history entries each (80 entries in one batch)
    recs = []
    for number in range(1, 41):
        status, _, rec = stack.request("POST", f"/audit-reports/{report['id']}/recommendations",
                                       token=tokens["auditor"], body={
                                           "department": "parks", "number": number, "text": f"Rec {number}",
                                           "requires_concurrence": True,
                                           "finding": {"criteria": "a", "condition": "b", "cause": "c", "effect": "d"}})
        assert status == 201, rec
        _decide(stack, tokens, rec["id"])
        recs.append(rec["id"])
    # And the consumer dies after the first 25 of them were appended, before its checkpoint moved
    assert _consume(stack, checkpoint, crashing=True) == 9
    client = boto3.client("dynamodb", endpoint_url=stack.env["AWS_ENDPOINT_URL_DYNAMODB"],
                          region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")
    partial = [i for i in _scan(client, "cxgov-ledger") if i["kind"]["S"] == "ledger_entry"]
    history = [i for i in _scan(client, "cxgov") if i["kind"]["S"] == "history"]
    assert 0 < len(partial) < len(history)
    # And is restarted: the same batch comes again
    assert _consume(stack, checkpoint) == 0
    # Then every history entry is in the log exactly once, at distinct consecutive positions
    ledger = _scan(client, "cxgov-ledger")
    entries = [i for i in ledger if i["kind"]["S"] == "ledger_entry"]
    logged = Counter((i["pk"]["S"], int(i["sk"]["S"].split("#")[1])) for i in entries)
    expected = Counter((i["pk"]["S"], int(i["seq"]["N"])) for i in history)
    assert logged == expected
    positions = sorted(int(i["leaf_index"]["N"]) for i in entries)
    assert positions == list(range(len(history)))
    state = next(i for i in ledger if i["kind"]["S"] == "ledger_state")
    assert int(state["tree_size"]["N"]) == len(history)
    leaves = [json.loads(i["leaf"]["S"]) for i in ledger if i["kind"]["S"] == "ledger_node"
              and i["pk"]["S"].startswith("ORG#LEDGER#N#0#")]
    assert len(leaves) == len(history)
    assert {(f"{leaf['department']}#REC#{leaf['rec_id']}", leaf["seq"]) for leaf in leaves} == set(expected)
    # And each recommendation's entries sit in the log in seq order
    by_rec = {}
    for i in entries:
        by_rec.setdefault(i["pk"]["S"], []).append((int(i["sk"]["S"].split("#")[1]), int(i["leaf_index"]["N"])))
    for pairs in by_rec.values():
        assert [index for _, index in sorted(pairs)] == sorted(index for _, index in pairs)
    # And a bundle fetched over HTTP verifies offline with the key KMS holds
    status, _, bundle = stack.request("GET", f"/departments/parks/recommendations/{recs[-1]}/history/bundle",
                                      token=tokens["dcxo-parks"])
    assert status == 200, bundle
    status, _, key = stack.request("GET", "/ledger/public-key", token=tokens["dcxo-parks"])
    kms = boto3.client("kms", endpoint_url=stack.env["AWS_ENDPOINT_URL_KMS"], region_name="us-east-1",
                       aws_access_key_id="local", aws_secret_access_key="local")
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key

    der = kms.get_public_key(KeyId=localstack.stage_variable("CXGOV_LEDGER_KEY_ID"))["PublicKey"]
    pem = load_der_public_key(der).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    assert key["public_key"] == pem
    (tmp_path / "key.pem").write_text(pem)
    (tmp_path / "bundle.json").write_text(json.dumps(bundle))
    done = subprocess.run([sys.executable, "-I", str(localstack.ROOT / "cxgov_cli" / "verify.py"),
                           str(tmp_path / "bundle.json"), "--public-key", str(tmp_path / "key.pem")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


APPENDER = textwrap.dedent("""
    import sys
    from chalicelib.ledger import store as ledger
    from chalicelib.ledger import log
    t = int(sys.argv[1])
    ledger.append([log.leaf_of(f"race{t}", f"rec{t}", seq, f"{t:02d}{seq:062d}") for seq in range(1, 31)])
""")


def _reference_root(hashes: list[bytes]) -> bytes:
    import hashlib

    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + _reference_root(hashes[:k]) + _reference_root(hashes[k:])).digest()


def test_concurrent_appenders_each_append_once_into_one_consistent_tree(stack):
    import hashlib

    client = boto3.client("dynamodb", endpoint_url=stack.env["AWS_ENDPOINT_URL_DYNAMODB"],
                          region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")

    def state():
        items = [i for i in _scan(client, "cxgov-ledger") if i["kind"]["S"] == "ledger_state"]
        return int(items[0]["tree_size"]["N"]) if items else 0

    before = state()
    # Given four consumers (shards) appending 30 entries each at the same time, and one of the
    # batches delivered a second time by a fifth
    processes = [subprocess.Popen([sys.executable, "-c", APPENDER, str(t)], cwd=localstack.ROOT,
                                  env={**os.environ, **stack.env}) for t in (0, 1, 2, 3, 0)]
    assert [p.wait(timeout=300) for p in processes] == [0] * 5
    # Then 120 leaves were added, each once, each recommendation's in seq order
    ledger = _scan(client, "cxgov-ledger")
    leaf_nodes = {int(i["pk"]["S"].rsplit("#", 1)[1]): i["leaf"]["S"] for i in ledger
                  if i["kind"]["S"] == "ledger_node" and i["pk"]["S"].startswith("ORG#LEDGER#N#0#")}
    size = state()
    assert size == before + 120 and sorted(leaf_nodes) == list(range(size))
    added = [json.loads(leaf_nodes[i]) for i in range(before, size)]
    assert Counter((leaf["department"], leaf["seq"]) for leaf in added) == Counter(
        (f"race{t}", seq) for t in range(4) for seq in range(1, 31))
    for t in range(4):
        assert [leaf["seq"] for leaf in added if leaf["department"] == f"race{t}"] == list(range(1, 31))
    # And the stored right edge folds to RFC 6962's root of all leaves as stored
    state_item = next(i for i in ledger if i["kind"]["S"] == "ledger_state")
    frontier = [bytes.fromhex(h["S"]) for h in state_item["frontier"]["L"]]
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = hashlib.sha256(b"\x01" + left + root).digest()
    hashes = [hashlib.sha256(b"\x00" + leaf_nodes[i].encode()).digest() for i in range(size)]
    assert root == _reference_root(hashes)
