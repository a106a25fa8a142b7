"""Voice-of-the-customer figures on DynamoDB Local, all from one run (called by `make bench`):

1. import throughput of the batch path (records, the source guards of rows that name a source,
   aggregate counters, in transactions of up to 100 items) against its floor (issue 31): the very
   TransactWriteItems calls the import made, captured and replayed into a fresh department with
   nothing else (no validation, redaction, reads or building), for rows with source ids and for
   rows without; and against raw `BatchWriteItem` of the same record items; with the items written
   per row;
2. DynamoDB calls of one `POST /feedback`;
3. items DynamoDB reads for `GET /voc-summary` with 1,000 and with 100,000 records (goal: equal).

`BENCH_VOC_ROWS` (default 2,000) sizes the throughput comparison, `BENCH_VOC_LARGE` (default
100,000) the large department."""
from __future__ import annotations

import json
import os
import statistics
import time
from datetime import datetime, timedelta, timezone

from devtools import callcount, localstack, summary

ROWS = int(os.environ.get("BENCH_VOC_ROWS", "2000"))
LARGE = int(os.environ.get("BENCH_VOC_LARGE", "100000"))
CHANNELS = ("twitter", "facebook", "instagram", "email", "app_311")
MARCH = datetime(2017, 3, 1, 5, 0, tzinfo=timezone.utc)  # 00:00 in New York


