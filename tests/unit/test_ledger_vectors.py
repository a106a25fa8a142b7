"""The ledger's primitives against published test vectors.

RFC 6962: the roots for tree sizes 1-8, the inclusion and consistency proofs and the hash
vectors are those of transparency-dev/merkle (the Go implementation behind Trillian and
Certificate Transparency's logs): proof/verify_test.go at commit
022f84cb1f2655a4399874cfa190c3f1d60b32a8 (roots, leaves, inclusionProofs, consistencyProofs; its
leaf numbers are 1-based) and rfc6962/rfc6962_test.go. Beyond the published proofs, every
inclusion and consistency proof for sizes 1-8 is checked against RFC 6962's recursive
definitions, written out here, and through `cxgov verify`'s own verifier (RFC 9162 §2.1.3.2/§2.1.4.2).

RFC 8785: the input/output pairs of cyberphone/json-canonicalization testdata/ (the RFC's
reference implementation; commit 19d51d7fe467d4706a3ff08adf8a748f29fc21e0) and the IEEE-754
samples of its testdata/README.md ("ES6 Numbers")."""
from __future__ import annotations

import hashlib
import json
import random
import struct

import pytest

from chalicelib.core import jcs
from chalicelib.ledger import merkle
from cxgov_cli import verify

LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf number, 1-based; tree size; audit path)
INCLUSION = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
JCS_FILES = [
    ('arrays', '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]\n',
     b'[56,{"1":[],"10":null,"d":true}]'),
    ('french', '{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n  "pêche": "but canonicalization MUST",\n  "sin":   "ignore locale"\n}\n',
     b'{"peach":"This sorting order","p\xc3\xa9ch\xc3\xa9":"is wrong according to French","p\xc3\xaache":"but canonicalization MUST","sin":"ignore locale"}'),
    ('structures', '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ {"e": "yes","E": "no" } ],\n  "A": { }\n}',
     b'{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}'),
    ('unicode', '{\n  "Unnormalized Unicode":"A\\u030a"\n}\n',
     b'{"Unnormalized Unicode":"A\xcc\x8a"}'),
    ('values', '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
     b'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"\xe2\x82\xac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'),
    ('weird', '{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\u000a": "Newline",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n',
     b'{"\\n":"Newline","\\r":"Carriage Return","1":"One","</script>":"Browser Challenge","\xc2\x80":"Control\x7f","\xc3\xb6":"Latin Small Letter O With Diaeresis","\xe2\x82\xac":"Euro Sign","\xf0\x9f\x98\x82":"Smiley","\xef\xac\xb3":"Hebrew Letter Dalet With Dagesh"}'),
]
# hex of an IEEE-754 double -> its RFC 8785 (ECMAScript) form
JCS_NUMBERS = [("4340000000000001", "9007199254740994"), ("4340000000000002", "9007199254740996"),
               ("444b1ae4d6e2ef50", "1e+21"), ("3eb0c6f7a0b5ed8d", "0.000001"),
               ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("8000000000000000", "0"), ("0", "0")]


