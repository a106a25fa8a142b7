"""cxgov verify: check a recommendation's history bundle offline, trusting nothing of the API.

    cxgov verify BUNDLE.json [--public-key PEM ...] [--tree-head OLDER.json]
    python cxgov_cli/verify.py BUNDLE.json [--public-key PEM] [--tree-head OLDER.json]

Checks, in this order, and names the first that fails (docs/ledger.md has every format):
  bundle       the file is a cxgov-history-bundle/1 with every field
  chain        entries are seq 1..n, each `hash` is SHA-256 of the RFC 8785 canonical JSON of the
               entry without `hash`, each `prev_hash` is the previous entry's hash (64 zeros first)
  inclusion    the last entry's leaf {department, rec_id, seq, hash} is in the RFC 6962 tree of the
               tree head, at `inclusion.leaf_index` (the audit path leads to `root_hash`)
  signature    the tree head's ECDSA P-256 / SHA-256 signature over the RFC 8785 canonical JSON of
               {tree_size, root_hash, timestamp, log_id} verifies with the public key
  consistency  (with --tree-head) the older signed tree head is a prefix of the bundle's tree: the
               bundle's RFC 6962 consistency proof from the older size verifies against both roots

Exit 0 only when every check holds; 1 when one fails; 2 when a file cannot be read.
Needs only Python's standard library and `cryptography`; this file runs on its own.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

FORMAT = "cxgov-history-bundle/1"
ALGORITHM = "ECDSA_SHA_256"
GENESIS = "0" * 64


class Failed(Exception):
    """A check that does not hold: `check` names it, the message says what was found."""

    def __init__(self, check: str, message: str):
        super().__init__(f"{check}: {message}")
        self.check = check


# --- RFC 8785 canonical JSON (the same rules as chalicelib/core/jcs.py) ---
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def canonical(value: Any) -> bytes:
    return _write(value).encode("utf-8")


def _write(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        if -2 ** 53 < value < 2 ** 53:
            return str(value)
        try:
            return _number(float(value))
        except OverflowError:
            raise ValueError("a number beyond the range of an IEEE-754 double") from None
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_write(item) for item in value) + "]"
    if isinstance(value, dict):
        members = sorted(value.items(), key=lambda m: m[0].encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(_string(k) + ":" + _write(v) for k, v in members) + "}"
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _string(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT:
            out.append(_SHORT[char])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("a lone surrogate is not I-JSON")
        else:
            out.append(char)
    return "".join(out) + '"'


def _number(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise ValueError("NaN and infinities are not JSON numbers")
    if value == 0:
        return "0"
    if value < 0:
        return "-" + _number(-value)
    mantissa, _, exponent = repr(value).partition("e")  # repr: the shortest round-trip digits
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    stripped = digits.rstrip("0")
    point = int(exponent or 0) - len(fraction) + (len(digits) - len(stripped)) + len(stripped)
    digits, k = stripped, len(stripped)
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    exp = point - 1
    return (digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if exp >= 0 else "-")
            + str(abs(exp)))


# --- RFC 6962 / RFC 9162 Merkle tree verification ---
def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root the audit path leads to, or None when it cannot fit the tree."""
    if not 0 <= index < size:
        return None
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1
    return result if sn == 0 else None


