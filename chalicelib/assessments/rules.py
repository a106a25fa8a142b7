"""The assessments' pure rules: the score (DESIGN.md "Assessments"), the lifecycle and what a
framework library must hold beyond its shape. No storage, no HTTP."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

RESULTS = ("compliant", "partially_compliant", "non_compliant", "not_applicable")
GAPS = ("non_compliant", "partially_compliant")
DIGITS = 4  # shares and means are rounded to 4 decimals


def _share(compliant: int, partial: int, assessed: int, not_applicable: int) -> float | None:
    denominator = assessed - not_applicable
    if denominator <= 0:
        return None
    return round((compliant + 0.5 * partial) / denominator, DIGITS)


def _mean(levels: list[int]) -> float | None:
    return round(sum(levels) / len(levels), DIGITS) if levels else None


def _figures(answers: list[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {result: 0 for result in RESULTS}
    for answer in answers:
        counts[answer["result"]] += 1
    assessed = len(answers)
    levels = [int(a["maturity"]) for a in answers if a.get("maturity") is not None]
    return {"assessed": assessed, **counts,
            "compliance_share": _share(counts["compliant"], counts["partially_compliant"], assessed,
                                       counts["not_applicable"]),
            "maturity_mean": _mean(levels)}


def score(categories: Mapping[str, str], answers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """`categories`: every assessable requirement's ref -> its category; `answers`: the answers
    given (each with `ref`, `result`, `maturity`). Every category of the framework is listed in
    `by_category`, with nulls until one of its requirements is answered."""
    given = [a for a in answers if a["ref"] in categories]
    whole = _figures(given)
    by_category = {}
    for category in dict.fromkeys(categories.values()):
        figures = _figures([a for a in given if categories[a["ref"]] == category])
        by_category[category] = {"compliance_share": figures["compliance_share"],
                                 "maturity_mean": figures["maturity_mean"]}
    return {**whole, "by_category": by_category}


def open_gaps(answers: Iterable[Mapping[str, Any]]) -> int:
    return sum(1 for a in answers if a["result"] in GAPS)


# --- lifecycle ---
@dataclass(frozen=True)
class Rule:
    source: str
    target: str
    roles: tuple[str, ...]
    needs_reason: bool = False


RULES = (
    Rule("draft", "submitted", ("dcxo",)),
    Rule("submitted", "approved", ("ccxo", "auditor")),
    Rule("submitted", "draft", ("ccxo", "auditor"), needs_reason=True),
)


class Refused(Exception):
    def __init__(self, message: str, allowed: list[str]):
        super().__init__(message)
        self.allowed = allowed


def allowed(status: str, role: str, submitted_by: str | None = None, subject: str | None = None) -> list[str]:
    """The targets `role` may move an assessment in `status` to now. Whoever submitted it never
    approves it (nor returns it): a second person decides."""
    return [r.target for r in RULES if r.source == status and role in r.roles
            and not (r.source == "submitted" and submitted_by is not None and submitted_by == subject)]


def find_rule(status: str, target: str, role: str, submitted_by: str | None, subject: str) -> Rule:
    if status == "approved":
        raise Refused("the assessment is approved; approved is final (start a new one with copy_from)", [])
    rule = next((r for r in RULES if r.source == status and r.target == target), None)
    permitted = allowed(status, role, submitted_by, subject)
    if rule is None or target not in permitted:
        if rule is not None and role in rule.roles:
            raise Refused(f"you submitted this assessment: another person decides whether it is {target}",
                          permitted)
        if rule is not None:
            raise Refused(f"a {role} may not move a {status} assessment to {target}", permitted)
        raise Refused(f"a {status} assessment cannot move to {target}", permitted)
    return rule


# --- framework libraries ---
def library_problems(document: Mapping[str, Any], catalogue_codes: set[str]) -> list[tuple[str, str]]:
    """(path in the document, message) of each rule a well-shaped library breaks: refs and scale
    levels unique, KPI codes from the catalogue, at least one assessable requirement."""
    problems: list[tuple[str, str]] = []
    seen_levels: dict[int, int] = {}
    for index, level in enumerate(document["scale"]["levels"]):
        if level["level"] in seen_levels:
            problems.append((f"scale.levels.{index}.level",
                             f"level {level['level']} is already scale.levels.{seen_levels[level['level']]}"))
        seen_levels.setdefault(level["level"], index)
    seen_refs: dict[str, int] = {}
    for index, requirement in enumerate(document["requirements"]):
        ref = requirement["ref"]
        if ref in seen_refs:
            problems.append((f"requirements.{index}.ref", f"{ref!r} is already requirements.{seen_refs[ref]}"))
        seen_refs.setdefault(ref, index)
        for position, code in enumerate(requirement.get("kpi_codes") or []):
            if code not in catalogue_codes:
                problems.append((f"requirements.{index}.kpi_codes.{position}",
                                 f"{code!r} is not a code of the KPI catalogue (GET /kpi-catalogue)"))
    if not any(r.get("assessable", True) for r in document["requirements"]):
        problems.append(("requirements", "at least one requirement must be assessable"))
    return problems
