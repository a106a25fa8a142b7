"""A department's own import profiles: create, read, list, change, and what is refused."""
from __future__ import annotations

from tests.integration.test_import_profiles import import_csv, la  # noqa: F401

SPRINKLR = {
    "id": "sprinklr", "name": "Sprinklr social inbox", "format": "csv",
    "columns": {"source_id": "Message ID", "received_at": "Created Time", "channel": "Channel",
                "first_responded_at": "First Response Time", "comment": ["Subject", "Message"],
                "a11.satisfaction": "Survey Q1"},
    "values": {"channel": {"TWITTER": "twitter", "FACEBOOK": "facebook", "*": "other"}},
    "datetime_format": "%d/%m/%Y %H:%M", "time_zone": "America/Chicago",
    "defaults": {"source_system": "sprinklr", "category": "question"},
}


def test_a_department_profile_is_created_read_listed_changed_and_used(seeded, la, tokens):
    # Given the DCXO defines the department's Sprinklr export
    created = seeded.post("/departments/la-san/import-profiles", token=la, body=SPRINKLR)
    assert created.status_code == 201, created.body
    assert (created.json["builtin"], created.json["department"], created.json["version"]) == (False, "la-san", 1)
    # Then it reads back and is listed (the ccxo reads it too; another department does not)
    assert seeded.get("/departments/la-san/import-profiles/sprinklr", token=tokens["ccxo"]).json["columns"] == \
        SPRINKLR["columns"]
    assert [p["id"] for p in seeded.get("/departments/la-san/import-profiles", token=la).json["items"]] == ["sprinklr"]
    assert seeded.get("/departments/la-san/import-profiles", token=tokens["dcxo-parks"]).status_code == 403
    # When an export in that format is imported (day/month dates, Chicago time)
    text = ("Message ID,Created Time,Channel,First Response Time,Subject,Message,Survey Q1\r\n"
            "m-1,05/02/2018 09:00,TWITTER,05/02/2018 09:30,Late bus,Route 4 again,2\r\n")
    result = import_csv(seeded, la, "la-san", text, "sprinklr").json
    record = seeded.get(f"/departments/la-san/feedback/{result['rows'][0]['id']}", token=la).json
    assert (record["received_at"], record["channel"], record["category"]) == ("2018-02-05T15:00:00+00:00",
                                                                              "twitter", "question")
    assert record["comment"] == "Late bus - Route 4 again" and record["a11"]["satisfaction"] == 2
    # And a change (with the version read) takes effect; a stale version is a 409
    changed = seeded.patch("/departments/la-san/import-profiles/sprinklr", token=la,
                           body={"time_zone": "America/New_York", "version": 1})
    assert changed.status_code == 200, changed.body
    assert (changed.json["time_zone"], changed.json["version"]) == ("America/New_York", 2)
    stale = seeded.patch("/departments/la-san/import-profiles/sprinklr", token=la,
                         body={"name": "x", "version": 1})
    assert stale.status_code == 409


def test_bad_profiles_are_refused_naming_the_field(seeded, la):
    cases = [
        ({**SPRINKLR, "id": "la311"}, 409, "id"),
        ({**SPRINKLR, "datetime_format": "%H:%M"}, 400, "datetime_format"),
        ({**SPRINKLR, "time_zone": "Mars/Olympus"}, 400, "time_zone"),
        ({**SPRINKLR, "columns": {"channel": "Channel"}}, 400, "columns.received_at"),
        ({**SPRINKLR, "columns": {**SPRINKLR["columns"], "colour": "Colour"}}, 400, "columns.colour"),
        ({**SPRINKLR, "values": {"channel": {"TWITTER": "tweet"}}}, 400, "values.channel.TWITTER"),
        ({**SPRINKLR, "values": {"status": {"Open": "open"}}}, 400, "values.status"),
        ({**SPRINKLR, "defaults": {"category": "rant"}}, 400, "defaults.category"),
        ({**SPRINKLR, "defaults": {"received_at": "now"}}, 400, "defaults.received_at"),
        ({**SPRINKLR, "defaults": {"nps": "high"}}, 400, "defaults.nps"),
        ({**SPRINKLR, "defaults": {"a11.trust": 9}}, 400, "defaults.a11.trust"),
        ({**SPRINKLR, "defaults": {"source_system": "has spaces"}}, 400, "defaults.source_system"),
    ]
    for body, status, field in cases:
        response = seeded.post("/departments/la-san/import-profiles", token=la, body=body)
        assert response.status_code == status, (field, response.body)
        assert field in [d["field"] for d in response.json["error"]["details"]], (field, response.body)
    assert seeded.post("/departments/la-san/import-profiles", token=la, body=SPRINKLR).status_code == 201
    assert seeded.post("/departments/la-san/import-profiles", token=la, body=SPRINKLR).status_code == 409
    patched = seeded.patch("/departments/la-san/import-profiles/sprinklr", token=la,
                           body={"columns": {"channel": "Channel"}})
    assert patched.status_code == 400 and patched.json["error"]["details"][0]["field"] == "columns.received_at"
    assert seeded.get("/departments/la-san/import-profiles/nope", token=la).status_code == 404
