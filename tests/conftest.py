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


# --- pytest-xdist (issue 24): `make test` runs `-n 2 --dist loadscope --no-loadscope-reorder` ---
# Each test module is one unit of work, run in order on one worker, so its module fixtures start
# once; the modules below share a unit. Units go out in collection order: the end-to-end modules
# (the longest) first, the short unit tests last, which evens out the two workers. Session fixtures
# (tests/e2e/conftest.py `stack`, `import_stack`) start once per worker that needs them.
# (`--dist loadgroup` and xdist_group marks would say the same, but pytest-xdist 3.8 does not group
# under pytest 9.2: pytest-dev/pytest-xdist#1386.)
UNITS = {
    "tests/infra/": "tests/infra",  # one package build per session, into one directory (build/test-package)
    "tests/e2e/test_import_jobs_local.py": "import jobs",  # one import stack (moto S3/SQS, chalice local)
    "tests/e2e/test_cli_local.py": "import jobs",
}


def unit_of_work(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return next((unit for prefix, unit in UNITS.items() if path.startswith(prefix)), path)


def pytest_configure(config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist), before any worker
        from devtools import issuer

        issuer.ensure_keys()  # workers creating the key pair at once could each write half of it


import pytest  # noqa: E402


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return ModuleScheduling(config, log)
