"""Helpers of the second look's tests: feedback of a past month, plans, samples, and the contract's
arithmetic written out independently of chalicelib.reviews.stats."""
from __future__ import annotations

import hashlib
import math

Z95 = 1.9599640


def import_posts(api, token: str, dept: str, count: int, *, month: str = "2017-03", actionable: bool = False,
                 channel: str = "twitter", category: str = "other") -> list[str]:
    """`count` posts received in `month` (spread over its days, at noon UTC), as one import."""
    rows = [{"channel": channel, "received_at": f"{month}-{1 + n % 27:02d}T12:{n // 60 % 60:02d}:{n % 60:02d}+00:00",
             "category": category, "actionable": actionable, "source_system": "review-test",
             "source_id": f"{month}-{channel}-{actionable}-{n}"} for n in range(count)]
    response = api.post(f"/departments/{dept}/feedback/imports", token=token, body=rows)
    assert response.status_code == 200, response.body
    ids = [row["id"] for row in response.json["rows"] if row["status"] == "created"]
    assert len(ids) == count, response.json
    return ids


def make_plan(api, token: str, dept: str, **overrides) -> dict:
    body = {"name": "OIG second look", "frequency": "monthly", "confidence": 0.95, "margin": 0.2,
            "reviewer_role": "auditor", **overrides}
    response = api.post(f"/departments/{dept}/review-plans", token=token, body=body)
    assert response.status_code == 201, response.body
    return response.json


def cochran(population: int, z: float, margin: float, p: float) -> int:
    n0 = z * z * p * (1 - p) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def rederive(seed: str, population_ids: list[str], n: int) -> list[str]:
    ranked = sorted(population_ids, key=lambda fid: int(hashlib.sha256(f"{seed}:{fid}".encode("ascii")).hexdigest(), 16))
    return ranked[:n]


def wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    denominator = 1 + z ** 2 / n
    centre = p + z ** 2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2))
    return (centre - spread) / denominator, (centre + spread) / denominator


def harbour_review(api, tokens) -> dict[str, str]:
    """A plan reviewed by the auditors in the other department of the isolation matrix, with an
    open sample of 2017-03 (made once per api)."""
    made = getattr(api, "harbour_review", None)
    if made is None:
        import_posts(api, tokens["dcxo-harbour"], "harbour", 3, channel="facebook")
        plan = make_plan(api, tokens["auditor"], "harbour", name="secret-marker-review-plan")
        response = api.post(f"/departments/harbour/review-plans/{plan['id']}/samples", token=tokens["auditor"],
                            body={"period": "2017-03"})
        assert response.status_code == 201, response.body
        made = {"plan_id": plan["id"], "sample_id": response.json["id"]}
        api.harbour_review = made
    return made
