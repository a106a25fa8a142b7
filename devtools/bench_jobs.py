"""`make bench`, import jobs: rows per second through the job path (upload, S3 event, SQS, worker
process) against the synchronous import of the same rows (POST …/feedback/imports, 10,000 rows a
request), in one run on one DynamoDB Local; then the job path with 2 and 4 workers (one job per
department, all uploaded at once: a job is one worker's at a time, so workers scale across jobs).

    python -c "from devtools import bench_jobs; bench_jobs.run()"   (BENCH_JOB_ROWS, default 20000)"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import time
import urllib.request

from devtools import import_dispatcher, issuer, localstack

ROWS = int(os.environ.get("BENCH_JOB_ROWS", "20000"))
SYNC_BATCH = 10_000


def _rows(count: int, tag: str) -> list[dict[str, str]]:
    channels = ("web", "email", "phone", "twitter", "sms")
    return [{"channel": channels[i % 5], "received_at": f"2017-03-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
             "category": "complaint", "source_system": "bench", "source_id": f"{tag}-{i}",
             "comment": f"request {i}", "nps": str(i % 11)} for i in range(count)]


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _department(client, dept: str) -> str:
    body = {"id": dept, "name": dept, "time_zone": "UTC", "dcxo_contact": {"name": "B", "email": "b@bench.example.gov"}}
    response = client.http.request("POST", "/departments", body=json.dumps(body), headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {issuer.mint('ccxo')}"})
    assert response.status_code == 201, response.body
    return issuer.mint("dcxo", dept)


def _sync(client, dept: str, token: str, rows: list[dict[str, str]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(rows), SYNC_BATCH):
        response = client.http.request("POST", f"/departments/{dept}/feedback/imports",
                                       body=_csv(rows[start:start + SYNC_BATCH]),
                                       headers={"Content-Type": "text/csv", "Authorization": f"Bearer {token}"})
        assert response.status_code == 200 and json.loads(response.body)["created"] == len(rows[start:start + SYNC_BATCH])
    return time.perf_counter() - started


def _job(client, dept: str, token: str, data: bytes) -> str:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    response = client.http.request("POST", f"/departments/{dept}/feedback/import-jobs", headers=headers,
                                   body=json.dumps({"file_name": "bench.csv.gz", "content_type": "text/csv"}))
    job = json.loads(response.body)
    request = urllib.request.Request(job["upload_url"], data=data, method="PUT", headers=job["upload_headers"])
    urllib.request.urlopen(request, timeout=120).close()
    return job["id"]


def _wait(client, jobs: dict[str, tuple[str, str]]) -> None:
    pending = dict(jobs)
    while pending:
        for job_id, (dept, token) in list(pending.items()):
            response = client.http.request("GET", f"/departments/{dept}/feedback/import-jobs/{job_id}",
                                           headers={"Authorization": f"Bearer {token}"})
            job = json.loads(response.body)
            if job["status"] in ("completed", "failed"):
                assert job["status"] == "completed" and job["created"] == ROWS, job
                del pending[job_id]
        time.sleep(0.2)


def _jobs(client, env: dict[str, str], workers: int, tag: str) -> float:
    """Seconds from the first upload until `workers` jobs of ROWS rows each (one per department)
    completed, with `workers` worker processes."""
    prepared = []
    for n in range(workers):
        dept = f"bench-jobs-{tag}-{n}"
        prepared.append((dept, _department(client, dept), gzip.compress(_csv(_rows(ROWS, f"{tag}{n}")))))
    with import_dispatcher.dispatcher({**env, "POWERTOOLS_LOG_LEVEL": "WARNING"}, workers=workers):
        time.sleep(2)  # the workers' imports (a Lambda cold start is not what is measured)
        started = time.perf_counter()
        jobs = {_job(client, dept, token, data): (dept, token) for dept, token, data in prepared}
        _wait(client, jobs)
        return time.perf_counter() - started


def run() -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.update(localstack.FAKE_AWS_ENV)  # nothing here reaches AWS
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log
    with localstack.moto_server(localstack.free_port()) as moto:
        resources = import_dispatcher.resources(moto, run_seconds=120)
        os.environ.update(resources)
        with localstack.in_process_api() as client:
            env = {**localstack.endpoint_env(os.environ["AWS_ENDPOINT_URL_DYNAMODB"]), **resources}
            sync_dept = "bench-sync"
            sync_seconds = _sync(client, sync_dept, _department(client, sync_dept), _rows(ROWS, "sync"))
            one = _jobs(client, env, 1, "w1")
            sync_rate, job_rate = ROWS / sync_seconds, ROWS / one
            print(f"import jobs ({ROWS:,} rows, gzip CSV; DynamoDB Local, moto S3/SQS, worker processes):")
            print(f"  synchronous POST …/feedback/imports   {sync_rate:8,.0f} rows/s  ({sync_seconds:.1f} s)")
            print(f"  job path, 1 worker                    {job_rate:8,.0f} rows/s  ({one:.1f} s, upload to "
                  f"completed)   ratio {job_rate / sync_rate:.2f}x (goal >= 0.9x)")
            for workers in (2, 4):
                seconds = _jobs(client, env, workers, f"w{workers}")
                rate = workers * ROWS / seconds
                print(f"  job path, {workers} workers, {workers} jobs          {rate:8,.0f} rows/s  ({seconds:.1f} s)   "
                      f"{rate / job_rate:.2f}x one worker  (machine: {os.cpu_count()} cores)")
