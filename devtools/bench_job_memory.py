"""`make bench`, import jobs at scale (issue 14; moved here from the end-to-end suite by issue 24):
a 20,000-row and a 200,000-row gzip CSV (devtools.sample_export), each into its own department,
through the whole job path as `make run` runs it (chalice local, DynamoDB Local, moto's S3 and SQS,
a fresh worker process per file, short runs continued by follow-up messages). It prints rows per
second and the worker's peak memory (VmHWM) per file and their ratio (goal < 1.2: the worker
streams, whatever the file's size), and checks each job's counts and the VoC summary of March 2017
against an independent count of the rows (it stops on a wrong count, never on a time).

    python -c "from devtools import bench_job_memory; bench_job_memory.run()"
        (BENCH_JOB_MEMORY_ROWS: the two sizes, default "20000,200000"; ~13 min for 200,000 rows on an
        idle 2-core machine, several times that on a loaded one)"""
from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from devtools import import_dispatcher, issuer, localstack
from devtools.sample_export import expected, generated_rows, write_csv_gz

SIZES = [int(n) for n in os.environ.get("BENCH_JOB_MEMORY_ROWS", "20000,200000").split(",")]
RUN_SECONDS = 20  # as the end-to-end import tests: long jobs go through follow-up messages
WORKER_ENV = {"CXGOV_IMPORT_MARGIN_SECONDS": "2", "CXGOV_IMPORT_LEASE_SECONDS": "8",
              "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}
GOAL = 1.2


def peak_rss_kib(pid: int) -> int:
    """A process's peak resident set (VmHWM), read while it still runs."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def _request(base: str, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def run_job(base: str, env: dict[str, str], work: Path, token: str, jobs_path: str, data: bytes,
            file_name: str) -> tuple[dict[str, Any], float, int]:
    """One file through the job path with a fresh worker process: POST `jobs_path` (an import job or a
    peer set's upload), PUT `data` (a gzip CSV), poll `jobs_path/{id}` until the job ends. Answers the
    job, the seconds from its creation to its end and the worker's peak memory (VmHWM, KiB)."""
    worker = import_dispatcher.start_worker({**env, **WORKER_ENV}, work / "worker.log")
    try:
        started = time.monotonic()
        status, job = _request(base, "POST", jobs_path, token, {"file_name": file_name, "content_type": "text/csv"})
        assert status == 201, job
        upload = urllib.request.Request(job["upload_url"], data=data, method="PUT", headers=job["upload_headers"])
        urllib.request.urlopen(upload, timeout=120).close()
        while job["status"] not in ("completed", "failed"):
            assert worker.poll() is None, f"the worker exited with {worker.returncode} (see {work / 'worker.log'})"
            time.sleep(1)
            status, job = _request(base, "GET", f"{jobs_path}/{job['id']}", token)
            assert status == 200, job
        seconds = time.monotonic() - started
        peak = peak_rss_kib(worker.pid)
    finally:
        import_dispatcher.stop_worker(worker)
    return job, seconds, peak


@contextmanager
def job_stack(prefix: str, what: str) -> Iterator[tuple[str, dict[str, str], Path]]:
    """The job path as `make run` runs it (chalice local, DynamoDB Local, moto's S3 and SQS) in a fresh
    work folder: (the API's URL, the workers' environment, the folder). Prints `what` first."""
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.update(localstack.FAKE_AWS_ENV)  # nothing here reaches AWS
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log
    work = Path(tempfile.mkdtemp(prefix=prefix))
    print(f"{what} (gzip CSV; chalice local, DynamoDB Local, moto S3/SQS, a fresh worker process per file, "
          f"{RUN_SECONDS} s runs):", flush=True)
    with localstack.database(localstack.free_port(), log=work / "dynamodb.log") as endpoint, \
            localstack.moto_server(localstack.free_port()) as moto:
        env = {**localstack.endpoint_env(endpoint),
               **import_dispatcher.resources(moto, RUN_SECONDS, visibility=RUN_SECONDS + 5)}
        localstack.create_tables_in_subprocess(env)
        with localstack.chalice_local(localstack.free_port(), env, log=work / "chalice.log") as (url, _):
            yield url, env, work


def memory_ratio(figures: list[dict[str, Any]], record: Callable[[str, float], None] | None = None) -> None:
    """The worker's peak memory of the largest file over the smallest's (goal < GOAL); stops when not met."""
    if len(figures) < 2:
        return
    ratio = figures[-1]["peak_kib"] / figures[0]["peak_kib"]
    label = f"{figures[-1]['rows']:,} / {figures[0]['rows']:,} rows"
    print(f"  peak RSS {label} = {ratio:.3f} (goal < {GOAL}: {'met' if ratio < GOAL else 'NOT MET'})")
    if record is not None:
        record(label, ratio)
    assert ratio < GOAL, f"the worker's peak memory grew with the file: {ratio:.3f}x"


def _import(base: str, env: dict[str, str], work: Path, label: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    dept = f"bench-memory-{label}"
    status, body = _request(base, "POST", "/departments", issuer.mint("ccxo"), {
        "id": dept, "name": dept, "time_zone": "UTC", "dcxo_contact": {"name": "B", "email": "b@bench.example.gov"}})
    assert status == 201, body
    token = issuer.mint("dcxo", dept)
    data = write_csv_gz(rows, work / f"{label}.csv.gz").read_bytes()
    job, seconds, peak = run_job(base, env, work, token, f"/departments/{dept}/feedback/import-jobs", data, "export")
    # The counts equal the independent computation, and so does the VoC summary
    want = expected(rows)
    assert job["status"] == "completed", job
    assert (job["rows_done"], job["created"], job["duplicates"], job["rejected"]) == (
        len(rows), want["created"], want["duplicates"], want["rejected"]), (job, want)
    assert job["file_format"] == "csv+gzip" and job["errors_url"], job
    status, summary = _request(base, "GET", f"/departments/{dept}/voc-summary?period=2017-03", token)
    assert status == 200, summary
    assert (summary["volume"], summary["actionable"]) == (want["volume"], want["actionable"]), (summary, want)
    assert abs(summary["nps"] - want["nps"]) < 1e-6 and abs(summary["csat"] - want["csat"]) < 1e-6, (summary, want)
    assert {c: v["volume"] for c, v in summary["by_channel"].items() if v["volume"]} == want["by_channel"], summary
    return {"rows": len(rows), "seconds": seconds, "peak_kib": peak, "job": job}


def run() -> None:
    figures = []
    with job_stack("cxgov-bench-job-memory-", "Import jobs at scale") as (url, env, work):
        for n, size in enumerate(SIZES):
            found = _import(url, env, work, f"{size}", generated_rows(size, seed=1 + n))
            job = found["job"]
            print(f"  {size:>9,} rows  {size / found['seconds']:7,.0f} rows/s ({found['seconds']:.0f} s, upload to "
                  f"completed)  worker peak RSS {found['peak_kib'] / 1024:6.1f} MiB   created {job['created']:,}, "
                  f"duplicates {job['duplicates']:,}, rejected {job['rejected']:,} (= the rows' own count)", flush=True)
            figures.append(found)
    memory_ratio(figures)
