"""The app served under a stage prefix, as API Gateway serves it: `/v1/me` reaches the route `/me`
with `requestContext.stage` = v1 and `requestContext.path` = /v1/me, the event's `path` = /me;
anything outside the prefix is API Gateway's 403 "Missing Authentication Token". Otherwise it is
`chalice local` (same gateway code, same stage configuration). For the base-path tests.

    python -m devtools.stage_gateway --port 8100 --stage v1
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent


def serve(host: str, port: int, stage: str, chalice_stage: str = "local") -> None:
    from chalice import local
    from chalice.cli.factory import CLIFactory

    prefix = f"/{stage}"

    class StageGateway(local.LocalGateway):
        def _generate_lambda_event(self, method: str, path: str, headers: Any, body: Any) -> dict:
            bare = path.split("?")[0]
            if bare != prefix and not bare.startswith(prefix + "/"):
                raise ValueError("outside the stage")  # LocalGateway answers it as API Gateway does
            route_path = path[len(prefix):] or "/"
            event = super()._generate_lambda_event(method, route_path, headers, body)
            event["path"] = route_path.split("?")[0]
            event["requestContext"].update({"path": bare, "stage": stage,
                                            "domainName": headers.get("host", host)})
            return event

    class Handler(local.ChaliceRequestHandler):
        def __init__(self, request, client_address, server, app_object, config):
            self.local_gateway = StageGateway(app_object, config)
            local.BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # as `chalice local` runs the app
    factory = CLIFactory(project_dir=str(ROOT), environ=os.environ)  # the stage's variables land in os.environ
    config = factory.create_config_obj(chalice_stage_name=chalice_stage)
    app = config.chalice_app
    local.CustomLocalChalice.__bases__ = (local.LocalChalice, app.__class__)
    app.__class__ = local.CustomLocalChalice
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    local.LocalDevServer(app, config, host, port, handler_cls=Handler).serve_forever()


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def stage_gateway(port: int, env: dict[str, str], stage: str = "v1",
                  log: Path | None = None) -> Iterator[str]:
    """This module in a subprocess on 127.0.0.1:port; yields the base URL including the prefix."""
    out = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen([sys.executable, "-m", "devtools.stage_gateway", "--port", str(port),
                                "--stage", stage], cwd=ROOT, env={**os.environ, **env},
                               stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/{stage}"
    try:
        deadline = time.monotonic() + 60
        while not _health(url):
            if process.poll() is not None:
                raise RuntimeError(f"the stage gateway exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("the stage gateway did not answer /health within 60s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--stage", default="v1")
    args = parser.parse_args()
    serve(args.host, args.port, args.stage)


if __name__ == "__main__":
    main()
