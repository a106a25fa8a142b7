"""`GET /rollup` at two volumes on DynamoDB Local, in one run: (10 departments, 1,000 feedback,
10 recommendations) and (10 departments, 100,000 feedback, 2,000 recommendations). Prints the
DynamoDB calls and items each rollup reads (goal: identical, at most departments x periods + 1
per scope) and the median latency of each."""
from __future__ import annotations

import json
import os
import statistics
import time
from datetime import datetime, timedelta, timezone

from devtools import callcount, localstack

DEPARTMENTS = 10
SMALL_FEEDBACK, SMALL_RECS = 1_000, 10
LARGE_FEEDBACK = int(os.environ.get("BENCH_ROLLUP_FEEDBACK", "100000"))
LARGE_RECS = int(os.environ.get("BENCH_ROLLUP_RECS", "2000"))
ROUNDS = 11
CHANNELS = ("twitter", "facebook", "instagram", "email", "phone")
MARCH = datetime(2017, 3, 1, 5, 0, tzinfo=timezone.utc)  # 00:00 in New York


def _feedback(dept: str, first: int, count: int) -> list[dict]:
    """Spread over every day of March at both volumes, half answered: the aggregate items (one per
    month, channel and due day) are the same set whatever the number of records."""
    rows = []
    for n in range(first, first + count):
        received = MARCH + timedelta(days=n % 30, seconds=(n // 30) * 937 % 86_400)
        row = {"channel": CHANNELS[n % len(CHANNELS)], "received_at": received.isoformat(),
               "category": "request_for_help", "comment": f"parcel {n} is late",
               "source_system": "bench", "source_id": f"{dept}-{n}", "nps": n % 11}
        if (n // 30) % 2 == 0:
            row["first_responded_at"] = (received + timedelta(minutes=5 + n % 1200)).isoformat()
        rows.append(row)
    return rows


def _add_recommendations(count: int, start: int) -> None:
    from chalicelib.core.auth import Principal
    from chalicelib.audits import service as audits
    from chalicelib.audits.recommendations_schemas import RecommendationCreate
    from chalicelib.audits.schemas import AuditReportCreate

    auditor = Principal(subject="bench", role="auditor", department=None)
    finding = {"criteria": "c", "condition": "c", "cause": "c", "effect": "e"}
    per_report = 500
    for batch in range(start, start + count, per_report):
        report = audits.create_report(AuditReportCreate.model_validate({
            "number": f"BENCH-{batch:05d}", "title": "Bench audit", "issuer": "internal",
            "issued_on": "2016-06-01", "category": "operations_management"}, strict=False), auditor)
        for n in range(min(per_report, start + count - batch)):
            audits.create_recommendation(report.id, RecommendationCreate.model_validate({
                "department": f"bench-{n % DEPARTMENTS}", "number": n + 1, "text": "Fix it",
                "finding": finding, "questioned_costs": "100.00"}, strict=False), auditor)


def _measure(client, token: str) -> tuple[int, int, float]:
    latencies, calls, items = [], 0, 0
    for _ in range(ROUNDS):
        with callcount.counting() as counted:
            started = time.perf_counter()
            response = client.http.get("/rollup?period=2017-03", headers={"Authorization": f"Bearer {token}"})
            latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.body
        calls, items = sum(counted.values()), counted.items_read
    return calls, items, statistics.median(latencies)


def run() -> None:
    with localstack.in_process_api() as client:
        from chalicelib.core.auth import Principal
        from chalicelib.org import departments
        from chalicelib.org.departments_schemas import DepartmentCreate
        from devtools import issuer

        ccxo = Principal(subject="bench", role="ccxo", department=None)
        for n in range(DEPARTMENTS):
            departments.create_department(DepartmentCreate.model_validate({
                "id": f"bench-{n}", "name": f"Bench {n}", "time_zone": "America/New_York",
                "dcxo_contact": {"name": "B", "email": "b@bench.example.gov"}}, strict=False), ccxo,
                request_key=f"bench-{n}")
        token = issuer.mint("ccxo")
        results = []

        def load(per_dept_first: int, per_dept: int) -> float:
            started = time.perf_counter()
            for n in range(DEPARTMENTS):
                dept, dcxo = f"bench-{n}", issuer.mint("dcxo", f"bench-{n}")
                for first in range(per_dept_first, per_dept_first + per_dept, 10_000):
                    rows = _feedback(dept, first, min(10_000, per_dept_first + per_dept - first))
                    response = client.http.post(f"/departments/{dept}/feedback/imports", body=json.dumps(rows),
                                                headers={"Authorization": f"Bearer {dcxo}",
                                                         "Content-Type": "application/json"})
                    assert response.status_code == 200, response.body[:300]
            return time.perf_counter() - started

        small = SMALL_FEEDBACK // DEPARTMENTS
        load(0, small)
        _add_recommendations(SMALL_RECS, 0)
        results.append((SMALL_FEEDBACK, SMALL_RECS, *_measure(client, token)))
        seconds = load(small, LARGE_FEEDBACK // DEPARTMENTS - small)
        _add_recommendations(LARGE_RECS - SMALL_RECS, SMALL_RECS)
        results.append((LARGE_FEEDBACK, LARGE_RECS, *_measure(client, token)))
        print(f"GET /rollup?period=2017-03, {DEPARTMENTS} departments, DynamoDB Local "
              f"(loading the large volume took {seconds:.0f} s):")
        for feedback, recs, calls, items, median in results:
            print(f"  {feedback:>7,} feedback, {recs:>5,} recommendations: {calls} calls, {items} items read, "
                  f"median {median:.1f} ms over {ROUNDS} requests")
        ratio = results[1][4] / results[0][4]
        print(f"  items read identical: {results[0][3] == results[1][3]}; latency large/small {ratio:.2f}x")


if __name__ == "__main__":
    run()
