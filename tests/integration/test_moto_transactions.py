"""tests/moto_transactions.py (the test-speed patch of moto's TransactWriteItems) keeps moto's
answers: a transaction applies all its actions or, cancelled, leaves every table as it was."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws


def _scan(client, table: str) -> list[dict]:
    items = client.scan(TableName=table, ConsistentRead=True)["Items"]
    return sorted(items, key=repr)


@pytest.fixture()
def client():
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(TableName="pair", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "S"}])
        ddb.create_table(TableName="single", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        for n in range(30):
            ddb.put_item(TableName="pair", Item={"pk": {"S": f"p{n % 3}"}, "sk": {"S": f"s{n}"}, "n": {"N": str(n)},
                                                 "tags": {"L": [{"S": "a"}, {"M": {"x": {"N": "1"}}}]}})
            ddb.put_item(TableName="single", Item={"id": {"S": f"i{n}"}, "n": {"N": str(n)}})
        yield ddb


def _actions(condition_holds: bool) -> list[dict]:
    return [
        {"Put": {"TableName": "pair", "Item": {"pk": {"S": "p9"}, "sk": {"S": "new"}, "n": {"N": "1"}}}},
        {"Put": {"TableName": "pair", "Item": {"pk": {"S": "p0"}, "sk": {"S": "s0"}, "n": {"N": "100"}}}},
        {"Update": {"TableName": "pair", "Key": {"pk": {"S": "p1"}, "sk": {"S": "s1"}},
                    "UpdateExpression": "SET n = n + :one, tags[1].x = :one REMOVE gone",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Update": {"TableName": "single", "Key": {"id": {"S": "created-by-update"}},
                    "UpdateExpression": "SET n = :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": "single", "Key": {"id": {"S": "i2"}}}},
        {"ConditionCheck": {"TableName": "single", "Key": {"id": {"S": "i3"}},
                            "ConditionExpression": "n = :n",
                            "ExpressionAttributeValues": {":n": {"N": "3" if condition_holds else "4"}}}},
    ]


def test_a_cancelled_transaction_leaves_every_table_as_it_was(client):
    from moto.dynamodb.models import dynamodb_backends

    tables = dynamodb_backends["123456789012"]["us-east-1"].tables
    before = {t: _scan(client, t) for t in ("pair", "single")}
    objects = {t: tables[t] for t in ("pair", "single")}
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(TransactItems=_actions(condition_holds=False))
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None"] * 5 + ["ConditionalCheckFailed"]
    assert {t: _scan(client, t) for t in ("pair", "single")} == before
    assert all(tables[t] is objects[t] for t in objects)  # no whole-table copy was swapped in


def test_two_actions_on_one_item_are_refused_and_nothing_is_written(client):
    before = {t: _scan(client, t) for t in ("pair", "single")}
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "single", "Item": {"id": {"S": "i0"}, "n": {"N": "7"}}}},
            {"Delete": {"TableName": "single", "Key": {"id": {"S": "i0"}}}}])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert {t: _scan(client, t) for t in ("pair", "single")} == before


def test_a_transaction_that_holds_applies_every_action(client):
    client.transact_write_items(TransactItems=_actions(condition_holds=True))
    pair = {(i["pk"]["S"], i["sk"]["S"]): i for i in _scan(client, "pair")}
    single = {i["id"]["S"]: i for i in _scan(client, "single")}
    assert pair[("p9", "new")]["n"] == {"N": "1"} and pair[("p0", "s0")]["n"] == {"N": "100"}
    assert pair[("p1", "s1")]["n"] == {"N": "2"} and pair[("p1", "s1")]["tags"]["L"][1]["M"]["x"] == {"N": "1"}
    assert single["created-by-update"]["n"] == {"N": "1"} and "i2" not in single and len(single) == 30
