"""`make run`'s stand-in for the 15-minute schedule AWS runs (`pull_sources` in
chalicelib/voc/sources_routes.py): a background thread calling the same `sync_all`, with the local
stage's settings (loopback sources allowed) and Secrets Manager on the local moto server."""
from __future__ import annotations

import contextlib
import json
import os
import threading
from typing import Callable, Iterator

from devtools.localstack import ROOT

INTERVAL_SECONDS = float(os.environ.get("CXGOV_PULL_INTERVAL_SECONDS", "900"))
FIRST_PULL_AFTER_SECONDS = 10.0


def _local_stage_variables() -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}),
            **config["stages"]["local"].get("environment_variables", {})}


@contextlib.contextmanager
def pull_loop(env: dict[str, str], say: Callable[[str], None] = print,
              interval: float = INTERVAL_SECONDS) -> Iterator[threading.Thread]:
    """Pulls every active source now (after a few seconds) and then every `interval` seconds,
    until the block ends. A failing source is reported on its own `last_sync`, as in AWS."""
    os.environ.update({**_local_stage_variables(), **env})
    stop = threading.Event()

    def loop() -> None:
        from chalicelib.voc.sources import sync_all

        wait = FIRST_PULL_AFTER_SECONDS
        while not stop.wait(wait):
            wait = interval
            try:
                for outcome in sync_all():
                    say(f"Pulled source {outcome['source_id']} of {outcome['department']}: {outcome['status']}")
            except Exception as exc:  # noqa: BLE001 - the loop outlives a database hiccup
                say(f"Scheduled pull failed: {exc}")

    thread = threading.Thread(target=loop, name="cxgov-source-pull", daemon=True)
    thread.start()
    say(f"Open311 sources: pulled every {interval / 60:g} minutes in the background "
        "(as the 15-minute schedule does in AWS)")
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=30)
