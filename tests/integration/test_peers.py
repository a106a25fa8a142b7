"""Peers outside the organisation (issue 29) on moto: peer sets in the MyLA311 and NYC 311 layouts
uploaded through the import-job path, their figures against the test's own computation
(tests/integration/peer_helpers.py), re-uploads keyed by source id, who may write."""
from __future__ import annotations

from datetime import date

import pytest

from tests.integration import import_helpers
from tests.integration import peer_helpers as peers

LA_TARGET, NYC_TARGET = 72, 48


def _assert_figures(items: list[dict], want: dict, period: str) -> None:
    got = {(i["group"], i["service_type"]): i for i in items}
    assert set(got) == set(want), (sorted(got, key=str), sorted(want, key=str))
    for key, expected in want.items():
        item = got[key]
        assert item["period"] == period
        assert (item["volume"], item["closed"]) == (expected["volume"], expected["closed"]), key
        for name in ("mean", "median", "p90"):
            assert item["hours_to_close"][name] == pytest.approx(expected[name], abs=1e-5), (key, name)
        assert item["within_target_share"] == pytest.approx(expected["within_target_share"], abs=1e-6), key
        assert item["a11"] is None


def _la_set(api, tokens) -> str:
    created = peers.create_set(api, tokens["ccxo"], target_hours=LA_TARGET)
    assert created.status_code == 201, created.body
    return created.json["id"]


def _nyc_set(api, tokens) -> str:
    created = peers.create_set(api, tokens["ccxo"], name="NYC 311 2018 Q1", publisher="City of New York",
                               retrieved_on="2018-03-20", profile="nyc311", group_column="Agency",
                               service_column="Complaint Type", target_hours=NYC_TARGET)
    assert created.status_code == 201, created.body
    return created.json["id"]


def test_a_myla311_set_uploaded_as_a_job_has_the_figures_computed_here(seeded, tokens, monkeypatch):
    # Given a MyLA311 export of 400 requests (Q4 2017) plus a row closed before it was created
    import_helpers.set_up(monkeypatch)
    rows = peers.la_rows(400)
    bad = dict(rows[0], SRNumber="1-9999999", ClosedDate="09/01/2017 10:00:00 AM", Status="Closed")
    set_id = _la_set(seeded, tokens)
    # When the CCXO uploads it and the worker runs
    job = peers.upload(seeded, tokens["ccxo"], set_id, peers.csv_bytes(peers.LA_HEADER, rows + [bad]))
    # Then every row is read, the bad one rejected by its column
    assert job["status"] == "completed", job
    assert (job["rows_done"], job["created"], job["duplicates"], job["rejected"]) == (401, 400, 0, 1), job
    # And the figures of the quarter and of one month equal the test's own computation
    facts = [peers.la_facts(r) for r in rows]
    for period, months in (("2017-Q4", ["2017-10", "2017-11", "2017-12"]), ("2017-11", ["2017-11"])):
        read = seeded.get(f"/peer-sets/{set_id}/figures?period={period}", token=tokens["auditor"])
        assert read.status_code == 200, read.body
        want = peers.expected_figures(facts, months, LA_TARGET, date(2018, 1, 5))
        _assert_figures(read.json["items"], want, period)
    # And a DCXO reads them too (peer data is read by every role)
    assert seeded.get(f"/peer-sets/{set_id}/figures?period=2017-Q4", token=tokens["dcxo-parks"]).status_code == 200


