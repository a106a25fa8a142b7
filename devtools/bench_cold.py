"""Cold start (issue 18), all from one run, called by `make bench`:

1. `import app` against a bare `import chalice, boto3, pynamodb`, each a whole new process,
   paired and interleaved, medians of BENCH_ROUNDS (default 15): in the dev environment, and from
   the packaged zip as Lambda runs it (`python -I -S`, only the zip and the runtime's boto3, the
   prod stage's tracing on).
2. The first request of each kind after `import app` against the median of five warm repeats of
   the same request, on DynamoDB Local with the demo organisation: (a) each kind as the very first
   request of a fresh process (what a cold Lambda answers first: it also builds the AWS clients and,
   for a dcxo, its department's STS session); (b) all kinds in turn in one process, so each first
   request pays only what its own route loads.
3. Which heavy libraries `import app` loads (none should be: they load with their routes)."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools import lambda_sandbox, localstack

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
# Another checkout's app (e.g. a worktree of an older commit) to compare with, run with this .venv.
APP_DIR = Path(os.environ.get("BENCH_COLD_APP_DIR", localstack.ROOT))
BARE = "import chalice, boto3, pynamodb"
APP = "import app"
# What `import app` must not load (tests/unit/test_cold_import.py checks it): they load with their routes.
HEAVY = ("pydantic", "jwt", "cryptography", "phonenumbers", "pynamodb.models", "botocore.handlers",
         "aws_xray_sdk", "chalicelib.db", "chalicelib.core.auth")
# Of cxgov's own modules `import app` loads only the packages, the routes and the light shared parts.
LIGHT = ("chalicelib.core.claims", "chalicelib.core.config", "chalicelib.core.cursors", "chalicelib.core.errors",
         "chalicelib.core.lazy", "chalicelib.core.observability", "chalicelib.http.errors",
         "chalicelib.http.idempotency", "chalicelib.http.middleware", "chalicelib.http.routing",
         "chalicelib.http.system",
         "chalicelib.imports.kinds")  # a dict of job kinds to module names (issue 29), stdlib only


def _light(module: str) -> bool:
    return module.count(".") < 2 or module in LIGHT or module.endswith(("routes", ".worker_handler"))


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def heavy_modules(loaded) -> set[str]:
    """The loaded modules that are, or are inside, one of HEAVY."""
    return {m for m in loaded if any(_inside(m, h) for h in HEAVY)
            or (_inside(m, "chalicelib") and not _light(m))}
KINDS = [  # label, method, path, role, body
    ("GET /health (public)", "GET", "/health", None, None),
    ("GET /me (token check)", "GET", "/me", "dcxo", None),
    ("GET /departments/{dept}", "GET", "/departments/parks", "dcxo", None),
    ("GET …/feedback (list)", "GET", "/departments/parks/feedback", "dcxo", None),
    ("POST …/feedback", "POST", "/departments/parks/feedback", "dcxo",
     {"channel": "email", "received_at": "2017-03-15T14:00:00Z", "comment": "my parcel is late"}),
    ("GET …/voc-summary", "GET", "/departments/parks/voc-summary?period=2017-03", "dcxo", None),
    ("GET /recommendations", "GET", "/recommendations", "ccxo", None),
    ("GET /rollup", "GET", "/rollup?period=2017-03", "ccxo", None),
    ("GET /openapi.json", "GET", "/openapi.json", None, None),
]

FIRST_REQUEST = """
import json, os, statistics, sys, time
from chalice.test import Client  # the test client's own imports are not the app's
started = time.perf_counter()
from app import app
imported = time.perf_counter() - started
results = []
with Client(app, stage_name="local", project_dir=os.getcwd()) as client:
    for method, path, token, body in json.loads(sys.argv[1]):
        headers = {"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})}
        def once():
            t = time.perf_counter()
            response = client.http.request(method, path, body=json.dumps(body) if body else None, headers=headers)
            assert response.status_code < 300, (response.status_code, response.body[:300])
            return time.perf_counter() - t
        first = once()
        results.append({"import": imported, "first": first, "warm": statistics.median(once() for _ in range(5))})
print("RESULT " + json.dumps(results))
"""


def _process_seconds(argv: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


def _paired(label: str, bare, full) -> None:
    b_runs, f_runs = [], []
    for _ in range(ROUNDS):  # interleaved so drift hits both sides alike
        b_runs.append(bare())
        f_runs.append(full())
    b, f = statistics.median(b_runs), statistics.median(f_runs)
    print(f"  {label}")
    print(f"    {BARE:<34} {b * 1000:7.1f} ms")
    print(f"    {APP:<34} {f * 1000:7.1f} ms   ratio {f / b:5.2f}x   (goal <= 1.3x)")


def package(into: Path) -> Path:
    """The deployment zip `make package` builds, into `into`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    subprocess.run([sys.executable, "-m", "devtools.package", "--out", str(into)], cwd=APP_DIR,
                   env={**clean, "AWS_DEFAULT_REGION": "us-east-1"}, check=True, capture_output=True)
    return into / "deployment.zip"


def import_ratios(zip_path: Path) -> None:
    env = {**os.environ, "CXGOV_TRACING": "false"}
    print(f"Cold import, whole processes, paired, median of {ROUNDS}:")
    _paired("dev environment (.venv)",
            lambda: _process_seconds([sys.executable, "-c", BARE], cwd=APP_DIR, env=env),
            lambda: _process_seconds([sys.executable, "-c", APP], cwd=APP_DIR, env=env))
    with tempfile.TemporaryDirectory() as tmp:
        task, runtime = lambda_sandbox.prepare(zip_path, Path(tmp))

        def timed(code: str):
            def go() -> float:
                started = time.perf_counter()
                run = lambda_sandbox.run(task, runtime, code, tracing=True)
                assert run.returncode == 0, run.stderr[-2000:]
                return time.perf_counter() - started
            return go

        _paired("packaged zip as Lambda runs it (python -I -S, prod stage: tracing on)", timed(BARE), timed(APP))
    loaded = subprocess.run([sys.executable, "-c", "import sys, app; print(' '.join(sorted(sys.modules)))"],
                            cwd=APP_DIR, env=env, capture_output=True, text=True, check=True).stdout.split()
    heavy = [h for h in HEAVY if any(_inside(m, h) for m in loaded)]
    print(f"  modules `import app` loads: {len(loaded)}; of the heavy ones: {', '.join(heavy) or 'none'}")


def _first(env: dict[str, str], requests: list) -> list[dict[str, float]]:
    run = subprocess.run([sys.executable, "-c", FIRST_REQUEST, json.dumps(requests)], cwd=APP_DIR, env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(run.stderr[-2000:])
    return json.loads(next(l for l in run.stdout.splitlines() if l.startswith("RESULT "))[7:])


def _row(label: str, figures: dict[str, float], with_import: bool) -> None:
    first, warm = figures["first"], figures["warm"]
    imported = f"{figures['import'] * 1000:6.0f} ms" if with_import else " " * 9
    total = f"{(figures['import'] + first) * 1000:7.0f} ms" if with_import else ""
    print(f"    {label:<28} {imported} {first * 1000:7.1f} ms {warm * 1000:6.1f} ms {first / warm:8.1f}x {total}")


def first_requests() -> None:
    from devtools import issuer

    print("\nFirst request of each kind after `import app` vs warm (median of 5), DynamoDB Local:")
    with localstack.database(localstack.free_port()) as endpoint, localstack.sts_endpoint() as sts:
        env = {**os.environ, **localstack.endpoint_env(endpoint), **sts, "CXGOV_TRACING": "false"}
        localstack.create_tables_in_subprocess(env, seed=True)
        tokens = {"dcxo": issuer.mint("dcxo", "parks"), "ccxo": issuer.mint("ccxo")}
        requests = [[method, path, tokens.get(role), body] for _, method, path, role, body in KINDS]
        header = f"    {'request':<28} {'import':>9} {'first':>10} {'warm':>9} {'first/warm':>9} {'import+first':>12}"
        print("  (a) each kind the first request of a fresh process (a cold Lambda):")
        print(header)
        for (label, *_), request in zip(KINDS, requests):
            _row(label, _first(env, [request])[0], True)
        print("  (b) all kinds in turn in one process (each first request loads only its own route's parts):")
        print(header)
        for (label, *_), figures in zip(KINDS, _first(env, requests)):
            _row(label, figures, False)
        print("  (goal: first under 2x warm)")


def run() -> None:
    from devtools import bench_cold_lambda

    with tempfile.TemporaryDirectory() as tmp:
        zip_path = package(Path(tmp) / "package")
        import_ratios(zip_path)
        first_requests()
        bench_cold_lambda.run(zip_path)  # issue 31: init + first request against a minimal app


if __name__ == "__main__":
    run()
