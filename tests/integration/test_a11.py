"""OMB A-11 §280 reporting through HTTP: a journey's A-11 service, federal fiscal quarters, the
quarterly CX collection export in Touchpoints' layout with volumes recounted here."""
from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.integration.conftest import department_body

SERVICE = {"service_provider": "Parks Customer Service", "service_name": "Book a picnic shelter",
           "transaction_point": "post_interaction", "channel": "website", "survey_type": "likert_scale",
           "survey_title": "Shelter booking feedback", "omb_control_number": "1090-0011",
           "trust_question_text": "This interaction increased my trust in the Parks department."}
COLUMNS = ["id", "organization_id", "organization_abbreviation", "organization_name", "cx_collection_id",
           "cx_collection_fiscal_year", "cx_collection_quarter", "cx_collection_name",
           "cx_collection_service_provider_id", "cx_collection_service_provider_name",
           "cx_collection_service_provider_slug", "service_id", "service_name", "transaction_point",
           "channel", "service_stage_id", "service_stage_name", "service_stage_position",
           "service_stage_count", "volume_of_customers", "volume_of_customers_provided_survey_opportunity",
           "volume_of_respondents", "omb_control_number", "survey_type", "survey_title",
           "trust_question_text", "created_at", "updated_at"]
CHICAGO = ZoneInfo("America/Chicago")  # parks' zone in the fixtures


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def _journey(api, token, **extra):
    created = api.post("/departments/parks/journeys", token=token,
                       body={"name": "Book a picnic shelter", "channels": ["web", "phone"], **extra})
    assert created.status_code == 201, created.body
    return created.json


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith("text/csv")
    reader = csv.reader(io.StringIO(response.body.decode() if isinstance(response.body, bytes) else response.body))
    header = next(reader)
    assert header == COLUMNS
    return [dict(zip(header, row)) for row in reader]


def test_a_journey_keeps_its_a11_service(seeded, api, tokens):
    # Given a parks journey created with an A-11 service
    journey = _journey(api, tokens["dcxo-parks"], a11_service=SERVICE)
    # Then it reads back with it, exactly
    read = api.get(f"/departments/parks/journeys/{journey['id']}", token=tokens["ccxo"]).json
    assert read["a11_service"] == SERVICE
    # And a journey without one says null
    plain = _journey(api, tokens["dcxo-parks"])
    assert plain["a11_service"] is None
    # When the DCXO changes it to a thumbs survey without an OMB number
    changed = {**SERVICE, "survey_type": "thumbs_up_down", "omb_control_number": None}
    patched = api.patch(f"/departments/parks/journeys/{plain['id']}", token=tokens["dcxo-parks"],
                        body={"a11_service": {k: v for k, v in changed.items() if v is not None}})
    assert patched.status_code == 200, patched.body
    assert patched.json["a11_service"] == changed


def test_a11_service_input_is_checked_field_by_field(seeded, api, tokens):
    for field, value in (("transaction_point", "after_call"), ("channel", "twitter"),
                         ("survey_type", "stars"), ("omb_control_number", "12345"), ("service_name", "")):
        response = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"], body={
            "name": "J", "channels": ["web"], "a11_service": {**SERVICE, field: value}})
        assert response.status_code == 400, (field, response.body)
        assert f"a11_service.{field}" in _fields(response), response.json
    missing = {k: v for k, v in SERVICE.items() if k != "survey_title"}
    response = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"],
                        body={"name": "J", "channels": ["web"], "a11_service": missing})
    assert response.status_code == 400 and "a11_service.survey_title" in _fields(response)
    # And nothing was written
    assert api.get("/departments/parks/journeys", token=tokens["ccxo"]).json["items"] == []


def test_fiscal_quarters_are_periods_everywhere(seeded, api, tokens):
    # Given one post on 31 Dec 2016 23:30 and one on 1 Jan 2017 00:30, Chicago time
    for moment in ("2016-12-31T23:30:00-06:00", "2017-01-01T00:30:00-06:00"):
        assert api.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body={
            "channel": "web", "received_at": moment, "category": "question"}).status_code == 201
    # Then FY2017-Q1 (Oct-Dec 2016) holds the first and FY2017-Q2 (Jan-Mar 2017) the second
    for quarter, volume in (("FY2017-Q1", 1), ("FY2017-Q2", 1), ("FY2017", 2)):
        summary = api.get(f"/departments/parks/voc-summary?period={quarter}", token=tokens["ccxo"])
        assert summary.status_code == 200, summary.body
        assert summary.json["period"] == quarter and summary.json["volume"] == volume
    # And a fifth quarter is refused naming the period
    bad = api.get("/departments/parks/voc-summary?period=FY2017-Q5", token=tokens["ccxo"])
    assert bad.status_code == 400 and "period" in _fields(bad)


