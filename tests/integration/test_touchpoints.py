"""GSA Touchpoints through HTTP: its A-11 response CSV imported with `?profile=touchpoints`, then
exported for its quarter row for row as it was imported; bad answers rejected naming the column."""
from __future__ import annotations

import csv
import io
import random

from tests.integration.test_a11 import SERVICE, _journey, _rows

COLUMNS = ["external_id", "question_1",
           *(f"positive_{d}" for d in ("effectiveness", "ease", "efficiency", "transparency", "humanity",
                                       "employee", "other")),
           *(f"negative_{d}" for d in ("effectiveness", "ease", "efficiency", "transparency", "humanity",
                                       "employee", "other")),
           "question_4"]


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def _csv(rows: list[list[str]], header=COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _import(api, token, body: str, **query):
    params = "&".join(f"{k}={v}" for k, v in {"profile": "touchpoints", **query}.items())
    return api.post(f"/departments/parks/feedback/imports?{params}", token=token, raw=body,
                    headers={"Content-Type": "text/csv"})


def _responses(rng: random.Random, count: int, thumbs: bool) -> list[list[str]]:
    rows = []
    for n in range(count):
        up = rng.random() < 0.6
        row = [f"tp-{n:04d}", ("1" if up else "0") if thumbs else str(rng.randrange(1, 6))]
        for side in ("positive", "negative"):
            for _ in range(7):
                chosen = (side == "positive") == up
                row.append(rng.choice(["1", "0"]) if chosen else rng.choice(["null", "0", ""]))
        row.append(rng.choice(["", "Quick answer, thank you", "The form kept timing out, twice"]))
        rows.append(row)
    return rows


def test_a_touchpoints_file_round_trips_through_the_quarter_export(seeded, api, tokens):
    # Given a thumbs-up/down journey and a Likert one, and Touchpoints files for each
    rng = random.Random(11)
    thumbs = _journey(api, tokens["dcxo-parks"], a11_service={**SERVICE, "survey_type": "thumbs_up_down"})
    likert = _journey(api, tokens["dcxo-parks"], a11_service={**SERVICE, "service_name": "Permits",
                                                              "survey_type": "likert_scale"})
    thumbs_rows, likert_rows = _responses(rng, 40, True), _responses(rng, 25, False)
    for row in likert_rows:
        row[0] = "lk-" + row[0]
    # When the DCXO imports them for 15 February 2017 (FY2017-Q2)
    for journey, rows in ((thumbs, thumbs_rows), (likert, likert_rows)):
        result = _import(api, tokens["dcxo-parks"], _csv(rows), journey_id=journey["id"],
                         received_at="2017-02-15T12:00:00-06:00")
        assert result.status_code == 200, result.body
        assert (result.json["created"], result.json["rejected"]) == (len(rows), 0), result.json
    # And a later Touchpoints file dated by its own created_at (a Rails UTC time), in March
    dated = [row[:1] + row[1:] for row in _responses(rng, 5, True)]
    for row in dated:
        row[0] = "dt-" + row[0]
    header = [*COLUMNS, "created_at"]
    result = _import(api, tokens["dcxo-parks"], _csv([r + ["2017-03-31 23:30:00 UTC"] for r in dated], header),
                     journey_id=thumbs["id"])
    assert result.status_code == 200 and result.json["created"] == 5, result.body

    # Then the quarter's response export holds exactly the imported rows, byte for byte (order aside)
    export = api.get("/departments/parks/exports/a11-cx-responses.csv?quarter=FY2017-Q2",
                     token=tokens["dcxo-parks"])
    assert export.status_code == 200, export.body
    text = export.body.decode() if isinstance(export.body, bytes) else export.body
    lines = text.split("\r\n")
    assert lines[0] == ",".join(COLUMNS) and lines[-1] == ""
    imported = _csv(thumbs_rows + likert_rows + dated).split("\r\n")[1:-1]
    assert sorted(lines[1:-1]) == sorted(imported)
    # (31 March 23:30 UTC is 18:30 in Chicago: still FY2017-Q2.)
    # And the collection export counts them as respondents on each journey, as a recount says
    collection = {r["service_id"]: r for r in _rows(api.get(
        "/departments/parks/exports/a11-cx-collection.csv?quarter=FY2017-Q2", token=tokens["ccxo"]))}
    assert int(collection[thumbs["id"]]["volume_of_respondents"]) == len(thumbs_rows) + len(dated)
    assert int(collection[likert["id"]]["volume_of_respondents"]) == len(likert_rows)
    assert int(collection[thumbs["id"]]["volume_of_customers_provided_survey_opportunity"]) == 45
    # And a11 satisfaction follows question_1: thumbs up is agree, a Likert 4-5 is agree
    summary = api.get("/departments/parks/voc-summary?period=FY2017-Q2", token=tokens["ccxo"]).json
    ups = sum(r[1] == "1" for r in thumbs_rows + dated) + sum(r[1] in ("4", "5") for r in likert_rows)
    assert abs(summary["a11"]["satisfaction"] - ups / 70) < 1e-6
    # And another quarter holds none of them; the organisation's export holds the same rows
    other = api.get("/departments/parks/exports/a11-cx-responses.csv?quarter=FY2017-Q3", token=tokens["ccxo"])
    assert other.body.decode().split("\r\n")[1:-1] == []
    org = api.get("/exports/a11-cx-responses.csv?quarter=FY2017-Q2", token=tokens["auditor"])
    assert sorted(org.body.decode().split("\r\n")[1:-1]) == sorted(imported)
    # And importing the same file again changes nothing
    again = _import(api, tokens["dcxo-parks"], _csv(thumbs_rows), journey_id=thumbs["id"],
                    received_at="2017-02-15T12:00:00-06:00")
    assert again.json["duplicates"] == len(thumbs_rows) and again.json["created"] == 0


def test_touchpoints_bad_input_names_the_column(seeded, api, tokens):
    thumbs = _journey(api, tokens["dcxo-parks"], a11_service={**SERVICE, "survey_type": "thumbs_up_down"})
    likert = _journey(api, tokens["dcxo-parks"], a11_service={**SERVICE, "survey_type": "likert_scale"})
    plain = _journey(api, tokens["dcxo-parks"])
    good = ["ok-1", "1", *["null"] * 14, ""]
    when = {"received_at": "2017-02-15T12:00:00-06:00"}
    # A question_1 of 7, a thumbs 3, a driver of 2: each row rejected naming its column, the good row kept
    rows = [good, ["b-1", "7", *["null"] * 14, ""], ["b-2", "1", "2", *["null"] * 13, ""]]
    result = _import(api, tokens["dcxo-parks"], _csv(rows), journey_id=likert["id"], **when)
    assert result.status_code == 200, result.body
    by_row = {r["row"]: r for r in result.json["rows"]}
    assert by_row[1]["status"] == "created"
    assert [e["field"] for e in by_row[2]["errors"]] == ["question_1"]
    assert [e["field"] for e in by_row[3]["errors"]] == ["positive_effectiveness"]
    thumbs_bad = _import(api, tokens["dcxo-parks"], _csv([["b-3", "3", *["null"] * 14, ""]]),
                         journey_id=thumbs["id"], **when)
    assert [e["field"] for e in thumbs_bad.json["rows"][0]["errors"]] == ["question_1"]
    # No journey, a journey without an A-11 service, another department's or unknown journey: 400 on journey_id
    for query in ({}, {"journey_id": plain["id"]}, {"journey_id": "f" * 32}):
        response = _import(api, tokens["dcxo-parks"], _csv([good]), **query, **when)
        assert response.status_code == 400 and _fields(response) == {"journey_id"}, (query, response.body)
    # A header without a Touchpoints column, or without created_at and no received_at: 400 naming it
    response = _import(api, tokens["dcxo-parks"], _csv([good[:-1]], COLUMNS[:-1]), journey_id=thumbs["id"], **when)
    assert response.status_code == 400 and _fields(response) == {"question_4"}
    response = _import(api, tokens["dcxo-parks"], _csv([good]), journey_id=thumbs["id"])
    assert response.status_code == 400 and _fields(response) == {"created_at"}
    # received_at for another profile is refused naming it
    response = api.post("/departments/parks/feedback/imports?received_at=2017-02-15T12:00:00Z",
                        token=tokens["dcxo-parks"], body=[{"channel": "web", "received_at": "2017-02-01T00:00:00Z"}])
    assert response.status_code == 400 and _fields(response) == {"received_at"}
    # And nothing of the refused imports was written: only the one good row and nothing else
    listed = api.get("/departments/parks/feedback?limit=200", token=tokens["ccxo"]).json["items"]
    assert [f["source_id"] for f in listed] == ["ok-1"]
