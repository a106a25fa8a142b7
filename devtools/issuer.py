"""The local development issuer: an RS256 key pair and JWKS under .local/issuer/, and tokens for
the demo users. In AWS the issuer is Cognito (or any OIDC provider); only configuration differs.

    python -m devtools.issuer --role dcxo --dept parks
"""
from __future__ import annotations

import argparse
import json
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
ISSUER_DIR = ROOT / ".local" / "issuer"
# Must match .chalice/config.json's local stage.
ISSUER = "https://issuer.cxgov.localhost"
AUDIENCE = "cxgov-api"
KID = "cxgov-local-1"


def ensure_keys(directory: Path = ISSUER_DIR) -> Path:
    """Creates the key pair once; later runs reuse it so printed tokens stay valid."""
    private_path = directory / "private.pem"
    if private_path.exists():
        return private_path
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})
    tmp = directory / "private.pem.tmp"
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    (directory / "jwks.json").write_text(json.dumps({"keys": [jwk]}, indent=2))
    tmp.rename(private_path)
    return private_path


def mint(role: str, dept: str | None = None, *, subject: str | None = None, name: str | None = None,
         ttl_seconds: int = 12 * 3600, extra: dict | None = None, directory: Path = ISSUER_DIR) -> str:
    private = ensure_keys(directory).read_bytes()
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + ttl_seconds,
        "sub": subject or f"{role}-{dept or 'org'}-{uuid.uuid4().hex[:8]}",
        "custom:role": role,
    }
    if dept:
        claims["custom:department"] = dept
    if name:
        claims["name"] = name
    claims.update(extra or {})
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": KID})


def mint_claims(claims: dict, *, ttl_seconds: int = 3600, directory: Path = ISSUER_DIR) -> str:
    """A token with exactly these claims besides iss/aud/iat/nbf/exp: what Login.gov (identity
    only, no role) or Entra ID (`roles`, `groups`) would send, signed by the local issuer."""
    private = ensure_keys(directory).read_bytes()
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + ttl_seconds, **claims}
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": KID})


def main() -> None:
    parser = argparse.ArgumentParser(description="Mint a local development token")
    parser.add_argument("--role", required=True, choices=["dcxo", "ccxo", "auditor"])
    parser.add_argument("--dept", default=None, help="department slug (dcxo only)")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    if args.role == "dcxo" and not args.dept:
        parser.error("a dcxo token needs --dept (for example --dept parks)")
    print(mint(args.role, args.dept if args.role == "dcxo" else None,
               ttl_seconds=int(args.hours * 3600)))


if __name__ == "__main__":
    main()
