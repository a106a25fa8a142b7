"""The ledger through the API (moto): appends from history entries, signed tree heads, the public
key, consistency proofs and the bundle, with bad input; every proof is checked with `cxgov
verify`'s own verifier and the signatures with `cryptography`, not with the code that made them."""
from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from cxgov_cli import verify
from tests.integration.audit_helpers import decide, make_rec, rec_url
from tests.integration.ledger_helpers import drain, history_records, public_pem  # noqa: F401 - fixtures


def _signed_bytes(head: dict) -> bytes:
    # RFC 8785 of the four signed fields: ASCII keys sorted, no spaces, integers as digits.
    return (f'{{"log_id":{json.dumps(head["log_id"])},"root_hash":"{head["root_hash"]}",'
            f'"timestamp":"{head["timestamp"]}","tree_size":{head["tree_size"]}}}').encode()


def _check_signature(head: dict, pem: str) -> None:
    key = load_pem_public_key(pem.encode())
    key.verify(base64.b64decode(head["signature"]), _signed_bytes(head), ec.ECDSA(hashes.SHA256()))


def _recs_with_history(api, tokens, count: int) -> list[dict]:
    recs = []
    for i in range(count):
        rec = make_rec(api, tokens, dept="parks" if i % 2 == 0 else "harbour")
        assert decide(api, tokens, rec).status_code == 200
        recs.append(rec)
    return recs


def test_every_history_entry_is_appended_once_in_the_order_delivered(seeded, tokens, drain):
    # Given three recommendations with two history entries each
    recs = _recs_with_history(seeded, tokens, 3)
    # When the stream's records reach the consumer, and the same records come again
    assert drain() == 6
    assert drain() == 0
    # Then the log holds each entry once, in the order delivered, with the documented leaf
    from chalicelib.db import keys
    from chalicelib.ledger import store as ledger
    from chalicelib.db.items import LedgerNodeItem

    delivered = history_records()
    for index, record in enumerate(delivered):
        image = record["dynamodb"]["NewImage"]
        leaf = LedgerNodeItem.get(keys.ledger_node_pk(0, index), keys.LEDGER_NODE_SK).leaf
        dept, rec_id = image["pk"]["S"].split("#REC#")
        assert json.loads(leaf) == {"department": dept, "rec_id": rec_id,
                                    "seq": int(image["seq"]["N"]), "hash": image["hash"]["S"]}
        assert leaf == json.dumps(json.loads(leaf), sort_keys=True, separators=(",", ":"))
    assert ledger.read_state()[0] == 6
    assert {r["id"] for r in recs} == {r["dynamodb"]["NewImage"]["rec_id"]["S"] for r in delivered}


def test_a_modified_history_item_is_not_appended_again(seeded, tokens, drain):
    # Given an entry already in the log
    _recs_with_history(seeded, tokens, 1)
    drain()
    # When a MODIFY of a history item arrives (someone edited the table)
    from chalicelib.ledger import log

    record = history_records()[0]
    edited = {"eventName": "MODIFY", "dynamodb": {**record["dynamodb"], "OldImage": record["dynamodb"]["NewImage"]}}
    # Then nothing is appended: the log keeps what was committed first
    assert log.append_records([edited]) == 0
    assert log.tree_size() == 2


def test_tree_heads_are_signed_on_request_listed_and_verify(seeded, tokens, drain):
    _recs_with_history(seeded, tokens, 2)
    drain()
    # When an auditor asks for a tree head
    created = seeded.post("/ledger/tree-heads", token=tokens["auditor"])
    assert created.status_code == 201, created.body
    head = created.json
    # Then it is signed by the KMS key over RFC 8785 of {tree_size, root_hash, timestamp, log_id}
    assert head["tree_size"] == 4 and head["algorithm"] == "ECDSA_SHA_256"
    _check_signature(head, public_pem())
    key = seeded.get("/ledger/public-key", token=tokens["dcxo-parks"])
    assert key.status_code == 200 and key.json["public_key"] == public_pem()
    assert key.json["key_id"] == head["key_id"] and key.json["key_id"].startswith("arn:aws:kms:")
    assert [k["key_id"] for k in key.json["keys"]] == [head["key_id"]]
    # And it is the latest, and listed by time
    assert seeded.get("/ledger/tree-heads/latest", token=tokens["ccxo"]).json == head
    listed = seeded.get(f"/ledger/tree-heads?from={head['timestamp']}&to={head['timestamp']}",
                        token=tokens["auditor"])
    assert listed.status_code == 200 and listed.json["items"] == [head]
    assert seeded.get("/ledger/tree-heads?to=2000-01-01T00:00:00Z", token=tokens["auditor"]).json["items"] == []
    # Only an auditor signs; the dcxo reads neither heads nor proofs
    assert seeded.post("/ledger/tree-heads", token=tokens["ccxo"]).status_code == 403
    assert seeded.get("/ledger/tree-heads/latest", token=tokens["dcxo-parks"]).status_code == 403
    assert seeded.get("/ledger/consistency?first=1&second=2", token=tokens["dcxo-parks"]).status_code == 403


