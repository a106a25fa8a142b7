"""An import-jobs stack for end-to-end tests: moto in server mode (S3, SQS) with the bucket, queue
and DLQ, and a `chalice local` pointed at it and at the session's DynamoDB Local. Workers are
started by the tests (devtools.import_dispatcher), so a test can kill one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools import import_dispatcher, issuer, localstack
from devtools.sample_export import CHANNELS, expected, generated_rows, write_csv_gz  # noqa: F401 (the tests import them from here)

RUN_SECONDS = 20  # short Lambda runs: long jobs go through follow-up messages
WORKER_ENV = {"CXGOV_IMPORT_MARGIN_SECONDS": "2", "CXGOV_IMPORT_LEASE_SECONDS": "8",
              "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}


@dataclass
class ImportStack:
    http: Any  # tests.e2e.conftest.Http of the chalice local serving import jobs
    env: dict[str, str]  # what points a worker (or reconcile) at the same DynamoDB, S3 and SQS
    logs: Path
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start_worker(self) -> subprocess.Popen:
        process = import_dispatcher.start_worker({**self.env, **WORKER_ENV}, self.logs / "worker.log")
        self.workers.append(process)
        return process

    def department(self, dept: str) -> str:
        status, _, _ = self.http.request("POST", "/departments", token=issuer.mint("ccxo"), body={
            "id": dept, "name": dept.title(), "time_zone": "UTC",
            "dcxo_contact": {"name": "DCXO", "email": f"dcxo@{dept}.example.gov"}})
        assert status == 201
        return issuer.mint("dcxo", dept)

    def start(self, dept: str, token: str, content_type: str = "text/csv") -> dict:
        status, _, job = self.http.request("POST", f"/departments/{dept}/feedback/import-jobs", token=token,
                                           body={"file_name": "export", "content_type": content_type})
        assert status == 201, job
        return job

    def upload(self, job: dict, path_or_bytes: Path | bytes) -> None:
        data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
        request = urllib.request.Request(job["upload_url"], data=data, method="PUT", headers=job["upload_headers"])
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 200

    def job(self, dept: str, token: str, job_id: str) -> dict:
        status, _, job = self.http.request("GET", f"/departments/{dept}/feedback/import-jobs/{job_id}", token=token)
        assert status == 200, job
        return job

    def wait(self, dept: str, token: str, job_id: str, timeout: float = 600) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(dept, token, job_id)
            if job["status"] in ("completed", "failed"):
                return job
            time.sleep(0.5)
        raise AssertionError(f"job {job_id} did not end within {timeout} s: {job}")

    def reconcile(self, dept: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "devtools.reconcile", "--dept", dept], cwd=localstack.ROOT,
                              env={**os.environ, **import_dispatcher.stage_env(), **self.env},
                              capture_output=True, text=True, timeout=600)


def as_json(row: dict[str, str]) -> dict[str, Any]:
    """The row as a JSON export holds it (numbers and booleans typed)."""
    return {**row, "nps": int(row["nps"]), "csat": int(row["csat"]), "actionable": row["actionable"] == "true"}


def json_lines(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(as_json(r)) + "\n" for r in rows).encode()


