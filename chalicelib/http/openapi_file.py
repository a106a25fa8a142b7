"""The OpenAPI document as the packaged zip ships it (issue 31): devtools/package.py writes it
at package time (openapi.prebuilt_text), and /openapi.json serves it as it is, so a cold Lambda
builds no JSON schema and loads no pydantic for it. Without the file (tests, `chalice local`) the
route generates the document (chalicelib/http/openapi.py); tests/unit/test_openapi_prebuilt.py
checks that both give the same document."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PREBUILT = Path(__file__).with_name("openapi.json")
# Where the prebuilt text takes `servers`, which depends on the request's base path.
SERVERS_MARK = '"@servers@"'


def servers(base_path: str) -> list[dict[str, str]]:
    """`servers` names the prefix the document was fetched under (`/v1` on the execute-api URL,
    "" on a custom domain mapped to the root): relative, so it holds behind any host name."""
    return [{"url": base_path or "/", "description": "where this document is served"}]


@lru_cache(maxsize=1)
def prebuilt() -> str | None:
    """The packaged document's text, or None where there is none."""
    try:
        return PREBUILT.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def served(text: str, base_path: str) -> str:
    """The prebuilt text with the request's `servers` in place of the mark."""
    return text.replace(SERVERS_MARK, json.dumps(servers(base_path), separators=(",", ":")), 1)
