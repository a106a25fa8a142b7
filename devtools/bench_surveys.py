"""Public survey responses (issue 30) on DynamoDB Local: DynamoDB calls per public request (counted
at botocore's `_make_api_call`), and responses per second through the app in this process (one
client, `chalice.test.Client`), each response from its own simulated client address so the
per-address limit does not hold the run back. Checks that the survey's counters hold every response.
`python -m devtools.bench_surveys`, or part of `make bench`."""
from __future__ import annotations

import itertools
import json
import os
import time

from devtools import callcount, localstack, summary

RESPONSES = int(os.environ.get("BENCH_SURVEY_RESPONSES", "300"))
HOST = "127.0.0.1:8000"


def run() -> None:
    callcount.install()
    with localstack.in_process_api() as client:
        from devtools import issuer
        from chalicelib.surveys import public_routes

        ccxo = issuer.mint("ccxo")

        def call(method: str, path: str, body: dict | None = None, token: str | None = None,
                 **headers: str) -> tuple[int, dict, dict]:
            sent = {"Content-Type": "application/json", **headers}
            if token:
                sent["Authorization"] = f"Bearer {token}"
            with callcount.counting() as calls:
                started = time.perf_counter()
                response = client.http.request(method, path, body=json.dumps(body) if body is not None else None,
                                               headers=sent)
                elapsed = (time.perf_counter() - started) * 1000
            return response.status_code, calls, {"ms": elapsed, "body": response.body}

        status, _, _ = call("POST", "/departments", {
            "id": "parks", "name": "Parks", "time_zone": "America/Chicago",
            "dcxo_contact": {"name": "P", "email": "p@parks.example.gov"}}, ccxo)
        assert status == 201
        status, _, made = call("POST", "/departments/parks/journeys", {"name": "Reserve", "channels": ["web"]}, ccxo)
        journey_id = json.loads(made["body"])["id"]
        status, _, made = call("POST", "/departments/parks/surveys", {
            "journey_id": journey_id, "title": {"en": "How did we do?"}, "kind": "a11_thumbs", "languages": ["en"],
            "allowed_origins": ["https://www.parks.example.gov"]}, ccxo)
        assert status == 201, made
        survey_id = json.loads(made["body"])["id"]
        origin = {"Origin": "https://www.parks.example.gov", "Host": HOST}
        answer = {"answers": {"question_1": "up", "question_2": ["ease"], "question_4": "Quick"}, "lang": "en"}
        path = f"/s/{survey_id}/responses"

        addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
        current = {"address": "10.255.0.1"}
        public_routes._client_address = lambda: current["address"]  # type: ignore[assignment]

        cases = [
            ("GET /s/{id} (hosted page)", "GET", f"/s/{survey_id}", None, {}),
            ("GET /s/{id}/embed.js", "GET", f"/s/{survey_id}/embed.js", None, {}),
            ("GET /s/{id}/questions (an offer)", "GET", f"/s/{survey_id}/questions", None, origin),
            ("POST response (202)", "POST", path, answer, origin),
            ("POST response, honeypot (202)", "POST", path, {**answer, "website": "x"}, origin),
            ("POST response, bad answer (400)", "POST", path, {"answers": {"question_1": "maybe"}}, origin),
            ("POST response, no Origin (403)", "POST", path, answer, {"Host": HOST}),
        ]
        # One minute for the whole table, so the 11th response meets the same rate window
        from chalicelib.core import clock

        real_now, frozen = clock.now, clock.now()
        clock.now = lambda: frozen
        print("DynamoDB calls per public survey request (DynamoDB Local, counted at botocore's _make_api_call):")
        for label, method, url, body, headers in cases:
            status, calls, measured = call(method, url, body, **headers)
            detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"
            print(f"  {label:<38} {status}  calls {sum(calls.values())}: {detail}   ({measured['ms']:.1f} ms)")
        for _ in range(8):  # the honeypot above used one of this address's 10
            call("POST", path, answer, **origin)
        status, calls, _ = call("POST", path, answer, **origin)
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
        print(f"  {'POST response, 11th a minute (429)':<38} {status}  calls {sum(calls.values())}: {detail}")
        assert status == 429, status
        clock.now = real_now

        started = time.perf_counter()
        total = callcount.Calls()
        for n in range(RESPONSES):
            current["address"] = next(addresses)
            body = {"answers": {"question_1": "up" if n % 3 else "down", "question_2": ["ease"]}, "lang": "en"}
            status, calls, _ = call("POST", path, body, **origin)
            assert status == 202, status
            total.update(calls)
        wall = time.perf_counter() - started
        from chalicelib.surveys import service

        counted = service.survey_counts("parks", survey_id, "0000-00", "9999-99")
        assert counted["responses"] == RESPONSES + 9, counted  # and the 9 accepted above
        print(f"public responses, one client in process: {RESPONSES} in {wall:.2f} s = {RESPONSES / wall:.1f} "
              f"responses/s; DynamoDB calls per response {sum(total.values()) / RESPONSES:.2f} "
              f"({', '.join(f'{op} {n / RESPONSES:.2f}' for op, n in sorted(total.items()))}); "
              f"the survey's counters hold {counted['responses']} responses, as sent")
        per_response = sum(total.values()) / RESPONSES
        summary.record("survey responses per second (public, DynamoDB Local, 1 client)", f"{RESPONSES / wall:.1f}/s",
                       "-", None)
        summary.record("DynamoDB calls per survey response", f"{per_response:.2f}", "<= 3", per_response <= 3)


if __name__ == "__main__":
    run()