def test_the_scheduled_signer_signs_the_current_tree(seeded, tokens, drain):
    _recs_with_history(seeded, tokens, 1)
    drain()
    # When the daily schedule fires (Chalice's test client runs the scheduled function)
    event = seeded.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                                   detail={}, resources=[])
    seeded.client.lambda_.invoke("ledger_sign_daily", event)
    # Then the latest tree head covers the log and verifies
    head = seeded.get("/ledger/tree-heads/latest", token=tokens["auditor"]).json
    assert head["tree_size"] == 2
    _check_signature(head, public_pem())


def test_consistency_proofs_between_any_two_sizes_verify(seeded, tokens, drain):
    _recs_with_history(seeded, tokens, 3)
    drain()
    roots = {}
    for second in range(0, 7):
        for first in range(0, second + 1):
            answer = seeded.get(f"/ledger/consistency?first={first}&second={second}", token=tokens["auditor"])
            assert answer.status_code == 200, answer.body
            proof = answer.json
            roots[first], roots[second] = proof["first_root"], proof["second_root"]
            if first:
                assert verify.consistent(first, second, bytes.fromhex(proof["first_root"]),
                                         bytes.fromhex(proof["second_root"]),
                                         [bytes.fromhex(h) for h in proof["proof"]]), (first, second)
    assert roots[0] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_bad_sizes_and_ranges_are_400s_naming_the_field(seeded, tokens, drain):
    _recs_with_history(seeded, tokens, 1)
    drain()
    auditor = tokens["auditor"]
    cases = {
        "/ledger/consistency?first=2&second=1": "first",
        "/ledger/consistency?first=1&second=3": "second",
        "/ledger/consistency?first=-1&second=1": "first",
        "/ledger/consistency?first=x&second=1": "first",
        "/ledger/consistency?second=1": "first",
        "/ledger/consistency?first=1&second=99999999999999999999999": "second",
        "/ledger/tree-heads?from=yesterday": "from",
        "/ledger/tree-heads?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z": "from",
        "/ledger/tree-heads?limit=0": "limit",
        "/ledger/tree-heads?cursor=forged.cursor": "cursor",
        "/ledger/public-key?colour=blue": "colour",
    }
    for url, field in cases.items():
        answer = seeded.get(url, token=auditor)
        assert answer.status_code == 400, (url, answer.body)
        assert field in {d["field"] for d in answer.json["error"]["details"]}, (url, answer.json)
    missing = seeded.get("/ledger/public-key?key_id=arn:aws:kms:us-east-1:1:key/none", token=auditor)
    assert missing.status_code == 404
    assert seeded.post("/ledger/tree-heads", token=auditor, body={"tree_size": 1}).status_code == 400