def test_the_collection_export_counts_what_a_recount_says(seeded, api, tokens):
    # Given two journeys with A-11 services, one without, and a year of feedback on them
    rng = random.Random(280)
    booking = _journey(api, tokens["dcxo-parks"], a11_service=SERVICE)
    permits = _journey(api, tokens["dcxo-parks"], a11_service={
        **SERVICE, "service_name": "Apply for an event permit", "channel": "in_person",
        "transaction_point": "post_service_journey"})
    other = _journey(api, tokens["dcxo-parks"])
    start = datetime(2016, 12, 20, tzinfo=CHICAGO)
    sent = []
    for n in range(120):
        received = start + timedelta(hours=rng.randrange(0, 24 * 120))
        journey = rng.choice([booking, permits, other, None])
        row = {"channel": "web", "received_at": received.isoformat(), "category": "question",
               "source_system": "test", "source_id": f"a11-{n}"}
        if journey:
            row["journey_id"] = journey["id"]
        if rng.random() < 0.5:
            row["a11"] = {"satisfaction": rng.randrange(1, 6)}
        elif rng.random() < 0.3:
            row["csat"] = rng.randrange(1, 6)
        sent.append(row)
    imported = api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=sent)
    assert imported.status_code == 200 and imported.json["created"] == 120, imported.body

    # When the DCXO exports FY2017-Q2 (January-March 2017)
    rows = _rows(api.get("/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2",
                         token=tokens["dcxo-parks"]))

    # Then there is one row journey, with the volumes an independent count gives
    def in_q2(row):
        local = datetime.fromisoformat(row["received_at"]).astimezone(CHICAGO)
        return datetime(2017, 1, 1).date() <= local.date() < datetime(2017, 4, 1).date()

    assert {r["service_id"] for r in rows} == {booking["id"], permits["id"]}
    for journey in (booking, permits):
        mine = [r for r in sent if r.get("journey_id") == journey["id"] and in_q2(r)]
        answered = [r for r in mine if "a11" in r or "csat" in r]
        row = next(r for r in rows if r["service_id"] == journey["id"])
        assert int(row["volume_of_customers"]) == len(mine) > 0
        assert int(row["volume_of_respondents"]) == len(answered) > 0
        assert int(row["volume_of_customers_provided_survey_opportunity"]) == len(answered)
        service = journey["a11_service"]
        assert (row["service_name"], row["transaction_point"], row["channel"], row["survey_type"],
                row["survey_title"], row["omb_control_number"], row["trust_question_text"]) == (
            service["service_name"], service["transaction_point"], service["channel"],
            service["survey_type"], service["survey_title"], service["omb_control_number"],
            service["trust_question_text"])
        assert (row["cx_collection_fiscal_year"], row["cx_collection_quarter"]) == ("2017", "2")
        assert row["cx_collection_service_provider_slug"] == "parks-customer-service"
        assert row["cx_collection_id"] == "parks-customer-service-FY2017-Q2"
    # And the organisation's export holds the same rows
    org = _rows(api.get("/exports/a11-cx-collection.csv?quarter=FY2017-Q2", token=tokens["ccxo"]))
    assert sorted(org, key=lambda r: r["id"]) == sorted(rows, key=lambda r: r["id"])
    # And one journey can be asked for alone
    one = _rows(api.get(f"/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2"
                        f"&journey_id={permits['id']}", token=tokens["auditor"]))
    assert [r["service_id"] for r in one] == [permits["id"]]


def test_collection_export_bad_input(seeded, api, tokens):
    plain = _journey(api, tokens["dcxo-parks"])
    for quarter in ("2017-Q2", "FY2017-Q5", "FY2017", "FY17-Q2", ""):
        response = api.get(f"/departments/parks/exports/a11-cx-collection.csv?quarter={quarter}",
                           token=tokens["dcxo-parks"])
        assert response.status_code == 400 and _fields(response) == {"quarter"}, (quarter, response.body)
    missing = api.get("/departments/parks/exports/a11-cx-collection.csv", token=tokens["dcxo-parks"])
    assert missing.status_code == 400 and _fields(missing) == {"quarter"}
    # A journey without an A-11 service, asked for by name, is a 400 naming journey_id
    response = api.get(f"/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2"
                       f"&journey_id={plain['id']}", token=tokens["dcxo-parks"])
    assert response.status_code == 400 and _fields(response) == {"journey_id"}
    # Another department's journey id is not found in parks, and harbour's DCXO cannot export parks
    harbour = api.post("/departments/harbour/journeys", token=tokens["dcxo-harbour"], body={
        "name": "Moorings", "channels": ["web"], "a11_service": SERVICE}).json
    response = api.get(f"/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2"
                       f"&journey_id={harbour['id']}", token=tokens["dcxo-parks"])
    assert response.status_code == 404 and "Moorings" not in str(response.body)
    forbidden = api.get("/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2",
                        token=tokens["dcxo-harbour"])
    assert forbidden.status_code == 403
    org = api.get("/exports/a11-cx-collection.csv?quarter=FY2017-Q2", token=tokens["dcxo-parks"])
    assert org.status_code == 403
