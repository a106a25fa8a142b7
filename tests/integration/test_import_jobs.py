"""Import jobs through the API and the worker's Lambda handler, on moto (S3, SQS, DynamoDB)."""
from __future__ import annotations

import csv
import gzip
import io
import json

import requests

from tests.conftest import ROOT
from tests.integration import import_helpers as imports


def _rows(n: int, start: int = 0, **extra):
    return [{"channel": "web", "received_at": f"2017-03-{1 + i % 28:02d}T10:00:00+00:00",
             "category": "complaint", "source_system": "crm", "source_id": f"SR-{start + i}",
             "nps": str(i % 11), **extra} for i in range(n)]


def test_csv_job_imports_every_row_and_reports_rejected_ones(seeded, tokens, monkeypatch):
    # Given a CSV of 25 good rows and 2 bad ones (an unknown channel, a score out of range)
    imports.set_up(monkeypatch)
    rows = _rows(25) + [dict(_rows(1, 100)[0], channel="pigeon"), dict(_rows(1, 101)[0], nps="11")]
    # When the DCXO starts a job, uploads the file and the worker runs
    job = imports.run(seeded, tokens["dcxo-parks"], imports.csv_bytes(rows))
    # Then the job completed with the counts, and the report names each rejected row and field
    assert job["status"] == "completed", job
    assert (job["rows_done"], job["created"], job["duplicates"], job["rejected"]) == (27, 25, 0, 2)
    assert job["file_format"] == "csv" and job["finished_at"] and job["started_at"]
    report = list(csv.reader(io.StringIO(requests.get(job["errors_url"], timeout=10).text)))
    assert report[0] == ["row", "source_id", "field", "message"]
    assert [(r[0], r[1], r[2]) for r in report[1:]] == [("26", "SR-100", "channel"), ("27", "SR-101", "nps")]
    listed = seeded.get("/departments/parks/feedback?limit=200", token=tokens["dcxo-parks"]).json["items"]
    assert sorted(f["source_id"] for f in listed) == sorted(f"SR-{i}" for i in range(25))


