"""Latency under a bounded concurrent load on loopback (issue 31, goal 4): chalice local + DynamoDB
Local with the demo organisation, the five most common requests, each at 8 and at 32 concurrent
clients, p50 and p99 per request type and the errors (goal: none), all in one run."""
from __future__ import annotations

import collections
import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request

from devtools import issuer, localstack, summary

LEVELS = tuple(int(n) for n in os.environ.get("BENCH_LOAD_CLIENTS", "8,32").split(","))
REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "200"))


def _percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-int(q * 1000) * len(ordered) // 1000) - 1))]


def _call(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, float]:
    request = urllib.request.Request(base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:  # refused or reset under load: an error, not a crash of the benchmark
        status = 599
    return status, (time.perf_counter() - started) * 1000


def _cases() -> dict:
    dcxo, ccxo = issuer.mint("dcxo", "parks"), issuer.mint("ccxo")
    return {  # what a DCXO's and the CCXO's pages ask for most
        "GET /departments/{dept}": lambda n: ("GET", "/departments/parks", dcxo, None),
        "GET …/feedback (list)": lambda n: ("GET", "/departments/parks/feedback?limit=50", dcxo, None),
        "POST …/feedback": lambda n: ("POST", "/departments/parks/feedback", dcxo, {
            "channel": "email", "received_at": "2017-03-15T14:00:00Z", "comment": f"parcel {n} is late"}),
        "GET …/voc-summary": lambda n: ("GET", "/departments/parks/voc-summary?period=2017-03", dcxo, None),
        "GET /rollup": lambda n: ("GET", "/rollup?period=FY2017&sort=attention&limit=25", ccxo, None),
    }


def _load(base: str, clients: int, make) -> tuple[list[float], collections.Counter, float]:
    counter = iter(range(10**9))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: collections.Counter = collections.Counter()

    def worker() -> None:
        while True:
            with lock:
                n = next(counter)
                if n >= REQUESTS:
                    return
            status, ms = _call(base, *make(n))
            with lock:
                if status >= 400:
                    errors[status] += 1
                else:
                    latencies.append(ms)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def run() -> None:
    with localstack.database(localstack.free_port()) as endpoint, localstack.sts_endpoint() as sts:
        env = {**localstack.endpoint_env(endpoint), **sts}
        localstack.create_tables_in_subprocess(env, seed=True)
        with localstack.chalice_local(localstack.free_port(), env) as (base, _):
            cases = _cases()
            for make in cases.values():  # first requests (imports, clients) are not load
                _call(base, *make(-1))
            print(f"Latency under load: {REQUESTS} requests per type and level, chalice local + DynamoDB Local "
                  "on loopback, demo organisation")
            total_errors = 0
            for clients in LEVELS:
                print(f"  {clients} concurrent clients:")
                for label, make in cases.items():
                    latencies, errors, wall = _load(base, clients, make)
                    total_errors += sum(errors.values())
                    p50, p99 = statistics.median(latencies), _percentile(latencies, 0.99)
                    print(f"    {label:<26} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {len(latencies) / wall:6.1f} req/s"
                          f"   errors {sum(errors.values())}"
                          + (f" ({', '.join(f'{n} x {code}' for code, n in sorted(errors.items()))})" if errors else ""))
                    summary.record(f"{label} at {clients} clients: p50 / p99", f"{p50:.0f} / {p99:.0f} ms",
                                   "reported", None)
            summary.record(f"errors under load ({len(LEVELS) * len(cases) * REQUESTS:,} requests)",
                           str(total_errors), "0", total_errors == 0)


if __name__ == "__main__":
    run()
