"""Counters that rollups and summaries read instead of the records: updated in the same
transaction as each write, so their read cost depends on departments × periods, never on volume."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable, Mapping

from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.dal import keys
from chalicelib.dal.models import AggregateItem

_NAME = re.compile(r"^[a-z0-9_\-:]+$")  # no dots: PynamoDB would read them as a document path


def add_counters(transaction: TransactWrite, dept: str, scope: str,
                 increments: Mapping[str, int | float | Decimal]) -> None:
    """Adds `increments` (negative to move a count out) to the aggregate item of `dept` × `scope`,
    creating it on first use. Atomic ADDs: concurrent writers never lose a count."""
    for name in increments:
        if not _NAME.match(name):
            raise ValueError(f"counter name {name!r} must match {_NAME.pattern}")
    item = AggregateItem(keys.department_pk(dept), keys.aggregate_sk(scope))
    actions = [Path(name).add(value) for name, value in increments.items() if value]
    actions += [
        AggregateItem.kind.set(AggregateItem),
        AggregateItem.org_pk.set(keys.aggregate_org_pk(scope)),
        AggregateItem.org_sk.set(dept),
        AggregateItem.updated_at.set(clock.now()),
    ]
    transaction.update(item, actions=actions)


def read_scope_for_all(scope: str) -> dict[str, dict[str, float]]:
    """Every department's counters for one scope: one Query on `by_org`, one item per department."""
    return {item.pk: item.counters
            for item in AggregateItem.by_org.query(keys.aggregate_org_pk(scope))}


def read(dept: str, scopes: Iterable[str]) -> dict[str, dict[str, float]]:
    """One department's counters for the given scopes: one BatchGetItem."""
    wanted = [(keys.department_pk(dept), keys.aggregate_sk(scope)) for scope in scopes]
    found = {item.sk: item.counters for item in AggregateItem.batch_get(wanted)}
    return {scope: found.get(keys.aggregate_sk(scope), {}) for scope in scopes}
