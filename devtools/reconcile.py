"""`python -m devtools.reconcile [--dept ID ...] [--repair]`: recount every aggregate scope (VoC
from the feedback records, REC from the recommendations, KPI from the KPIs and their measurements)
and print the drift per department and scope (JSON, one line per department: each drifted counter
with `stored`, `expected` and `delta`); `--repair` corrects it. Exit status 1 when drift is found
and not repaired. Uses the table the environment points at (AWS_ENDPOINT_URL_DYNAMODB for DynamoDB
Local)."""
from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dept", action="append", help="department id (default: every department)")
    parser.add_argument("--repair", action="store_true", help="correct the counters that drifted")
    args = parser.parse_args(argv)
    from chalicelib.org import departments_store as departments
    from chalicelib.reporting.reconcile import reconcile

    depts = args.dept
    if not depts:
        depts, start = [], None
        while True:
            page, start = departments.list_all(100, start)
            depts += [d.id for d in page]
            if not start:
                break
    drifted = 0
    for dept in depts:
        report = reconcile(dept, repair=args.repair)
        drifted += bool(report["drift"])
        print(json.dumps(report, sort_keys=True))
    return 1 if drifted and not args.repair else 0


if __name__ == "__main__":
    sys.exit(main())
