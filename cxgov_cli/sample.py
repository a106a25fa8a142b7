"""cxgov sample verify: re-derive a second look's sample offline from its seed and its population.

    cxgov sample verify SAMPLE.json --population POPULATION.json [--population MORE.json ...]
    python cxgov_cli/sample.py SAMPLE.json --population POPULATION.json

SAMPLE.json is the sample as the API answers it (GET …/review-plans/{plan_id}/samples/{sample_id});
each POPULATION file is a page of GET …/samples/{sample_id}/population (`{"items": [ids]}`), a JSON
list of ids, or a text file with one id a line (the auditor's own extract). Checks, in this order,
and names the first that fails (docs/reviews.md has the rule):
  population   the ids are unique and as many as the sample's population_size
  size         sample_size = ceil(n0 / (1 + (n0 - 1)/N)), at most N, n0 = z²·p·(1−p)/e²
  draw         the sample's items are the n ids of smallest SHA-256("{seed}:{feedback_id}")
               (big-endian), in rank order, each with that rank
  result       (a closed sample) reviewed, misclassified, rate and the Wilson interval recomputed
               from the items' verdicts

Exit 0 only when every check holds; 1 when one fails; 2 when a file cannot be read.
Needs only Python's standard library; this file runs on its own.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from typing import Any, Sequence

Z = {0.9: 1.6448536, 0.95: 1.9599640, 0.99: 2.5758293}
TOLERANCE = 1e-6
_SEED = re.compile(r"^[0-9a-f]{64}$")


class Failed(Exception):
    def __init__(self, check: str, message: str):
        super().__init__(f"{check}: {message}")


def rank(seed: str, feedback_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{feedback_id}".encode("ascii")).digest(), "big")


def cochran(population: int, z: float, margin: float, p: float) -> int:
    n0 = z * z * p * (1 - p) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def read_population(path: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        data = json.loads(text)
        ids = data["items"] if isinstance(data, dict) else data
        if not all(isinstance(i, str) for i in ids):
            raise ValueError(f"{path}: every id must be a string")
        return ids
    return [line.strip() for line in text.splitlines() if line.strip()]


def verify(sample: dict[str, Any], population: list[str]) -> list[str]:
    lines = []
    try:
        seed, size, n = sample["seed"], int(sample["population_size"]), int(sample["sample_size"])
        z = Z[round(float(sample["confidence"]), 2)]
        margin, p = float(sample["margin"]), float(sample["expected_rate"])
        items = sample["items"]
        drawn = [item["feedback_id"] for item in items]
    except (KeyError, TypeError, ValueError) as exc:
        raise Failed("sample", f"not a sample as the API answers it ({exc!r} missing or wrong)")
    if not isinstance(seed, str) or not _SEED.match(seed):
        raise Failed("sample", "the seed is not 64 lowercase hex characters")
    if len(set(population)) != len(population):
        raise Failed("population", "an id is listed twice")
    if len(population) != size:
        raise Failed("population", f"{len(population)} ids, the sample says {size}")
    lines.append(f"population: {size} distinct ids")
    if cochran(size, z, margin, p) != n:
        raise Failed("size", f"Cochran gives {cochran(size, z, margin, p)} for N={size}, the sample holds {n}")
    lines.append(f"size: n = {n} (confidence {sample['confidence']}, margin {margin}, p {p}, N {size})")
    ranked = sorted(population, key=lambda fid: rank(seed, fid))[:n]
    if ranked != drawn:
        extra = sorted(set(drawn) - set(ranked))
        missing = sorted(set(ranked) - set(drawn))
        raise Failed("draw", f"the sample is not the {n} smallest ranks (not expected: {extra[:3]}, "
                             f"missing: {missing[:3]}{', order differs' if not extra and not missing else ''})")
    for item in items:
        if "rank" in item and item["rank"] != f"{rank(seed, item['feedback_id']):064x}":
            raise Failed("draw", f"the rank recorded for {item['feedback_id']} is not its SHA-256")
    lines.append(f"draw: the {n} items are the smallest ranks of SHA-256(seed:id), in order")
    result = sample.get("result")
    if result:
        verdicts = [item.get("verdict") for item in items]
        if any(v is None for v in verdicts):
            raise Failed("result", "a closed sample with an item without verdict")
        wrong = sum(v["actionable"] != item["classification_at_draw"]["actionable"] for v, item in zip(verdicts, items))
        low, high = wilson(wrong, len(items), z)
        if (result["reviewed"], result["misclassified"]) != (len(items), wrong):
            raise Failed("result", f"the verdicts give {wrong} of {len(items)}, the result says "
                                   f"{result['misclassified']} of {result['reviewed']}")
        if (abs(result["rate"] - wrong / len(items)) > TOLERANCE or abs(result["interval"]["low"] - low) > TOLERANCE
                or abs(result["interval"]["high"] - high) > TOLERANCE):
            raise Failed("result", f"rate {wrong / len(items):.6f} Wilson ({low:.6f}, {high:.6f}) recomputed, "
                                   f"the result says {result['rate']} ({result['interval']['low']}, "
                                   f"{result['interval']['high']})")
        lines.append(f"result: {wrong} of {len(items)} misclassified, rate {wrong / len(items):.3f}, "
                     f"Wilson ({low:.3f}, {high:.3f})")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cxgov sample verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("sample", help="the sample (GET …/samples/{sample_id})")
    parser.add_argument("--population", metavar="FILE", action="append", required=True,
                        help="the population's ids (a page of GET …/population, a JSON list or one id a line); "
                             "repeat it for every page")
    args = parser.parse_args(argv)
    try:
        with open(args.sample, encoding="utf-8") as handle:
            sample = json.load(handle)
        population = [fid for path in args.population for fid in read_population(path)]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read the input: {exc}", file=sys.stderr)
        return 2
    try:
        lines = verify(sample, population)
    except Failed as failure:
        print(f"FAILED {failure}")
        return 1
    for line in lines:
        print(f"ok {line}")
    print("VERIFIED")
    return 0


def click_command():
    """`cxgov sample verify …` for the `cxgov` click group (click is needed only here)."""
    import click

    @click.group("sample", help="Second look samples: re-derive one offline (`cxgov sample verify --help`).")
    def group() -> None:
        pass

    @group.command("verify", help=__doc__.split("\n\n")[0], add_help_option=False,
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.pass_context
    def verify_command(ctx: click.Context) -> None:
        ctx.exit(main(ctx.args))

    return group


if __name__ == "__main__":
    sys.exit(main())