def test_an_nyc311_set_uses_each_due_date_and_a_reupload_replaces_nothing_twice(seeded, tokens, monkeypatch):
    # Given an NYC 311 export (Q1 2018, most rows with their own Due Date) uploaded once
    import_helpers.set_up(monkeypatch)
    rows = peers.nyc_rows(300)
    set_id = _nyc_set(seeded, tokens)
    first = peers.upload(seeded, tokens["ccxo"], set_id, peers.csv_bytes(peers.NYC_HEADER, rows))
    assert (first["status"], first["created"], first["rejected"]) == ("completed", 300, 0), first
    # When the same file is uploaded again, and then one with a request closed later and a new one
    again = peers.upload(seeded, tokens["ccxo"], set_id, peers.csv_bytes(peers.NYC_HEADER, rows))
    assert (again["created"], again["updated"], again["duplicates"]) == (0, 0, 300), again
    changed = dict(rows[5], **{"Closed Date": "03/30/2018 11:00:00 PM", "Status": "Closed"})
    extra = dict(rows[6], **{"Unique Key": "38999999"})
    rows = rows[:5] + [changed] + rows[6:] + [extra]
    third = peers.upload(seeded, tokens["ccxo"], set_id, peers.csv_bytes(peers.NYC_HEADER, [changed, extra]))
    assert (third["created"], third["updated"], third["duplicates"]) == (1, 1, 0), third
    # Then the figures count each source row once, as it stands now
    facts = [peers.nyc_facts(r) for r in rows]
    months = ["2018-01", "2018-02", "2018-03"]
    read = seeded.get(f"/peer-sets/{set_id}/figures?period=2018-Q1", token=tokens["ccxo"])
    assert read.status_code == 200, read.body
    want = peers.expected_figures(facts, months, NYC_TARGET, date(2018, 3, 20))
    assert sum(v["volume"] for (g, s), v in want.items() if s is None) == 301
    _assert_figures(read.json["items"], want, "2018-Q1")


def test_only_the_ccxo_writes_peer_sets_and_every_role_reads_them(seeded, tokens, monkeypatch):
    import_helpers.set_up(monkeypatch)
    for role in ("dcxo-parks", "auditor"):
        assert peers.create_set(seeded, tokens[role]).status_code == 403, role
    set_id = _la_set(seeded, tokens)
    for role in ("dcxo-parks", "auditor"):
        refused = seeded.post(f"/peer-sets/{set_id}/uploads", token=tokens[role],
                              body={"file_name": "x.csv", "content_type": "text/csv"})
        assert refused.status_code == 403, role
    for role in ("ccxo", "auditor", "dcxo-parks"):
        listed = seeded.get("/peer-sets", token=tokens[role])
        assert listed.status_code == 200 and [s["id"] for s in listed.json["items"]] == [set_id], role
        assert seeded.get(f"/peer-sets/{set_id}", token=tokens[role]).json["group_column"] == "Owner"
    # Peer sets are not departments: the department listing and its count do not change
    departments = seeded.get("/departments", token=tokens["ccxo"]).json["items"]
    assert all(not d["id"].upper().startswith("PEER") for d in departments)
    # Bad input names the field
    bad = peers.create_set(seeded, tokens["ccxo"], kind="a11_responses")
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "profile", bad.body
    missing = seeded.get(f"/peer-sets/{set_id}/figures", token=tokens["ccxo"])
    assert missing.status_code == 400 and missing.json["error"]["details"][0]["field"] == "period"
    assert seeded.get("/peer-sets/0123456789abcdef0123456789abcdef", token=tokens["ccxo"]).status_code == 404


