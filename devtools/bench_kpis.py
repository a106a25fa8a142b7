"""DynamoDB calls per KPI request on DynamoDB Local, counted at botocore's `_make_api_call`:
a measurement write (new, retried, corrected, an older period), a page of measurements, a KPI
create and a target change. `python -m devtools.bench_kpis`, or part of `make bench`."""
from __future__ import annotations

import json
import time

from devtools import callcount, localstack


def _month_after(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def run() -> None:
    callcount.install()
    with localstack.in_process_api(seed=True) as client:
        from devtools import issuer

        dcxo = issuer.mint("dcxo", "corp-comms")

        def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict, dict]:
            with callcount.counting() as calls:
                started = time.perf_counter()
                response = client.http.request(
                    method, path, body=json.dumps(body) if body is not None else None,
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {dcxo}"})
                elapsed = (time.perf_counter() - started) * 1000
            return response.status_code, json.loads(response.body), {"calls": calls, "ms": elapsed}

        status, listed, _ = call("GET", "/departments/corp-comms/kpis")
        assert status == 200, (status, listed)
        kpi = next(k for k in listed["items"] if k["name"] == "Social media first response within 6 hours")
        base = f"/departments/corp-comms/kpis/{kpi['id']}"
        # Periods relative to what the demo has measured: a new latest period, an older one, and a
        # target change from after the latest (one from a measured period is refused, as it should be).
        latest = kpi["latest"]["period"]
        new, later = _month_after(latest), _month_after(_month_after(latest))
        older = f"{int(latest[:4]) - 1}{latest[4:]}"
        cases = [
            ("PUT measurement, new latest period", "PUT", f"{base}/measurements/{new}",
             {"numerator": 470, "denominator": 1000}),
            ("  same PUT again (retry)", "PUT", f"{base}/measurements/{new}",
             {"numerator": 470, "denominator": 1000}),
            ("  correction of the latest period", "PUT", f"{base}/measurements/{new}",
             {"numerator": 480, "denominator": 1000}),
            ("  correction of an older period", "PUT", f"{base}/measurements/{older}",
             {"numerator": 320, "denominator": 1000}),
            ("GET measurements (page of 50)", "GET", f"{base}/measurements", None),
            ("GET measurements (page of 5)", "GET", f"{base}/measurements?limit=5", None),
            ("GET one measurement", "GET", f"{base}/measurements/{new}", None),
            ("POST KPI", "POST", "/departments/corp-comms/kpis",
             {"journey_id": kpi["journey_id"], "name": "Bench CSAT", "catalogue_code": "csat",
              "target": 80, "frequency": "quarterly"}),
            ("PATCH KPI target", "PATCH", base, {"target": 85, "effective_from": later}),
            ("GET KPI", "GET", base, None),
        ]
        print("DynamoDB calls per KPI request (DynamoDB Local, counted at botocore's _make_api_call):")
        for label, method, path, body in cases:
            status, _, measured = call(method, path, body)
            calls = measured["calls"]
            detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"
            print(f"  {label:<38} {status}  calls {sum(calls.values())}: {detail}"
                  f"   ({measured['ms']:.1f} ms)")


if __name__ == "__main__":
    run()
