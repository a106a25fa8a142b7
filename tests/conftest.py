"""Shared test set-up: a fake AWS environment (never a real account) and the local issuer."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Set before any cxgov or Powertools module is imported: model table names and the service name
# are read at import time. Credentials are fake; moto or DynamoDB Local answer every call.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "cxgov",
    "CXGOV_TABLE": "cxgov",
    "CXGOV_IDEMPOTENCY_TABLE": "cxgov-idempotency",
})
# The demo seed's realistic FY2017 (devtools/seed_year.py) takes seconds: tests that want it set it to 1.
os.environ.setdefault("CXGOV_SEED_YEAR", "0")
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.chdir(ROOT)  # the local stage's JWKS path is relative to the project

# moto's TransactWriteItems copies the whole table per action; roll back the named items instead
from tests import moto_transactions  # noqa: E402

moto_transactions.install()