def test_a_department_compared_on_median_hours_and_within_target_share(seeded, tokens, monkeypatch):
    import statistics
    from datetime import datetime, timedelta, timezone

    # Given an LA set (Q4 2017) and an NYC set (Q1 2018), both in FY2018
    import_helpers.set_up(monkeypatch)
    la_rows, nyc_rows = peers.la_rows(150, seed=3), peers.nyc_rows(150, seed=5)
    la_id, nyc_id = _la_set(seeded, tokens), _nyc_set(seeded, tokens)
    assert peers.upload(seeded, tokens["ccxo"], la_id, peers.csv_bytes(peers.LA_HEADER, la_rows))["created"] == 150
    assert peers.upload(seeded, tokens["ccxo"], nyc_id, peers.csv_bytes(peers.NYC_HEADER, nyc_rows))["created"] == 150
    # And parks' feedback in December 2017, first responses after 1, 200, 240, 300 and 400 hours
    # (its median, 240 h, and its within-target share, 1 of 5, fall among the peers')
    start = datetime(2017, 12, 4, 15, 0, tzinfo=timezone.utc)
    for n, hours in enumerate((1, 200, 240, 300, 400)):
        received = start + timedelta(days=n)
        made = seeded.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body={
            "channel": "phone", "received_at": received.isoformat(), "comment": "the swings are broken",
            "first_responded_at": (received + timedelta(hours=hours)).isoformat()})
        assert made.status_code == 201, made.body
    # When the DCXO maps parks to six peer groups (one absent from the data) and asks for each measure
    mapping = [(la_id, "BOS", None), (la_id, "LADBS", None), (la_id, "OCB", "Bulky Items"),
               (nyc_id, "DSNY", None), (nyc_id, "DPR", None), (nyc_id, "DOT", "Street Condition"),
               (nyc_id, "NOPE", None)]
    body = {"groups": [{"peer_set_id": s, "group": g, "service_type": t} for s, g, t in mapping]}
    put = seeded.put("/departments/parks/peer-mapping", token=tokens["dcxo-parks"], body=body)
    assert put.status_code == 200, put.body
    assert seeded.put("/departments/parks/peer-mapping", token=tokens["auditor"], body=body).status_code == 403
    unknown = seeded.put("/departments/parks/peer-mapping", token=tokens["ccxo"], body={"groups": [
        {"peer_set_id": "0" * 32, "group": "BOS"}]})
    assert unknown.status_code == 400 and unknown.json["error"]["details"][0]["field"] == "groups.0.peer_set_id"
    # Then the peers' values, distribution and percentile equal the test's own computation
    fy = [f"2017-{m:02d}" for m in (10, 11, 12)] + [f"2018-{m:02d}" for m in range(1, 10)]
    own = {la_id: peers.expected_figures([peers.la_facts(r) for r in la_rows], fy, LA_TARGET, date(2018, 1, 5)),
           nyc_id: peers.expected_figures([peers.nyc_facts(r) for r in nyc_rows], fy, NYC_TARGET, date(2018, 3, 20))}
    summary = seeded.get("/departments/parks/voc-summary?period=FY2018", token=tokens["dcxo-parks"]).json
    for measure, name, department, lower_better in (
            ("median_hours_to_close", "median", 240.0, True),
            ("within_target_share", "within_target_share", summary["within_target_share"], False)):
        read = seeded.get(f"/departments/parks/benchmarks/peers?measure={measure}&period=FY2018",
                          token=tokens["dcxo-parks"])
        assert read.status_code == 200, read.body
        answer = read.json
        assert answer["department"] == pytest.approx(department, abs=1e-6), answer
        values = [own[s][(g, t)][name] if (g, t) in own[s] else None for s, g, t in mapping]
        assert [p["value"] for p in answer["peers"]] == pytest.approx(values, abs=1e-5)
        assert [p["volume"] for p in answer["peers"]] == [own[s][(g, t)]["volume"] if (g, t) in own[s] else 0
                                                          for s, g, t in mapping]
        present = [v for v in values if v is not None]
        quartiles = statistics.quantiles(present, n=4, method="inclusive")
        assert answer["distribution"] == pytest.approx({"min": min(present), "p25": quartiles[0],
                                                        "median": quartiles[1], "p75": quartiles[2],
                                                        "max": max(present)}, abs=1e-5)
        beaten = sum(1 for v in present if (department < v if lower_better else department > v))
        assert 0 < beaten < len(present)  # the department is among its peers, not above or below all
        assert answer["percentile"] == pytest.approx(100 * beaten / len(present), abs=0.01)
    # And another department's DCXO cannot read parks' comparison
    other = seeded.get("/departments/parks/benchmarks/peers?measure=volume&period=FY2018",
                       token=tokens["dcxo-harbour"])
    assert other.status_code == 403


