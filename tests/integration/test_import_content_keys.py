"""Imported rows that name no source are known by their content: the content gives the record's
id, so its own key is its dedup guard (one item per row). Retries, races, records stored the old
way (random id + fingerprint guard item) and a department's zone change all still find the copy."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from devtools import issuer
from tests.integration.conftest import department_body

T0 = datetime(2017, 3, 15, 14, 0, tzinfo=timezone.utc)


@pytest.fixture()
def smoc(seeded, tokens) -> str:
    body = department_body("smoc", name="Social Media Operations Center", time_zone="America/New_York")
    assert seeded.post("/departments", token=tokens["ccxo"], body=body).status_code == 201
    return issuer.mint("dcxo", "smoc", name="SMOC DCXO")


def _rows(count: int, start: int = 0) -> list[dict]:
    return [{"channel": "twitter", "received_at": (T0 - timedelta(hours=n)).isoformat(), "nps": n % 11,
             "comment": f"@USPS parcel {n} is late, call me 202-555-0173"} for n in range(start, start + count)]


def _import(api, token, rows):
    response = api.post("/departments/smoc/feedback/imports", token=token, body=rows)
    assert response.status_code == 200, response.body
    return response.json


def _items(prefix: str) -> list:
    from chalicelib.db.items import CxgovItem

    return [item for item in CxgovItem.scan() if item.pk.startswith(prefix)]


def _volume(api, token) -> int:
    return api.get("/departments/smoc/voc-summary?period=2017-03", token=token).json["volume"]


def test_a_row_without_a_source_is_one_item_and_a_re_import_finds_it(seeded, smoc):
    from chalicelib.voc import reconcile as voc_reconcile

    # Given three rows that name no source, imported once
    first = _import(seeded, smoc, _rows(3))
    assert first["created"] == 3
    # Then each is one record item and no guard item was written
    assert len(_items("smoc#FB#")) == 3 and _items("smoc#FBSRC#") == []
    # When the same rows are imported again
    again = _import(seeded, smoc, _rows(3))
    # Then they are duplicates of the records stored first, and nothing was added
    assert [(r["status"], r["id"]) for r in again["rows"]] == [("duplicate", r["id"]) for r in first["rows"]]
    assert _volume(seeded, smoc) == 3 and len(_items("smoc#FB#")) == 3
    assert voc_reconcile.reconcile("smoc")["drift"] == {}


def test_a_copy_written_meanwhile_is_a_duplicate_and_leaves_the_rest_of_its_transaction(seeded, smoc, monkeypatch):
    from chalicelib.voc import ingest_store
    from chalicelib.voc import reconcile as voc_reconcile

    # Given three rows stored by a first import
    first = _import(seeded, smoc, _rows(3))
    # When another import of them and of two new rows sees none stored at its pre-check (as when a
    # concurrent import writes them in between), so all five go to the same transaction
    monkeypatch.setattr(ingest_store, "existing_sources", lambda dept, records: {})
    second = _import(seeded, smoc, _rows(5))
    # Then the three copies fail their records' condition and are answered as duplicates of the
    # stored ids, the two new rows are created, and the counters count five records
    assert [r["status"] for r in second["rows"]] == ["duplicate"] * 3 + ["created"] * 2
    assert [r["id"] for r in second["rows"][:3]] == [r["id"] for r in first["rows"]]
    assert _volume(seeded, smoc) == 5 and len(_items("smoc#FB#")) == 5
    assert voc_reconcile.reconcile("smoc")["drift"] == {}


def test_a_row_stored_the_old_way_with_a_fingerprint_guard_is_still_a_duplicate(seeded, smoc):
    from chalicelib.core import clock
    from chalicelib.voc import store as dal
    from chalicelib.voc import feedback, counters as voc_counters, reconcile as voc_reconcile, records
    from chalicelib.voc.schemas import FeedbackCreate

    # Given a row stored as imports stored rows without a source before: a random id, and a guard
    # item keyed by the content's fingerprint, in the same transaction as its counters
    row = _rows(1)[0]
    record = records.build_record(feedback.department("smoc"), FeedbackCreate.model_validate_json(json.dumps(row)),
                                  clock.now())
    record["dedup"] = ("fingerprint", records.fingerprint(record))
    stored = dal.create(record, voc_counters.contributions(records.facts(record)), actor="v1-import")
    assert len(_items("smoc#FBSRC#")) == 1
    # When the same row is imported now
    again = _import(seeded, smoc, [row])
    # Then it is a duplicate of the old record (found through the old guard), and nothing was added
    assert (again["duplicates"], again["rows"][0]["id"]) == (1, stored["id"])
    assert _volume(seeded, smoc) == 1 and len(_items("smoc#FB#")) == 1
    assert voc_reconcile.reconcile("smoc")["drift"] == {}


def test_a_row_at_a_month_boundary_is_found_after_the_department_changes_its_zone(seeded, smoc, tokens):
    # Given a row received at 23:30 on 31 March in New York (03:30 UTC on 1 April): a March record
    row = {"channel": "email", "received_at": "2017-03-31T23:30:00-04:00", "comment": "where is my parcel"}
    first = _import(seeded, smoc, [row])
    assert first["rows"][0]["id"].startswith("201703")
    # When the department moves to UTC (the row's local month is now April) and imports it again
    moved = seeded.patch("/departments/smoc", token=smoc, body={"time_zone": "UTC"})
    assert moved.status_code == 200, moved.body
    again = _import(seeded, smoc, [row])
    # Then it is still a duplicate of the March record, not a second record in April
    assert (again["duplicates"], again["rows"][0]["id"]) == (1, first["rows"][0]["id"])
    assert len(_items("smoc#FB#")) == 1
