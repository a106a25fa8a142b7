"""The import's puts, built without model instances (db/item_codec.py), against what PynamoDB's own
`save()` of the same FeedbackItem / FeedbackSourceItem sends: the same request, byte for byte."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from chalicelib.db import keys
from chalicelib.voc.ids import content_id, parse_id
from chalicelib.voc.store import guard_put, record_put
from chalicelib.db.items import FeedbackItem, FeedbackSourceItem
from chalicelib.voc.records import build_record, fingerprint
from chalicelib.org.departments_schemas import Department
from chalicelib.voc.schemas import FeedbackCreate

NOW = datetime(2017, 4, 2, 12, 30, 15, 123456, tzinfo=timezone.utc)


def _department(target_hours) -> Department:
    return Department.model_validate({
        "id": "parks", "name": "Parks", "dcxo_contact": {"name": "Ann", "email": "ann@example.gov"},
        "response_target_hours": target_hours, "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"],
                                                                  "start": "08:00", "end": "18:00"},
        "time_zone": "America/New_York", "active": True, "version": 3,
        "created_at": "2017-01-01T00:00:00Z", "updated_at": "2017-01-01T00:00:00Z"})


def _model_item(record: dict, actor: str) -> FeedbackItem:
    """The item as v1 built it: a FeedbackItem instance from the record, field by field."""
    open_ = record["actionable"] and record["first_responded_at"] is None
    due = record["due_at"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    return FeedbackItem(
        keys.feedback_pk(record["department"], record["month"]), keys.feedback_sk(record["id"][6:]),
        org_pk=f"{record['department']}#FBOPEN" if open_ else None,
        org_sk=f"{due}#{record['id']}" if open_ else None,
        feedback_id=record["id"], department=record["department"], month=record["month"],
        channel=record["channel"], category=record["category"], actionable=record["actionable"],
        status=record["status"], journey_id=record["journey_id"], comment=record["comment"],
        redactions=record["redactions"] or None, a11=record["a11"] or None, nps=record["nps"],
        csat=record["csat"], ces=record["ces"], source_system=record["source_system"],
        source_id=record["source_id"], received_at=record["received_at"], due_at=record["due_at"],
        first_responded_at=record["first_responded_at"], response_target_hours=record["response_target_hours"],
        out_of_hours=record["out_of_hours"], ever_actionable=record["ever_actionable"],
        reclassified_not_actionable=record["reclassified_not_actionable"],
        reclassification_changes=record["reclassification_changes"], responses=record["responses"],
        classifications=record["classifications"], due_source=record["due_source"],
        survey_offered=record["survey_offered"], survey=record.get("survey") or None,
        created_at=record["created_at"], created_by=actor, updated_at=record["created_at"], updated_by=actor)


BODIES = [
    {"channel": "twitter", "received_at": "2017-03-14T21:05:00-04:00"},
    {"channel": "email", "received_at": "2017-03-31T23:59:59-04:00", "category": "complaint", "actionable": True,
     "comment": "Package 'delivered' but not here. Call me at 202-555-0188 or jane@example.org",
     "csat": 2, "nps": 0, "ces": 7, "a11": {"trust": 1, "ease": 5}, "journey_id": "j-parcel",
     "source_system": "sprinklr", "source_id": "tw-88412190"},
    {"channel": "app_311", "received_at": "2017-02-01T05:00:00Z", "first_responded_at": "2017-02-01T09:12:13Z",
     "actionable": False, "category": "compliment", "comment": "thank you!", "status": "closed",
     "survey_offered": False, "due_at": "2017-02-03T05:00:00Z"},
    {"channel": "phone", "received_at": "2016-12-31T23:30:00-10:00", "survey_offered": True, "nps": 10,
     "comment": "caf\u00e9 \u2615 \U0001f4e6 \u00fcber \"quoted\" \\ back"},
]


@pytest.mark.parametrize("target_hours", [24, 6.5])
@pytest.mark.parametrize("body", BODIES)
def test_a_record_put_is_what_saving_the_model_sends(body, target_hours):
    # Given a record as the import builds it (in a department whose target may be fractional)
    record = build_record(_department(target_hours), FeedbackCreate.model_validate_json(json.dumps(body)), NOW)
    if body.get("survey_offered") is False:  # a Touchpoints-style answer map, nested values
        record["survey"] = {"q1": "Strongly agree", "q2": "", "scores": [4, 5], "nested": {"ok": True}}
    if body["channel"] == "phone":
        record["responses"] = [{"responded_at": "2017-01-01T00:00:00+00:00", "by": "ann", "note": None}]
    # When its put is built without a model instance, and by PynamoDB's save() of the model
    fast = record_put(record, "importer")
    slow = _model_item(record, "importer").get_save_kwargs_from_instance()
    # Then both requests are the same, key order included (what botocore puts on the wire)
    assert fast == slow
    assert json.dumps(fast, default=str) == json.dumps(slow, default=str)


def test_a_guard_put_is_what_saving_the_guard_model_sends():
    record = build_record(_department(24), FeedbackCreate.model_validate_json(json.dumps(BODIES[1])), NOW)
    guard = FeedbackSourceItem(keys.feedback_source_pk("parks", "sprinklr", "tw-88412190"), keys.FEEDBACK_SOURCE_SK,
                               feedback_id=record["id"], source_system="sprinklr", source_id="tw-88412190",
                               created_at=NOW)
    slow = guard.get_save_kwargs_from_instance(condition=FeedbackSourceItem.pk.does_not_exist())
    fast = guard_put(record)
    assert fast == slow and json.dumps(fast) == json.dumps(slow)


def test_a_record_without_a_source_has_no_guard_put():
    record = build_record(_department(24), FeedbackCreate.model_validate_json(json.dumps(BODIES[0])), NOW)
    assert guard_put(record) is None
    record.update(dedup=("fingerprint", fingerprint(record)), keyed_by_content=True)
    assert guard_put(record) is None


def test_a_content_id_is_a_well_formed_id_that_only_the_same_content_and_department_give():
    # Given the same row in the same department twice, another row, and the same row elsewhere
    record = build_record(_department(24), FeedbackCreate.model_validate_json(json.dumps(BODIES[1])), NOW)
    one = content_id(record["month"], record["received_at"], "parks", fingerprint(record))
    again = content_id(record["month"], record["received_at"], "parks", fingerprint(dict(record)))
    other = content_id(record["month"], record["received_at"], "parks", fingerprint({**record, "nps": 1}))
    elsewhere = content_id(record["month"], record["received_at"], "roads", fingerprint(record))
    # Then the id parses like a random one (month, receipt-time ULID) and only the same content maps to it
    assert parse_id(one) == ("2017-03", one[6:]) and one[6:16] == record["id"][6:16]
    assert one == again and len({one, other, elsewhere}) == 3


def test_puts_after_the_first_still_send_what_saving_sends():
    """The condition's expression is serialized once per condition: later puts (other rows, other
    sources) are still each what save() sends, and no request shares a mutable part with another."""
    department = _department(24)
    puts, guards = [], []
    for n, body in enumerate([BODIES[1], BODIES[1], BODIES[3]]):
        body = {**body, "source_system": "sprinklr", "source_id": f"tw-{n}"}
        record = build_record(department, FeedbackCreate.model_validate_json(json.dumps(body)), NOW)
        puts.append((record_put(record, "importer"), _model_item(record, "importer").get_save_kwargs_from_instance()))
        guard = FeedbackSourceItem(keys.feedback_source_pk("parks", "sprinklr", f"tw-{n}"), keys.FEEDBACK_SOURCE_SK,
                                   feedback_id=record["id"], source_system="sprinklr", source_id=f"tw-{n}",
                                   created_at=NOW)
        guards.append((guard_put(record), guard.get_save_kwargs_from_instance(
            condition=FeedbackSourceItem.pk.does_not_exist())))
    for fast, slow in puts + guards:
        assert json.dumps(fast, default=str) == json.dumps(slow, default=str)
    puts[0][0]["ExpressionAttributeNames"]["#0"] = "changed"
    assert puts[1][0]["ExpressionAttributeNames"] == puts[1][1]["ExpressionAttributeNames"]
