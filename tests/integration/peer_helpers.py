"""Peer sets in the tests: sample files in the MyLA311 and NYC 311 layouts (their published column
lists, as tests/integration/samples/la311_2017q4.csv and test_import_profiles.py write them), and
the figures computed here, independently of chalicelib/peers: plain datetime arithmetic, `statistics`
and sorted lists."""
from __future__ import annotations

import csv
import io
import math
import random
import statistics
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from tests.integration import import_helpers

LA_HEADER = ("SRNumber,CreatedDate,UpdatedDate,ActionTaken,Owner,RequestType,Status,RequestSource,"
             "CreatedByUserOrganization,MobileOS,Anonymous,AssignTo,ServiceDate,ClosedDate,AddressVerified,"
             "ApproximateAddress,Address,HouseNumber,Direction,StreetName,Suffix,ZipCode,Latitude,Longitude,"
             "Location,TBMPage,TBMColumn,TBMRow,APC,CD,CDMember,NC,NCName,PolicePrecinct").split(",")
NYC_HEADER = ["Unique Key", "Created Date", "Closed Date", "Agency", "Agency Name", "Complaint Type",
              "Descriptor", "Location Type", "Incident Zip", "Incident Address", "City", "Status",
              "Due Date", "Resolution Description", "Resolution Action Updated Date", "Community Board",
              "Borough", "Open Data Channel Type", "Park Facility Name", "Latitude", "Longitude"]
FORMAT = "%m/%d/%Y %I:%M:%S %p"
LA, NY = ZoneInfo("America/Los_Angeles"), ZoneInfo("America/New_York")


def _existing(naive: datetime, zone: ZoneInfo) -> datetime:
    """The wall time, moved an hour on when the clocks skipped it (such a row would be rejected)."""
    back = naive.replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    return naive if back == naive else naive + timedelta(hours=1)


def csv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def la_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Requests created October-December 2017 (Los Angeles time): four owners, three request types,
    about a fifth still open, some closings given as a date only (12:00:00 AM)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        created = datetime(2017, 10, 1, 0, 0) + timedelta(minutes=rnd.randrange(0, 91 * 24 * 60))
        row = {c: "" for c in LA_HEADER}
        row.update({"SRNumber": f"1-{5000000 + i}", "CreatedDate": created.strftime(FORMAT),
                    "Owner": rnd.choice(["BOS", "LADBS", "OCB", "BSL"]),
                    "RequestType": rnd.choice(["Bulky Items", "Graffiti Removal", "Illegal Dumping Pickup"]),
                    "RequestSource": rnd.choice(["Call", "Mobile App", "Self Service"]), "Status": "Open"})
        if rnd.random() < 0.8:
            closed = created + timedelta(seconds=rnd.randrange(600, 14 * 24 * 3600))
            if rnd.random() < 0.15:
                closed = closed.replace(hour=0, minute=0, second=0)  # a date only
                if closed.date() < created.date():
                    closed = closed + timedelta(days=1)
            row.update({"ClosedDate": closed.strftime(FORMAT), "Status": "Closed"})
        rows.append(row)
    return rows


def nyc_rows(n: int, seed: int = 11) -> list[dict[str, str]]:
    """Requests created January-March 2018 (New York time): three agencies, their complaint types,
    most with their own Due Date, about a quarter still open."""
    rnd = random.Random(seed)
    types = {"DSNY": ["Missed Collection", "Dirty Conditions"], "DPR": ["Damaged Tree", "Maintenance or Facility"],
             "DOT": ["Street Condition", "Street Light Condition"]}
    rows = []
    for i in range(n):
        created = _existing(datetime(2018, 1, 1, 0, 0) + timedelta(seconds=rnd.randrange(0, 90 * 24 * 3600)), NY)
        agency = rnd.choice(sorted(types))
        row = {c: "" for c in NYC_HEADER}
        row.update({"Unique Key": str(37000000 + i), "Created Date": created.strftime(FORMAT), "Agency": agency,
                    "Complaint Type": rnd.choice(types[agency]), "Descriptor": "x", "Status": "Open",
                    "Open Data Channel Type": rnd.choice(["PHONE", "ONLINE", "MOBILE"])})
        if rnd.random() < 0.85:
            row["Due Date"] = _existing(created + timedelta(hours=rnd.choice([24, 48, 72, 240])), NY).strftime(FORMAT)
        if rnd.random() < 0.75:
            closed = _existing(created + timedelta(seconds=rnd.randrange(300, 20 * 24 * 3600)), NY)
            row.update({"Closed Date": closed.strftime(FORMAT), "Status": "Closed"})
        rows.append(row)
    return rows


