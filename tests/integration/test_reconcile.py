"""The reconcile command over every aggregate scope: a clean department shows 0 drift; an aggregate
item edited directly in the table is reported with the exact counter and delta, and repaired."""
from __future__ import annotations

import json

import boto3

from chalicelib.reporting import reconcile
from devtools import reconcile as command
from tests.integration import audit_helpers as ah
from tests.integration.kpi_helpers import make_kpi, put_measurement


def _bump(dept: str, scope: str, counter: str, by: int) -> None:
    """An edit straight in the table, past the API."""
    boto3.client("dynamodb", region_name="us-east-1").update_item(
        TableName="cxgov", Key={"pk": {"S": dept}, "sk": {"S": f"AGG#{scope}"}},
        UpdateExpression="ADD #c :n", ExpressionAttributeNames={"#c": counter},
        ExpressionAttributeValues={":n": {"N": str(by)}})


def _populate(api, tokens) -> None:
    dcxo = tokens["dcxo-parks"]
    for n in range(3):
        assert api.post("/departments/parks/feedback", token=dcxo, body={
            "channel": "email", "received_at": f"2017-03-0{n + 1}T12:00:00+00:00", "nps": 9}).status_code == 201
    kpi = make_kpi(api, dcxo, "parks")
    make_kpi(api, dcxo, "parks")
    assert put_measurement(api, dcxo, "parks", kpi["id"], "2017-02", value=9).status_code == 200
    assert put_measurement(api, dcxo, "parks", kpi["id"], "2017-03", value=3).status_code == 200
    rec = ah.make_rec(api, tokens)
    ah.drive(api, tokens, rec, "in_progress")
    ah.drive(api, tokens, ah.make_rec(api, tokens), "closed_not_implemented")


def test_a_clean_department_recounts_to_its_aggregates(seeded, tokens):
    _populate(seeded, tokens)
    counted = reconcile.recount("parks")
    assert counted["KPI"] == {"kpi__defined": 2, "kpi__met": 1, "kpi__missed": 0}
    assert counted["REC"]["rec__total"] == 2 and counted["REC"]["rec__unclosed"] == 1
    assert counted["VOC#2017-03"]["voc__volume"] == 3
    report = reconcile.reconcile("parks")
    assert report["drift"] == {}
    assert report["records"] == {"feedback": 3, "recommendations": 2, "kpis": 2}


def test_an_aggregate_edited_in_the_table_is_reported_exactly_and_repaired(seeded, tokens, capsys):
    _populate(seeded, tokens)
    # Given three counters edited directly in the table
    _bump("parks", "VOC#2017-03", "voc__volume", 5)
    _bump("parks", "REC", "rec__unclosed", -1)
    _bump("parks", "KPI", "kpi__met", 2)
    capsys.readouterr()  # the request logs so far
    # Then the command names each one, with what is stored, what the records say and the delta
    assert command.main(["--dept", "parks"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["drift"] == {
        "VOC#2017-03": {"voc__volume": {"stored": 8, "expected": 3, "delta": 5}},
        "REC": {"rec__unclosed": {"stored": 0, "expected": 1, "delta": -1}},
        "KPI": {"kpi__met": {"stored": 3, "expected": 1, "delta": 2}},
    }
    # And the other department is untouched and clean
    assert reconcile.reconcile("harbour")["drift"] == {}
    # When repaired, the counters equal the recount again
    assert command.main(["--dept", "parks", "--repair"]) == 0
    assert json.loads(capsys.readouterr().out)["repaired"] is True
    assert reconcile.reconcile("parks")["drift"] == {}
    summary = seeded.get("/departments/parks/voc-summary?period=2017-03", token=tokens["dcxo-parks"]).json
    assert summary["volume"] == 3


def test_a_counter_that_should_not_exist_is_drift_too(seeded, tokens):
    _populate(seeded, tokens)
    _bump("parks", "REC", "rec__status__closure_requested", 1)
    assert reconcile.reconcile("parks")["drift"] == {
        "REC": {"rec__status__closure_requested": {"stored": 1, "expected": 0, "delta": 1}}}
