"""Import profiles through HTTP: real-format files (MyLA311, NYC 311, Open311) imported unchanged,
their summaries recounted independently, naive local times across DST, and the bad inputs."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from chalicelib.core import clock
from devtools import issuer
from tests.integration.conftest import department_body
from tests.integration.voc_expect import Fact, assert_summary, figures

SAMPLES = Path(__file__).parent / "samples"
UTC = timezone.utc


def u(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture()
def la(seeded, tokens) -> str:
    """Los Angeles sanitation: 48-hour target, staffed Mon-Fri 08:00-18:00 Pacific."""
    body = department_body("la-san", name="LA Sanitation", time_zone="America/Los_Angeles",
                           response_target_hours=48)
    assert seeded.post("/departments", token=tokens["ccxo"], body=body).status_code == 201
    return issuer.mint("dcxo", "la-san", name="LA Sanitation DCXO")


@pytest.fixture()
def nyc(seeded, tokens) -> str:
    body = department_body("nyc-dsny", name="NYC Sanitation", time_zone="America/New_York",
                           response_target_hours=6)
    assert seeded.post("/departments", token=tokens["ccxo"], body=body).status_code == 201
    return issuer.mint("dcxo", "nyc-dsny", name="DSNY DCXO")


def import_csv(api, token, dept, text, profile):
    query = f"?profile={profile}" if profile else ""
    return api.post(f"/departments/{dept}/feedback/imports{query}", token=token, raw=text,
                    headers={"Content-Type": "text/csv"})


def summary(api, token, dept, period):
    response = api.get(f"/departments/{dept}/voc-summary?period={period}", token=token)
    assert response.status_code == 200, response.body
    return response.json


# The MyLA311 sample, as its UTC instants worked out by hand (Pacific: UTC-8 in December; the
# 01:30 of 5 November 2017 happened twice, first in PDT, UTC-7).
LA_FACTS = {
    "1-1000001": Fact("phone", u(2017, 12, 1, 16, 15), u(2017, 12, 1, 23, 40)),
    "1-1000002": Fact("app_311", u(2017, 12, 3, 7, 0), u(2017, 12, 6, 17, 0)),
    "1-1000003": Fact("web", u(2017, 12, 3, 18, 0), u(2017, 12, 5, 7, 59, 59)),  # date-only closing: end of 4 Dec
    "1-1000004": Fact("email", u(2017, 12, 5, 17, 30), u(2017, 12, 6, 7, 59, 59)),  # cancelled, date-only
    "1-1000005": Fact("in_person", u(2017, 12, 6, 21, 0), u(2017, 12, 9, 0, 0)),  # referred out
    "1-1000006": Fact("phone", u(2017, 12, 7, 15, 0)),  # voicemail, still open
    "1-1000008": Fact("other", u(2017, 12, 13, 0, 45)),  # queue-initiated, pending
    "1-1000009": Fact("other", u(2018, 1, 1, 7, 59), u(2018, 1, 1, 17, 0)),  # 31 Dec 23:59 in LA
    "1-1000010": Fact("phone", u(2017, 11, 5, 8, 30), u(2017, 11, 5, 11, 0)),  # the fold: first 01:30
}


def test_the_builtin_profiles_are_listed_with_their_columns(seeded, tokens):
    # Given any signed-in user / When they list the built-in profiles
    response = seeded.get("/import-profiles", token=tokens["auditor"])
    # Then cxgov, la311, nyc311 and open311 are there, each with its columns, values and date format
    assert response.status_code == 200, response.body
    profiles = {p["id"]: p for p in response.json["items"]}
    assert {"cxgov", "la311", "nyc311", "open311"} <= set(profiles)
    la311 = profiles["la311"]
    assert la311["columns"]["source_id"] == "SRNumber"
    assert la311["columns"]["comment"] == ["RequestType", "Address"]
    assert la311["values"]["channel"]["Mobile App"] == "app_311"
    assert la311["datetime_format"] == "%m/%d/%Y %I:%M:%S %p"
    assert la311["time_zone"] == "America/Los_Angeles"
    assert profiles["nyc311"]["columns"]["due_at"] == "Due Date"
    assert profiles["open311"]["responded_when"] == {"column": "status", "values": ["closed"]}
    # And the list pages like every other
    first = seeded.get("/import-profiles?limit=2", token=tokens["auditor"]).json
    rest = seeded.get(f"/import-profiles?limit=2&cursor={first['next_cursor']}", token=tokens["auditor"]).json
    assert [p["id"] for p in first["items"] + rest["items"]] == [p["id"] for p in response.json["items"]][:4]


def test_a_myla311_export_is_imported_unchanged_and_summarised_exactly(seeded, la):
    # Given a MyLA311-shaped export: cancelled and referred-out requests, date-only closings, a
    # closing before its creation, a request created in the autumn fold, and one at 23:59 on 31 Dec
    text = (SAMPLES / "la311_2017q4.csv").read_text()
    # When the DCXO imports it unchanged with profile=la311
    response = import_csv(seeded, la, "la-san", text, "la311")
    # Then every row but the closing-before-creation is created, and that one names its column
    assert response.status_code == 200, response.body
    result = response.json
    assert (result["created"], result["updated"], result["duplicates"], result["rejected"]) == (9, 0, 0, 1)
    rejected = [r for r in result["rows"] if r["status"] == "rejected"]
    assert rejected[0]["row"] == 7
    assert rejected[0]["errors"][0]["field"] == "ClosedDate"
    assert "must not be before received_at" in rejected[0]["errors"][0]["message"]
    # And the records keep the source's id, the mapped channel and the joined comment
    by_row = {r["row"]: r["id"] for r in result["rows"]}
    fold = seeded.get(f"/departments/la-san/feedback/{by_row[10]}", token=la).json
    assert fold["received_at"] == "2017-11-05T08:30:00+00:00"
    assert (fold["source_system"], fold["source_id"], fold["channel"]) == ("la311", "1-1000010", "phone")
    assert fold["comment"] == "Electronic Waste - 2100 N MAIN ST, 90031"
    assert (fold["category"], fold["actionable"], fold["status"]) == ("request_for_help", True, "closed")
    date_only = seeded.get(f"/departments/la-san/feedback/{by_row[3]}", token=la).json
    assert date_only["first_responded_at"] == "2017-12-05T07:59:59+00:00"
    # And each figure of the summary equals an independent recount over the same file
    expected = figures(list(LA_FACTS.values()), 48, clock.now(), "America/Los_Angeles")
    assert_summary(summary(seeded, la, "la-san", "2017-Q4"), expected)
    december = [f for k, f in LA_FACTS.items() if k != "1-1000010"]
    assert_summary(summary(seeded, la, "la-san", "2017-12"),
                   figures(december, 48, clock.now(), "America/Los_Angeles"))


def _nyc_csv(rows: list[dict]) -> str:
    header = ["Unique Key", "Created Date", "Closed Date", "Agency", "Agency Name", "Complaint Type",
              "Descriptor", "Location Type", "Incident Zip", "Incident Address", "City", "Status",
              "Due Date", "Resolution Description", "Resolution Action Updated Date", "Community Board",
              "Borough", "Open Data Channel Type", "Park Facility Name", "Latitude", "Longitude"]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"Agency": "DSNY", "Agency Name": "Department of Sanitation", "City": "BROOKLYN",
                         "Borough": "BROOKLYN", "Location Type": "Street", **row})
    return out.getvalue()


NY_FMT = "%m/%d/%Y %I:%M:%S %p"


def _ny(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("America/New_York")).strftime(NY_FMT)


def test_an_nyc311_export_uses_each_requests_due_date(seeded, nyc):
    # Given an NYC 311 export whose requests carry their own Due Date (EST, UTC-5, in January)
    rows = [
        {"Unique Key": "37512001", "Created Date": "01/08/2018 09:00:00 AM", "Closed Date": "01/09/2018 05:00:00 PM",
         "Complaint Type": "Missed Collection", "Descriptor": "Recycling", "Status": "Closed",
         "Due Date": "01/10/2018 09:00:00 AM", "Open Data Channel Type": "PHONE"},
        {"Unique Key": "37512002", "Created Date": "01/08/2018 10:00:00 AM", "Closed Date": "01/08/2018 03:00:00 PM",
         "Complaint Type": "Dirty Conditions", "Descriptor": "Trash", "Status": "Closed",
         "Due Date": "01/08/2018 12:00:00 PM", "Open Data Channel Type": "ONLINE"},
        {"Unique Key": "37512003", "Created Date": "01/09/2018 08:00:00 AM", "Closed Date": "",
         "Complaint Type": "Derelict Vehicles", "Descriptor": "With License Plate", "Status": "Open",
         "Due Date": "01/23/2018 08:00:00 AM", "Open Data Channel Type": "MOBILE"},
        {"Unique Key": "37512004", "Created Date": "01/10/2018 11:00:00 AM", "Closed Date": "01/10/2018 02:00:00 PM",
         "Complaint Type": "Snow", "Descriptor": "Sidewalk", "Status": "Closed", "Due Date": "",
         "Open Data Channel Type": "UNKNOWN"},
    ]
    # When it is imported with profile=nyc311
    response = import_csv(seeded, nyc, "nyc-dsny", _nyc_csv(rows), "nyc311")
    assert response.status_code == 200, response.body
    assert response.json["created"] == 4, response.body
    # Then the first request (32 h, due in 48 h) is within target although the department's target
    # is 6 h, the second (5 h, due in 2 h) is not, and the one without a Due Date uses the 6 h
    facts = [Fact("phone", u(2018, 1, 8, 14), u(2018, 1, 9, 22), due=u(2018, 1, 10, 14)),
             Fact("web", u(2018, 1, 8, 15), u(2018, 1, 8, 20), due=u(2018, 1, 8, 17)),
             Fact("app_311", u(2018, 1, 9, 13), due=u(2018, 1, 23, 13)),
             Fact("other", u(2018, 1, 10, 16), u(2018, 1, 10, 19))]
    expected = figures(facts, 6, clock.now(), "America/New_York")
    assert_summary(summary(seeded, nyc, "nyc-dsny", "2018-01"), expected)
    first = seeded.get(f"/departments/nyc-dsny/feedback/{response.json['rows'][0]['id']}", token=nyc).json
    assert (first["due_at"], first["due_source"]) == ("2018-01-10T14:00:00+00:00", "source")
    fourth = seeded.get(f"/departments/nyc-dsny/feedback/{response.json['rows'][3]['id']}", token=nyc).json
    assert (fourth["due_at"], fourth["due_source"]) == ("2018-01-10T22:00:00+00:00", "target")
    # And a KPI derived from the share within target measures the same per-request due times
    from tests.integration.kpi_helpers import make_kpi

    kpi = make_kpi(seeded, nyc, "nyc-dsny", name="Requests closed by their due date", unit="percent",
                   direction="higher", target=80, derived_from="voc.within_target_share")
    measured = seeded.get(f"/departments/nyc-dsny/kpis/{kpi['id']}/measurements/2018-01", token=nyc).json
    assert measured["value"] == round(expected["within_target_share"] * 100, 6)


def test_a_source_due_time_decides_overdue_everywhere(seeded, nyc, tokens):
    # Given two unanswered requests: one received 10 h ago but due in 3 days, one received 1 h ago
    # and due 30 minutes ago (the department's own target is 6 h)
    now = clock.now().replace(microsecond=0)
    rows = [{"Unique Key": "90000001", "Created Date": _ny(now - timedelta(hours=10)), "Status": "Open",
             "Due Date": _ny(now + timedelta(days=3)), "Complaint Type": "Noise", "Open Data Channel Type": "PHONE"},
            {"Unique Key": "90000002", "Created Date": _ny(now - timedelta(hours=1)), "Status": "Open",
             "Due Date": _ny(now - timedelta(minutes=30)), "Complaint Type": "Rodent",
             "Open Data Channel Type": "ONLINE"}]
    response = import_csv(seeded, nyc, "nyc-dsny", _nyc_csv(rows), "nyc311")
    assert response.json["created"] == 2, response.body
    late_id = response.json["rows"][1]["id"]
    # When the DCXO lists overdue feedback / Then only the one past its own due time is there
    overdue = seeded.get("/departments/nyc-dsny/feedback?overdue=true", token=nyc).json["items"]
    assert [item["id"] for item in overdue] == [late_id]
    reads = [seeded.get(f"/departments/nyc-dsny/feedback/{r['id']}", token=nyc).json for r in response.json["rows"]]
    assert [r["overdue"] for r in reads] == [False, True]
    # And the summary and the rollup count exactly one overdue, none within target
    from chalicelib.core import periods

    fy = periods.containing(now.date(), "fiscal_year").label
    voc = summary(seeded, nyc, "nyc-dsny", fy)
    assert (voc["overdue_unanswered"], voc["within_target_share"]) == (1, 0.0)
    rollup = seeded.get(f"/rollup?period={fy}", token=tokens["ccxo"]).json
    dsny = next(d for d in rollup["departments"] if d["department"] == "nyc-dsny")
    assert dsny["voc"]["overdue_unanswered"] == 1


OPEN311 = [
    {"service_request_id": "638344", "status": "closed", "service_name": "Graffiti Removal",
     "service_code": "GR01", "description": "Tag on the wall of the library", "agency_responsible": "DPW",
     "requested_datetime": "2017-12-04T09:10:00-08:00", "updated_datetime": "2017-12-04T15:40:00-08:00",
     "expected_datetime": "2017-12-05T09:10:00-08:00", "address": "8TH AVE and JUDAH ST"},
    {"service_request_id": "638345", "status": "open", "service_name": "Pothole", "service_code": "PH01",
     "description": None, "agency_responsible": "DPW", "requested_datetime": "2017-12-04T22:00:00-08:00",
     "updated_datetime": "2017-12-05T08:00:00-08:00", "expected_datetime": "2017-12-06T22:00:00-08:00"},
    {"service_request_id": "638346", "status": "closed", "service_name": "Streetlight", "service_code": "SL01",
     "description": "Out since Sunday", "requested_datetime": "2017-12-05T06:00:00Z",
     "updated_datetime": "2017-12-08T06:00:00Z"},
]


def test_an_open311_requests_json_is_imported_with_its_due_times(seeded, la):
    # Given a GeoReport v2 requests.json (times with offsets; the open request has an update that is
    # not a closing)
    response = seeded.post("/departments/la-san/feedback/imports?profile=open311", token=la, body=OPEN311)
    # Then all are created; the summary equals a recount with each request's expected_datetime
    assert response.status_code == 200, response.body
    assert response.json["created"] == 3, response.body
    facts = [Fact("other", u(2017, 12, 4, 17, 10), u(2017, 12, 4, 23, 40), due=u(2017, 12, 5, 17, 10)),
             Fact("other", u(2017, 12, 5, 6), due=u(2017, 12, 7, 6)),
             Fact("other", u(2017, 12, 5, 6), u(2017, 12, 8, 6))]  # 72 h against the 48 h target
    assert_summary(summary(seeded, la, "la-san", "2017-12"), figures(facts, 48, clock.now(), "America/Los_Angeles"))
    opened = seeded.get(f"/departments/la-san/feedback/{response.json['rows'][1]['id']}", token=la).json
    assert opened["first_responded_at"] is None and opened["status"] == "open"


def test_a_bulk_csv_in_the_open311_format_reads_its_source_column(seeded, la):
    text = ("service_request_id,status,service_name,service_code,description,agency_responsible,"
            "requested_datetime,updated_datetime,expected_datetime,source\r\n"
            "77001,closed,Pothole,PH01,Deep one,DPW,2017-12-04T09:00:00-08:00,2017-12-04T11:00:00-08:00,,phone\r\n"
            "77002,open,Pothole,PH01,,DPW,2017-12-04T10:00:00-08:00,,,Mobile\r\n")
    response = import_csv(seeded, la, "la-san", text, "open311")
    assert response.json["created"] == 2, response.body
    records = [seeded.get(f"/departments/la-san/feedback/{r['id']}", token=la).json for r in response.json["rows"]]
    assert [r["channel"] for r in records] == ["phone", "app_311"]
    assert records[0]["response_hours"] == 2.0


# --- bad input ----------------------------------------------------------------------------------

def test_an_unknown_profile_is_a_400_naming_it(seeded, la):
    response = import_csv(seeded, la, "la-san", "a,b\r\n1,2\r\n", "sprinklr")
    assert response.status_code == 400
    assert response.json["error"]["details"][0]["field"] == "profile"


def test_a_header_without_a_column_the_profile_reads_is_a_400_naming_it(seeded, la):
    text = (SAMPLES / "la311_2017q4.csv").read_text().replace("RequestSource", "Source", 1)
    response = import_csv(seeded, la, "la-san", text, "la311")
    assert response.status_code == 400
    assert [d["field"] for d in response.json["error"]["details"]] == ["RequestSource"]
    assert seeded.get("/departments/la-san/feedback", token=la).json["items"] == []


def _la_row(sr: str, created: str, closed: str = "", source: str = "Call", status: str = "Open") -> str:
    return f"{sr},{created},,,BOS,Bulky Items,{status},{source},{closed},\"1 MAIN ST, 90012\"\r\n"


LA_HEAD = "SRNumber,CreatedDate,UpdatedDate,ActionTaken,Owner,RequestType,Status,RequestSource,ClosedDate,Address\r\n"


def test_a_time_in_the_spring_gap_rejects_its_row_naming_the_column(seeded, la):
    # Given a request "created" at 02:30 on 11 March 2018, a time Los Angeles skipped
    text = LA_HEAD + _la_row("1-2000001", "03/11/2018 02:30:00 AM") + _la_row("1-2000002", "03/11/2018 03:30:00 AM")
    response = import_csv(seeded, la, "la-san", text, "la311")
    # Then that row is rejected naming CreatedDate, and the next one (03:30 PDT) is kept
    rows = response.json["rows"]
    assert rows[0]["status"] == "rejected" and rows[0]["errors"][0]["field"] == "CreatedDate"
    assert "does not exist in America/Los_Angeles" in rows[0]["errors"][0]["message"]
    assert rows[1]["status"] == "created"
    kept = seeded.get(f"/departments/la-san/feedback/{rows[1]['id']}", token=la).json
    assert kept["received_at"] == "2018-03-11T10:30:00+00:00"


def test_a_malformed_time_rejects_its_row_naming_the_column(seeded, la):
    text = LA_HEAD + _la_row("1-2000003", "2018-03-12 10:00")
    row = import_csv(seeded, la, "la-san", text, "la311").json["rows"][0]
    assert row["status"] == "rejected" and row["errors"][0]["field"] == "CreatedDate"


def test_a_value_without_a_mapping_rejects_its_row(seeded, la):
    # Given a department profile whose channel map has no fallback
    profile = {"id": "genesys", "name": "Genesys Cloud interactions", "format": "csv",
               "columns": {"source_id": "Conversation ID", "received_at": "Start", "channel": "Media Type",
                           "first_responded_at": "First Answer"},
               "values": {"channel": {"voice": "phone", "email": "email", "chat": "chat"}},
               "datetime_format": "%Y-%m-%d %H:%M:%S", "defaults": {"source_system": "genesys"}}
    created = seeded.post("/departments/la-san/import-profiles", token=la, body=profile)
    assert created.status_code == 201, created.body
    text = ("Conversation ID,Start,Media Type,First Answer\r\n"
            "c-1,2018-02-01 09:00:00,voice,2018-02-01 09:04:00\r\n"
            "c-2,2018-02-01 09:10:00,sms,\r\n")
    # When a row brings a media type the map does not know
    result = import_csv(seeded, la, "la-san", text, "genesys").json
    # Then that row is rejected naming the column and the value; the other is created in LA time
    assert [r["status"] for r in result["rows"]] == ["created", "rejected"]
    assert result["rows"][1]["errors"] == [{"field": "Media Type",
                                            "message": "'sms' has no mapping to channel in profile genesys"}]
    record = seeded.get(f"/departments/la-san/feedback/{result['rows'][0]['id']}", token=la).json
    assert (record["received_at"], record["response_hours"]) == ("2018-02-01T17:00:00+00:00", round(4 / 60, 6))


def test_a_retried_import_answers_the_same_and_another_profile_with_the_key_is_a_409(seeded, la):
    text = LA_HEAD + _la_row("1-6000001", "02/05/2018 09:00:00 AM")
    headers = {"Content-Type": "text/csv", "Idempotency-Key": "import-2018-02-05"}
    first = seeded.post("/departments/la-san/feedback/imports?profile=la311", token=la, raw=text, headers=headers)
    again = seeded.post("/departments/la-san/feedback/imports?profile=la311", token=la, raw=text, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json == first.json and first.json["created"] == 1
    other = seeded.post("/departments/la-san/feedback/imports?profile=nyc311", token=la, raw=text, headers=headers)
    assert other.status_code == 409 and other.json["error"]["details"][0]["field"] == "Idempotency-Key"


def test_rows_a_profile_cannot_read_are_rejected_one_by_one(seeded, la):
    # A JSON import through open311 whose rows are not objects, or lack their time
    body = ["638344", {"service_request_id": "1", "status": "open"},
            {"service_request_id": "2", "requested_datetime": "2017-12-04T09:10:00-08:00", "status": "open"}]
    rows = seeded.post("/departments/la-san/feedback/imports?profile=open311", token=la, body=body).json["rows"]
    assert [r["status"] for r in rows] == ["rejected", "rejected", "created"]
    assert rows[0]["errors"][0]["field"] == "row"
    assert rows[1]["errors"][0]["field"] == "requested_datetime"
    # A CSV row with more cells than the header names
    text = LA_HEAD + _la_row("1-7000001", "02/05/2018 09:00:00 AM").replace("\r\n", ",extra\r\n")
    row = import_csv(seeded, la, "la-san", text, "la311").json["rows"][0]
    assert row["status"] == "rejected" and row["errors"][0]["field"] == "row"
    # A profile id that cannot be one
    response = import_csv(seeded, la, "la-san", LA_HEAD, "x" * 65)
    assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == "profile"
