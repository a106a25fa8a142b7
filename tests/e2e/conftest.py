"""End-to-end: real HTTP against `chalice local`, backed by DynamoDB Local (moto without Java).
The fixtures start both on free loopback ports and stop them afterwards."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Iterator

import pytest

from devtools import issuer, localstack


class Http:
    def __init__(self, base: str, env: dict[str, str] | None = None):
        self.base = base
        self.env = env or {}  # what points a subprocess (the reconcile command) at the same database

    def request(self, method: str, path: str, *, token: str | None = None, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, hdrs = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, raw, hdrs = error.code, error.read(), dict(error.headers)
        return status, hdrs, json.loads(raw) if raw else None


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Http]:
    logs = tmp_path_factory.mktemp("logs")
    with localstack.database(localstack.free_port(), log=logs / "dynamodb.log") as endpoint:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env)
        # issue 15: the ledger's signing key in moto's KMS (server mode), behind stage local's alias.
        with localstack.moto_server(localstack.free_port()) as kms_endpoint:
            env["AWS_ENDPOINT_URL_KMS"] = kms_endpoint
            import boto3

            from devtools import ledger_stream

            ledger_stream.create_signing_key(
                boto3.client("kms", endpoint_url=kms_endpoint, region_name="us-east-1",
                             aws_access_key_id="local", aws_secret_access_key="local"),
                localstack.stage_variable("CXGOV_LEDGER_KEY_ID"))
            with localstack.chalice_local(localstack.free_port(), env, log=logs / "chalice.log") as (url, _):
                yield Http(url, env)


@pytest.fixture(scope="session")
def e2e_tokens() -> dict[str, str]:
    return {
        "ccxo": issuer.mint("ccxo"),
        "auditor": issuer.mint("auditor"),
        "dcxo-parks": issuer.mint("dcxo", "parks"),
        "dcxo-harbour": issuer.mint("dcxo", "harbour"),
    }


# --- import jobs (issue 14) ---
@pytest.fixture(scope="session")
def import_stack(stack, tmp_path_factory):
    """moto (S3, SQS) with the import bucket and queue, and a chalice local serving import jobs on
    the session's DynamoDB Local; the tests start (and kill) the workers."""
    from devtools import import_dispatcher
    from tests.e2e.import_stack import RUN_SECONDS, ImportStack

    logs = tmp_path_factory.mktemp("import-logs")
    with localstack.moto_server(localstack.free_port()) as moto:
        env = {**stack.env, **import_dispatcher.resources(moto, RUN_SECONDS, visibility=RUN_SECONDS + 5)}
        with localstack.chalice_local(localstack.free_port(), env, log=logs / "chalice.log") as (url, _):
            made = ImportStack(Http(url, env), env, logs)
            try:
                yield made
            finally:
                for process in made.workers:
                    import_dispatcher.stop_worker(process)
