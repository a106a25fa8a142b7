"""The dashboard's overview with 1,000 departments, on DynamoDB Local: the data requests the page
makes (read from the page itself), the DynamoDB calls and items each one reads (counted in-process
with devtools.callcount, the same requests through chalice.test.Client), their response sizes, and
the time Chromium takes to render the page (chalice local, loopback).

    python -m devtools.bench_dashboard                     (a stage of `make bench`)
    python -m devtools.bench_dashboard populate N           (fill the database the environment names)
    python -m devtools.bench_dashboard count TOKEN PATH...  (JSON: calls and items read per request)

The organisation: N departments, each with three feedback records of FY2017, in November 2016, January
and March 2017 (every fifth with the March one unanswered, so overdue), and a recommendation issued 2016-06-01 for every tenth department (overdue
on the decision and final-action clocks): about a fifth of the departments need attention."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from devtools import callcount, localstack, summary

DEPARTMENTS = int(os.environ.get("BENCH_DASHBOARD_DEPARTMENTS", "1000"))
ROUNDS = 5
PERIOD = "FY2017"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def dept_id(n: int) -> str:
    return f"bench-{n:04d}"


def populate(count: int) -> None:
    """Creates the organisation through the domain functions (the API's own write paths)."""
    from chalicelib.core.auth import Principal
    from chalicelib.db.items import create_tables
    from chalicelib.core.errors import Conflict
    from chalicelib.audits import service as audits
    from chalicelib.org import departments
    from chalicelib.voc import ingest
    from chalicelib.audits.recommendations_schemas import RecommendationCreate
    from chalicelib.audits.schemas import AuditReportCreate
    from chalicelib.org.departments_schemas import DepartmentCreate

    create_tables()
    ccxo = Principal(subject="bench", role="ccxo", department=None)
    auditor = Principal(subject="bench-auditor", role="auditor", department=None)
    for n in range(count):
        dept = dept_id(n)
        try:
            departments.create_department(DepartmentCreate.model_validate({
                "id": dept, "name": f"Bench department {n:04d}", "time_zone": "America/New_York",
                "dcxo_contact": {"name": "B", "email": "b@bench.example.gov"}}, strict=False), ccxo,
                request_key=f"bench-{n}")
        except Conflict:
            continue
        day = f"{1 + n % 28:02d}"
        rows = [{"channel": "twitter", "received_at": f"{month}-{day}T14:00:00+00:00",
                 "category": "complaint", "source_system": "bench", "source_id": f"{dept}-{k}",
                 **({} if k == 2 and n % 5 == 0 else
                    {"first_responded_at": f"{month}-{day}T1{5 + k}:00:00+00:00"})}
                for k, month in enumerate(("2016-11", "2017-01", "2017-03"))]
        ingest.import_feedback(dept, [("json", r) for r in rows], ccxo)
    try:
        report = audits.create_report(AuditReportCreate.model_validate({
            "number": "BENCH-DASH-1", "title": "Bench audit", "issuer": "internal", "issued_on": "2016-06-01",
            "category": "operations_management"}, strict=False), auditor)
    except Conflict:
        return
    finding = {"criteria": "c", "condition": "c", "cause": "c", "effect": "e"}
    for k, n in enumerate(range(0, count, 10)):
        audits.create_recommendation(report.id, RecommendationCreate.model_validate({
            "department": dept_id(n), "number": k + 1, "text": "Fix it", "finding": finding}, strict=False), auditor)


def count_reads(token: str, paths: list[str]) -> list[dict]:
    """Each request through chalice.test.Client in this process: status, calls, items read, bytes."""
    os.environ["CXGOV_TRACING"] = "false"
    found = []
    with contextlib.redirect_stdout(io.StringIO()):  # the app's JSON logs and metrics
        from chalice.test import Client

        from app import app

        with Client(app, stage_name="local", project_dir=str(localstack.ROOT)) as client:
            for path in paths:
                with callcount.counting() as counted:
                    response = client.http.get(path, headers={"Authorization": f"Bearer {token}"})
                found.append({"path": path, "status": response.status_code, "calls": dict(counted),
                              "items_read": counted.items_read, "bytes": len(response.body)})
    return found


def time_rollup(token: str, rounds: int = 7) -> float:
    """Seconds `GET /rollup` of the fiscal year takes in this process (chalice.test.Client, the
    dashboard's first page), median of `rounds` after one warm-up."""
    os.environ["CXGOV_TRACING"] = "false"
    with contextlib.redirect_stdout(io.StringIO()):
        from chalice.test import Client

        from app import app

        path = f"/rollup?period={PERIOD}&sort=attention&limit=25"
        with Client(app, stage_name="local", project_dir=str(localstack.ROOT)) as client:
            times = []
            for _ in range(rounds + 1):
                started = time.perf_counter()
                assert client.http.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200
                times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def render_overview(url: str, token: str, rounds: int = ROUNDS, screenshot: Path | None = None) -> dict:
    """Opens the overview in Chromium `rounds` times; answers the data requests it made, the
    median time from navigation to the figures shown (wall clock) and the page's own render time."""
    from playwright.sync_api import sync_playwright

    walls, completes, renders, requests = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{url}/dashboard")
        page.evaluate("t => sessionStorage.setItem('cxgov.token', t)", token)
        for _ in range(rounds):
            started = time.perf_counter()
            page.goto(f"{url}/dashboard")
            page.wait_for_selector("#status:has-text('Showing')", timeout=120_000)
            walls.append((time.perf_counter() - started) * 1000)
            page.wait_for_selector("body[data-loaded=all]", timeout=120_000)
            completes.append((time.perf_counter() - started) * 1000)
            renders.append(page.evaluate("window.cxRenderMs"))
            requests = page.evaluate("window.cx.requests.slice()")
        rows = page.locator("#attention-table tbody tr").count()
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return {"requests": requests, "wall_ms": statistics.median(walls), "render_ms": statistics.median(renders),
            "complete_ms": statistics.median(completes), "rows": rows}


def check(shown: dict, counted: list[dict], departments: int) -> None:
    """What the overview must do at any size (tests/e2e/test_dashboard_scale.py at 60 departments,
    `make bench` at 1,000): three data requests (who is calling, one page of the rollup, one of the
    ranking), 25 rows shown, and each rollup reading the department list, every department's REC
    item (one in ten has a recommendation) and the fiscal year's VoC item, one per department
    (issue 31: not one per month with feedback): items, not records; each answer a page."""
    assert shown["requests"] == ["/me", f"/rollup?period={PERIOD}&sort=attention&limit=25",
                                 f"/benchmarks?measure=voc.within_target_share&period={PERIOD}&limit=25"], shown
    assert shown["rows"] == min(25, len(range(0, departments, 5))), shown  # only those needing attention are listed
    expected = departments + len(range(0, departments, 10)) + departments
    assert [c["status"] for c in counted] == [200, 200, 200], counted
    assert [c["items_read"] for c in counted] == [0, expected, expected], counted
    assert all(c["bytes"] < 60_000 for c in counted), counted


def run() -> None:
    from devtools import issuer

    print(f"Dashboard overview with {DEPARTMENTS:,} departments (DynamoDB Local, chalice local, Chromium):")
    with localstack.database(localstack.free_port()) as endpoint:
        env = localstack.use_endpoint(endpoint)
        started = time.perf_counter()
        populate(DEPARTMENTS)
        print(f"  (populated in {time.perf_counter() - started:.0f} s)")
        token = issuer.mint("ccxo")
        env = {**env, "CXGOV_DASHBOARD_PERIOD": PERIOD}  # the period the feedback is in
        with localstack.chalice_local(localstack.free_port(), env) as (url, _):
            shown = render_overview(url, token)
        reads = count_reads(token, shown["requests"])
        rollup_seconds = time_rollup(token)
    print(f"  render in Chromium, median of {ROUNDS} loads: {shown['wall_ms']:.0f} ms from navigation to the figures "
          f"(the page's own count from its script: {shown['render_ms']:.0f} ms), {shown['complete_ms']:.0f} ms with the "
          f"ranking that follows them; {shown['rows']} departments shown")
    print(f"  data requests: {len(reads)}")
    for r in reads:
        calls = ", ".join(f"{k} {v}" for k, v in sorted(r["calls"].items())) or "none"
        print(f"    GET {r['path']:<72} {r['status']}  items read {r['items_read']:>6}  calls {sum(r['calls'].values()):>3} ({calls})  {r['bytes'] / 1000:.1f} kB")
    print(f"  items read in all: {sum(r['items_read'] for r in reads):,}")
    print(f"  GET /rollup?period={PERIOD} in-process (chalice.test.Client, DynamoDB Local), median of 7: "
          f"{rollup_seconds * 1000:.0f} ms")
    check(shown, reads, DEPARTMENTS)
    print(f"  (checked: the three requests, 25 rows shown, items read = {DEPARTMENTS:,} departments + "
          f"{len(range(0, DEPARTMENTS, 10)):,} REC + {DEPARTMENTS:,} fiscal-year VoC items per rollup)")
    summary.record(f"FY rollup, {DEPARTMENTS:,} departments (GET /rollup, in-process)", f"{rollup_seconds:.2f} s",
                   "<= 0.5 s", rollup_seconds <= 0.5)
    # The goal, read literally: at most one item per department in all. The fiscal-year VoC
    # item is one; the department's own item and the REC items come on top (checked above).
    per_department = reads[1]["items_read"] / DEPARTMENTS
    summary.record(f"  items it reads per department ({reads[1]['items_read']:,} in all; the FY VoC item 1.00)",
                   f"{per_department:.2f}", "<= 1", per_department <= 1)
    summary.record(f"dashboard overview, {DEPARTMENTS:,} departments, in Chromium", f"{shown['wall_ms'] / 1000:.2f} s",
                   "<= 1.5 s", shown["wall_ms"] <= 1500)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "populate":
        populate(int(sys.argv[2]))
    elif len(sys.argv) > 3 and sys.argv[1] == "count":
        print(json.dumps(count_reads(sys.argv[2], sys.argv[3:])))
    else:
        run()
