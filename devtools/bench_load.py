"""Latency under a bounded concurrent load on loopback: chalice local + DynamoDB Local, a fixed
number of client threads, p50/p95 per request type, all in one run."""
from __future__ import annotations

import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request

from devtools import issuer, localstack

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "4"))
REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "200"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _call(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, float]:
    request = urllib.request.Request(base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def run() -> None:
    with localstack.database(localstack.free_port()) as endpoint:
        env = localstack.endpoint_env(endpoint)
        localstack.create_tables_in_subprocess(env)
        with localstack.chalice_local(localstack.free_port(), env) as (base, _):
            ccxo, dcxo = issuer.mint("ccxo"), issuer.mint("dcxo", "parks")
            _call(base, "POST", "/departments", ccxo, {
                "id": "parks", "name": "Parks", "time_zone": "America/Denver",
                "dcxo_contact": {"name": "P", "email": "p@parks.example.gov"}})
            counter = iter(range(10**9))
            lock = threading.Lock()
            cases = {
                "GET /departments/{dept}": lambda n: ("GET", "/departments/parks", dcxo, None),
                "GET /departments": lambda n: ("GET", "/departments", ccxo, None),
                "POST /departments": lambda n: ("POST", "/departments", ccxo, {
                    "id": f"load-{n}", "name": "Load", "time_zone": "UTC",
                    "dcxo_contact": {"name": "L", "email": "l@load.example.gov"}}),
            }
            print(f"latency under load: {CLIENTS} concurrent clients, {REQUESTS} requests per type, "
                  "chalice local + DynamoDB Local on loopback")
            for label, make in cases.items():
                latencies: list[float] = []
                errors = 0

                def worker() -> None:
                    nonlocal errors
                    while True:
                        with lock:
                            n = next(counter)
                            if len(latencies) + errors >= REQUESTS:
                                return
                        status, ms = _call(base, *make(n))
                        with lock:
                            if status >= 400:
                                errors += 1
                            else:
                                latencies.append(ms)

                threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
                started = time.perf_counter()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wall = time.perf_counter() - started
                print(f"  {label:<26} p50 {statistics.median(latencies):7.1f} ms   "
                      f"p95 {_percentile(latencies, 0.95):7.1f} ms   {len(latencies) / wall:6.1f} req/s"
                      f"   errors {errors}")


if __name__ == "__main__":
    run()
