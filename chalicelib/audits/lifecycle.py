"""The recommendation lifecycle, as a pure state machine (DESIGN.md, "Recommendation lifecycle").

    open -> in_progress                      dcxo, once a management decision is recorded
    in_progress -> closure_requested         dcxo, concurrence required, citing >= 1 confirmed evidence
    closure_requested -> closed_implemented  auditor concurs (concurrence required)
    closure_requested -> in_progress         auditor does not concur, with the reason
    in_progress -> closed_implemented        dcxo, concurrence NOT required, citing >= 1 confirmed evidence
    open | in_progress | closure_requested -> closed_not_implemented   auditor, with the reason
    closed_implemented | closed_not_implemented -> in_progress         auditor reopens, with the reason

Everything else is refused, and the refusal names what is allowed from that state for that role.
The auditee (dcxo) can never close a recommendation that requires concurrence; the ccxo reads only."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["open", "in_progress", "closure_requested", "closed_implemented",
                 "closed_not_implemented"]
STATUSES: tuple[Status, ...] = ("open", "in_progress", "closure_requested", "closed_implemented",
                                "closed_not_implemented")
CLOSED: frozenset[str] = frozenset({"closed_implemented", "closed_not_implemented"})
ROLES = ("dcxo", "ccxo", "auditor")


@dataclass(frozen=True)
class Rule:
    source: str
    target: str
    role: str
    concurrence: bool | None  # True/False: only when requires_concurrence is that; None: either
    event: str
    needs_reason: bool = False
    needs_evidence: bool = False
    needs_decision: bool = False


RULES: tuple[Rule, ...] = (
    Rule("open", "in_progress", "dcxo", None, "work_started", needs_decision=True),
    Rule("in_progress", "closure_requested", "dcxo", True, "closure_requested", needs_evidence=True),
    Rule("closure_requested", "closed_implemented", "auditor", True, "concurred"),
    Rule("closure_requested", "in_progress", "auditor", True, "not_concurred", needs_reason=True),
    Rule("in_progress", "closed_implemented", "dcxo", False, "closed_by_auditee", needs_evidence=True),
    *(Rule(source, "closed_not_implemented", "auditor", None, "closed_not_implemented", needs_reason=True)
      for source in ("open", "in_progress", "closure_requested")),
    *(Rule(source, "in_progress", "auditor", None, "reopened", needs_reason=True)
      for source in ("closed_implemented", "closed_not_implemented")),
)


class TransitionRefused(Exception):
    """Not a transition of the lifecycle for this state, role and concurrence."""

    def __init__(self, source: str, target: str, role: str, allowed_targets: list[str]):
        self.source, self.target, self.role, self.allowed = source, target, role, allowed_targets
        allowed_text = ", ".join(allowed_targets) or "none"
        if source == target:
            # Also what the retry of a transition that landed gets: it is never applied twice.
            super().__init__(f"the recommendation is already {source}; allowed from {source}: "
                             f"{allowed_text}")
        else:
            super().__init__(f"a {role} cannot move a recommendation from {source} to {target}; "
                             f"allowed from {source}: {allowed_text}")


class GuardFailed(Exception):
    """The transition exists but its condition is not met (no reason, no evidence, no decision)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def _applies(rule: Rule, source: str, role: str, requires_concurrence: bool) -> bool:
    return (rule.source == source and rule.role == role
            and (rule.concurrence is None or rule.concurrence == requires_concurrence))


def allowed(source: str, role: str, requires_concurrence: bool) -> list[str]:
    """The targets `role` may move a recommendation to from `source` (conditions aside)."""
    return sorted({r.target for r in RULES if _applies(r, source, role, requires_concurrence)})


def find_rule(source: str, target: str, role: str, requires_concurrence: bool) -> Rule:
    """The rule for this move, or TransitionRefused naming what is allowed instead."""
    for rule in RULES:
        if _applies(rule, source, role, requires_concurrence) and rule.target == target:
            return rule
    raise TransitionRefused(source, target, role, allowed(source, role, requires_concurrence))


def check_guards(rule: Rule, *, has_decision: bool, reason: str | None, confirmed_evidence: int) -> None:
    if rule.needs_decision and not has_decision:
        raise GuardFailed("management_decision",
                          "record the management decision before starting work on it")
    if rule.needs_reason and not (reason or "").strip():
        raise GuardFailed("reason", "this transition needs a reason")
    if rule.needs_evidence and confirmed_evidence < 1:
        raise GuardFailed("evidence_ids", "cite at least one confirmed evidence item")


def decide(source: str, target: str, role: str, requires_concurrence: bool, *, has_decision: bool,
           reason: str | None, confirmed_evidence: int) -> Rule:
    """The rule that permits this transition, or TransitionRefused / GuardFailed."""
    rule = find_rule(source, target, role, requires_concurrence)
    check_guards(rule, has_decision=has_decision, reason=reason, confirmed_evidence=confirmed_evidence)
    return rule
