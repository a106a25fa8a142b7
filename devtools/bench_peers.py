"""`make bench`, peer uploads at scale (issue 29): a 20,000-row and a 200,000-row MyLA311 gzip CSV,
each into its own peer set, through the import-job path as `make run` runs it (chalice local,
DynamoDB Local, moto's S3 and SQS, a fresh worker process per file, short runs continued by
follow-up messages). Prints rows per second and the worker's peak memory (VmHWM) per file and
their ratio (goal < 1.2: the upload streams whatever its size), then the time of one month's
figures (exact medians: a COUNT query, then one streaming pass). It checks each upload's counts and the
month's volumes against the rows' own count (it stops on a wrong count, never on a time).

    python -c "from devtools import bench_peers; bench_peers.run()"
        (BENCH_PEER_ROWS: the sizes, default "20000,200000")"""
from __future__ import annotations

import csv
import gzip
import json
import os
import random
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

from devtools import issuer, summary
from devtools.bench_job_memory import GOAL, _request, job_stack, memory_ratio, run_job

SIZES = [int(n) for n in os.environ.get("BENCH_PEER_ROWS", "20000,200000").split(",")]
HEADER = ["SRNumber", "CreatedDate", "UpdatedDate", "ActionTaken", "Owner", "RequestType", "Status", "RequestSource",
          "ClosedDate", "Address"]
FORMAT = "%m/%d/%Y %I:%M:%S %p"
OWNERS = ["BOS", "LADBS", "OCB", "BSL", "LAPD", "DOT"]
TYPES = ["Bulky Items", "Graffiti Removal", "Illegal Dumping Pickup", "Dead Animal Removal", "Metal/Household Appliances"]


def write_la311(n: int, path: Path, seed: int) -> dict[str, int]:
    """n requests created in 2017-10..12 (LA wall time, at whole minutes, none at 1-2 AM so none
    falls in the clocks' fold), streamed to gzip; answers the rows per month, counted here."""
    rnd = random.Random(seed)
    months: dict[str, int] = {}
    with gzip.open(path, "wt", newline="", compresslevel=5) as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            created = datetime(2017, 10, 1, 3) + timedelta(days=rnd.randrange(0, 92), minutes=rnd.randrange(0, 20 * 60))
            closed = (created + timedelta(seconds=rnd.randrange(600, 20 * 24 * 3600))).strftime(FORMAT) \
                if rnd.random() < 0.8 else ""
            writer.writerow([f"1-{10_000_000 + i}", created.strftime(FORMAT), "", "SR Created", rnd.choice(OWNERS),
                             rnd.choice(TYPES), "Closed" if closed else "Open", "Call", closed, "200 N SPRING ST"])
            months[created.strftime("%Y-%m")] = months.get(created.strftime("%Y-%m"), 0) + 1
    return months


def _upload(base: str, env: dict[str, str], work: Path, size: int, seed: int) -> dict:
    ccxo = issuer.mint("ccxo")
    status, peer_set = _request(base, "POST", "/peer-sets", ccxo, {
        "name": f"bench {size}", "publisher": "City of Los Angeles", "retrieved_on": "2018-01-05",
        "kind": "service_requests", "profile": "la311", "group_column": "Owner", "service_column": "RequestType",
        "target_hours": 72})
    assert status == 201, peer_set
    months = write_la311(size, work / f"la311-{size}.csv.gz", seed)
    data = (work / f"la311-{size}.csv.gz").read_bytes()
    job, seconds, peak = run_job(base, env, work, ccxo, f"/peer-sets/{peer_set['id']}/uploads", data, "la311.csv.gz")
    assert job["status"] == "completed", job
    assert (job["rows_done"], job["created"], job["rejected"]) == (size, size, 0), job
    started = time.monotonic()
    read = urllib.request.Request(f"{base}/peer-sets/{peer_set['id']}/figures?period=2017-11",
                                  headers={"Authorization": f"Bearer {ccxo}"})
    with urllib.request.urlopen(read, timeout=900) as response:  # chalice local has no 29 s limit
        figures = json.loads(response.read())
    figures_seconds = time.monotonic() - started
    assert sum(i["volume"] for i in figures["items"] if i["service_type"] is None) == months["2017-11"], figures
    return {"rows": size, "seconds": seconds, "peak_kib": peak, "figures_seconds": figures_seconds,
            "month_rows": months["2017-11"]}


def run() -> None:
    found = []
    with job_stack("cxgov-bench-peers-", "Peer uploads at scale, MyLA311") as (url, env, work):
        for n, size in enumerate(SIZES):
            one = _upload(url, env, work, size, seed=29 + n)
            print(f"  {size:>9,} rows  {size / one['seconds']:7,.0f} rows/s ({one['seconds']:.0f} s, upload to "
                  f"completed)  worker peak RSS {one['peak_kib'] / 1024:6.1f} MiB   figures of 2017-11 "
                  f"({one['month_rows']:,} rows, exact medians) {one['figures_seconds']:.1f} s", flush=True)
            found.append(one)
            summary.record(f"peer upload rows/s ({size:,} rows)", f"{size / one['seconds']:,.0f}/s", "", None)
            summary.record(f"peer figures of a month ({one['month_rows']:,} rows, exact medians)",
                           f"{one['figures_seconds']:.1f} s", "", None)
    memory_ratio(found, lambda label, ratio: summary.record(f"peer upload worker peak RSS {label}", f"{ratio:.3f}",
                                                            f"< {GOAL}", ratio < GOAL))
