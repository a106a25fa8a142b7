"""Tampering, each detected offline by `cxgov verify` (run as its own file, copied alone into an
empty directory, in Python's isolated mode: nothing of the project can be imported) and named."""
from __future__ import annotations

import ast
import copy
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import ROOT
from tests.integration.audit_helpers import dcxo, decide, make_rec, rec_url
from tests.integration.ledger_helpers import drain, public_pem, write  # noqa: F401 - fixtures

VERIFY = ROOT / "cxgov_cli" / "verify.py"


def _sha(value) -> str:
    # RFC 8785 for these entries (ASCII keys, strings, integers, null): sorted, compact, UTF-8.
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


@pytest.fixture()
def cli(tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(VERIFY, alone / "verify.py")

    def run(bundle: dict, *options: str) -> tuple[int, str]:
        path = write(tmp_path / "bundle.json", bundle)
        done = subprocess.run([sys.executable, "-I", str(alone / "verify.py"), path, *options],
                              cwd=alone, capture_output=True, text=True, timeout=60)
        return done.returncode, done.stdout + done.stderr

    return run


@pytest.fixture()
def setup(seeded, tokens, drain, tmp_path):
    """A recommendation with four entries among others' entries, in the log; the genuine key."""
    other = make_rec(seeded, tokens, dept="harbour")
    rec = make_rec(seeded, tokens)
    assert decide(seeded, tokens, rec).status_code == 200
    assert decide(seeded, tokens, other).status_code == 200
    assert seeded.post(rec_url(rec) + "/transitions", token=dcxo(tokens, "parks"),
                       body={"to": "in_progress", "reason": "plan approved"}).status_code == 200
    assert decide(seeded, tokens, rec, comments="Weekend staffing from June.").status_code == 200
    drain()
    key = tmp_path / "ledger.pem"
    key.write_text(public_pem())
    bundle = seeded.get(rec_url(rec) + "/history/bundle", token=tokens["auditor"]).json
    assert [e["seq"] for e in bundle["entries"]] == [1, 2, 3, 4]
    return {"api": seeded, "rec": rec, "bundle": bundle, "key": str(key)}


def test_the_verifier_needs_only_the_standard_library_and_cryptography():
    tree = ast.parse(VERIFY.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    third_party = imported - set(sys.stdlib_module_names) - {"__future__"}
    assert third_party == {"cryptography", "click"}  # click only inside click_command()
    click_imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import)
                     and any(a.name == "click" for a in node.names)]
    assert all(node.col_offset > 0 for node in click_imports)  # never at module level


def test_an_intact_bundle_verifies(setup, cli):
    code, out = cli(setup["bundle"], "--public-key", setup["key"])
    assert code == 0, out
    assert "ok chain: 4 entries" in out and "ok inclusion" in out and "ok signature" in out
    assert out.strip().endswith("VERIFIED")
    # Without --public-key it still checks, and says what the bundle's own key does not prove
    code, out = cli(setup["bundle"])
    assert code == 0 and "pass --public-key" in out


def test_an_entry_whose_text_changed_is_named(setup, cli):
    bundle = copy.deepcopy(setup["bundle"])
    bundle["entries"][1]["changes"]["action_plan"]["to"] = "Do nothing."
    code, out = cli(bundle, "--public-key", setup["key"])
    assert code == 1
    assert out.strip() == "FAILED chain: entry seq 2: its content does not match its hash (the entry was altered)"


def test_a_whole_chain_rewritten_with_every_hash_recomputed_fails_inclusion(setup, cli):
    bundle = copy.deepcopy(setup["bundle"])
    previous = "0" * 64
    for entry in bundle["entries"]:
        if entry["seq"] == 2:
            entry["changes"]["decision"]["to"] = "agree"
        entry["prev_hash"] = previous
        entry["hash"] = _sha({k: v for k, v in entry.items() if k != "hash"})
        previous = entry["hash"]
    code, out = cli(bundle, "--public-key", setup["key"])
    assert code == 1
    assert out.startswith("FAILED inclusion: the last entry (seq 4) is not the log's leaf"), out