# --- the test's own figures -------------------------------------------------------------------------

def _local(text: str, zone: ZoneInfo) -> datetime:
    """The instant, in UTC (a wall time in a fold is its first occurrence)."""
    return datetime.strptime(text, FORMAT).replace(tzinfo=zone).astimezone(timezone.utc)


def la_facts(row: dict[str, str]) -> dict[str, Any]:
    created = _local(row["CreatedDate"], LA)
    closed = None
    if row["ClosedDate"]:
        wall = datetime.strptime(row["ClosedDate"], FORMAT)
        if row["ClosedDate"].endswith("12:00:00 AM"):  # a date only: the end of that day
            wall = wall + timedelta(days=1, seconds=-1)
        closed = wall.replace(tzinfo=LA).astimezone(timezone.utc)
    return {"id": row["SRNumber"], "group": row["Owner"], "service": row["RequestType"], "created": created,
            "month": created.astimezone(LA).strftime("%Y-%m"), "closed": closed, "due": None}


def nyc_facts(row: dict[str, str]) -> dict[str, Any]:
    created = _local(row["Created Date"], NY)
    return {"id": row["Unique Key"], "group": row["Agency"], "service": row["Complaint Type"], "created": created,
            "month": created.astimezone(NY).strftime("%Y-%m"),
            "closed": _local(row["Closed Date"], NY) if row["Closed Date"] else None,
            "due": _local(row["Due Date"], NY) if row["Due Date"] else None}


def expected_figures(facts: list[dict[str, Any]], months: list[str], target_hours: float,
                     retrieved_on: date) -> dict[tuple[str, str | None], dict[str, Any]]:
    """(group, service type or None) -> the figure, computed here."""
    snapshot = datetime.combine(retrieved_on + timedelta(days=1), datetime.min.time(), timezone.utc)
    chosen = [f for f in facts if f["month"] in months]
    keys = {(f["group"], None) for f in chosen} | {(f["group"], f["service"]) for f in chosen}
    answer = {}
    for group, service in keys:
        mine = [f for f in chosen if f["group"] == group and (service is None or f["service"] == service)]
        seconds = sorted(round((f["closed"] - f["created"]).total_seconds()) for f in mine if f["closed"])
        within = judged = 0
        for f in mine:
            due = f["due"] or f["created"] + timedelta(hours=target_hours)
            if f["closed"]:
                judged += 1
                within += f["closed"] <= due
            elif due < snapshot:
                judged += 1
        hours = [s / 3600 for s in seconds]
        answer[(group, service)] = {
            "volume": len(mine), "closed": len(seconds),
            "mean": statistics.fmean(hours) if hours else None,
            "median": statistics.median(hours) if hours else None,
            "p90": hours[math.ceil(0.9 * len(hours)) - 1] if hours else None,
            "within_target_share": within / judged if judged else None}
    return answer


# --- the API -----------------------------------------------------------------------------------------

def create_set(api, token: str, **body: Any):
    payload = {"name": "MyLA311 FY2018", "publisher": "City of Los Angeles", "retrieved_on": "2018-01-05",
               "kind": "service_requests", "profile": "la311", "group_column": "Owner",
               "service_column": "RequestType", "target_hours": 72, **body}
    return api.post("/peer-sets", token=token, body=payload)


def upload(api, token: str, peer_set_id: str, data: bytes, **body: Any) -> dict[str, Any]:
    created = api.post(f"/peer-sets/{peer_set_id}/uploads", token=token,
                       body={"file_name": "peers.csv", "content_type": "text/csv", **body})
    assert created.status_code == 201, created.body
    import_helpers.upload(created.json, data)
    import_helpers.drain()
    read = api.get(f"/peer-sets/{peer_set_id}/uploads/{created.json['id']}", token=token)
    assert read.status_code == 200, read.body
    return read.json