def test_gzip_ndjson_and_json_array_are_recognised_and_a_second_import_only_duplicates(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    records = [dict(r, nps=int(r["nps"])) for r in _rows(30)]
    first = imports.run(seeded, tokens["dcxo-parks"], gzip.compress(imports.ndjson_bytes(records)),
                        content_type="application/x-ndjson", file_name="export.ndjson.gz")
    assert (first["status"], first["file_format"], first["created"]) == ("completed", "ndjson+gzip", 30), first
    again = imports.run(seeded, tokens["dcxo-parks"], json.dumps(records, indent=1).encode(),
                        content_type="application/json", file_name="export.json")
    assert (again["status"], again["file_format"], again["created"], again["duplicates"]) == ("completed", "json", 0, 30)
    assert again["errors_url"] is None


def test_poison_files_fail_the_job_with_a_clear_error(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    good = imports.csv_bytes(_rows(50))
    cases = {
        "binary": (b"\x00\x01\x02 binary junk" * 100, "text/csv", "binary"),
        "truncated gzip": (gzip.compress(good)[:-30], "text/csv", "truncated"),
        "one long line": (b'{"channel": "web", "comment": "' + b"x" * (3 * 1024 * 1024) + b'"}',
                          "application/x-ndjson", "longer than"),
        "zip": (b"PK\x03\x04" + b"\x00" * 100, "text/csv", "ZIP"),
        "not an array": (b'{"channel": "web"}\n', "application/json", "NDJSON"),
        "unknown column": (b"channel,colour\nweb,red\n", "text/csv", "colour"),
    }
    for name, (data, content_type, words) in cases.items():
        job = imports.run(seeded, tokens["dcxo-parks"], data, content_type=content_type)
        assert job["status"] == "failed", (name, job)
        assert words in job["error"], (name, job["error"])
    # And the queue is empty: nothing is left to block it
    assert imports.drain() == 0


def test_an_upload_for_another_departments_job_is_never_imported(seeded, tokens, monkeypatch):
    # Given a harbour job, and a file put under parks' prefix with harbour's job id
    import boto3

    env = imports.set_up(monkeypatch)
    harbour = imports.start(seeded, tokens["dcxo-harbour"], "harbour").json
    boto3.client("s3", region_name="us-east-1").put_object(
        Bucket=env["CXGOV_IMPORT_BUCKET"], Key=f"imports/parks/{harbour['id']}", Body=imports.csv_bytes(_rows(3)))
    imports.drain()
    # Then the harbour job still waits for its own upload, and parks has no such job
    read = seeded.get(f"/departments/harbour/feedback/import-jobs/{harbour['id']}", token=tokens["dcxo-harbour"])
    assert read.json["status"] == "awaiting_upload"
    assert seeded.get(f"/departments/parks/feedback/import-jobs/{harbour['id']}", token=tokens["dcxo-parks"]).status_code == 404
    assert seeded.get("/departments/parks/feedback", token=tokens["dcxo-parks"]).json["items"] == []
    # And a dcxo cannot even start a job for another department
    assert imports.start(seeded, tokens["dcxo-parks"], "harbour").status_code == 403


def test_a_long_job_continues_in_follow_up_runs(seeded, tokens, monkeypatch):
    # Given runs that end at once after each chunk (no time left) and chunks of 10 rows
    from chalicelib.imports import worker

    imports.set_up(monkeypatch)
    monkeypatch.setattr(worker, "CHUNK_ROWS", 10)
    monkeypatch.setenv("CXGOV_IMPORT_MARGIN_SECONDS", "100000")
    created = imports.start(seeded, tokens["dcxo-parks"]).json
    imports.upload(created, imports.csv_bytes(_rows(35)))
    handled = imports.drain()
    job = seeded.get(f"/departments/parks/feedback/import-jobs/{created['id']}", token=tokens["dcxo-parks"]).json
    # Then four runs (10, 10, 10, 5 rows) finished it
    assert handled == 4 + 1  # the S3 event and three follow-ups, plus moto's s3:TestEvent
    assert (job["status"], job["created"], job["rows_done"]) == ("completed", 35, 35)


def test_bad_requests_name_the_field(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    token = tokens["dcxo-parks"]
    assert imports.start(seeded, token, profile="nope").json["error"]["details"][0]["field"] == "profile"
    assert imports.start(seeded, token, content_type="text/plain").json["error"]["details"][0]["field"] == "content_type"
    assert imports.start(seeded, token, file_name="").status_code == 400
    assert seeded.get("/departments/parks/feedback/import-jobs/zzz", token=token).status_code == 404
    assert seeded.get("/departments/parks/feedback/import-jobs?status=done", token=token).status_code == 400
    assert seeded.get("/departments/parks/feedback/import-jobs?cursor=abc", token=token).status_code == 400


def test_jobs_list_newest_first_and_page(seeded, tokens, monkeypatch):
    imports.set_up(monkeypatch)
    ids = [imports.start(seeded, tokens["dcxo-parks"], file_name=f"f{i}.csv").json["id"] for i in range(3)]
    page = seeded.get("/departments/parks/feedback/import-jobs?limit=2", token=tokens["dcxo-parks"]).json
    rest = seeded.get(f"/departments/parks/feedback/import-jobs?limit=2&cursor={page['next_cursor']}",
                      token=tokens["ccxo"])
    assert rest.status_code == 400  # a cursor is bound to its caller
    rest = seeded.get(f"/departments/parks/feedback/import-jobs?limit=2&cursor={page['next_cursor']}",
                      token=tokens["dcxo-parks"]).json
    assert [j["id"] for j in page["items"] + rest["items"]] == ids[::-1]
    assert all(j["status"] == "awaiting_upload" for j in page["items"])


def test_the_upload_event_delivered_again_resumes_its_job_and_another_upload_is_ignored(seeded, tokens, monkeypatch):
    # Given a job whose first run died after one 10-row chunk (its S3 event comes back)
    import boto3

    from chalicelib.imports import worker

    env = imports.set_up(monkeypatch)
    monkeypatch.setattr(worker, "CHUNK_ROWS", 10)
    monkeypatch.setenv("CXGOV_IMPORT_LEASE_SECONDS", "0")  # the dead run's lease has run out
    created = imports.start(seeded, tokens["dcxo-parks"]).json
    imports.upload(created, imports.csv_bytes(_rows(25)))
    sqs = boto3.client("sqs", region_name="us-east-1")
    event = None
    for _ in range(20):  # moto's s3:TestEvent comes first
        for message in sqs.receive_message(QueueUrl=env["CXGOV_IMPORT_QUEUE_URL"]).get("Messages", []):
            sqs.delete_message(QueueUrl=env["CXGOV_IMPORT_QUEUE_URL"], ReceiptHandle=message["ReceiptHandle"])
            if "Records" in message["Body"]:
                event = message
        if event:
            break
    assert event is not None
    real_flush = worker._flush

    def dies_after_one_chunk(job, owner, chunk, since):
        if job["rows_done"] >= 10:
            raise MemoryError("the run dies")
        return real_flush(job, owner, chunk, since)

    monkeypatch.setattr(worker, "_flush", dies_after_one_chunk)
    try:
        worker.handle_message(event["Body"], 1, lambda: 600_000)
    except MemoryError:
        pass
    path = f"/departments/parks/feedback/import-jobs/{created['id']}"
    assert seeded.get(path, token=tokens["dcxo-parks"]).json["rows_done"] == 10
    # When the same event is delivered again
    monkeypatch.setattr(worker, "_flush", real_flush)
    worker.handle_message(event["Body"], 2, lambda: 600_000)
    # Then the job resumed and finished with every row once
    job = seeded.get(path, token=tokens["dcxo-parks"]).json
    assert (job["status"], job["rows_done"], job["created"], job["duplicates"]) == ("completed", 25, 25, 0)
    # And an event of a different upload to the same key (another ETag) changes nothing
    other = json.loads(event["Body"])
    other["Records"][0]["s3"]["object"]["eTag"] = "0" * 32
    worker.handle_message(json.dumps(other), 1, lambda: 600_000)
    assert seeded.get(path, token=tokens["dcxo-parks"]).json == job


def test_a_job_reads_a_source_format_through_its_profile_as_the_sync_import_does(seeded, tokens, monkeypatch):
    # Given the MyLA311 sample export (Cancelled and Referred Out requests, date-only closings, a
    # closing before creation, the November fold) in parks and the same file imported synchronously in harbour
    imports.set_up(monkeypatch)
    sample = (ROOT / "tests" / "integration" / "samples" / "la311_2017q4.csv").read_bytes()
    sync = seeded.post("/departments/harbour/feedback/imports?profile=la311", token=tokens["dcxo-harbour"],
                       raw=sample, headers={"Content-Type": "text/csv"})
    assert sync.status_code == 200, sync.body
    # When the parks DCXO imports it as a job with profile la311
    job = imports.run(seeded, tokens["dcxo-parks"], sample, profile="la311")
    # Then the job counts what the synchronous import counted, row for row in its error report
    assert job["status"] == "completed", job
    assert (job["created"], job["rejected"]) == (sync.json["created"], sync.json["rejected"]) and job["created"] > 0
    report = list(csv.reader(io.StringIO(requests.get(job["errors_url"], timeout=10).text)))[1:]
    rejected = [r for r in sync.json["rows"] if r["status"] == "rejected"]
    assert [(int(r[0]), r[2]) for r in report] == [(r["row"], r["errors"][0]["field"]) for r in rejected]
    assert all(r[1].startswith("1-") for r in report)  # the source id read from SRNumber
    # And the two departments' stored records agree on their source ids and received times
    def stored(dept, token):
        items = seeded.get(f"/departments/{dept}/feedback?limit=200", token=token).json["items"]
        return sorted((f["source_id"], f["received_at"], f["first_responded_at"], f["channel"]) for f in items)
    assert stored("parks", tokens["dcxo-parks"]) == stored("harbour", tokens["dcxo-harbour"])
    # And a Touchpoints file (it needs a journey and a date) is refused as a job, naming the profile
    refused = imports.start(seeded, tokens["dcxo-parks"], profile="touchpoints")
    assert refused.status_code == 400 and refused.json["error"]["details"][0]["field"] == "profile"
    # And a header without the profile's columns fails the job with a clear error
    bad = imports.run(seeded, tokens["dcxo-parks"], b"SRNumber,CreatedDate\r\n1-9,12/01/2017 08:00:00 AM\r\n",
                      profile="la311")
    assert bad["status"] == "failed" and "RequestSource" in bad["error"], bad
