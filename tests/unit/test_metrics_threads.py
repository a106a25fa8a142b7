"""`chalice local` answers requests on several threads sharing the process's one metric set: adds
and flushes from many threads at once must never fail (a failed flush was a 500 to the caller)."""
from __future__ import annotations

import contextlib
import io
import json
import sys
import threading
import warnings

from chalicelib.core import observability

THREADS, ROUNDS = 8, 300


def test_adds_and_flushes_from_many_threads_neither_fail_nor_lose_a_count():
    errors: list[str] = []
    out = io.StringIO()

    def requests() -> None:
        for _ in range(ROUNDS):
            try:
                observability.count("Requests")
                observability.flush_metrics()
            except Exception as exc:  # noqa: BLE001 - what the test looks for
                errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the race shows within a run
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an empty flush warns; it is not an error
            threads = [threading.Thread(target=requests) for _ in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    # Every count is published exactly once, in some thread's flush
    published = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    assert sum(sum(line["Requests"]) if isinstance(line["Requests"], list) else line["Requests"]
               for line in published) == THREADS * ROUNDS
