"""Issue 25, item 6 through HTTP and the worker: an import job stops at the decompressed size and
the records a file may hold (a named failure, the rows before it kept), and a department has a
bounded number of jobs awaiting their upload, queued or running."""
from __future__ import annotations

import gzip
import json

import requests

from tests.integration import import_helpers as imports


def _rows(n: int) -> list[dict[str, str]]:
    return [{"channel": "web", "received_at": f"2017-03-{1 + i % 28:02d}T10:00:00+00:00",
             "category": "complaint", "source_system": "crm", "source_id": f"LIM-{i}"} for i in range(n)]


def test_a_file_with_more_records_than_allowed_fails_the_job_by_name(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    monkeypatch.setenv("CXGOV_IMPORT_MAX_ROWS", "20")
    monkeypatch.setenv("CXGOV_IMPORT_CHUNK_ROWS", "7")  # the limit falls inside a chunk
    job = imports.run(seeded, tokens["dcxo-parks"], imports.csv_bytes(_rows(30)))
    assert job["status"] == "failed", job
    assert job["error"].startswith("too_many_rows: ") and "20" in job["error"], job["error"]
    assert (job["rows_done"], job["created"]) == (20, 20)  # the rows before the limit stay
    listed = seeded.get("/departments/parks/feedback?limit=200", token=tokens["dcxo-parks"]).json["items"]
    assert sorted(f["source_id"] for f in listed) == sorted(f"LIM-{i}" for i in range(20))


def test_a_file_larger_than_allowed_once_decompressed_fails_the_job_by_name(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    limit = 8 * 1024  # few rows are imported before it (moto is slow to write them)
    monkeypatch.setenv("CXGOV_IMPORT_MAX_FILE_BYTES", str(limit))
    header = b"channel,received_at,category\n"
    cases = {  # each smaller than the limit compressed, far larger once decompressed
        "csv of rows": (gzip.compress(imports.csv_bytes(_rows(1_000))), "text/csv"),
        "csv of blank lines": (gzip.compress(header + b"\n" * (4 * limit)), "text/csv"),
        "ndjson": (gzip.compress(imports.ndjson_bytes(_rows(1_000))), "application/x-ndjson"),
        "json array": (gzip.compress(json.dumps(_rows(1_000)).encode()), "application/json"),
        "json whitespace": (gzip.compress(b"[" + b" " * (4 * limit) + b"]"), "application/json"),
    }
    for name, (data, content_type) in cases.items():
        assert len(data) < limit, name
        job = imports.run(seeded, tokens["dcxo-parks"], data, content_type=content_type)
        assert job["status"] == "failed", (name, job)
        assert job["error"].startswith("file_too_large: "), (name, job["error"])
        assert job["rows_done"] < 1_000, (name, job["rows_done"])  # stopped before the end
    assert imports.drain() == 0


def test_a_department_has_a_bounded_number_of_active_jobs(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    monkeypatch.setenv("CXGOV_IMPORT_MAX_ACTIVE_JOBS", "2")
    parks = tokens["dcxo-parks"]
    first = imports.start(seeded, parks)
    assert first.status_code == 201 and imports.start(seeded, parks).status_code == 201
    refused = imports.start(seeded, parks)
    assert refused.status_code == 409, refused.body
    assert refused.json["error"]["code"] == "too_many_jobs" and "2 import jobs" in refused.json["error"]["message"]
    assert refused.headers.get("Retry-After") == "60"
    # another department is not held up by this one
    assert imports.start(seeded, tokens["dcxo-harbour"], dept="harbour").status_code == 201
    # when a job has ended, a new one may start
    imports.upload(first.json, imports.csv_bytes(_rows(3)))
    imports.drain()
    done = seeded.get(f"/departments/parks/feedback/import-jobs/{first.json['id']}", token=parks).json
    assert done["status"] == "completed", done
    assert imports.start(seeded, parks).status_code == 201


def test_a_job_refuses_a_column_named_twice_and_rejects_a_record_with_a_key_given_twice(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    header = b"channel,received_at,category,category\nweb,2017-03-01T10:00:00+00:00,complaint,compliment\n"
    job = imports.run(seeded, tokens["dcxo-parks"], header)
    assert job["status"] == "failed" and job["error"].startswith("duplicate_column: "), job
    assert "'category'" in job["error"] and job["rows_done"] == 0
    good, twice = json.dumps(_rows(2)[0]), json.dumps(_rows(2)[1])[:-1] + ', "category": "compliment"}'
    deep = json.dumps({**_rows(3)[2], "comment": "DEEP"}).replace('"DEEP"', "[" * 40 + "]" * 40)
    for content_type, data in (("application/x-ndjson", f"{good}\n{twice}\n{deep}\n"),
                               ("application/json", f"[{good}, {twice}, {deep}]")):
        job = imports.run(seeded, tokens["dcxo-parks"], data.encode(), content_type=content_type)
        assert job["status"] == "completed", (content_type, job)
        assert (job["rows_done"], job["rejected"]) == (3, 2), (content_type, job)
        report = requests.get(job["errors_url"], timeout=10).text
        assert "'category' is given twice" in report and "nests more than 32 levels" in report, report
