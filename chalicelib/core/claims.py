"""Which token claims carry the cxgov role, per stage: `custom:role`/`custom:department`, and group
or app-role claims matched against patterns (`dcxo-{dept}`). Cognito's defaults below; Entra ID,
Login.gov and others are configured with the same four variables (docs/operations.md, "Sign-in,
identity providers and roles").

    CXGOV_ROLE_CLAIM        a claim holding the role itself            (default custom:role; "" = none)
    CXGOV_DEPARTMENT_CLAIM  the department of a dcxo named that way    (default custom:department)
    CXGOV_GROUP_CLAIMS      claims holding lists of groups/app roles   (default cognito:groups)
    CXGOV_GROUP_PATTERNS    pattern=role pairs, comma separated        (default ccxo=ccxo,auditor=auditor,dcxo-{dept}=dcxo)

A pattern is a literal group name, optionally with one `{dept}` standing for a department id (the
role is then `dcxo`); a literal may also map to a fixed department: `6f0c...=dcxo:parks`."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from chalicelib.core.errors import Forbidden, ServiceUnavailable

ROLES = ("dcxo", "ccxo", "auditor")
DEFAULT_ROLE_CLAIM = "custom:role"
DEFAULT_DEPARTMENT_CLAIM = "custom:department"
DEFAULT_GROUP_CLAIMS = "cognito:groups"
DEFAULT_GROUP_PATTERNS = "ccxo=ccxo,auditor=auditor,dcxo-{dept}=dcxo"
_SLUG = r"[a-z][a-z0-9-]{1,39}"
DEPARTMENT_ID = re.compile(_SLUG)  # as a department's id (schemas.Slug)

Grant = tuple[str, "str | None"]  # (role, department)


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    role: str
    department: str | None  # fixed department; None when taken from `{dept}` or org-wide


@dataclass(frozen=True)
class ClaimRules:
    role_claim: str
    department_claim: str
    group_claims: tuple[str, ...]
    patterns: tuple[_Pattern, ...]

    def grants(self, claims: Mapping[str, object]) -> set[Grant]:
        """Every (role, department) the token's claims name; more than one is a conflict."""
        found: set[Grant] = set()
        if self.role_claim and claims.get(self.role_claim) is not None:
            role = claims.get(self.role_claim)
            if role not in ROLES:
                raise Forbidden(f"the token's {self.role_claim} claim names no cxgov role")
            department = claims.get(self.department_claim) if self.department_claim else None
            if role == "dcxo":
                if not isinstance(department, str) or not department:
                    raise Forbidden("a dcxo token must name its department")
                found.add(("dcxo", department))
            else:
                found.add((str(role), None))
        for name in self.group_claims:
            groups = claims.get(name)
            if groups is None:
                continue
            if not isinstance(groups, list):
                raise Forbidden(f"the token's {name} claim is not a list")
            for group in groups:
                if isinstance(group, str):
                    found |= self._match(group)
        return found

    def _match(self, group: str) -> set[Grant]:
        out: set[Grant] = set()
        for pattern in self.patterns:
            m = pattern.regex.fullmatch(group)
            if m:
                out.add((pattern.role, m.groupdict().get("dept") or pattern.department))
        return out


def _misconfigured(message: str) -> ServiceUnavailable:
    return ServiceUnavailable(f"identity is misconfigured: {message}")


@lru_cache(maxsize=8)
def parse_rules(role_claim: str, department_claim: str, group_claims: str, patterns: str) -> ClaimRules:
    parsed: list[_Pattern] = []
    for entry in filter(None, (p.strip() for p in patterns.split(","))):
        name, sep, target = entry.rpartition("=")
        role, _, department = target.partition(":")
        if not sep or not name or role not in ROLES:
            raise _misconfigured(f"CXGOV_GROUP_PATTERNS entry {entry!r} is not pattern=role")
        if name.count("{dept}") > 1 or ("{dept}" in name and (role != "dcxo" or department)):
            raise _misconfigured(f"CXGOV_GROUP_PATTERNS entry {entry!r}: {{dept}} once, for dcxo only")
        if role == "dcxo" and "{dept}" not in name and not re.fullmatch(_SLUG, department):
            raise _misconfigured(f"CXGOV_GROUP_PATTERNS entry {entry!r} needs dcxo:<department>")
        if role != "dcxo" and department:
            raise _misconfigured(f"CXGOV_GROUP_PATTERNS entry {entry!r}: only a dcxo has a department")
        head, _, tail = name.partition("{dept}")
        regex = re.escape(head) + (f"(?P<dept>{_SLUG})" + re.escape(tail) if "{dept}" in name else "")
        parsed.append(_Pattern(re.compile(regex), role, department or None))
    return ClaimRules(role_claim.strip(), department_claim.strip(),
                      tuple(c.strip() for c in group_claims.split(",") if c.strip()), tuple(parsed))


def rules_from_env(env: Mapping[str, str] | None = None) -> ClaimRules:
    env = os.environ if env is None else env
    return parse_rules(env.get("CXGOV_ROLE_CLAIM", DEFAULT_ROLE_CLAIM),
                       env.get("CXGOV_DEPARTMENT_CLAIM", DEFAULT_DEPARTMENT_CLAIM),
                       env.get("CXGOV_GROUP_CLAIMS", DEFAULT_GROUP_CLAIMS),
                       env.get("CXGOV_GROUP_PATTERNS", DEFAULT_GROUP_PATTERNS))
