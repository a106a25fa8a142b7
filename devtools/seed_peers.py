"""The demo's peers outside the organisation (issue 29), seeded with the demo year: a peer set of
synthetic 311 requests in the MyLA311 layout for FY2017 (October 2016 to September 2017, Los Angeles
time), five owner groups that close at different speeds, and the mappings that put Public Works
and Parks beside them, so the department page's "Compared with peers" panel has figures.

The rows are made up (a seeded generator, labelled so in the set's name and publisher): a real city's
export goes through `POST /peer-sets/{id}/uploads` (docs/peers.md). They are written through the
peer set's own row rules (`peers.ingest.import_rows`, what the import worker calls for each chunk),
without an upload job. Repeatable: a set of the same name is left as it is."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from chalicelib.core.auth import Principal

SET_NAME = "Demo: synthetic MyLA311-layout requests, FY2017"
CCXO = Principal(subject="seed-ccxo", role="ccxo", department=None, name="Office of the CCXO (demo seed)")
LA = ZoneInfo("America/Los_Angeles")
FORMAT = "%m/%d/%Y %I:%M:%S %p"
# owner -> (request types, typical hours to close: the median of a log-normal spread)
GROUPS = {
    "BOS": (("Bulky Items", "Illegal Dumping Pickup"), 40),
    "BSS": (("Pothole Repair", "Tree Trimming"), 90),
    "BSL": (("Street Light Out",), 160),
    "OCB": (("Graffiti Removal",), 20),
    "RAP": (("Park Maintenance", "Restroom Cleaning"), 60),
}
ROWS_PER_GROUP_MONTH = 12
OPEN_SHARE = 0.1  # still open when the set was retrieved
MAPPINGS = {"public-works": ["BOS", "BSS", "BSL", "OCB"], "parks": ["RAP", "BOS", "OCB"]}
MONTHS = [(2016, m) for m in (10, 11, 12)] + [(2017, m) for m in range(1, 10)]


def _existing(wall: datetime) -> datetime:
    """The wall time, an hour on when the clocks skipped it (such a row would be rejected)."""
    back = wall.replace(tzinfo=LA).astimezone(timezone.utc).astimezone(LA).replace(tzinfo=None)
    return wall if back == wall else wall + timedelta(hours=1)


def rows() -> list[dict[str, str]]:
    """The set's rows, deterministic: the tests recompute the figures from them."""
    rnd = random.Random(2017)
    out = []
    for group, (types, median_hours) in GROUPS.items():
        for year, month in MONTHS:
            for i in range(ROWS_PER_GROUP_MONTH):
                created = datetime(year, month, 1) + timedelta(minutes=rnd.randrange(0, 27 * 24 * 60))
                created = _existing(created)
                row = {"SRNumber": f"1-{len(out) + 7000000}", "CreatedDate": created.strftime(FORMAT),
                       "Owner": group, "RequestType": types[i % len(types)],
                       "RequestSource": ("Call", "Mobile App", "Self Service")[i % 3], "Status": "Open"}
                if rnd.random() >= OPEN_SHARE:
                    hours = median_hours * rnd.lognormvariate(0, 0.6)
                    closed = _existing(created + timedelta(seconds=round(hours * 3600)))
                    if closed.time() == datetime.min.time():
                        closed += timedelta(seconds=1)  # 12:00:00 AM reads as a date only (the day's end)
                    row.update({"ClosedDate": closed.strftime(FORMAT), "Status": "Closed"})
                out.append(row)
    return out


def seed() -> list[str]:
    from chalicelib.imports.reader import Row
    from chalicelib.peers import ingest, service as peers
    from chalicelib.peers.schemas import PeerMappingPut, PeerSetCreate

    listed = peers.list_sets(200, None, CCXO)
    if any(each.name == SET_NAME for each in listed.items):
        return []
    created = peers.create_set(PeerSetCreate.model_validate({
        "name": SET_NAME, "publisher": "cxgov demo data (synthetic, in the City of Los Angeles' layout)",
        "retrieved_on": "2017-10-05", "kind": "service_requests", "profile": "la311",
        "group_column": "Owner", "service_column": "RequestType", "target_hours": 72}, strict=False),
        CCXO, uuid.uuid4().hex)
    job = {"target": created.id}
    every = rows()
    done = 0
    for start in range(0, len(every), 500):  # the worker's chunks
        chunk = [Row(number=start + n + 1, kind="csv", data=row, end_offset=0)
                 for n, row in enumerate(every[start:start + 500])]
        counts, errors = ingest.import_rows(job, chunk)
        if errors:
            raise RuntimeError(f"demo peer rows rejected: {errors[:3]}")
        done += counts["created"]
    for dept, groups in MAPPINGS.items():
        peers.put_mapping(dept, PeerMappingPut.model_validate(
            {"groups": [{"peer_set_id": created.id, "group": g, "service_type": None} for g in groups]}), CCXO)
    return [f"peer set {SET_NAME!r}: {done} rows, mapped to {', '.join(MAPPINGS)}"]
