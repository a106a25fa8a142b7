"""db/raw_reads.py: DynamoDB's item dicts for the org-wide reads, botocore's parser skipped only
inside `raw_reads.query` and only for answers without binary values."""
from __future__ import annotations

import base64

from chalicelib.db import aggregates, keys, raw_reads
from chalicelib.db.items import AggregateItem
from chalicelib.db.transactions import transaction
from devtools import callcount


def _client():
    return AggregateItem._get_connection().connection.client


def test_items_come_as_dynamodb_wrote_them_and_only_of_the_model_kind(aws):
    with transaction() as tx:
        aggregates.add_counters(tx, "parks", "VOCFY#FY2017", {"voc__volume": 3, "voc__rt_seconds": 7200})
        aggregates.add_counters(tx, "harbour", "VOCFY#FY2017", {"voc__volume": 1})
    # An item of another kind under the same index key is not the model's (PynamoDB filters it too)
    _client().put_item(TableName=AggregateItem.Meta.table_name, Item={
        "pk": {"S": "zoo"}, "sk": {"S": "OTHER"}, "kind": {"S": "department"},
        "org_pk": {"S": keys.aggregate_org_pk("VOCFY#FY2017")}, "org_sk": {"S": "zoo"}, "name": {"S": "Zoo"}})
    with callcount.counting() as calls:
        items = raw_reads.query(AggregateItem, keys.aggregate_org_pk("VOCFY#FY2017"), index="by_org")
    assert dict(calls) == {"Query": 1}
    assert [item["pk"] for item in items] == [{"S": "harbour"}, {"S": "parks"}]  # by_org's sort key: the id
    assert items[1]["voc__volume"] == {"N": "3"} and items[1]["voc__rt_seconds"] == {"N": "7200"}
    assert aggregates.read_scope_for_all("VOCFY#FY2017") == {
        "harbour": {"voc__volume": 1.0}, "parks": {"voc__volume": 3.0, "voc__rt_seconds": 7200.0}}


def test_projection_and_the_parser_untouched_outside(aws):
    with transaction() as tx:
        aggregates.add_counters(tx, "parks", "REC", {"rec__unclosed": 2})
    items = raw_reads.query(AggregateItem, keys.aggregate_org_pk("REC"), index="by_org",
                            attributes=["pk", "kind"])
    assert items == [{"pk": {"S": "parks"}, "kind": {"S": "aggregate"}}]
    # The same query outside raw_reads is PynamoDB's as before: model instances, typed values
    [item] = list(AggregateItem.by_org.query(keys.aggregate_org_pk("REC")))
    assert item.counters == {"rec__unclosed": 2.0} and item.updated_at.tzinfo is not None


def test_an_answer_with_a_binary_value_goes_through_botocores_parser(aws):
    _client().put_item(TableName=AggregateItem.Meta.table_name, Item={
        "pk": {"S": "parks"}, "sk": {"S": keys.aggregate_sk("BIN")}, "kind": {"S": "aggregate"},
        "org_pk": {"S": keys.aggregate_org_pk("BIN")}, "org_sk": {"S": "parks"}, "blob": {"B": b"\x00\x01cx"}})
    [item] = raw_reads.query(AggregateItem, keys.aggregate_org_pk("BIN"), index="by_org")
    assert item["blob"] == {"B": b"\x00\x01cx"}  # bytes, not the base64 text of the JSON answer
    assert item["blob"]["B"] != base64.b64encode(b"\x00\x01cx")


def test_department_names_in_id_order(aws):
    from chalicelib.core.auth import Principal
    from chalicelib.org import departments, departments_store
    from chalicelib.org.departments_schemas import DepartmentCreate

    ccxo = Principal(subject="t", role="ccxo", department=None)
    for dept, name in (("parks", "Parks"), ("harbour", "Harbour Authority")):
        departments.create_department(DepartmentCreate.model_validate({
            "id": dept, "name": name, "time_zone": "UTC",
            "dcxo_contact": {"name": "A", "email": "a@x.example.gov"}}, strict=False), ccxo, request_key=dept)
    assert list(departments_store.all_names().items()) == [("harbour", "Harbour Authority"), ("parks", "Parks")]
