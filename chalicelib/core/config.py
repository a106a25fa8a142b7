"""Settings read from the environment: the only thing that differs between stages."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    table_name: str
    idempotency_table_name: str
    issuer: str
    audience: str
    jwks_url: str
    cursor_secret: bytes
    max_body_bytes: int
    idempotency_ttl_seconds: int
    tracing_enabled: bool
    max_token_lifetime_seconds: int


def get_settings() -> Settings:
    # Not cached: a handful of dict look-ups, and tests apply a stage's variables per request.
    env = os.environ
    return Settings(
        table_name=env.get("CXGOV_TABLE", "cxgov"),
        idempotency_table_name=env.get("CXGOV_IDEMPOTENCY_TABLE", "cxgov-idempotency"),
        issuer=env.get("CXGOV_ISSUER", ""),
        audience=env.get("CXGOV_AUDIENCE", "cxgov-api"),
        # An https URL (Cognito, any OIDC issuer) or, for the local issuer, a file path.
        jwks_url=env.get("CXGOV_JWKS_URL", ""),
        cursor_secret=env.get("CXGOV_CURSOR_SECRET", "").encode(),
        max_body_bytes=int(env.get("CXGOV_MAX_BODY_BYTES", str(256 * 1024))),
        idempotency_ttl_seconds=int(env.get("CXGOV_IDEMPOTENCY_TTL_SECONDS", str(24 * 3600))),
        tracing_enabled=env.get("CXGOV_TRACING", "false").lower() == "true",
        # A token valid longer (exp - iat) is refused: a leaked one must not outlive a working day.
        max_token_lifetime_seconds=int(env.get("CXGOV_MAX_TOKEN_LIFETIME_SECONDS", str(24 * 3600))),
    )