def test_the_bundle_waits_for_the_log_then_verifies_offline(seeded, tokens, drain, tmp_path):
    # Given a recommendation whose latest entry has not reached the log yet
    rec = make_rec(seeded, tokens)
    url = rec_url(rec) + "/history/bundle"
    waiting = seeded.get(url, token=tokens["dcxo-parks"])
    # Then the bundle is a 409 with Retry-After, not a bundle without proof
    assert waiting.status_code == 409 and waiting.headers.get("Retry-After") == "30"
    # When it is appended (with other departments' entries around it)
    _recs_with_history(seeded, tokens, 2)
    assert decide(seeded, tokens, rec).status_code == 200
    drain()
    # Then its department's dcxo gets a bundle that `cxgov verify` accepts with the published key
    bundle = seeded.get(url, token=tokens["dcxo-parks"])
    assert bundle.status_code == 200, bundle.body
    body = bundle.json
    assert body["format"] == "cxgov-history-bundle/1" and [e["seq"] for e in body["entries"]] == [1, 2]
    assert set(body["entries"][0]) == {"seq", "rec_id", "at", "actor", "actor_name", "role", "event",
                                       "changes", "prev_hash", "hash"}
    assert body["tree_head"]["tree_size"] == 6 and body["inclusion"]["tree_size"] == 6
    report = verify.verify_bundle(body, public_pem())
    assert report.lines[0].startswith("chain: 2 entries")
    # And the other department's dcxo gets a 403, an unknown recommendation a 404
    assert seeded.get(url, token=tokens["dcxo-harbour"]).status_code == 403
    assert seeded.get("/departments/parks/recommendations/0000000000000000000000/history/bundle",
                      token=tokens["auditor"]).status_code == 404
    # And `since` adds the consistency proof from an older tree head
    older = seeded.post("/ledger/tree-heads", token=tokens["auditor"]).json
    _recs_with_history(seeded, tokens, 1)
    assert decide(seeded, tokens, rec, comments="revised").status_code == 200
    drain()
    later = seeded.get(f"{url}?since={older['tree_size']}", token=tokens["auditor"]).json
    assert later["tree_head"]["tree_size"] == 9
    assert later["consistency"]["first"] == 6 and later["consistency"]["second"] == 9
    verify.verify_bundle(later, public_pem(), older)
    assert seeded.get(f"{url}?since=10", token=tokens["auditor"]).status_code == 400
    assert seeded.get(f"{url}?since=-1", token=tokens["auditor"]).status_code == 400


def test_the_backfill_appends_what_the_stream_never_carried_once(seeded, tokens, drain, capsys):
    # Given entries written before the stream existed (none reached the log), and one that did
    recs = _recs_with_history(seeded, tokens, 2)
    from devtools import ledger_backfill

    # When the backfill runs twice
    assert ledger_backfill.main([]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert ledger_backfill.main([]) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # Then every entry is in the log once, and the stream's later delivery adds nothing
    assert first == {"missing": 4, "appended": 4, "tree_size": 4}
    assert second == {"missing": 0, "appended": 0, "tree_size": 4}
    assert drain() == 0
    bundle = seeded.get(rec_url(recs[0]) + "/history/bundle", token=tokens["auditor"])
    assert bundle.status_code == 200
    verify.verify_bundle(bundle.json, public_pem())


def test_only_new_history_items_become_leaves():
    from chalicelib.ledger import log

    history = {"pk": {"S": "parks#REC#r1"}, "sk": {"S": "H#0000000001"}, "kind": {"S": "history"},
               "seq": {"N": "1"}, "hash": {"S": "a" * 64}}
    other = {"pk": {"S": "parks#REC"}, "sk": {"S": "REC#r1"}, "kind": {"S": "recommendation"}}
    records = [{"eventName": "INSERT", "dynamodb": {"NewImage": history}},
               {"eventName": "INSERT", "dynamodb": {"NewImage": other}},
               {"eventName": "MODIFY", "dynamodb": {"NewImage": history, "OldImage": history}},
               {"eventName": "REMOVE", "dynamodb": {"OldImage": history}},
               {"eventName": "INSERT", "dynamodb": {"NewImage": {**history, "pk": {"S": "broken"}}}}]
    leaves = log.leaves_from_records(records)
    assert [(l.department, l.rec_id, l.seq) for l in leaves] == [("parks", "r1", 1)]
    assert leaves[0].data == b'{"department":"parks","hash":"' + b"a" * 64 + b'","rec_id":"r1","seq":1}'


def test_tree_heads_refuse_far_off_dates_with_a_400_naming_the_field(seeded, tokens):
    # Year 1 at +01:51 is year 0 in UTC (the fuzzer's 500); a date-time people type is 1900-2999
    for name in ("from", "to"):
        answer = seeded.get(f"/ledger/tree-heads?{name}=0001-01-01T00%3A01%3A00%2B01%3A51", token=tokens["auditor"])
        assert answer.status_code == 400, answer.body
        assert [d["field"] for d in answer.json["error"]["details"]] == [name]
