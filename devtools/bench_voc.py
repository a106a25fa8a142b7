"""Voice-of-the-customer figures on DynamoDB Local, all from one run (called by `make bench`):

1. import throughput of the batch path (records, the source guards of rows that name a source,
   aggregate counters, in transactions of up to 100 items) against raw `BatchWriteItem` of the
   same record items, for rows with source ids and for rows without, with the items written per row;
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

from devtools import callcount, localstack

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


def _import(dept: str, rows: list, principal) -> tuple[float, int]:
    from chalicelib.voc import ingest

    started, created = time.perf_counter(), 0
    for start in range(0, len(rows), ingest.MAX_IMPORT_ROWS):
        created += ingest.import_feedback(dept, rows[start:start + ingest.MAX_IMPORT_ROWS], principal).created
    return time.perf_counter() - started, created


def _raw_batch_write(dept: str, rows: list, transact: bool = False) -> tuple[float, float]:
    """The same record items (built by the same code: `record_put`, what the import's transaction
    puts), written with plain BatchWriteItem: no guards, no counters, no conditions. `transact`:
    the items the import's transactions put for these rows (each record, and the source guard of
    a row that names one), conditioned as the import's, in TransactWriteItems of 100, without the
    counters or the pre-check: the floor the import's own writes stand on."""
    import boto3

    from chalicelib.core import clock
    from chalicelib.voc.store import guard_put, record_put
    from chalicelib.db.items import CxgovItem
    from chalicelib.voc import feedback, records
    from chalicelib.voc.schemas import FeedbackCreate

    built = time.perf_counter()
    department = feedback.department(dept)
    now = clock.now()
    items = []
    for _, row in rows:
        record = records.build_record(department, FeedbackCreate.model_validate_json(json.dumps(row)), now)
        if transact:
            items += [put for put in (record_put(record, "bench"), guard_put(record)) if put is not None]
        else:
            items.append({"PutRequest": {"Item": record_put(record, "bench")["Item"]}})
    client = boto3.client("dynamodb")
    table = CxgovItem.Meta.table_name
    started = time.perf_counter()
    built = started - built
    if transact:
        for start in range(0, len(items), 100):
            client.transact_write_items(TransactItems=[{"Put": put} for put in items[start:start + 100]])
        return built, time.perf_counter() - started
    for start in range(0, len(items), 25):
        pending = {table: items[start:start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None
    return built, time.perf_counter() - started


def _throughput(principal, sourced: bool) -> None:
    """Import vs raw BatchWriteItem of the same record items: three interleaved rounds, fresh
    departments each time, medians; and the items the import wrote per row, by kind."""
    label = "rows with source ids" if sourced else "rows without a source (deduplicated by content)"
    print(f"VoC import of {ROWS} {label}, vs raw BatchWriteItem (DynamoDB Local, same run):")
    tag = "src" if sourced else "fp"
    ours, raw, raw_built, floor, written = [], [], [], [], []
    for round_ in range(3):
        for kind in ("raw", "floor", "ours"):
            dept = f"bench-{tag}-{kind}-{round_}"
            _department(dept)
            rows = _rows(ROWS, dept, sourced)
            if kind == "ours":
                with callcount.counting() as calls:
                    seconds, created = _import(dept, rows, principal)
                assert created == ROWS, created
                ours.append(seconds)
                written.append(calls.written)
            elif kind == "floor":
                floor.append(_raw_batch_write(dept, rows, transact=True)[1])
            else:
                build, write = _raw_batch_write(dept, rows)
                raw.append(write)
                raw_built.append(build + write)
    o, r, rb, f = (statistics.median(ours), statistics.median(raw), statistics.median(raw_built),
                   statistics.median(floor))
    per_row = {kind: n / ROWS for kind, n in written[0].items()}
    detail = ", ".join(f"{name} {per_row.get(kind, 0):.2f}" for kind, name in (
        ("feedback", "records"), ("feedback_source", "source guards"), ("update", "aggregate updates")))
    print(f"  import: validate, redact, dedup, records, counters          {ROWS / o:8.0f} rows/s")
    print(f"  raw BatchWriteItem of the same record items (writes only)  {ROWS / r:8.0f} rows/s")
    print(f"  raw BatchWriteItem incl. validating and building the items {ROWS / rb:8.0f} rows/s")
    guards = " and source guards" if sourced else ""
    print(f"  conditional TransactWriteItems of the records{guards}, 100 a call {ROWS / f:6.0f} rows/s   "
          f"({r / f:.2f}x raw: the most these items can reach, before counters and reads)")
    print(f"  ratio vs raw writes only                                   {r / o:8.2f}x   "
          "(goal >= 0.5x; >= 0.8x where a row is one item)")
    print(f"  ratio vs raw incl. building                                {rb / o:8.2f}x")
    print(f"  items the import wrote per row: {sum(per_row.values()):.2f} ({detail})")
    dept = f"bench-{tag}-ours-0"
    again, created = _import(dept, _rows(ROWS, dept, sourced), principal)
    print(f"  re-import of the same {ROWS} rows: {created} created, {ROWS / again:.0f} rows/s\n")


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
        for sourced in (True, False):
            _throughput(principal, sourced)

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
