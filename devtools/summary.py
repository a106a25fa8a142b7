"""The one table `make bench` ends with (issue 31): each stage, in its own process, records its
figures here; `devtools.bench` prints them all at the end with their goals and `met` or `missed`.

Stages append JSON lines to the file `CXGOV_BENCH_SUMMARY` names (set by `devtools.bench`); run on
its own, a stage records nothing and prints its figures as before."""
from __future__ import annotations

import json
import os
from pathlib import Path

ENV = "CXGOV_BENCH_SUMMARY"


def record(figure: str, value: str, goal: str, met: bool | None) -> None:
    """One row: what was measured, its value as printed, the goal, and whether it was met (None:
    a figure reported without a goal)."""
    path = os.environ.get(ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({"figure": figure, "value": value, "goal": goal, "met": met}) + "\n")


def table(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        return "(no figures recorded)"
    width = max(len(r["figure"]) for r in rows)
    value_width = max(len(r["value"]) for r in rows)
    goal_width = max(len(r["goal"]) for r in rows)
    lines = [f"{'figure':<{width}}  {'value':>{value_width}}  {'goal':<{goal_width}}  result",
             "-" * (width + value_width + goal_width + 12)]
    for r in rows:
        verdict = "" if r["met"] is None else ("met" if r["met"] else "missed")
        lines.append(f"{r['figure']:<{width}}  {r['value']:>{value_width}}  {r['goal']:<{goal_width}}  {verdict}")
    return "\n".join(lines)
