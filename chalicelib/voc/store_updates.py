"""Feedback records changed by a later import of their source (logic/voc/updates.py decides what
changes): read them in bulk, then write the changes with their counters' delta, each record
conditioned on the version read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.db import keys
from chalicelib.voc.store import Counters, _add_all, _item_for_update, _open_keys, _to_record, parse_id
from chalicelib.voc.store_batch import _merge, _packs
from chalicelib.db.items import FeedbackItem
from chalicelib.db.transactions import cancellation_codes, transaction

def get_many(dept: str, feedback_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Records by id (BatchGetItem, 100 keys a call, strongly consistent)."""
    wanted = {}
    for feedback_id in feedback_ids:
        parsed = parse_id(feedback_id)
        if parsed:
            wanted[(keys.feedback_pk(dept, parsed[0]), keys.feedback_sk(parsed[1]))] = feedback_id
    found = FeedbackItem.batch_get(list(wanted), consistent_read=True)
    return {item.feedback_id: _to_record(item) for item in found}


@dataclass
class PendingUpdate:
    """One imported row that brings what its stored record lacks: the record before and after."""

    row: int
    old: dict[str, Any]
    record: dict[str, Any]  # the record after the update (no `dedup`: one item per row)
    counters: Counters
    size: int
    changed: tuple[str, ...]


def _update_actions(entry: PendingUpdate, actor: str, now: datetime) -> list:
    new = entry.record
    actions = []
    for name in entry.changed:
        value = new[name]
        attribute = getattr(FeedbackItem, name)
        if value is None or value == {}:
            actions.append(attribute.remove())
        else:
            actions.append(attribute.set(value))
    org_pk, org_sk = _open_keys(new)
    if org_pk:
        actions += [FeedbackItem.org_pk.set(org_pk), FeedbackItem.org_sk.set(org_sk)]
    else:
        actions += [FeedbackItem.org_pk.remove(), FeedbackItem.org_sk.remove()]
    return actions + [FeedbackItem.updated_at.set(now), FeedbackItem.updated_by.set(actor)]


def update_many(dept: str, pending: list[PendingUpdate], actor: str, now: datetime) -> dict[int, str]:
    """Applies the updates in transactions of up to 100 items, each record only if it is still at
    the version read, with the counters' delta in the same transaction. Answers row -> `updated`,
    or `lost` for a record another writer changed meanwhile (nothing of it written: read again)."""
    results: dict[int, str] = {}
    for pack in _packs(pending):
        while pack:
            try:
                with transaction() as tx:
                    for entry in pack:
                        tx.update(_item_for_update(entry.old), actions=_update_actions(entry, actor, now))
                    _add_all(tx, dept, _merge(pack))
            except TransactWriteError as exc:
                codes = cancellation_codes(exc)
                lost = {id(entry) for entry, code in zip(pack, codes) if code == "ConditionalCheckFailed"}
                if not lost:
                    raise
                for entry in pack:
                    if id(entry) in lost:
                        results[entry.row] = "lost"
                pack = [entry for entry in pack if id(entry) not in lost]
                continue
            for entry in pack:
                results[entry.row] = "updated"
            break
    return results
