"""Bearer-token identity: JWT verified against the issuer's JWKS, roles and scope from its claims."""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Literal, Mapping


def _defer_x509() -> None:
    """PyJWT imports `cryptography.x509` when loaded but uses it only to tell an HMAC secret from a
    DER certificate (HS256 keys): RS256 with the issuer's JWKs never touches it, and it was the
    largest part of PyJWT's import (issue 31). The standard library's LazyLoader runs the module on
    its first attribute access instead, so anything that does use it gets the real module."""
    if "cryptography.x509" in sys.modules:
        return
    import cryptography

    spec = importlib.util.find_spec("cryptography.x509")
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["cryptography.x509"] = module
    spec.loader.exec_module(module)
    cryptography.x509 = module


_defer_x509()
import jwt  # noqa: E402 - after the deferral above

from chalicelib.core.claims import DEPARTMENT_ID, ROLES, ClaimRules, rules_from_env
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Forbidden, ServiceUnavailable, Unauthenticated

Role = Literal["dcxo", "ccxo", "auditor"]  # the values of claims.ROLES
ALGORITHM = "RS256"  # pinned: `none`, HS256 and friends are refused before any key is used


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    department: str | None  # set for a dcxo, None for org-wide roles
    name: str | None = None

    @property
    def org_wide(self) -> bool:
        return self.role in ("ccxo", "auditor")

    def may_access(self, department: str) -> bool:
        return self.org_wide or self.department == department

    @property
    def scope_key(self) -> str:
        """What a cursor or idempotency record is bound to: the role and, for a dcxo, its department."""
        return f"{self.role}:{self.department or '*'}"


class _FileJwks:
    """The local development issuer's JWKS, read from disk (PyJWKClient fetches http(s) only)."""

    def __init__(self, path: str):
        self.path = Path(path)

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token).get("kid")
        try:
            keys = jwt.PyJWKSet.from_json(self.path.read_text()).keys
        except OSError as exc:
            raise jwt.PyJWKClientConnectionError(str(exc))
        for key in keys:
            if key.key_id == kid:
                return key
        raise jwt.PyJWKClientError("no key matches the token's kid")


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient | _FileJwks:
    if url.startswith("https://") or url.startswith("http://"):
        return jwt.PyJWKClient(url, cache_keys=True, lifespan=300)
    return _FileJwks(url)


Directory = Callable[[str], tuple[str, str | None] | None]  # subject -> (role, department) granted


def principal_from_claims(claims: Mapping[str, object], rules: ClaimRules | None = None,
                          directory: Directory | None = None) -> Principal:
    """The role the token's claims name (claims.py says which claims, per stage). A token naming
    more than one role is refused, not guessed. A token naming none (an identity-only provider
    such as Login.gov) gets what the role directory holds for its subject, if anything."""
    subject = str(claims.get("sub"))
    grants = (rules or rules_from_env()).grants(claims)
    if len(grants) > 1:
        raise Forbidden("the token's claims name more than one cxgov role: "
                        + ", ".join(sorted(f"{r}{':' + d if d else ''}" for r, d in grants)))
    if not grants:
        grant = directory(subject) if directory is not None else None
        if grant is None:
            raise Forbidden(f"the token carries no cxgov role and none is granted to subject "
                            f"{subject!r}: the CCXO grants roles under /settings/users")
        grants = {grant}
    role, department = grants.pop()
    if role not in ROLES:
        raise Forbidden("the token carries no cxgov role")
    if role == "dcxo":
        if not isinstance(department, str) or not department:
            raise Forbidden("a dcxo token must name its department")
        if not DEPARTMENT_ID.fullmatch(department):
            # Every route would refuse it (no department has such an id): /me says so too.
            raise Forbidden("the token's department claim is not a department id")
    else:
        department = None
    name = claims.get("name") or claims.get("email")
    return Principal(subject=subject, role=role, department=department,
                     name=str(name) if name else None)


def verify_token(token: str) -> dict:
    settings = get_settings()
    if not settings.jwks_url or not settings.issuer:
        raise ServiceUnavailable("identity is not configured (CXGOV_ISSUER, CXGOV_JWKS_URL)")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthenticated("the bearer token is malformed")
    if header.get("alg") != ALGORITHM:
        raise Unauthenticated(f"the token must be signed with {ALGORITHM}")
    try:
        signing_key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError:
        raise ServiceUnavailable("the identity provider's keys cannot be fetched")
    except jwt.PyJWKClientError:
        raise Unauthenticated("the token's signing key is unknown")
    except jwt.PyJWTError:
        raise Unauthenticated("the bearer token is malformed")
    try:
        claims = jwt.decode(
            token, signing_key.key, algorithms=[ALGORITHM], audience=settings.audience,
            issuer=settings.issuer, leeway=30,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired")
    except jwt.ImmatureSignatureError:
        raise Unauthenticated("the token is not valid yet")
    except jwt.InvalidAudienceError:
        raise Unauthenticated("the token is not meant for this API")
    except jwt.InvalidIssuerError:
        raise Unauthenticated("the token comes from an unknown issuer")
    except jwt.PyJWTError:
        raise Unauthenticated("the token's signature or claims are invalid")
    try:  # PyJWT read both as int(...): a numeric string passes it
        lifetime = float(claims["exp"]) - float(claims["iat"])
    except (TypeError, ValueError):
        raise Unauthenticated("the token's exp and iat must be numbers")
    if not lifetime <= settings.max_token_lifetime_seconds:
        raise Unauthenticated(f"the token lives longer than {settings.max_token_lifetime_seconds} "
                              "seconds (exp - iat); ask the issuer for a shorter-lived one")
    return claims


def authenticate(headers: Mapping[str, str], directory: Directory | None = None) -> Principal:
    """The token's principal; `directory` answers for tokens that name no role (the org domain's
    role directory, wired by the routing layer)."""
    raw = headers.get("authorization") or ""
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return principal_from_claims(verify_token(token.strip()), directory=directory)