def test_a_deleted_entry_is_named(setup, cli):
    middle = copy.deepcopy(setup["bundle"])
    del middle["entries"][1]
    code, out = cli(middle, "--public-key", setup["key"])
    assert code == 1 and out.startswith("FAILED chain: entry 2 has seq 3: seq 2 is missing"), out
    last = copy.deepcopy(setup["bundle"])
    del last["entries"][-1]  # the remaining chain is whole, but its last leaf is not the proven one
    code, out = cli(last, "--public-key", setup["key"])
    assert code == 1 and out.startswith("FAILED inclusion: the last entry (seq 3)"), out


def test_two_swapped_entries_are_named(setup, cli):
    bundle = copy.deepcopy(setup["bundle"])
    entries = bundle["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    code, out = cli(bundle, "--public-key", setup["key"])
    assert code == 1 and out.startswith("FAILED chain: entry 2 has seq 3"), out
    # and swapped with their seq numbers exchanged too: the links break
    relabelled = copy.deepcopy(setup["bundle"])
    e = relabelled["entries"]
    e[1], e[2] = e[2], e[1]
    e[1]["seq"], e[2]["seq"] = 2, 3
    code, out = cli(relabelled, "--public-key", setup["key"])
    assert code == 1 and out.startswith("FAILED chain: entry seq 2: prev_hash does not match"), out


def test_a_tree_head_re_signed_with_another_key_fails_the_signature(setup, cli):
    forger = ec.generate_private_key(ec.SECP256R1())
    bundle = copy.deepcopy(setup["bundle"])
    head = bundle["tree_head"]
    message = json.dumps({k: head[k] for k in ("tree_size", "root_hash", "timestamp", "log_id")},
                         sort_keys=True, separators=(",", ":")).encode()
    import base64

    head["signature"] = base64.b64encode(forger.sign(message, ec.ECDSA(hashes.SHA256()))).decode()
    bundle["public_key"] = forger.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    # The forged bundle agrees with itself...
    assert cli(bundle)[0] == 0
    # ...but not with the organisation's key
    code, out = cli(bundle, "--public-key", setup["key"])
    assert code == 1
    assert out.startswith("FAILED signature: the tree head's signature (key_id"), out


def test_a_log_rewritten_between_two_tree_heads_fails_consistency(setup, cli, tokens, tmp_path):
    api, rec = setup["api"], setup["rec"]
    older = api.post("/ledger/tree-heads", token=tokens["auditor"]).json
    older_file = write(tmp_path / "older.json", older)
    # Given an operator with table access who rewrites the first leaf (another department's
    # entry) and rebuilds the whole tree and its state, then has a new head signed
    from chalicelib.db import keys
    from chalicelib.ledger import store as ledger
    from chalicelib.db.items import LedgerNodeItem
    from chalicelib.ledger import merkle

    size = older["tree_size"]
    leaves = [LedgerNodeItem.get(keys.ledger_node_pk(0, i), keys.LEDGER_NODE_SK).leaf.encode()
              for i in range(size)]
    forged = json.loads(leaves[0])
    forged["hash"] = "f" * 64
    leaves[0] = json.dumps(forged, sort_keys=True, separators=(",", ":")).encode()
    rebuilt = merkle.append(0, [], [merkle.leaf_hash(leaf) for leaf in leaves])
    for level, index, hash_ in rebuilt.nodes:
        ledger.node_item(level, index, hash_, leaves[index] if level == 0 else None).save()
    ledger.state_item(rebuilt.size, rebuilt.frontier).save()
    assert decide(api, tokens, rec, comments="After the rewrite.").status_code == 200
    from tests.integration.ledger_helpers import history_records
    from chalicelib.ledger import log

    log.append_records(history_records())
    bundle = api.get(rec_url(rec) + f"/history/bundle?since={size}", token=tokens["auditor"]).json
    # Then the new bundle verifies on its own (chain, inclusion, signature all hold)...
    assert cli(bundle, "--public-key", setup["key"])[0] == 0
    # ...but not against the older tree head the auditor kept
    code, out = cli(bundle, "--public-key", setup["key"], "--tree-head", older_file)
    assert code == 1
    assert out.startswith(f"FAILED consistency: the log of size {size + 1} does not extend the older "
                          f"tree head of size {size}"), out
    # And without a proof from that size, it says which bundle to fetch
    plain = api.get(rec_url(rec) + "/history/bundle", token=tokens["auditor"]).json
    code, out = cli(plain, "--public-key", setup["key"], "--tree-head", older_file)
    assert code == 1 and f"?since={size}" in out


def test_a_genuine_older_tree_head_is_consistent(setup, cli, tokens, drain, tmp_path):
    api, rec = setup["api"], setup["rec"]
    older = api.post("/ledger/tree-heads", token=tokens["auditor"]).json
    assert decide(api, tokens, rec, comments="Later.").status_code == 200
    drain()
    bundle = api.get(rec_url(rec) + f"/history/bundle?since={older['tree_size']}", token=tokens["auditor"]).json
    code, out = cli(bundle, "--public-key", setup["key"], "--tree-head", write(tmp_path / "o.json", older))
    assert code == 0, out
    assert f"ok consistency: the tree of size {older['tree_size'] + 1} extends" in out


def test_unreadable_input_is_exit_2(setup, cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    done = subprocess.run([sys.executable, "-I", str(VERIFY), str(broken)], capture_output=True, text=True)
    assert done.returncode == 2 and "cannot read" in done.stderr
    duplicate = tmp_path / "dup.json"
    duplicate.write_text('{"format": "x", "format": "cxgov-history-bundle/1"}')
    done = subprocess.run([sys.executable, "-I", str(VERIFY), str(duplicate)], capture_output=True, text=True)
    assert done.returncode == 2 and "twice" in done.stderr
    code, out = cli({"format": "something else"})
    assert code == 1 and out.startswith("FAILED bundle: not a cxgov-history-bundle/1 file")


def test_cxgov_verify_runs_from_the_command_group(setup, tmp_path):
    path = write(tmp_path / "b.json", setup["bundle"])
    done = subprocess.run([sys.executable, "-m", "cxgov_cli", "verify", path, "--public-key", setup["key"]],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("VERIFIED")
    tampered = copy.deepcopy(setup["bundle"])
    tampered["entries"][0]["actor"] = "someone-else"
    done = subprocess.run([sys.executable, "-m", "cxgov_cli", "verify", write(tmp_path / "t.json", tampered)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "FAILED chain: entry seq 1" in done.stdout


def test_heads_signed_before_and_after_a_key_rotation_verify_with_both_keys(setup, cli, tokens, drain, tmp_path):
    import boto3

    from devtools import localstack

    api, rec = setup["api"], setup["rec"]
    older = api.post("/ledger/tree-heads", token=tokens["auditor"]).json
    # When the signing key is rotated: a new key behind the same alias
    kms = boto3.client("kms", region_name="us-east-1")
    new_key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyMetadata"]
    kms.update_alias(AliasName=localstack.stage_variable("CXGOV_LEDGER_KEY_ID"), TargetKeyId=new_key["KeyId"])
    assert decide(api, tokens, rec, comments="After the rotation.").status_code == 200
    drain()
    bundle = api.get(rec_url(rec) + f"/history/bundle?since={older['tree_size']}", token=tokens["auditor"]).json
    # Then new heads name the new key, and both keys are served
    assert bundle["tree_head"]["key_id"] == new_key["Arn"] != older["key_id"]
    served = api.get("/ledger/public-key", token=tokens["auditor"]).json
    assert served["key_id"] == new_key["Arn"]
    assert {k["key_id"] for k in served["keys"]} == {older["key_id"], new_key["Arn"]}
    old_pem = api.get(f"/ledger/public-key?key_id={older['key_id']}", token=tokens["auditor"]).json["public_key"]
    assert old_pem == (tmp_path / "ledger.pem").read_text()
    new_pem = tmp_path / "new.pem"
    new_pem.write_text(served["public_key"])
    older_file = write(tmp_path / "older.json", older)
    # And the bundle verifies against the older head with both keys, not with the new one alone
    code, out = cli(bundle, "--public-key", str(new_pem), "--public-key", setup["key"], "--tree-head", older_file)
    assert code == 0, out
    code, out = cli(bundle, "--public-key", str(new_pem), "--tree-head", older_file)
    assert code == 1 and out.startswith("FAILED signature: the older tree head's signature"), out
