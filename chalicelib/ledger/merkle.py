"""RFC 6962 (§2.1) Merkle tree math over complete subtrees, with no storage.

A tree of `n` leaves is stored as its complete subtrees: node (level, index) is the hash of leaves
[index * 2**level, (index + 1) * 2**level). Every range RFC 6962's recursive definitions use (the
root, an audit path's and a consistency proof's elements) is a run of at most log2(n) such nodes,
so a proof reads O(log n) stored nodes and an append writes one leaf and the subtrees it completes.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2): RFC 6962's k."""
    return 1 << ((size - 1).bit_length() - 1)


Range = tuple[int, int]  # leaves [start, end)
Node = tuple[int, int]  # (level, index)


def range_nodes(start: int, end: int) -> list[Node]:
    """The complete subtrees whose hashes fold (from the right) into MTH(D[start:end]), largest
    first. Valid for the ranges RFC 6962's split produces, whose start is a multiple of the
    largest power of two not above their size."""
    nodes, at, size = [], start, end - start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, at >> level))
            at += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its `range_nodes` hashes."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """RFC 6962 §2.1.1 PATH(m, D[n]) as leaf ranges, leaf side first."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return list(reversed(ranges))


def consistency_ranges(first: int, second: int) -> list[Range]:
    """RFC 6962 §2.1.2 PROOF(m, D[n]) as leaf ranges, in the RFC's order."""
    if not 0 <= first <= second:
        raise ValueError("the first tree size must not exceed the second")
    if first in (0, second):
        return []
    ranges: list[Range] = []
    start, end, m, complete = 0, second, first, True
    while True:
        size = end - start
        if m == size:
            if not complete:
                ranges.append((start, end))
            break
        k = _split(size)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    return list(reversed(ranges))


def nodes_for(ranges: Iterable[Range]) -> list[Node]:
    """Every stored node the ranges need, without repeats, in first-use order."""
    return list(dict.fromkeys(node for start, end in ranges for node in range_nodes(start, end)))


@dataclass(frozen=True)
class Appended:
    """What appending leaves to a tree writes: every new complete subtree, and the new right edge."""

    nodes: list[tuple[int, int, bytes]]  # (level, index, hash)
    frontier: list[bytes]
    size: int


def append(size: int, frontier: Sequence[bytes], leaf_hashes: Iterable[bytes]) -> Appended:
    """`frontier` holds the complete subtrees along the right edge of a tree of `size` leaves,
    largest first (one per set bit of `size`); their fold is the root."""
    edge = [((size >> level) - 1, level) for level in range(size.bit_length() - 1, -1, -1)
            if size >> level & 1]
    if len(edge) != len(frontier):
        raise ValueError("the frontier does not match the tree size")
    stack = [(level, hash_) for (_, level), hash_ in zip(edge, frontier)]
    nodes: list[tuple[int, int, bytes]] = []
    for hash_ in leaf_hashes:
        level, index, current = 0, size, hash_
        nodes.append((0, index, current))
        while stack and stack[-1][0] == level:
            _, left = stack.pop()
            current = node_hash(left, current)
            level, index = level + 1, index >> 1
            nodes.append((level, index, current))
        stack.append((level, current))
        size += 1
    return Appended(nodes=nodes, frontier=[hash_ for _, hash_ in stack], size=size)


# --- the whole tree in memory: the definitions themselves, for tests and small checks ---
def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) by RFC 6962's recursive definition."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = _split(len(leaf_hashes))
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))
