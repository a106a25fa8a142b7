"""Role and scope from token claims, as DESIGN.md defines them."""
from __future__ import annotations

import pytest

from chalicelib.core.auth import principal_from_claims
from chalicelib.core.errors import Forbidden


@pytest.mark.parametrize("claims, role, dept", [
    ({"sub": "a", "custom:role": "ccxo"}, "ccxo", None),
    ({"sub": "a", "custom:role": "auditor", "custom:department": "parks"}, "auditor", None),
    ({"sub": "a", "custom:role": "dcxo", "custom:department": "parks"}, "dcxo", "parks"),
    ({"sub": "a", "cognito:groups": ["ccxo"]}, "ccxo", None),
    ({"sub": "a", "cognito:groups": ["auditor", "readers"]}, "auditor", None),
    ({"sub": "a", "cognito:groups": ["dcxo-public-works"]}, "dcxo", "public-works"),
])
def test_roles_from_claims(claims, role, dept):
    principal = principal_from_claims(claims)
    assert (principal.role, principal.department) == (role, dept)


@pytest.mark.parametrize("claims", [
    {"sub": "a"},
    {"sub": "a", "custom:role": "root"},
    {"sub": "a", "custom:role": "dcxo"},
    {"sub": "a", "custom:role": "dcxo", "custom:department": ""},
    {"sub": "a", "cognito:groups": ["dcxo-parks", "dcxo-harbour"]},
    {"sub": "a", "cognito:groups": ["dcxo-"]},
    {"sub": "a", "cognito:groups": "ccxo"},
])
def test_ambiguous_or_missing_roles_are_refused(claims):
    with pytest.raises(Forbidden):
        principal_from_claims(claims)


def test_scope():
    dcxo = principal_from_claims({"sub": "a", "custom:role": "dcxo", "custom:department": "parks"})
    assert dcxo.may_access("parks") and not dcxo.may_access("harbour")
    assert dcxo.scope_key == "dcxo:parks"
    ccxo = principal_from_claims({"sub": "b", "custom:role": "ccxo"})
    assert ccxo.may_access("harbour") and ccxo.scope_key == "ccxo:*"
