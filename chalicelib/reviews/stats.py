"""The second look's arithmetic, exactly as the contract states it (docs/reviews.md). Plain
functions of plain values: the offline verifier (`cxgov sample verify`) computes the same.

- Sample size: Cochran with the finite-population correction, n0 = z²·p·(1−p)/e²,
  n = ceil(n0 / (1 + (n0 − 1)/N)), at most N.
- Rank of an item: SHA-256 of the ASCII text "{seed}:{feedback_id}" read as a big-endian integer;
  the sample is the n items of smallest rank.
- Estimate: rate = misclassified ÷ reviewed, with the Wilson score interval at the plan's z."""
from __future__ import annotations

import hashlib
import heapq
import math
import secrets
from typing import Iterable

Z = {0.90: 1.6448536, 0.95: 1.9599640, 0.99: 2.5758293}


def z_of(confidence: float) -> float:
    return Z[round(float(confidence), 2)]


def n0(confidence: float, margin: float, expected_rate: float) -> float:
    z = z_of(confidence)
    return z * z * expected_rate * (1 - expected_rate) / (margin * margin)


def sample_size(population: int, confidence: float, margin: float, expected_rate: float) -> int:
    """n for a population of `population` items (0 for an empty one)."""
    if population <= 0:
        return 0
    first = n0(confidence, margin, expected_rate)
    return min(population, math.ceil(first / (1 + (first - 1) / population)))


def largest_sample(confidence: float, margin: float, expected_rate: float) -> int:
    """The most items any population can need (n grows with N towards n0): the draw's heap size."""
    return max(1, math.ceil(n0(confidence, margin, expected_rate)))


def new_seed() -> str:
    return secrets.token_bytes(32).hex()


def rank(seed: str, feedback_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{feedback_id}".encode("ascii")).digest(), "big")


def smallest(seed: str, items: Iterable[tuple[str, ...]], keep: int) -> tuple[int, list[tuple[int, tuple]]]:
    """(how many items there were, the `keep` items of smallest rank as (rank, item) in rank order).
    One pass, memory bounded by `keep`: a max-heap of the smallest ranks seen (ranks negated)."""
    heap: list[tuple[int, tuple]] = []
    count = 0
    for item in items:
        count += 1
        entry = (-rank(seed, item[0]), item)
        if len(heap) < keep:
            heapq.heappush(heap, entry)
        elif entry[0] > heap[0][0]:
            heapq.heapreplace(heap, entry)
    return count, sorted(((-negated, item) for negated, item in heap), key=lambda pair: pair[0])


def wilson(successes: int, trials: int, z: float) -> tuple[float, float]:
    """The Wilson score interval of successes/trials at z."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def estimate(misclassified: int, reviewed: int, population: int, confidence: float) -> dict:
    """The close's `result`: rate, Wilson interval and the projection onto the population."""
    rate = misclassified / reviewed if reviewed else 0.0
    low, high = wilson(misclassified, reviewed, z_of(confidence))
    return {"reviewed": reviewed, "misclassified": misclassified, "rate": round(rate, 6),
            "interval": {"low": round(low, 6), "high": round(high, 6), "confidence": float(confidence),
                         "method": "wilson"},
            "projected": {"count": round(population * rate, 2), "low": round(population * low, 2),
                          "high": round(population * high, 2)}}