def _rows(count: int, tag: str, sourced: bool = True) -> list[tuple[str, dict]]:
    """`sourced`: each row names its source record (source_system, source_id); else none does and
    the import tells rows apart by their content (fingerprint)."""
    span = 30 * 24 * 3600
    rows = []
    for n in range(count):
        received = MARCH + timedelta(seconds=(n * span) // max(count, 1))
        row = {"channel": CHANNELS[n % len(CHANNELS)], "received_at": received.isoformat(),
               "category": "request_for_help", "comment": f"@USPS parcel {n} late, call 202-555-0173",
               "nps": n % 11}
        if sourced:
            row.update(source_system="bench", source_id=f"{tag}-{n}")
        if n % 2 == 0 and row["channel"] != "instagram":
            row["first_responded_at"] = (received + timedelta(minutes=7 + n % 900)).isoformat()
        rows.append(("json", row))
    return rows


def _department(dept: str) -> None:
    from chalicelib.org import departments
    from chalicelib.org.departments_schemas import DepartmentCreate
    from devtools.seed import SEEDER

    departments.create_department(DepartmentCreate.model_validate({
        "id": dept, "name": dept, "time_zone": "America/New_York",
        "dcxo_contact": {"name": "Bench", "email": "bench@example.gov"}}, strict=False), SEEDER,
        request_key=f"bench-{dept}")


class _Captured:
    """Records the TransactWriteItems calls made while it is active (the import's own writes). The
    copies are made on leaving the block, after the import's clock has stopped: copying each call's
    parameters as it was made (a JSON round trip, ~0.1 ms a row) was charged to the import."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __enter__(self) -> "_Captured":
        from botocore.client import BaseClient

        self._original = BaseClient._make_api_call
        original, calls = self._original, self.calls

        def capture(client, operation, params):
            response = original(client, operation, params)  # a cancelled transaction raises: not kept
            if operation == "TransactWriteItems":
                calls.append(params)  # neither botocore nor PynamoDB changes them after the call
            return response

        BaseClient._make_api_call = capture
        return self

    def __exit__(self, *exc) -> None:
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original
        self.calls[:] = [json.loads(json.dumps(params)) for params in self.calls]


def _replay(calls: list[dict], source_dept: str, target_dept: str) -> float:
    """The import's transactions again, every key moved to `target_dept` (same items, same
    conditions, same counter updates), with nothing else: the floor the import stands on."""
    import boto3

    client = boto3.client("dynamodb")
    import uuid

    moved = [json.loads(json.dumps(call).replace(f'"{source_dept}', f'"{target_dept}')) for call in calls]
    for params in moved:  # a token is bound to its first request's parameters
        if "ClientRequestToken" in params:
            params["ClientRequestToken"] = str(uuid.uuid4())
    started = time.perf_counter()
    for params in moved:
        client.transact_write_items(**params)
    return time.perf_counter() - started


def _import(dept: str, rows: list, principal) -> tuple[float, int]:
    from chalicelib.voc import ingest

    started, created = time.perf_counter(), 0
    for start in range(0, len(rows), ingest.MAX_IMPORT_ROWS):
        created += ingest.import_feedback(dept, rows[start:start + ingest.MAX_IMPORT_ROWS], principal).created
    return time.perf_counter() - started, created


def _raw_batch_write(dept: str, rows: list) -> tuple[float, float]:
    """The same record items (built by the same code: `record_put`, what the import's transaction
    puts), written with plain BatchWriteItem: no guards, no counters, no conditions.
    Answers (seconds building the items, seconds writing them)."""
    import boto3

    from chalicelib.core import clock
    from chalicelib.voc.store import record_put
    from chalicelib.db.items import CxgovItem
    from chalicelib.voc import feedback, records
    from chalicelib.voc.schemas import FeedbackCreate

    built = time.perf_counter()
    department = feedback.department(dept)
    now = clock.now()
    items = [{"PutRequest": {"Item": record_put(records.build_record(
        department, FeedbackCreate.model_validate_json(json.dumps(row)), now), "bench")["Item"]}}
        for _, row in rows]
    client = boto3.client("dynamodb")
    table = CxgovItem.Meta.table_name
    started = time.perf_counter()
    built = started - built
    for start in range(0, len(items), 25):
        pending = {table: items[start:start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None
    return built, time.perf_counter() - started


def _throughput(principal, sourced: bool) -> dict[str, float]:
    """Import vs its floor (the same transactions replayed) and vs raw BatchWriteItem of the same
    record items: three interleaved rounds, fresh departments each time, medians; and the items the
    import wrote per row, by kind. Answers the floor ratio for the summary table."""
    label = "rows with source ids" if sourced else "rows without a source (deduplicated by content)"
    print(f"VoC import of {ROWS} {label}, vs its floor and raw BatchWriteItem (DynamoDB Local, same run):")
    tag = "src" if sourced else "fp"
    ours, raw, raw_built, floor, written = [], [], [], [], []
    for round_ in range(3):
        dept = f"bench-{tag}-ours-{round_}"
        _department(dept)
        rows = _rows(ROWS, dept, sourced)
        with callcount.counting() as calls, _Captured() as captured:
            seconds, created = _import(dept, rows, principal)
        assert created == ROWS, created
        ours.append(seconds)
        written.append(calls.written)
        copy = f"bench-{tag}-floor-{round_}"
        _department(copy)
        floor.append(_replay(captured.calls, dept, copy))
        dept = f"bench-{tag}-raw-{round_}"
        _department(dept)
        build, write = _raw_batch_write(dept, _rows(ROWS, dept, sourced))
        raw.append(write)
        raw_built.append(build + write)
    o, r, rb, f = (statistics.median(ours), statistics.median(raw), statistics.median(raw_built),
                   statistics.median(floor))
    per_row = {kind: n / ROWS for kind, n in written[0].items()}
    detail = ", ".join(f"{name} {per_row.get(kind, 0):.2f}" for kind, name in (
        ("feedback", "records"), ("feedback_source", "source guards"), ("update", "aggregate updates")))
    print(f"  import: validate, redact, dedup, records, counters          {ROWS / o:8.0f} rows/s")
    print(f"  floor: the import's own transactions replayed, nothing else {ROWS / f:7.0f} rows/s")
    print(f"  raw BatchWriteItem of the same record items (writes only)  {ROWS / r:8.0f} rows/s")
    print(f"  raw BatchWriteItem incl. validating and building the items {ROWS / rb:8.0f} rows/s")
    print(f"  ratio vs the floor                                         {f / o:8.2f}x   (goal >= 0.8x)")
    print(f"  ratio vs raw writes only                                   {r / o:8.2f}x")
    print(f"  items the import wrote per row: {sum(per_row.values()):.2f} ({detail})")
    dept = f"bench-{tag}-ours-0"
    again, created = _import(dept, _rows(ROWS, dept, sourced), principal)
    print(f"  re-import of the same {ROWS} rows: {created} created, {ROWS / again:.0f} rows/s\n")
    return {"ratio": f / o, "rows_per_s": ROWS / o}


def run() -> None:
    callcount.install()
    with localstack.in_process_api() as client:
        from chalicelib.core.auth import Principal
        from chalicelib.voc import summary as voc_summary
        from devtools import issuer

        principal = Principal(subject="bench", role="dcxo", department=None, name="bench")
        _department("bench-warmup")  # the JVM and both code paths warm up before anything is timed
        _import("bench-warmup", _rows(ROWS // 4, "warm"), principal)
        _import("bench-warmup", _rows(ROWS // 4, "warm", sourced=False), principal)
        _raw_batch_write("bench-warmup", _rows(ROWS // 4, "warm-raw"))
        ratios = {sourced: _throughput(principal, sourced) for sourced in (True, False)}
        summary.record("VoC import vs its floor, rows with source ids", f"{ratios[True]['ratio']:.2f}x",
                       ">= 0.8x", ratios[True]["ratio"] >= 0.8)
        summary.record("VoC import vs its floor, rows without a source", f"{ratios[False]['ratio']:.2f}x",
                       ">= 0.8x", ratios[False]["ratio"] >= 0.8)

        dcxo = issuer.mint("dcxo", "bench-small")
        body = {"channel": "twitter", "received_at": "2017-03-15T14:00:00Z", "comment": "where is my parcel?"}
        _department("bench-small")
        with callcount.counting() as calls:
            response = client.http.post("/departments/bench-small/feedback", body=json.dumps(body),
                                        headers={"Content-Type": "application/json",
                                                 "Authorization": f"Bearer {dcxo}"})
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
        print(f"\nPOST /feedback: {response.status_code}, DynamoDB calls {sum(calls.values())}: {detail}")

        print("\nItems DynamoDB reads for GET /voc-summary?period=2017-03 (and FY2017):")
        for dept, count in (("bench-1k", 1000), ("bench-large", LARGE)):
            _department(dept)
            seconds, created = _import(dept, _rows(count, dept), principal)
            token = issuer.mint("dcxo", dept)
            for period in ("2017-03", "FY2017"):
                with callcount.counting() as seen:
                    response = client.http.get(f"/departments/{dept}/voc-summary?period={period}",
                                               headers={"Authorization": f"Bearer {token}"})
                volume = json.loads(response.body)["volume"]
                print(f"  {count:>7} records ({period:<7}) volume {volume:>7}: items read {seen.items_read:>4}, "
                      f"calls {seen['GetItem'] + seen['Query']} (GetItem {seen['GetItem']}, Query {seen['Query']})")
            print(f"          ({created} records written through the batch path in {seconds:.1f} s, "
                  f"{created / seconds:.0f} rows/s)")
        from chalicelib.core import clock

        figures = voc_summary.summary("bench-large", "2017-03", now=clock.now())
        print(f"  summary of the large department: within target {figures.within_target_share}, "
              f"median {figures.first_response_hours.median} h, overdue {figures.overdue_unanswered}")


if __name__ == "__main__":
    run()
