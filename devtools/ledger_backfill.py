"""`python -m devtools.ledger_backfill [--dry-run]`: appends to the ledger every history entry that
is not in it yet — the entries written before the main table's stream existed (v1 data). Run it
once, right after the first deployment with the ledger. Entries already in the log are skipped (the
same conditional writes as the stream consumer), so running it again appends nothing.

Missing entries are appended in the order they were written (`at`, then department, recommendation
and `seq`), after whatever the stream has appended meanwhile. Uses the tables the environment
points at (AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local)."""
from __future__ import annotations

import argparse
import json


def missing_entries() -> list:
    from chalicelib.audits import store as audits
    from chalicelib.org import departments_store as departments
    from chalicelib.ledger import store as dal
    from chalicelib.ledger import log

    depts, start = [], None
    while True:
        page, start = departments.list_all(100, start)
        depts += [d.id for d in page]
        if not start:
            break
    found = []
    for dept in depts:
        for rec in audits.all_recommendations(dept):
            for entry in audits.history_all(dept, rec["rec_id"]):
                seq = int(entry["seq"])
                if dal.entry_position(dept, rec["rec_id"], seq) is None:
                    found.append((entry["at"], log.leaf_of(dept, rec["rec_id"], seq, entry["hash"])))
    found.sort(key=lambda pair: (pair[0], pair[1].key))
    return [leaf for _, leaf in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="count what is missing, append nothing")
    args = parser.parse_args(argv)
    from chalicelib.ledger import store as dal

    leaves = missing_entries()
    appended = 0 if args.dry_run else dal.append(leaves)
    print(json.dumps({"missing": len(leaves), "appended": appended, "tree_size": dal.read_state()[0]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
