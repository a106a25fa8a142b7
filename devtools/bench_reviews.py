"""Second look (issue 26) on DynamoDB Local, called by `make bench`: draws from a month of 10,000
and from a month of 100,000 posts closed as not actionable (plus 5% actionable ones the population
leaves out), at margin 0.05 and 0.01 (95% confidence).

Prints, per draw, the items DynamoDB read, the calls, the seconds and the draw's peak Python memory
(tracemalloc): the draw keeps a heap of the largest sample's size, so its memory follows the sample
size, not the population (compare the two months). Each sample is checked against an independent
re-derivation (every id ranked and sorted). `BENCH_REVIEWS_POPULATION` sizes the large month
(default 100,000), `BENCH_REVIEWS_SMALL` the small one (default 10,000)."""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from devtools import callcount, localstack

# A page of a 100,000-item partition takes DynamoDB Local seconds on a busy machine (the local stage
# allows 20 s too); set before chalicelib's models read it.
os.environ.setdefault("CXGOV_DDB_READ_TIMEOUT_SECONDS", "60")
POPULATION = int(os.environ.get("BENCH_REVIEWS_POPULATION", "100000"))
SMALL = int(os.environ.get("BENCH_REVIEWS_SMALL", "10000"))
THREADS = 4
DEPT = "bench-reviews"
MONTHS = {"2017-02": datetime(2017, 2, 1, 5, 0, tzinfo=timezone.utc),  # 00:00 in New York
          "2017-03": datetime(2017, 3, 1, 5, 0, tzinfo=timezone.utc)}


def _write_month(month: str, count: int) -> list[str]:
    """`count` posts closed as not actionable and count/20 actionable ones, written with plain
    BatchWriteItem (the record items the import puts; no counters: a draw reads none). Answers the
    ids of the not-actionable ones."""
    import boto3

    from chalicelib.core import clock
    from chalicelib.db.items import CxgovItem
    from chalicelib.voc import feedback, records
    from chalicelib.voc.schemas import FeedbackCreate
    from chalicelib.voc.store import record_put

    department = feedback.department(DEPT)
    now = clock.now()
    client = boto3.client("dynamodb")
    table = CxgovItem.Meta.table_name
    span = 27 * 24 * 3600
    total = count + count // 20
    ids, batches, batch = [], [], []
    for n in range(total):
        actionable = n % 21 == 20
        received = MONTHS[month] + timedelta(seconds=(n * span) // total)
        body = FeedbackCreate.model_validate_json(json.dumps({
            "channel": ("twitter", "facebook", "instagram")[n % 3], "received_at": received.isoformat(),
            "category": "other", "actionable": actionable, "comment": f"post {n}"}))
        record = records.build_record(department, body, now)
        if not actionable:
            ids.append(record["id"])
        batch.append({"PutRequest": {"Item": record_put(record, "bench")["Item"]}})
        if len(batch) == 25 or n == total - 1:
            batches.append(batch)
            batch = []

    def write(part: list) -> None:
        pending = {table: part}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(write, batches))
    return ids


def run() -> None:
    callcount.install()
    with localstack.in_process_api():
        from chalicelib.core.auth import Principal
        from chalicelib.org import departments
        from chalicelib.org.departments_schemas import DepartmentCreate
        from chalicelib.reviews import plans, samples, stats
        from chalicelib.reviews.schemas import PlanCreate, SampleCreate
        from devtools.seed import SEEDER

        departments.create_department(DepartmentCreate.model_validate({
            "id": DEPT, "name": DEPT, "time_zone": "America/New_York",
            "dcxo_contact": {"name": "Bench", "email": "bench@example.gov"}}, strict=False), SEEDER,
            request_key="bench-reviews")
        months = {}
        for month, count in (("2017-02", SMALL), ("2017-03", POPULATION)):
            started = time.perf_counter()
            months[month] = _write_month(month, count)
            print(f"Second look: {month} holds {count:,} posts closed as not actionable (+{count // 20:,} "
                  f"actionable), written in {time.perf_counter() - started:.0f} s (DynamoDB Local)")
        auditor = Principal(subject="bench-auditor", role="auditor", department=None, name="Bench")
        for margin in (0.05, 0.01):
            plan = plans.create_plan(DEPT, PlanCreate(name=f"bench {margin}", frequency="monthly", margin=margin,
                                                      reviewer_role="auditor"), auditor, f"bench-plan-{margin}")
            for month, ids in months.items():
                tracemalloc.start()
                with callcount.counting() as calls:
                    started = time.perf_counter()
                    sample = samples.draw(DEPT, plan.id, SampleCreate(period=month), auditor)
                    seconds = time.perf_counter() - started
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                expected = sorted(ids, key=lambda fid: hashlib.sha256(f"{sample.seed}:{fid}".encode()).digest())
                n = stats.sample_size(len(ids), 0.95, margin, 0.5)
                assert sample.population_size == len(ids) and sample.sample_size == n, (sample.population_size, n)
                assert [item.feedback_id for item in sample.items] == expected[:n], "not the smallest ranks"
                calls_text = ", ".join(f"{op} {k}" for op, k in sorted(calls.items()))
                print(f"  N {len(ids):>7,}  margin {margin:<4}  n {n:>5,} (heap {stats.largest_sample(0.95, margin, 0.5):,})"
                      f"  items read {calls.items_read:>7,}  written {calls.items_written:>5,}  {seconds:6.1f} s"
                      f"  peak Python memory {peak / 2**20:5.1f} MiB   calls: {calls_text}")
    sys.stdout.flush()


if __name__ == "__main__":
    run()
