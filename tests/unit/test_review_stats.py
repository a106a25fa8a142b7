"""The second look's arithmetic against independent computations written here (issue 26)."""
from __future__ import annotations

import hashlib
import math
import random

import pytest

from chalicelib.db import keys, keys_v12
from chalicelib.ledger import log
from chalicelib.reviews import stats


def _cochran(N: int, z: float, e: float, p: float) -> int:
    n0 = z * z * p * (1 - p) / (e * e)
    return min(N, math.ceil(n0 / (1 + (n0 - 1) / N)))


@pytest.mark.parametrize("confidence,z", [(0.90, 1.6448536), (0.95, 1.9599640), (0.99, 2.5758293)])
@pytest.mark.parametrize("N", [1, 7, 205, 436, 1000, 100_000])
@pytest.mark.parametrize("margin,p", [(0.05, 0.5), (0.01, 0.5), (0.2, 0.3), (0.03, 0.23)])
def test_sample_size_is_cochran_with_the_finite_population_correction(confidence, z, N, margin, p):
    assert stats.sample_size(N, confidence, margin, p) == _cochran(N, z, margin, p)
    assert stats.sample_size(N, confidence, margin, p) <= stats.largest_sample(confidence, margin, p)


def test_the_oig_figures_48_of_205():
    result = stats.estimate(48, 205, 1000, 0.95)
    z, n, x = 1.9599640, 205, 48
    p = x / n
    low = (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    high = (p + z * z / (2 * n) + z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    assert round(result["rate"], 3) == 0.234
    assert (round(result["interval"]["low"], 3), round(result["interval"]["high"], 3)) == (0.181, 0.297)
    assert result["interval"]["low"] == pytest.approx(low, abs=1e-6)
    assert result["interval"]["high"] == pytest.approx(high, abs=1e-6)
    assert result["projected"]["count"] == pytest.approx(1000 * x / n, abs=0.01)


def test_the_bounded_heap_keeps_exactly_the_smallest_ranks():
    seed = "ab" * 32
    ids = [f"2017030{random.Random(n).randrange(10)}{n:026d}" for n in range(3000)]
    count, kept = stats.smallest(seed, ((i, False, "other") for i in ids), 50)
    by_sort = sorted(ids, key=lambda i: int.from_bytes(hashlib.sha256(f"{seed}:{i}".encode()).digest(), "big"))
    assert count == 3000
    assert [item[0] for _, item in kept] == by_sort[:50]
    assert len(stats.new_seed()) == 64 and stats.new_seed() != stats.new_seed()


def test_a_review_plans_history_reaches_the_ledger():
    pk = keys_v12.review_history_pk("smoc", "9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59")
    assert keys.history_owner(pk) == ("smoc", "review-plan-9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59")
    assert keys.history_owner("smoc#REC#1a230ef83e4fa52ac8627") == ("smoc", "1a230ef83e4fa52ac8627")
    image = {"kind": {"S": "history"}, "pk": {"S": pk}, "seq": {"N": "3"}, "hash": {"S": "f" * 64}}
    leaves = log.leaves_from_records([{"eventName": "INSERT", "dynamodb": {"NewImage": image}}])
    assert [(leaf.department, leaf.rec_id, leaf.seq) for leaf in leaves] == [
        ("smoc", "review-plan-9b1f4c2a7e3d4b5c8a6f0e1d2c3b4a59", 3)]
