"""`make bench`: figures that survive a noisy machine, all from one run.

1. Cold start (devtools/bench_cold.py): `import app` against a bare `import chalice, boto3, pynamodb`
   as whole processes, in the dev environment and from the packaged zip, and each kind's first
   request against a warm one.
2. DynamoDB calls per request type on DynamoDB Local, counted at botocore's `_make_api_call`.
3. One stage per subject (devtools/bench_*.py), each in its own process, including the scale
   measurements that are not in `make test` (issue 24): the 20,000- and 200,000-row import jobs with
   the worker's memory (bench_job_memory) and the overview with 1,000 departments (bench_dashboard).
   They check their counts as the tests did and print their times; no stage passes or fails on a time.
4. One summary table at the end (issue 31, devtools/summary.py): each figure a stage recorded, its
   goal, and `met` or `missed`.

`BENCH_STAGES=bench_cold,bench_voc,bench_dashboard` runs only those stages (by name; `call_counts`
names step 2), still ending with the summary table: the whole run takes over an hour."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools import callcount, localstack, summary

def call_counts() -> None:
    callcount.install()
    with localstack.in_process_api(seed=True) as client:
        from devtools import issuer

        ccxo, dcxo = issuer.mint("ccxo"), issuer.mint("dcxo", "parks")
        new = {"id": "bench-dept", "name": "Bench", "time_zone": "UTC",
               "dcxo_contact": {"name": "B", "email": "b@bench.example.gov"}}
        cases = [
            ("GET /departments/{dept}", "GET", "/departments/parks", dcxo, None, {}),
            ("GET /departments (page of 50)", "GET", "/departments", ccxo, None, {}),
            ("GET /me", "GET", "/me", dcxo, None, {}),
            ("POST /departments", "POST", "/departments", ccxo, new, {}),
            ("POST /departments + Idempotency-Key", "POST", "/departments", ccxo,
             {**new, "id": "bench-dept-2"}, {"Idempotency-Key": "bench-key-0001"}),
            ("  same key again (retry)", "POST", "/departments", ccxo,
             {**new, "id": "bench-dept-2"}, {"Idempotency-Key": "bench-key-0001"}),
            ("PATCH /departments/{dept}", "PATCH", "/departments/parks", dcxo,
             {"time_zone": "America/Denver"}, {}),
            ("bad token (401)", "GET", "/departments/parks", "x.y.z", None, {}),
        ]
        print("DynamoDB calls per request (DynamoDB Local, counted at botocore's _make_api_call):")
        for label, method, path, token, body, headers in cases:
            with callcount.counting() as calls:
                started = time.perf_counter()
                response = client.http.request(
                    method, path, body=json.dumps(body) if body else None,
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                             **headers})
                elapsed = (time.perf_counter() - started) * 1000
            detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"
            print(f"  {label:<38} {response.status_code}  calls {sum(calls.values())}: {detail}"
                  f"   ({elapsed:.1f} ms)")
        from devtools import bench_audit

        bench_audit.run(client)
        from devtools import bench_identity  # issue 19

        bench_identity.run(client)


def main() -> None:
    figures = Path(tempfile.mkdtemp(prefix="cxgov-bench-")) / "summary.jsonl"
    figures.touch()
    os.environ[summary.ENV] = str(figures)  # every stage's process appends its figures there
    try:
        stages()
    finally:
        print("\nSummary (issue 31): each figure of this run, its goal, met or missed")
        print(summary.table(figures))


def _chosen(stage: str) -> bool:
    wanted = os.environ.get("BENCH_STAGES", "").strip()
    return not wanted or stage in {name.strip() for name in wanted.split(",")}


def stages() -> None:
    # The request log lines (INFO) would drown the figures; the subprocesses inherit this too.
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if _chosen("bench_cold"):
        subprocess.run([sys.executable, "-m", "devtools.bench_cold"], cwd=localstack.ROOT, check=True)
        print()
    if _chosen("call_counts"):
        call_counts()
        print()
    # Each in its own process: this one's clients point at the database call_counts() stopped.
    for stage in ("bench_kpis", "bench_voc", "bench_rollup", "bench_load", "bench_sts", "bench_ledger", "bench_digest", "bench_jobs",
                  "bench_watch",  # issue 27: the hourly items' cost to writes, the watch's reads
                  "bench_job_memory",  # issue 24: the 200,000-row job, moved from the end-to-end suite
                  "bench_surveys",  # issue 30: public survey responses
                  "bench_peers",  # issue 29: peer uploads of 20,000 and 200,000 rows, and a month's figures
                  "bench_reviews"):  # issue 26: a second look's draw from 100,000 posts
        if not _chosen(stage):
            continue
        print()
        subprocess.run([sys.executable, "-c", f"from devtools import {stage}; {stage}.run()"],
                       cwd=localstack.ROOT, check=True)
    if _chosen("bench_profiles"):  # import profiles and updates over time (issue 12)
        print()
        subprocess.run([sys.executable, "-c", "from devtools import bench_profiles; bench_profiles.run()"],
                       cwd=localstack.ROOT, check=True)
    if _chosen("bench_dashboard"):  # dashboard v2 (issue 20): the overview with 1,000 departments in Chromium
        print()
        subprocess.run([sys.executable, "-m", "devtools.bench_dashboard"], cwd=localstack.ROOT, check=True)


if __name__ == "__main__":
    main()
