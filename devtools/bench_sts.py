"""Department credentials (chalicelib/db/credentials.py) on DynamoDB Local and moto's STS, one run:

1. STS calls per 1,000 dcxo requests spread over 10 departments, after one warm-up request each
   (counted at botocore's `_make_api_call`: independent of speed; goal <= 10);
2. the latency a department session adds: the same request (`GET /departments/{dept}`, one
   GetItem) as the department's dcxo (signed with its role session) and as the ccxo (function
   role), interleaved, medians; and a department's first request, which includes the AssumeRole.

`python -m devtools.bench_sts`, or part of `make bench`."""
from __future__ import annotations

import json
import statistics
import time

from devtools import callcount, localstack

DEPARTMENTS = [f"bench-sts-{i:02d}" for i in range(10)]
REQUESTS = 1000


def run() -> None:
    callcount.install()
    with localstack.in_process_api() as client:
        from devtools import issuer

        ccxo = issuer.mint("ccxo")
        dcxo = {dept: issuer.mint("dcxo", dept) for dept in DEPARTMENTS}

        def get(dept: str, token: str) -> float:
            started = time.perf_counter()
            response = client.http.request("GET", f"/departments/{dept}",
                                           headers={"Authorization": f"Bearer {token}"})
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.body
            return elapsed

        for dept in DEPARTMENTS:
            response = client.http.request("POST", "/departments", body=json.dumps({
                "id": dept, "name": dept, "time_zone": "UTC",
                "dcxo_contact": {"name": "B", "email": "b@bench.example.gov"}}),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {ccxo}"})
            assert response.status_code == 201, response.body
        get(DEPARTMENTS[0], ccxo)  # the ccxo's path warm too
        with callcount.counting() as warm_up:
            first = [get(dept, dcxo[dept]) for dept in DEPARTMENTS]
        with callcount.counting() as steady:
            as_department, as_org = [], []
            for i in range(REQUESTS):  # interleaved, so drift hits both sides alike
                dept = DEPARTMENTS[i % len(DEPARTMENTS)]
                as_department.append(get(dept, dcxo[dept]))
                as_org.append(get(dept, ccxo))
        # `steady` also counts the ccxo's requests; they make no STS call.
        sts_steady = steady.get("AssumeRole", 0)
        d_ms, o_ms = statistics.median(as_department) * 1000, statistics.median(as_org) * 1000
        print("Department credentials (STS AssumeRole + TagSession per department, cached; "
              "DynamoDB Local, moto's STS):")
        print(f"  warm-up, 1 request per department ({len(DEPARTMENTS)}): "
              f"AssumeRole {warm_up.get('AssumeRole', 0)}; first request median "
              f"{statistics.median(first) * 1000:.1f} ms (includes the AssumeRole)")
        print(f"  STS calls per {REQUESTS:,} dcxo requests across {len(DEPARTMENTS)} departments "
              f"after warm-up: {sts_steady}   (goal <= 10); with warm-up: "
              f"{sts_steady + warm_up.get('AssumeRole', 0)}")
        print(f"  GET /departments/{{dept}}, median of {REQUESTS} interleaved: dcxo (department "
              f"session) {d_ms:.2f} ms, ccxo (function role) {o_ms:.2f} ms; added "
              f"{d_ms - o_ms:+.2f} ms per request ({d_ms / o_ms:.2f}x)")


if __name__ == "__main__":
    run()
