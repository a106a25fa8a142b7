"""The aggregate counters' Update built directly (db/aggregates.py `update_request`, the bulk
import's hot path) against what PynamoDB's own `TransactWrite.update` of the same actions sends:
the same request, byte for byte, for generated counter names, values, scopes and both by_org modes."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st
from pynamodb.expressions.operand import Path

from chalicelib.core import clock
from chalicelib.db import aggregates, connection, keys
from chalicelib.db.items import AggregateItem, CxgovItem
from chalicelib.db.transactions import Transaction

# Counter names as add_counters allows them, with the attribute names its SET actions use mixed in
# (a counter named like one keeps the SET's placeholder in PynamoDB's request).
NAMES = st.one_of(st.from_regex(r"[a-z0-9_\-:]{1,24}", fullmatch=True),
                  st.sampled_from(["kind", "org_pk", "org_sk", "updated_at", "voc__volume", "rt__m7"]))
INCREMENTS = st.dictionaries(NAMES, st.integers(min_value=-10**12, max_value=10**12), max_size=40)
SCOPES = st.sampled_from(["VOC#2017-03", "VOCHR#2017-03-01T05", "VOCFY#FY2017", "VOCDUE#2017-03#2017-03-02",
                          "REC", "KPI"])
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(timezone.utc))


def _pynamodb_request(dept: str, scope: str, increments: dict, org_index: bool, now: datetime) -> dict:
    """What add_counters sent before: PynamoDB's expression objects, written out here again."""
    tx = Transaction(connection=connection.for_meta(CxgovItem.Meta))
    actions = [Path(name).add(value) for name, value in increments.items() if value]
    actions.append(AggregateItem.kind.set(AggregateItem))
    if org_index:
        actions += [AggregateItem.org_pk.set(f"AGG#{scope}"), AggregateItem.org_sk.set(dept)]
    actions.append(AggregateItem.updated_at.set(now))
    tx.update(AggregateItem(dept, f"AGG#{scope}"), actions=actions)
    return tx._update_items[0]


@settings(max_examples=300, deadline=None)
@given(dept=st.from_regex(r"[a-z][a-z0-9-]{1,20}", fullmatch=True), scope=SCOPES, increments=INCREMENTS,
       org_index=st.booleans(), now=MOMENTS)
def test_the_same_request_as_pynamodb(dept, scope, increments, org_index, now):
    ours = aggregates.update_request(dept, scope, increments, org_index, now)
    theirs = _pynamodb_request(dept, scope, increments, org_index, now)
    assert json.dumps(ours) == json.dumps(theirs)  # same keys, same order, same placeholders


def test_add_counters_sends_it(monkeypatch):
    """add_counters with whole numbers puts that request in the transaction, at the clock's time."""
    moment = datetime(2017, 3, 1, 5, 0, 0, 250000, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: moment)
    tx = Transaction(connection=connection.for_meta(CxgovItem.Meta))
    aggregates.add_counters(tx, "parks", "VOC#2017-03", {"voc__volume": 2, "voc__nps__n": 0, "voc__x": -1})
    aggregates.add_counters(tx, "parks", "VOCHR#2017-03-01T05", {"hr__intake": 1}, org_index=False)
    first, second = tx._update_items
    assert first["Key"] == {"pk": {"S": keys.department_pk("parks")}, "sk": {"S": "AGG#VOC#2017-03"}}
    assert first["UpdateExpression"] == "SET #0 = :0, #1 = :1, #2 = :2, #3 = :3 ADD #4 :4, #5 :5"
    assert list(first["ExpressionAttributeNames"].values()) == [
        "kind", "org_pk", "org_sk", "updated_at", "voc__volume", "voc__x"]
    assert [v for v in first["ExpressionAttributeValues"].values()] == [
        {"S": "aggregate"}, {"S": "AGG#VOC#2017-03"}, {"S": "parks"}, {"S": "2017-03-01T05:00:00.250000+0000"},
        {"N": "2"}, {"N": "-1"}]
    assert second["UpdateExpression"] == "SET #0 = :0, #1 = :1 ADD #2 :2"
    assert second["ExpressionAttributeNames"] == {"#0": "kind", "#1": "updated_at", "#2": "hr__intake"}


def test_other_numbers_still_go_through_pynamodb(monkeypatch):
    """A fractional increment (a KPI's value) is serialized by PynamoDB as before."""
    moment = datetime(2017, 3, 1, tzinfo=timezone.utc) + timedelta(microseconds=7)
    monkeypatch.setattr(clock, "now", lambda: moment)
    tx = Transaction(connection=connection.for_meta(CxgovItem.Meta))
    aggregates.add_counters(tx, "parks", "KPI", {"kpi__sum": 2.5, "kpi__n": 1})
    assert tx._update_items[0] == _pynamodb_request("parks", "KPI", {"kpi__sum": 2.5, "kpi__n": 1}, True, moment)
    assert tx._update_items[0]["ExpressionAttributeValues"][":4"] == {"N": "2.5"}
