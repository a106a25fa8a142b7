"""The lifecycle state machine, exhaustively: every state x role x target x concurrence."""
from __future__ import annotations

import itertools

import pytest

from chalicelib.audits import lifecycle

# The lifecycle of DESIGN.md written out by hand: (requires_concurrence, state, role) -> targets.
EXPECTED = {
    (True, "open", "dcxo"): {"in_progress"},
    (True, "open", "auditor"): {"closed_not_implemented"},
    (True, "in_progress", "dcxo"): {"closure_requested"},
    (True, "in_progress", "auditor"): {"closed_not_implemented"},
    (True, "closure_requested", "auditor"): {"closed_implemented", "in_progress", "closed_not_implemented"},
    (True, "closed_implemented", "auditor"): {"in_progress"},
    (True, "closed_not_implemented", "auditor"): {"in_progress"},
    (False, "open", "dcxo"): {"in_progress"},
    (False, "open", "auditor"): {"closed_not_implemented"},
    (False, "in_progress", "dcxo"): {"closed_implemented"},
    (False, "in_progress", "auditor"): {"closed_not_implemented"},
    (False, "closure_requested", "auditor"): {"closed_not_implemented"},
    (False, "closed_implemented", "auditor"): {"in_progress"},
    (False, "closed_not_implemented", "auditor"): {"in_progress"},
}
CASES = list(itertools.product((True, False), lifecycle.STATUSES, lifecycle.ROLES, lifecycle.STATUSES))


@pytest.mark.parametrize("concurrence, state, role, target", CASES)
def test_every_state_role_and_target(concurrence, state, role, target):
    allowed = EXPECTED.get((concurrence, state, role), set())
    assert set(lifecycle.allowed(state, role, concurrence)) == allowed
    # Guards satisfied: a decision, a reason and confirmed evidence are all present.
    kwargs = {"has_decision": True, "reason": "because", "confirmed_evidence": 1}
    if target in allowed:
        rule = lifecycle.decide(state, target, role, concurrence, **kwargs)
        assert (rule.source, rule.target, rule.role) == (state, target, role)
    else:
        with pytest.raises(lifecycle.TransitionRefused) as refused:
            lifecycle.decide(state, target, role, concurrence, **kwargs)
        assert refused.value.allowed == sorted(allowed)
        assert ", ".join(sorted(allowed)) in str(refused.value) or not allowed


@pytest.mark.parametrize("state, target", list(itertools.product(lifecycle.STATUSES, sorted(lifecycle.CLOSED))))
def test_the_auditee_never_closes_what_needs_concurrence(state, target):
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.decide(state, target, "dcxo", True, has_decision=True, reason="x", confirmed_evidence=5)


def test_the_ccxo_moves_nothing():
    assert all(lifecycle.allowed(s, "ccxo", c) == [] for s in lifecycle.STATUSES for c in (True, False))


@pytest.mark.parametrize("state, target, role, concurrence, guards, field", [
    ("open", "in_progress", "dcxo", True, {"has_decision": False}, "management_decision"),
    ("in_progress", "closure_requested", "dcxo", True, {"confirmed_evidence": 0}, "evidence_ids"),
    ("in_progress", "closed_implemented", "dcxo", False, {"confirmed_evidence": 0}, "evidence_ids"),
    ("closure_requested", "in_progress", "auditor", True, {"reason": "  "}, "reason"),
    ("open", "closed_not_implemented", "auditor", True, {"reason": None}, "reason"),
    ("closed_implemented", "in_progress", "auditor", False, {"reason": ""}, "reason"),
])
def test_guards_name_what_is_missing(state, target, role, concurrence, guards, field):
    kwargs = {"has_decision": True, "reason": "because", "confirmed_evidence": 1, **guards}
    with pytest.raises(lifecycle.GuardFailed) as failed:
        lifecycle.decide(state, target, role, concurrence, **kwargs)
    assert failed.value.field == field


def test_concurrence_is_given_without_new_evidence_or_reason():
    rule = lifecycle.decide("closure_requested", "closed_implemented", "auditor", True,
                            has_decision=True, reason=None, confirmed_evidence=0)
    assert rule.event == "concurred"
