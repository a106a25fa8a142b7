"""The packaged function as Lambda's python3.11 runtime runs it: the zip's contents plus what the
runtime provides (boto3 and its dependencies), nothing else, under `python -I -S`. Used by the
runtime test (tests/infra/test_lambda_runtime.py) and the cold-start benchmark."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path


def runtime_modules() -> list[Path]:
    """What AWS's python3.11 runtime brings: boto3 and everything it needs."""
    import boto3
    import botocore
    import dateutil
    import jmespath
    import s3transfer
    import six
    import urllib3

    packages = [Path(m.__file__).parent for m in (boto3, botocore, s3transfer, jmespath, dateutil, urllib3)]
    return packages + [Path(six.__file__)]


def prepare(zip_path: Path, into: Path) -> tuple[Path, Path]:
    """Unpacks the zip into `into/task` and links the runtime's packages into `into/runtime`."""
    task, runtime = into / "task", into / "runtime"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(task)
    runtime.mkdir(parents=True, exist_ok=True)
    for source in runtime_modules():
        link = runtime / source.name
        if not link.exists():
            link.symlink_to(source)
    return task, runtime


def environment(tracing: bool = True, task: Path | None = None) -> dict[str, str]:
    # LAMBDA_TASK_ROOT is set by every Lambda runtime (/var/task): the X-Ray SDK reads it to pick
    # its Lambda mode (no sampling poller, no X-Ray client of its own), Powertools' Tracer to know
    # it runs in Lambda. Without it both behave as on a server, which no deployed function does.
    return {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
            "AWS_LAMBDA_FUNCTION_NAME": "cxgov", "CXGOV_TRACING": "true" if tracing else "false",
            **({"LAMBDA_TASK_ROOT": str(task)} if task is not None else {}),
            "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here; the Tracer is still built
            "POWERTOOLS_SERVICE_NAME": "cxgov", "POWERTOOLS_LOG_LEVEL": "WARNING"}


# What Lambda's runtime adds for a function with active tracing: the invocation's trace header and
# the daemon's address. With these the Tracer traces for real (botocore patched, a subsegment per
# invocation and per AWS call, sent over UDP to an address where nothing listens here).
TRACING_ON = {"POWERTOOLS_TRACE_DISABLED": "false",
              "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
              "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000", "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR"}


def run(task: Path, runtime: Path, code: str, *, tracing: bool = True, timeout: float = 120,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`code` in a fresh isolated interpreter (-I: no user site, no cwd; -S: not even the
    interpreter's site-packages) that sees only the task and the runtime."""
    env = {**environment(tracing, task), "PYTHONPATH": f"{task}:{runtime}", **(extra_env or {})}
    prelude = f"import sys; sys.path[:0] = {[str(task), str(runtime)]!r}\n"
    return subprocess.run([sys.executable, "-I", "-S", "-c", prelude + code], cwd=task, env=env,
                          capture_output=True, text=True, timeout=timeout)
