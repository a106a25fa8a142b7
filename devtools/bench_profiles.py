"""Import profiles on DynamoDB Local, all from one run (called by `make bench`):

1. a profile import (`la311`) of 10,000 MyLA311 rows against the native import of the same
   requests in cxgov's own fields, rows/s, interleaved rounds on fresh departments (goal: the
   profile import at >= 0.9x the native one);
2. an all-`updated` re-import: the same 10,000 requests, exported again once closed, rows/s and
   DynamoDB calls per row.

Both bodies go through the route's own parsing (`parse_import`), so CSV reading is counted too.
`BENCH_PROFILE_ROWS` (default 10,000) sizes them."""
from __future__ import annotations

import csv
import io
import os
import statistics
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from devtools import callcount, localstack

ROWS = int(os.environ.get("BENCH_PROFILE_ROWS", "10000"))
LA = ZoneInfo("America/Los_Angeles")
START = datetime(2017, 3, 1, 8, 0, tzinfo=timezone.utc)
SOURCES = (("Call", "phone"), ("Mobile App", "app_311"), ("Self Service", "web"), ("Email", "email"),
           ("Driver Self Report", "other"))
TYPES = ("Bulky Items", "Graffiti Removal", "Dead Animal Removal", "Illegal Dumping Pickup")
LA_HEADER = ["SRNumber", "CreatedDate", "UpdatedDate", "ActionTaken", "Owner", "RequestType", "Status",
             "RequestSource", "ClosedDate", "Address", "ZipCode", "CD", "NCName"]
FMT = "%m/%d/%Y %I:%M:%S %p"


def _requests(count: int, tag: str, state: str):
    """`mixed`: a third already closed; `open`: none closed; `closed`: all closed."""
    span = 28 * 24 * 3600
    for n in range(count):
        received = START + timedelta(seconds=(n * span) // max(count, 1))
        closed = state == "closed" or (state == "mixed" and n % 3 == 0)
        responded = received + timedelta(minutes=30 + n % 5000) if closed else None
        source, channel = SOURCES[n % len(SOURCES)]
        yield {"sr": f"1-{tag}-{n:07d}", "received": received, "responded": responded, "source": source,
               "channel": channel, "type": TYPES[n % len(TYPES)], "address": f"{100 + n % 9000} W 7TH ST, 90017"}


def la311_csv(count: int, tag: str, state: str = "mixed") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LA_HEADER)
    for r in _requests(count, tag, state):
        local = r["received"].astimezone(LA)
        closing = r["responded"].astimezone(LA).strftime(FMT) if r["responded"] else ""
        writer.writerow([r["sr"], local.strftime(FMT), local.strftime(FMT), "SR Created", "BOS", r["type"],
                         "Closed" if r["responded"] else "Open", r["source"], closing, r["address"], "90017",
                         "14", "DOWNTOWN LOS ANGELES"])
    return out.getvalue().encode()


def native_csv(count: int, tag: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["source_system", "source_id", "received_at", "first_responded_at", "channel", "status",
                     "category", "comment"])
    for r in _requests(count, tag, "mixed"):
        writer.writerow(["la311", r["sr"], r["received"].isoformat(),
                         r["responded"].isoformat() if r["responded"] else "", r["channel"],
                         "closed" if r["responded"] else "open", "request_for_help",
                         f"{r['type']} - {r['address']}"])
    return out.getvalue().encode()


def _department(dept: str) -> None:
    from devtools.bench_voc import _department as create

    create(dept)


def _import(dept: str, body: bytes, profile: str | None, principal) -> tuple[float, object]:
    from chalicelib.voc import ingest

    started = time.perf_counter()
    result = ingest.import_feedback(dept, ingest.parse_import(body, "text/csv"), principal, profile=profile)
    return time.perf_counter() - started, result


def run() -> None:
    callcount.install()
    with localstack.in_process_api():
        from chalicelib.core.auth import Principal

        principal = Principal(subject="bench", role="dcxo", department=None, name="bench")
        print(f"Import profiles, {ROWS} MyLA311 rows (DynamoDB Local, same run):")
        _department("bench-prof-warm")
        _import("bench-prof-warm", la311_csv(ROWS // 10, "w1"), "la311", principal)
        _import("bench-prof-warm", native_csv(ROWS // 10, "w2"), None, principal)
        native, profiled = [], []
        for round_ in range(2):  # interleaved, fresh departments each time
            for kind in ("native", "la311"):
                dept = f"bench-prof-{kind}-{round_}"
                _department(dept)
                tag = f"r{round_}"
                if kind == "native":
                    seconds, result = _import(dept, native_csv(ROWS, tag), None, principal)
                    native.append(seconds)
                else:
                    seconds, result = _import(dept, la311_csv(ROWS, tag), "la311", principal)
                    profiled.append(seconds)
                assert result.created == ROWS, (kind, result.created, result.rejected)
        n, p = statistics.median(native), statistics.median(profiled)
        print(f"  native import (cxgov fields, RFC 3339 times)            {ROWS / n:8.0f} rows/s")
        print(f"  profile import (la311: strptime, Los Angeles time, maps) {ROWS / p:8.0f} rows/s")
        print(f"  ratio profile / native                                  {n / p:8.2f}x   (goal >= 0.9x)")
        dept = "bench-prof-updates"
        _department(dept)
        seconds, result = _import(dept, la311_csv(ROWS, "u", "open"), "la311", principal)
        print(f"  first export, every request open: {result.created} created, {ROWS / seconds:.0f} rows/s")
        with callcount.counting() as calls:
            seconds, result = _import(dept, la311_csv(ROWS, "u", "closed"), "la311", principal)
        assert result.updated == ROWS, (result.updated, result.duplicates, result.rejected)
        print(f"  re-import once all closed: {result.updated} updated, "
              f"{ROWS / seconds:.0f} rows/s, DynamoDB calls {sum(calls.values())} "
              f"({sum(calls.values()) / ROWS:.3f} a row: " + ", ".join(f"{op} {c}" for op, c in sorted(calls.items())) + ")")
        seconds, result = _import(dept, la311_csv(ROWS, "u", "closed"), "la311", principal)
        print(f"  the same again (nothing new): {result.duplicates} duplicates, {ROWS / seconds:.0f} rows/s")
        from chalicelib.voc import reconcile as voc_reconcile

        print(f"  reconcile after the three imports of that department: drift {voc_reconcile.reconcile(dept)['drift'] or 'none'}")


if __name__ == "__main__":
    run()
