"""Import jobs end to end: chalice local + DynamoDB Local + moto's S3 and SQS, with the worker as its
own process (devtools.import_dispatcher), as `make run` runs it."""
from __future__ import annotations

import gzip
import os
import signal
import time
import uuid

import pytest

from tests.e2e.import_stack import expected, generated_rows, json_lines, write_csv_gz

pytestmark = pytest.mark.e2e


def _dept(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_a_gzip_csv_through_the_job_path_gives_the_exact_counts_and_summary(import_stack, tmp_path):
    # Given a generated export (gzip CSV) of 2,000 rows with duplicates and rejected rows, in its own
    # department. (Its size is not the point: `make bench` imports 20,000 and 200,000 rows this way,
    # devtools/bench_job_memory.py, and checks the worker's memory stays flat.)
    rows = generated_rows(2_000, seed=1)
    dept = _dept("jobcsv")
    token = import_stack.department(dept)
    path = write_csv_gz(rows, tmp_path / "export.csv.gz")
    # When a fresh worker process imports it
    worker = import_stack.start_worker()
    job = import_stack.start(dept, token)
    import_stack.upload(job, path)
    job = import_stack.wait(dept, token, job["id"])
    import_stack.workers.remove(worker)
    from devtools import import_dispatcher

    import_dispatcher.stop_worker(worker)
    # Then the counts equal the independent computation
    want = expected(rows)
    assert want["duplicates"] and want["rejected"]
    assert job["status"] == "completed", job
    assert (job["rows_done"], job["created"], job["duplicates"], job["rejected"]) == (
        len(rows), want["created"], want["duplicates"], want["rejected"]), job
    assert job["file_format"] == "csv+gzip" and job["errors_url"]
    # And so does the VoC summary of March 2017
    status, _, summary = import_stack.http.request("GET", f"/departments/{dept}/voc-summary?period=2017-03",
                                                   token=token)
    assert status == 200
    assert (summary["volume"], summary["actionable"]) == (want["volume"], want["actionable"])
    assert summary["nps"] == pytest.approx(want["nps"], abs=1e-6)
    assert summary["csat"] == pytest.approx(want["csat"], abs=1e-6)
    assert {c: v["volume"] for c, v in summary["by_channel"].items() if v["volume"]} == want["by_channel"]


def test_a_killed_worker_resumes_without_duplicates_and_without_drift(import_stack, tmp_path):
    # Given a 5,000-row job whose worker is killed (SIGKILL) once it has imported some rows
    rows = generated_rows(5_000, seed=3)
    dept = _dept("jobkill")
    token = import_stack.department(dept)
    worker = import_stack.start_worker()
    job = import_stack.start(dept, token)
    import_stack.upload(job, write_csv_gz(rows, tmp_path / "kill.csv.gz"))
    deadline = time.monotonic() + 300
    while import_stack.job(dept, token, job["id"])["rows_done"] < 1_000:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    stopped_at = import_stack.job(dept, token, job["id"])
    assert stopped_at["status"] == "running" and 0 < stopped_at["rows_done"] < len(rows)
    # When a new worker starts (the message comes back after its visibility timeout)
    import_stack.start_worker()
    done = import_stack.wait(dept, token, job["id"])
    # Then the job finished with the exact counts, each source stored once, and no counter drifted
    want = expected(rows)
    assert done["status"] == "completed", done
    assert (done["rows_done"], done["created"], done["duplicates"], done["rejected"]) == (
        len(rows), want["created"], want["duplicates"], want["rejected"]), done
    status, _, summary = import_stack.http.request("GET", f"/departments/{dept}/voc-summary?period=2017-03", token=token)
    assert summary["volume"] == want["volume"]
    sources, cursor = [], None
    while True:
        status, _, page = import_stack.http.request(
            "GET", f"/departments/{dept}/feedback?limit=200" + (f"&cursor={cursor}" if cursor else ""), token=token)
        assert status == 200
        sources += [f["source_id"] for f in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(sources) == len(set(sources)) == want["created"]
    reconcile = import_stack.reconcile(dept)
    assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
    assert '"drift": {}' in reconcile.stdout, reconcile.stdout


def test_poison_files_fail_their_job_and_never_block_the_queue(import_stack):
    # Given a worker, and a 50 MB single line, a truncated gzip and a binary file
    dept = _dept("jobpoison")
    token = import_stack.department(dept)
    if not [w for w in import_stack.workers if w.poll() is None]:
        import_stack.start_worker()
    good = json_lines(generated_rows(200, seed=4))
    poisons = {
        "a 50 MB single line": (b'{"comment": "' + b"x" * (50 * 1024 * 1024) + b'"}', "application/x-ndjson",
                                "longer than 1024 KiB"),
        "a truncated gzip": (gzip.compress(good)[: len(gzip.compress(good)) // 2], "application/x-ndjson",
                             "gzip stream is truncated"),
        "a binary file": (os.urandom(64 * 1024).replace(b"\x1f\x8b", b"..") + b"\x00", "text/csv", "binary"),
    }
    jobs = {}
    for name, (data, content_type, _) in poisons.items():
        jobs[name] = import_stack.start(dept, token, content_type)
        import_stack.upload(jobs[name], data)
    after = import_stack.start(dept, token, "application/x-ndjson")
    import_stack.upload(after, good)
    # Then each poison job fails naming why, and the good job queued after them completes
    for name, (_, _, words) in poisons.items():
        job = import_stack.wait(dept, token, jobs[name]["id"])
        assert job["status"] == "failed" and words in job["error"], (name, job)
    finished = import_stack.wait(dept, token, after["id"])
    assert finished["status"] == "completed" and finished["created"] == expected(generated_rows(200, seed=4))["created"]
