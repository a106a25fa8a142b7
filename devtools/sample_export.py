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


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    write_csv_gz(generated_rows(count), target)
    print(f"{target}: {count:,} rows")
