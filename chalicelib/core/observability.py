"""Powertools Logger (JSON, correlation id), Metrics (EMF, one namespace) and an optional Tracer."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from chalicelib.core.config import get_settings

SERVICE = "cxgov"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=SERVICE, service=SERVICE)


@lru_cache(maxsize=1)
def get_tracer() -> Any | None:
    # Tracer loads the X-Ray SDK (~260 ms): only pay for it where tracing is switched on.
    if not get_settings().tracing_enabled:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)