def consistent(first: int, second: int, first_root: bytes, second_root: bytes,
               proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: whether the tree of `second` leaves extends the one of `first`."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if not path:
        return False
    if first & (first - 1) == 0:  # a power of two: the first tree is a complete subtree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(node, fr), node_hash(node, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, node)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


# --- the bundle ---
def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise ValueError(f"member {name!r} appears twice (not I-JSON)")
        found[name] = value
    return found


def load_json(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)


def _hex32(value: Any, check: str, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 64 or value != value.lower():
        raise Failed(check, f"{what} is not 64 lowercase hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise Failed(check, f"{what} is not 64 lowercase hex digits") from None


def _count(value: Any, check: str, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Failed(check, f"{what} is not an integer >= {minimum}")
    return value


def _field(obj: Any, name: str, check: str, where: str) -> Any:
    if not isinstance(obj, dict) or name not in obj:
        raise Failed(check, f"{where} has no `{name}`")
    return obj[name]


def tree_head_message(head: dict[str, Any]) -> bytes:
    """The signed bytes: RFC 8785 canonical JSON of the four signed fields."""
    return canonical({name: head.get(name) for name in ("tree_size", "root_hash", "timestamp", "log_id")})


def _public_key(pem: str, check: str):
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except (ValueError, TypeError) as exc:
        raise Failed(check, f"the public key is not a PEM SubjectPublicKeyInfo ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise Failed(check, "the public key is not an ECDSA P-256 key")
    return key


def verify_tree_head(head: Any, pem: str | Sequence[str], what: str = "the tree head") -> None:
    """`pem`: one trusted key, or several (keys before and after a rotation): one must verify."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    check = "signature"
    for name in ("tree_size", "root_hash", "timestamp", "log_id", "signature", "algorithm"):
        _field(head, name, check, what)
    if head["algorithm"] != ALGORITHM:
        raise Failed(check, f"{what}'s algorithm is {head['algorithm']!r}, not {ALGORITHM}")
    try:
        signature = base64.b64decode(head["signature"], validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise Failed(check, f"{what}'s signature is not base64") from None
    try:
        message = tree_head_message(head)
    except (TypeError, ValueError) as exc:
        raise Failed(check, f"{what} cannot be canonicalised ({exc})") from None
    for candidate in ([pem] if isinstance(pem, str) else pem):
        try:
            _public_key(candidate, check).verify(signature, message, ec.ECDSA(hashes.SHA256()))
            return
        except InvalidSignature:
            continue
    raise Failed(check, f"{what}'s signature (key_id {head.get('key_id')!r}) does not verify "
                        "with the public key")


def verify_chain(department: str, rec_id: str, entries: Any) -> dict[str, Any]:
    check = "chain"
    if not isinstance(entries, list) or not entries:
        raise Failed(check, "the bundle has no entries")
    previous = GENESIS
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise Failed(check, f"entry {position} is not an object")
        if entry.get("seq") != position:
            raise Failed(check, f"entry {position} has seq {entry.get('seq')!r}: seq {position} "
                                "is missing or out of order")
        if entry.get("rec_id") != rec_id:
            raise Failed(check, f"entry seq {position} belongs to recommendation "
                                f"{entry.get('rec_id')!r}, not {rec_id!r}")
        if entry.get("prev_hash") != previous:
            raise Failed(check, f"entry seq {position}: prev_hash does not match the hash of "
                                + ("the genesis (64 zeros)" if position == 1 else f"entry seq {position - 1}"))
        content = {name: value for name, value in entry.items() if name != "hash"}
        try:
            recomputed = hashlib.sha256(canonical(content)).hexdigest()
        except (TypeError, ValueError) as exc:
            raise Failed(check, f"entry seq {position} cannot be canonicalised ({exc})") from None
        if entry.get("hash") != recomputed:
            raise Failed(check, f"entry seq {position}: its content does not match its hash "
                                "(the entry was altered)")
        previous = recomputed
    last = entries[-1]
    return {"department": department, "rec_id": rec_id, "seq": last["seq"], "hash": last["hash"]}


@dataclass
class Report:
    lines: list[str]


def verify_bundle(bundle: Any, public_key_pem: str | Sequence[str] | None = None,
                  older_head: Any = None) -> Report:
    """Raises Failed naming the first check that does not hold; answers what was checked."""
    lines: list[str] = []
    check = "bundle"
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise Failed(check, f"not a {FORMAT} file")
    for name in ("department", "rec_id", "entries", "tree_head", "inclusion"):
        _field(bundle, name, check, "the bundle")
    head, inclusion = bundle["tree_head"], bundle["inclusion"]

    leaf = verify_chain(bundle["department"], bundle["rec_id"], bundle["entries"])
    lines.append(f"chain: {leaf['seq']} entries, seq 1..{leaf['seq']}, every hash and prev_hash holds")

    check = "inclusion"
    size = _count(_field(head, "tree_size", check, "the tree head"), check, "tree_head.tree_size", 1)
    root = _hex32(_field(head, "root_hash", check, "the tree head"), check, "tree_head.root_hash")
    index = _count(_field(inclusion, "leaf_index", check, "the inclusion proof"), check, "inclusion.leaf_index")
    if _field(inclusion, "tree_size", check, "the inclusion proof") != size:
        raise Failed(check, "the inclusion proof is for another tree size than the tree head's")
    path = _field(inclusion, "audit_path", check, "the inclusion proof")
    if not isinstance(path, list):
        raise Failed(check, "audit_path is not a list")
    nodes = [_hex32(node, check, f"audit_path[{i}]") for i, node in enumerate(path)]
    if root_from_inclusion(index, size, leaf_hash(canonical(leaf)), nodes) != root:
        raise Failed(check, f"the last entry (seq {leaf['seq']}) is not the log's leaf {index} in "
                            f"the tree of size {size}: the audit path does not lead to the tree "
                            "head's root_hash")
    lines.append(f"inclusion: the last entry (seq {leaf['seq']}) is leaf {index} of the tree of size {size}")

    check = "signature"
    pem = public_key_pem if public_key_pem is not None else bundle.get("public_key")
    if not pem:
        raise Failed(check, "no public key: the bundle has none and --public-key was not given")
    verify_tree_head(head, pem)
    source = "the given public key" if public_key_pem is not None else "the key in the bundle"
    lines.append(f"signature: tree head of size {size} at {head['timestamp']} signed by "
                 f"key_id {head.get('key_id')!r}, verified with {source}")
    if public_key_pem is None:
        lines.append("note: a key shipped in the bundle proves only that the bundle agrees with "
                     "itself; pass --public-key with the organisation's published key")

    if older_head is not None:
        check = "consistency"
        verify_tree_head(older_head, pem, "the older tree head")
        if older_head.get("log_id") != head.get("log_id"):
            raise Failed(check, f"the older tree head is of log {older_head.get('log_id')!r}, not "
                                f"{head.get('log_id')!r}")
        first = _count(older_head["tree_size"], check, "the older tree_size")
        first_root = _hex32(older_head["root_hash"], check, "the older root_hash")
        if first > size:
            raise Failed(check, f"the older tree head ({first} leaves) is larger than the bundle's "
                                f"({size}): fetch a newer bundle")
        proof: list[bytes] = []
        if first < size:
            given = bundle.get("consistency")
            if (not isinstance(given, dict) or given.get("first") != first
                    or given.get("second") != size or not isinstance(given.get("proof"), list)):
                raise Failed(check, f"the bundle carries no consistency proof from tree size "
                                    f"{first} to {size} (fetch the bundle with ?since={first})")
            proof = [_hex32(node, check, f"consistency.proof[{i}]") for i, node in enumerate(given["proof"])]
        if first and not consistent(first, size, first_root, root, proof):
            raise Failed(check, f"the log of size {size} does not extend the older tree head of size "
                                f"{first} ({older_head['timestamp']}): the log was rewritten")
        lines.append(f"consistency: the tree of size {size} extends the older tree head of size {first}")
    return Report(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cxgov verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="the bundle file (GET .../history/bundle)")
    parser.add_argument("--public-key", metavar="PEM", action="append",
                        help="the log's public key you trust (a PEM file); repeat it for the keys "
                             "before and after a rotation")
    parser.add_argument("--tree-head", metavar="OLDER.json", help="an older signed tree head you kept")
    args = parser.parse_args(argv)
    try:
        bundle = load_json(args.bundle)
        pem = [Path(path).read_text(encoding="utf-8") for path in args.public_key] if args.public_key else None
        older = load_json(args.tree_head) if args.tree_head else None
    except (OSError, ValueError) as exc:
        print(f"cannot read the input: {exc}", file=sys.stderr)
        return 2
    try:
        report = verify_bundle(bundle, pem, older)
    except Failed as failure:
        print(f"FAILED {failure}")
        return 1
    for line in report.lines:
        print(("" if line.startswith("note:") else "ok ") + line)
    print("VERIFIED")
    return 0


def click_command():
    """The same command for the `cxgov` click group (click is needed only here)."""
    import click

    @click.command("verify", help=__doc__.split("\n\n")[0], add_help_option=False,
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.pass_context
    def verify(ctx: click.Context) -> None:
        ctx.exit(main(ctx.args))

    return verify


if __name__ == "__main__":
    sys.exit(main())