# --- RFC 6962's definitions, written out independently of the code under test ---
def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return _h(b"")
    if len(leaves) == 1:
        return _h(b"\x00" + leaves[0])
    k = _k(len(leaves))
    return _h(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = _k(n)
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


class StoredTree:
    """The code under test: leaves appended one by one, complete subtrees kept by (level, index)."""

    def __init__(self, leaves: list[bytes]):
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.size, self.frontier, self.roots = 0, [], []
        for leaf in leaves:
            grown = merkle.append(self.size, self.frontier, [merkle.leaf_hash(leaf)])
            self.nodes.update({(level, index): h for level, index, h in grown.nodes})
            self.size, self.frontier = grown.size, grown.frontier
            self.roots.append(merkle.fold(self.frontier).hex())

    def hashes(self, ranges) -> list[str]:
        return [merkle.fold([self.nodes[n] for n in merkle.range_nodes(*r)]).hex() for r in ranges]


TREE = StoredTree(LEAVES)


def test_rfc6962_hashes_equal_the_reference_vectors():
    # Given the empty tree, an empty leaf, a leaf "L123456" and a node of "N123" and "N456"
    # Then the hashes are transparency-dev/merkle's rfc6962_test.go vectors
    assert merkle.EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert merkle.leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert merkle.node_hash(b"N123", b"N456").hex() == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    assert verify.leaf_hash(b"L123456") == merkle.leaf_hash(b"L123456")


def test_the_root_after_each_append_equals_the_published_roots_for_sizes_1_to_8():
    # Given the eight reference leaves appended one at a time
    # Then the root of every size is the published one, and RFC 6962's MTH
    assert TREE.roots == ROOTS
    assert [mth(LEAVES[:n]).hex() for n in range(1, 9)] == ROOTS
    for n in range(1, 9):  # and the root recomputed from stored subtrees at an older size
        assert TREE.hashes([(0, n)]) == [ROOTS[n - 1]]


@pytest.mark.parametrize("leaf,size,expected", INCLUSION)
def test_inclusion_proofs_equal_the_published_ones(leaf, size, expected):
    assert TREE.hashes(merkle.inclusion_ranges(leaf - 1, size)) == expected
    root = verify.root_from_inclusion(leaf - 1, size, merkle.leaf_hash(LEAVES[leaf - 1]),
                                      [bytes.fromhex(h) for h in expected])
    assert root is not None and root.hex() == ROOTS[size - 1]


@pytest.mark.parametrize("first,second,expected", CONSISTENCY)
def test_consistency_proofs_equal_the_published_ones(first, second, expected):
    assert TREE.hashes(merkle.consistency_ranges(first, second)) == expected
    assert verify.consistent(first, second, bytes.fromhex(ROOTS[first - 1]),
                             bytes.fromhex(ROOTS[second - 1]), [bytes.fromhex(h) for h in expected])


def test_every_proof_of_sizes_1_to_8_follows_rfc6962_and_verifies():
    for size in range(1, 9):
        root = bytes.fromhex(ROOTS[size - 1])
        for index in range(size):
            proof = TREE.hashes(merkle.inclusion_ranges(index, size))
            assert proof == [h.hex() for h in path(index, LEAVES[:size])]
            nodes = [bytes.fromhex(h) for h in proof]
            assert verify.root_from_inclusion(index, size, merkle.leaf_hash(LEAVES[index]), nodes) == root
            # a proof for another leaf, or a flipped bit, does not verify
            other = merkle.leaf_hash(LEAVES[(index + 1) % size]) if size > 1 else b"\x00" * 32
            assert verify.root_from_inclusion(index, size, other, nodes) != root
        for first in range(1, size + 1):
            proof = TREE.hashes(merkle.consistency_ranges(first, size))
            expected = subproof(first, LEAVES[:size], True)
            assert proof == [h.hex() for h in expected]
            nodes = [bytes.fromhex(h) for h in proof]
            first_root = bytes.fromhex(ROOTS[first - 1])
            assert verify.consistent(first, size, first_root, root, nodes)
            if nodes:
                tampered = [bytes([nodes[0][0] ^ 1]) + nodes[0][1:], *nodes[1:]]
                assert not verify.consistent(first, size, first_root, root, tampered)
            if first < size:  # a rewritten older tree is not a prefix
                assert not verify.consistent(first, size, _h(b"rewritten"), root, nodes)


def test_a_proof_reads_at_most_two_subtrees_per_level():
    # Given a tree of a million leaves (no hashing needed to count what a proof reads)
    # Then an inclusion or consistency proof needs O(log n) stored nodes
    n = 1_000_000
    for index in (0, 1, n // 2, n - 1):
        assert len(merkle.nodes_for(merkle.inclusion_ranges(index, n))) <= 2 * n.bit_length()
    for first in (1, 3, 999_999, 524_288):
        assert len(merkle.nodes_for(merkle.consistency_ranges(first, n))) <= 2 * n.bit_length()


@pytest.mark.parametrize("name,text,expected", JCS_FILES)
def test_rfc8785_reference_files(name, text, expected):
    value = json.loads(text)
    assert jcs.canonical(value) == expected
    assert verify.canonical(value) == expected


@pytest.mark.parametrize("ieee,expected", JCS_NUMBERS)
def test_rfc8785_numbers(ieee, expected):
    value = struct.unpack(">d", bytes.fromhex(ieee.rjust(16, "0")))[0]
    assert jcs.canonical(value).decode() == expected
    assert verify.canonical(value).decode() == expected


def test_rfc8785_refuses_what_is_not_i_json():
    for bad in (float("nan"), float("inf"), "\ud800", {"\udc00": 1}, 10 ** 400):
        with pytest.raises(ValueError):
            jcs.canonical(bad)
        with pytest.raises(ValueError):
            verify.canonical(bad)


def test_the_two_canonicalisers_agree_on_random_documents():
    # Given random JSON documents (numbers of every magnitude, any text, nesting)
    # Then the API's canonical form and `cxgov verify`'s own copy are byte-identical
    rng = random.Random(6962)

    def value(depth: int):
        kind = rng.randrange(7 if depth < 3 else 4)
        if kind == 0:
            return rng.choice([None, True, False])
        if kind == 1:
            return struct.unpack(">d", rng.randbytes(8))[0] if rng.random() < 0.5 else rng.uniform(-1e6, 1e6)
        if kind == 2:
            return rng.randrange(-2 ** 60, 2 ** 60)
        if kind == 3:
            return "".join(chr(rng.choice([rng.randrange(0, 0x80), rng.randrange(0x80, 0xD800),
                                           rng.randrange(0xE000, 0x110000)])) for _ in range(rng.randrange(6)))
        if kind in (4, 5):
            return {str(value(3)): value(depth + 1) for _ in range(rng.randrange(4))}
        return [value(depth + 1) for _ in range(rng.randrange(4))]

    for _ in range(2000):
        document = value(0)
        try:
            expected = jcs.canonical(document)
        except ValueError:  # NaN or infinity drawn from random bits
            with pytest.raises(ValueError):
                verify.canonical(document)
            continue
        assert verify.canonical(document) == expected
        # and what the canonical form parses back to has the same canonical form
        assert jcs.canonical(json.loads(expected)) == expected
