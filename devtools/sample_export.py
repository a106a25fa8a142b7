"""A generated feedback export, as a 311 CRM would give it (gzip CSV), for trying import jobs:

    python -m devtools.sample_export ROWS FILE      # e.g. 5000 311-march-2017.csv.gz

Every 97th row repeats the previous row's source (a duplicate), every 251st has an unknown
channel (rejected); receipt times fall in March 2017. The tests use the same generator."""
from __future__ import annotations

import csv
import gzip
import random
import sys
from pathlib import Path
from typing import Any

CHANNELS = ("web", "email", "phone", "twitter", "facebook", "sms", "chat", "app_311")
CATEGORIES = ("complaint", "request_for_help", "question", "compliment", "suggestion")


def generated_rows(count: int, seed: int = 14) -> list[dict[str, str]]:
    """Feedback rows as a CRM would export them: every 97th row repeats the previous row's source
    (a duplicate), every 251st has an unknown channel (rejected)."""
    rng = random.Random(seed)
    rows, last = [], None
    for i in range(count):
        if i % 97 == 96 and last is not None:
            rows.append(dict(last))
            continue
        day, minute = 1 + i % 28, rng.randrange(24 * 60)
        row = {"channel": "pigeon" if i % 251 == 250 else CHANNELS[i % len(CHANNELS)],
               "received_at": f"2017-03-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00+00:00",
               "category": CATEGORIES[rng.randrange(len(CATEGORIES))], "actionable": rng.choice(("true", "false")),
               "comment": f"Request {i}: {rng.choice(('missed pickup', 'pothole', 'late reply', 'thanks'))}",
               "source_system": "crm", "source_id": f"SR-{i:07d}",
               "nps": str(rng.randrange(11)), "csat": str(rng.randrange(1, 6))}
        rows.append(row)
        last = row
    return rows


def write_csv_gz(rows: list[dict[str, str]], path: Path) -> Path:
    with gzip.open(path, "wt", newline="", compresslevel=5) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def expected(rows: list[dict[str, str]]) -> dict[str, Any]:
    """What the import must produce, computed here from the rows alone."""
    seen: set[str] = set()
    created = duplicates = rejected = 0
    kept = []
    for row in rows:
        if row["channel"] not in CHANNELS:
            rejected += 1
        elif row["source_id"] in seen:
            duplicates += 1
        else:
            seen.add(row["source_id"])
            created += 1
            kept.append(row)
    nps = [int(r["nps"]) for r in kept]
    csat = [int(r["csat"]) for r in kept]
    by_channel: dict[str, int] = {}
    for r in kept:
        by_channel[r["channel"]] = by_channel.get(r["channel"], 0) + 1
    return {"created": created, "duplicates": duplicates, "rejected": rejected, "volume": len(kept),
            "nps": round((sum(n >= 9 for n in nps) - sum(n <= 6 for n in nps)) / len(nps) * 100, 6),
            "csat": round(sum(c >= 4 for c in csat) / len(csat), 6),
            "actionable": sum(r["actionable"] == "true" for r in kept), "by_channel": by_channel}


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    write_csv_gz(generated_rows(count), target)
    print(f"{target}: {count:,} rows")