def test_an_a11_set_in_touchpoints_layout_gives_each_drivers_share_agreeing(seeded, tokens, monkeypatch):
    import random

    # Given Touchpoints A-11 responses of two federal services (a `service_provider` column names them)
    import_helpers.set_up(monkeypatch)
    drivers = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other")
    rnd, rows = random.Random(29), []
    for i in range(80):
        row = {"external_id": f"tp-{i}", "created_at": f"2018-02-{1 + i % 27:02d}T1{i % 10}:00:00+00:00",
               "service_provider": rnd.choice(["IRS", "SSA"]), "question_1": rnd.choice(["0", "1"]),
               "question_4": ""}
        for d in drivers:
            pos, neg = rnd.choice([("1", "0"), ("0", "1"), ("null", "null"), ("1", "1"), ("", "")])
            row[f"positive_{d}"], row[f"negative_{d}"] = pos, neg
        rows.append(row)
    created = peers.create_set(seeded, tokens["ccxo"], name="A-11 FY2018 Q2", publisher="performance.gov",
                               retrieved_on="2018-04-02", kind="a11_responses", profile="touchpoints",
                               group_column="service_provider", service_column=None, target_hours=None)
    assert created.status_code == 201, created.body
    header = ["external_id", "created_at", "service_provider", "question_1",
              *(f"positive_{d}" for d in drivers), *(f"negative_{d}" for d in drivers), "question_4"]
    job = peers.upload(seeded, tokens["ccxo"], created.json["id"], peers.csv_bytes(header, rows))
    assert (job["status"], job["created"], job["rejected"]) == ("completed", 80, 0), job
    # When the figures of February are read
    read = seeded.get(f"/peer-sets/{created.json['id']}/figures?period=2018-02", token=tokens["auditor"])
    assert read.status_code == 200, read.body
    # Then each service's share agreeing per driver is the share of those who ticked it positive only
    # among those who ticked it at all, as computed here
    names = {"employee": "employee_helpfulness"}
    for item in read.json["items"]:
        mine = [r for r in rows if r["service_provider"] == item["group"]]
        assert item["service_type"] is None and item["volume"] == len(mine) and item["closed"] == 0
        want = {}
        for d in drivers[:-1]:
            asked = [r for r in mine if "1" in (r[f"positive_{d}"], r[f"negative_{d}"])]
            agree = [r for r in asked if r[f"positive_{d}"] == "1" and r[f"negative_{d}"] != "1"]
            want[names.get(d, d)] = len(agree) / len(asked) if asked else None
        assert item["a11"] == pytest.approx(want, abs=1e-6), item["group"]
    assert sorted(i["group"] for i in read.json["items"]) == ["IRS", "SSA"]


def test_an_open311_set_as_a_json_array_reads_closings_of_closed_requests_only(seeded, tokens, monkeypatch):
    import json
    import random
    from datetime import datetime, timedelta, timezone

    # Given GeoReport v2 requests (times with an offset; `updated_datetime` is a closing only when
    # `status` is closed; `expected_datetime` the request's own due time where given)
    import_helpers.set_up(monkeypatch)
    rnd, rows, facts = random.Random(311), [], []
    zone = timezone(timedelta(hours=-5))
    for i in range(60):
        created = datetime(2018, 1, 28, tzinfo=zone) + timedelta(minutes=rnd.randrange(0, 8 * 24 * 60))
        status = rnd.choice(["open", "closed", "closed"])
        updated = created + timedelta(minutes=rnd.randrange(5, 6 * 24 * 60))
        due = created + timedelta(hours=rnd.choice([24, 96])) if rnd.random() < 0.6 else None
        row = {"service_request_id": f"req-{i}", "status": status, "service_name": rnd.choice(["Pothole", "Graffiti"]),
               "agency_responsible": rnd.choice(["Public Works", "Streets"]), "requested_datetime": created.isoformat(),
               "updated_datetime": updated.isoformat(), "description": "", "service_code": "001"}
        if due:
            row["expected_datetime"] = due.isoformat()
        rows.append(row)
        utc = created.astimezone(timezone.utc)
        facts.append({"id": row["service_request_id"], "group": row["agency_responsible"], "service": row["service_name"],
                      "created": utc, "month": utc.strftime("%Y-%m"),
                      "closed": updated.astimezone(timezone.utc) if status == "closed" else None,
                      "due": due.astimezone(timezone.utc) if due else None})
    created = peers.create_set(seeded, tokens["ccxo"], name="Open311 city", publisher="A city", profile="open311",
                               retrieved_on="2018-02-10", group_column="agency_responsible",
                               service_column="service_name", target_hours=48)
    assert created.status_code == 201, created.body
    job = peers.upload(seeded, tokens["ccxo"], created.json["id"], json.dumps(rows).encode(),
                       content_type="application/json", file_name="requests.json")
    assert (job["status"], job["file_format"], job["created"], job["rejected"]) == ("completed", "json", 60, 0), job
    # Then the figures of February (months in UTC for a profile without a zone) are the test's own
    read = seeded.get(f"/peer-sets/{created.json['id']}/figures?period=2018-02", token=tokens["dcxo-parks"])
    assert read.status_code == 200, read.body
    _assert_figures(read.json["items"], peers.expected_figures(facts, ["2018-02"], 48, date(2018, 2, 10)), "2018-02")
