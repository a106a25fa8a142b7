"""Powertools Logger (JSON, correlation id), Metrics (EMF, one namespace) and an optional Tracer."""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.core.config import get_settings

SERVICE = "cxgov"
PATCHED = ("botocore",)  # what the Tracer instruments (get_tracer)

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=SERVICE, service=SERVICE)
# One metric set per process: Lambda runs one event at a time, but `chalice local` answers on several
# threads, and a flush racing another thread's add or flush failed the request with a 500
# ("Must contain at least one metric", "dictionary changed size during iteration").
_metrics_lock = threading.Lock()


def count(name: str, value: float = 1) -> None:
    """Adds `value` to the Count metric `name`, published at the end of the event."""
    with _metrics_lock:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def flush_metrics() -> None:
    """Publishes the metrics added so far (one EMF line) and starts a new set."""
    with _metrics_lock:
        metrics.flush_metrics()


@lru_cache(maxsize=1)
def get_tracer() -> Any | None:
    # Tracer loads the X-Ray SDK (~260 ms): only pay for it where tracing is switched on.
    if not get_settings().tracing_enabled:
        return None
    from aws_lambda_powertools import Tracer

    # Every AWS call (DynamoDB through PynamoDB, STS, S3) goes through botocore: patching it alone
    # traces each of them. The default (`patch_all`) also imported and patched sqlite3 and
    # PynamoDB's HTTP session, which added a second subsegment per DynamoDB call (issue 31).
    return Tracer(service=SERVICE, patch_modules=PATCHED)
