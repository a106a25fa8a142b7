"""Counters that rollups and summaries read instead of the records: updated in the same
transaction as each write, so their read cost depends on departments × periods, never on volume."""
from __future__ import annotations

import functools
import re
from datetime import datetime
from decimal import Decimal
from typing import Iterable, Mapping

from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.db import keys, raw_reads
from chalicelib.db.items import AggregateItem
from chalicelib.db.transactions import transaction

_NAME = re.compile(r"^[a-z0-9_\-:]+$")  # no dots: PynamoDB would read them as a document path


def add_counters(transaction: TransactWrite, dept: str, scope: str,
                 increments: Mapping[str, int | float | Decimal], org_index: bool = True) -> None:
    """Adds `increments` (negative to move a count out) to the aggregate item of `dept` × `scope`,
    creating it on first use. Atomic ADDs: concurrent writers never lose a count. `org_index` False
    keeps the item out of `by_org` (no index write: items only their department reads)."""
    for name in increments:
        if not _NAME.match(name):
            raise ValueError(f"counter name {name!r} must match {_NAME.pattern}")
    if all(type(value) is int for value in increments.values()):
        # The bulk import adds thousands of these: built directly, not through PynamoDB's
        # expression objects (tests/unit/test_aggregates_request.py: the same request).
        transaction._update_items.append(update_request(dept, scope, increments, org_index, clock.now()))
        return
    item = AggregateItem(keys.department_pk(dept), keys.aggregate_sk(scope))
    actions = [Path(name).add(value) for name, value in increments.items() if value]
    actions.append(AggregateItem.kind.set(AggregateItem))
    if org_index:
        actions += [AggregateItem.org_pk.set(keys.aggregate_org_pk(scope)), AggregateItem.org_sk.set(dept)]
    actions.append(AggregateItem.updated_at.set(clock.now()))
    transaction.update(item, actions=actions)


_KIND = (AggregateItem.kind.attr_name, {AggregateItem.kind.attr_type: AggregateItem.kind.serialize(AggregateItem)})


def update_request(dept: str, scope: str, increments: Mapping[str, int], org_index: bool,
                   now: datetime) -> dict:
    """The Update that `TransactWrite.update(AggregateItem(...), actions=...)` of add_counters sends
    for whole-number increments: the SET actions (kind, the by_org keys, updated_at), then one ADD
    per non-zero counter, names and values numbered in that order (a name used twice keeps its
    first placeholder, as PynamoDB's `substitute_names` does)."""
    sets = [_KIND]
    if org_index:
        sets += [(AggregateItem.org_pk.attr_name, {"S": keys.aggregate_org_pk(scope)}),
                 (AggregateItem.org_sk.attr_name, {"S": dept})]
    sets.append((AggregateItem.updated_at.attr_name, {"S": AggregateItem.updated_at.serialize(now)}))
    names: dict[str, str] = {}
    values: dict[str, dict] = {}

    def clause(name: str, value: dict, form: str) -> str:
        placeholder = names.get(name)
        if placeholder is None:
            placeholder = names[name] = f"#{len(names)}"
        value_placeholder = f":{len(values)}"
        values[value_placeholder] = value
        return form.format(placeholder, value_placeholder)

    expression = "SET " + ", ".join(clause(name, value, "{0} = {1}") for name, value in sets)
    adds = [clause(name, {"N": str(value)}, "{0} {1}") for name, value in increments.items() if value]
    if adds:
        expression += " ADD " + ", ".join(adds)
    return {"TableName": AggregateItem.Meta.table_name,
            "Key": {AggregateItem.pk.attr_name: {"S": keys.department_pk(dept)},
                    AggregateItem.sk.attr_name: {"S": keys.aggregate_sk(scope)}},
            "UpdateExpression": expression,
            "ExpressionAttributeNames": {placeholder: name for name, placeholder in names.items()},
            "ExpressionAttributeValues": values}


def read_scope_for_all(scope: str) -> dict[str, dict[str, float]]:
    """Every department's counters for one scope: one Query on `by_org`, one item per department
    (DynamoDB's item dicts, raw_reads.py: a thousand items at a time, and as many counters each)."""
    items = raw_reads.query(AggregateItem, keys.aggregate_org_pk(scope), index=AggregateItem.by_org.Meta.index_name)
    return {item["pk"]["S"]: counters_of(item) for item in items}


def counters_of(item: Mapping[str, Mapping[str, str]]) -> dict[str, float]:
    """The counters of an aggregate item in DynamoDB's form: its numbers that are no declared
    attribute (as `AggregateItem.counters`)."""
    declared = _declared()
    return {name: float(value["N"]) for name, value in item.items() if name not in declared and "N" in value}


@functools.lru_cache(maxsize=1)
def _declared() -> frozenset[str]:
    return frozenset(attr.attr_name for attr in AggregateItem.get_attributes().values())


def read(dept: str, scopes: Iterable[str]) -> dict[str, dict[str, float]]:
    """One department's counters for the given scopes: one BatchGetItem."""
    wanted = [(keys.department_pk(dept), keys.aggregate_sk(scope)) for scope in scopes]
    found = {item.sk: item.counters for item in AggregateItem.batch_get(wanted)}
    return {scope: found.get(keys.aggregate_sk(scope), {}) for scope in scopes}


def read_range(dept: str, first_scope: str, last_scope: str) -> dict[str, dict[str, float]]:
    """One department's aggregate items whose scope sorts from `first_scope` to `last_scope`
    (both included): one Query, e.g. the month items `VOC#2015-10` .. `VOC#2017-09`."""
    return {item.sk[len(keys.aggregate_sk("")):]: item.counters
            for item in AggregateItem.query(keys.department_pk(dept),
                                            AggregateItem.sk.between(keys.aggregate_sk(first_scope),
                                                                     keys.aggregate_sk(last_scope)))}


def read_all(dept: str) -> dict[str, dict[str, float]]:
    """Every aggregate item of one department, scope -> counters (consistent Query; for the
    reconcile command and tests, not for requests)."""
    return {item.sk[len(keys.aggregate_sk("")):]: item.counters
            for item in AggregateItem.query(keys.department_pk(dept),
                                            AggregateItem.sk.startswith(keys.aggregate_sk("")),
                                            consistent_read=True)}


MAX_TRANSACTION_ITEMS = 100


def correct(dept: str, changes: Mapping[str, Mapping[str, int]]) -> None:
    """Adds corrections (scope -> counter -> delta) to a department's aggregate items, 100 items a
    transaction: the reconcile command's repair."""
    scopes = sorted(s for s in changes if changes[s])
    for start in range(0, len(scopes), MAX_TRANSACTION_ITEMS):
        with transaction() as tx:
            for scope in scopes[start:start + MAX_TRANSACTION_ITEMS]:
                add_counters(tx, dept, scope, changes[scope])
