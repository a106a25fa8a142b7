"""The due-date index's storage: its entries (written inside the audit changes' transactions) and
the reads of the digests.

Entries are read through `by_org`: a department's partition `{dept}#DUE`, the org's `DUE`, each
ordered by the day from which an entry needs attention, so one Query up to today reads exactly the
entries that do - never a recommendation, an action or a feedback record."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.items import DueEntryItem


def entry_item(entry: Any) -> DueEntryItem:
    """A `due_index.Entry` as the item that stores it."""
    return DueEntryItem(keys.due_pk(entry.department), entry.sk, org_pk=entry.org_pk,
                        org_sk=entry.org_sk, department=entry.department, rec_id=entry.rec_id,
                        action_id=entry.action_id, attention_on=entry.attention_on, facts=entry.facts,
                        updated_at=clock.now())


def retired(entry: Any) -> DueEntryItem:
    """An entry no longer due: kept as an item without `org_pk`, so it leaves the index. (Nothing
    in cxgov deletes; the function's role has no DeleteItem.)"""
    return DueEntryItem(keys.due_pk(entry.department), entry.sk, department=entry.department,
                        rec_id=entry.rec_id, action_id=entry.action_id, attention_on="", facts="",
                        updated_at=clock.now())


def add_to_transaction(tx, puts: Iterable[Any], retire: Iterable[Any]) -> None:
    for entry in puts:
        tx.save(entry_item(entry))
    for entry in retire:
        tx.save(retired(entry))


def write_entries(puts: Iterable[Any], retire: Iterable[Any] = ()) -> None:
    """Outside a change (the rebuild): one PutItem each."""
    for entry in puts:
        entry_item(entry).save()
    for entry in retire:
        retired(entry).save()


def _due(pk: str, through: date) -> list[dict[str, Any]]:
    result = DueEntryItem.by_org.query(pk, DueEntryItem.org_sk < f"{through.isoformat()}#~")
    return [{"sk": item.sk, "department": item.department, "rec_id": item.rec_id,
             "action_id": item.action_id, "attention_on": item.attention_on, "facts": item.facts}
            for item in result]


def department_due(dept: str, through: date) -> list[dict[str, Any]]:
    """The department's entries that need attention on or before `through`: one Query (paged)."""
    return _due(keys.due_org_pk(dept), through)


def org_due(through: date) -> list[dict[str, Any]]:
    """The org's entries (auditors, ccxo) that need attention on or before `through`."""
    return _due(keys.ORG_DUE, through)


def department_entries(dept: str) -> list[dict[str, Any]]:
    """Every entry of a department (consistent; for the rebuild and tests, not for digests)."""
    return [{"sk": item.sk, "department": item.department, "rec_id": item.rec_id,
             "action_id": item.action_id, "attention_on": item.attention_on, "facts": item.facts,
             "org_pk": item.org_pk}
            for item in DueEntryItem.query(keys.due_pk(dept), consistent_read=True) if item.org_pk]
