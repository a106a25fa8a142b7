"""Surge watch figures on DynamoDB Local, all from one run (called by `make bench`, issue 27):

1. what the hourly items (voc/hourly.py) cost the writes: items written per `POST /feedback` and
   per imported row, and import rows/s, with the hourly items off (`hourly.ENABLED = False`, as
   before them) and on, interleaved in one run, medians of three;
2. what `GET /departments/{dept}/watch` reads with 10, 100 and 1,000 days of history (goal: the
   same from 33 days on; it reads the 33 days before `at`, never the history).

`BENCH_WATCH_ROWS` (default 2,000) sizes the import comparison; `BENCH_WATCH_PER_DAY` (default 6)
the history's rows a day."""
from __future__ import annotations

import json
import os
import statistics
import time
from datetime import datetime, timedelta, timezone

from devtools import callcount, localstack, summary

ROWS = int(os.environ.get("BENCH_WATCH_ROWS", "2000"))
PER_DAY = int(os.environ.get("BENCH_WATCH_PER_DAY", "6"))
CHANNELS = ("twitter", "facebook", "instagram", "email", "app_311")
AT = datetime(2017, 3, 31, 17, tzinfo=timezone.utc)


def _rows(count: int, tag: str, days: float) -> list[tuple[str, dict]]:
    """`count` rows spread over the `days` before AT; every other one answered within hours."""
    span = int(days * 24 * 3600)
    rows = []
    for n in range(count):
        received = AT - timedelta(seconds=span) + timedelta(seconds=(n * span) // max(count, 1))
        row = {"channel": CHANNELS[n % len(CHANNELS)], "received_at": received.isoformat(),
               "category": "request_for_help", "source_system": "bench", "source_id": f"{tag}-{n}"}
        if n % 2 == 0:
            row["first_responded_at"] = (received + timedelta(minutes=30 + n % 600)).isoformat()
        rows.append(("json", row))
    return rows


def _department(dept: str) -> None:
    from devtools.bench_voc import _department as create

    create(dept)


def _import(dept: str, rows: list, principal) -> tuple[float, int]:
    from devtools.bench_voc import _import as run_import

    return run_import(dept, rows, principal)


def _writes(principal, client) -> None:
    from chalicelib.voc import hourly
    from devtools import issuer

    print(f"Hourly items (voc/hourly.py): writes before (off) and after (on), {ROWS} rows a month, same run:")
    seconds: dict[bool, list[float]] = {False: [], True: []}
    per_row: dict[bool, float] = {}
    per_post: dict[bool, tuple[int, int]] = {}
    for round_ in range(3):
        for enabled in (False, True):
            hourly.ENABLED = enabled
            dept = f"bench-watch-{'on' if enabled else 'off'}-{round_}"
            _department(dept)
            with callcount.counting() as calls:
                took, created = _import(dept, _rows(ROWS, dept, 30), principal)
            assert created == ROWS, created
            seconds[enabled].append(took)
            per_row[enabled] = calls.items_written / ROWS
            if round_ == 0:
                token = issuer.mint("dcxo", dept)
                body = {"channel": "twitter", "received_at": "2017-03-15T14:00:00Z",
                        "first_responded_at": "2017-03-15T16:30:00Z", "comment": "where is my parcel?"}
                with callcount.counting() as post:
                    response = client.http.post(f"/departments/{dept}/feedback", body=json.dumps(body),
                                                headers={"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {token}"})
                assert response.status_code == 201, response.body
                per_post[enabled] = (post.items_written, post.written["update"])
    hourly.ENABLED = True
    for enabled, label in ((False, "before (no hourly items)"), (True, "after (hourly items)   ")):
        items, updates = per_post[enabled]
        print(f"  {label}: POST /feedback (answered) writes {items} items ({updates} aggregate updates); "
              f"import {ROWS / statistics.median(seconds[enabled]):6.0f} rows/s, "
              f"{per_row[enabled]:.2f} items written per row")
    ratio = statistics.median(seconds[False]) / statistics.median(seconds[True])
    print(f"  import speed after / before: {ratio:.2f}x")
    summary.record("watch: items written per imported row, hourly items off -> on",
                   f"{per_row[False]:.2f} -> {per_row[True]:.2f}", "", None)
    summary.record("watch: import speed with hourly items / without", f"{ratio:.2f}x", ">= 0.8x", ratio >= 0.8)


def _watch_cost(client) -> None:
    read: dict[int, int] = {}
    from chalicelib.core.auth import Principal
    from devtools import issuer

    principal = Principal(subject="bench", role="dcxo", department=None, name="bench")
    print(f"\nItems DynamoDB reads for GET /departments/{{dept}}/watch?at= ({PER_DAY} rows a day of history):")
    for days in (10, 100, 1000):
        dept = f"bench-watch-{days}d"
        _department(dept)
        took, created = _import(dept, _rows(days * PER_DAY, dept, days), principal)
        token = issuer.mint("dcxo", dept)
        url = f"/departments/{dept}/watch?at={AT.isoformat().replace('+00:00', 'Z')}"
        client.http.get(url, headers={"Authorization": f"Bearer {token}"})  # warm
        with callcount.counting() as seen:
            started = time.perf_counter()
            response = client.http.get(url, headers={"Authorization": f"Bearer {token}"})
            elapsed = (time.perf_counter() - started) * 1000
        found = json.loads(response.body)
        read[days] = seen.items_read
        whole = next(s for s in found["surges"] if s["scope"] == "department")
        print(f"  {days:>5} days ({created:>5} records): items read {seen.items_read:>4}, calls "
              f"{sum(seen.values())} (Query {seen['Query']}, GetItem {seen['GetItem']}); observed {whole['observed']}, "
              f"unanswered {found['backlog']['unanswered']}  ({elapsed:.0f} ms)")
    summary.record("watch: items read, 1,000 vs 100 days of history", f"{read[1000]} vs {read[100]}",
                   "equal (bounded by 33 days)", read[1000] == read[100])


def run() -> None:
    callcount.install()
    with localstack.in_process_api() as client:
        from chalicelib.core.auth import Principal

        principal = Principal(subject="bench", role="dcxo", department=None, name="bench")
        _department("bench-watch-warmup")
        _import("bench-watch-warmup", _rows(ROWS // 4, "warm", 30), principal)
        _writes(principal, client)
        _watch_cost(client)


if __name__ == "__main__":
    run()
