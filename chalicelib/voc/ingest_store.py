"""The import's writes, in batches.

New records: which rows' sources are stored already (one BatchGetItem per 100 keys), then the new
rows in transactions of up to 100 items, each row's record (and source guard) with the aggregate
counters of the whole transaction. Items per row: a record that names its source is two (record +
guard); a record known by its content is one (its own key is the guard, store.py). The puts are
built without model instances (db/item_codec.py); what they send is what `save()` of the models
would.

Stored records a later import of their source changes (updates.py decides what changes): read in
bulk, then the changes written with their counters' delta, each record conditioned on the version
read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Mapping

from pynamodb.exceptions import TransactWriteError

from chalicelib.db import keys
from chalicelib.db.items import CxgovItem, FeedbackItem
from chalicelib.db.transactions import cancellation_codes, transaction
from chalicelib.voc.ids import parse_id
from chalicelib.voc.store import (
    MAX_TRANSACTION_BYTES,
    MAX_TRANSACTION_ITEMS,
    Counters,
    _add_all,
    _item_for_update,
    _open_keys,
    _to_record,
    guard_of,
    guard_put,
    record_put,
    source_owner,
)

# A department may change its time zone: a record's month (its partition) is the local month of
# receipt, at most this far from the UTC one (zones run from UTC-12 to UTC+14).
ZONE_REACH = timedelta(hours=15)


@dataclass
class Pending:
    """One row of an import on its way to the table."""

    row: int
    record: dict[str, Any]
    counters: Counters
    size: int


def _other_months(record: Mapping[str, Any]) -> list[str]:
    """The months other than its own a record of this receipt time may be stored under, had the
    department another time zone when it was stored (only near a month's end: rarely any)."""
    received = record["received_at"].astimezone(timezone.utc)
    found = []
    for moment in (received - ZONE_REACH, received + ZONE_REACH):
        month = moment.strftime("%Y-%m")
        if month != record["month"] and month not in found:
            found.append(month)
    return found


def existing_sources(dept: str, records: list[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """Which of these records are stored already, and as which id, by their `dedup` key: one
    BatchGetItem (100 keys a call; eventually consistent: a copy it misses fails its write's
    condition instead) of
    - the source guard of each record that names its source;
    - for each record known by its content, what its put's condition cannot see: the fingerprint
      guard item such records had before their key was their guard, and its key under another
      month, should the department's zone have changed. (A copy under its own key fails the put's
      condition: answered as a duplicate by `create_many`, no read needed.)"""
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for record in records:
        dedup = record["dedup"]
        system, source_id = dedup
        wanted[(keys.feedback_source_pk(dept, system, source_id), keys.FEEDBACK_SOURCE_SK)] = dedup
        if record.get("keyed_by_content"):
            _, ulid = parse_id(record["id"])
            for month in _other_months(record):
                wanted[(keys.feedback_pk(dept, month), keys.feedback_sk(ulid))] = dedup
    if not wanted:
        return {}
    found = CxgovItem.batch_get(list(wanted), attributes_to_get=["pk", "sk", "kind", "feedback_id"])
    owners: dict[tuple[str, str], str] = {}
    for item in found:
        dedup = wanted.get((item.pk, item.sk))
        if dedup is not None and getattr(item, "feedback_id", None):
            owners.setdefault(dedup, item.feedback_id)
    return owners


def _packs(pending: list[Any]) -> Iterator[list[Any]]:
    """Greedy: as many rows per transaction as fit in 100 items (record, and guard if it has one,
    per row; one update per distinct aggregate item) and the size limit."""
    pack: list[Any] = []
    scopes: set[str] = set()
    items = size = 0
    for entry in pending:
        own = 1 + (guard_of(entry.record) is not None)
        more = set(entry.counters) - scopes
        if pack and (items + own + len(scopes) + len(more) > MAX_TRANSACTION_ITEMS
                     or size + entry.size > MAX_TRANSACTION_BYTES):
            yield pack
            pack, scopes, items, size = [], set(), 0, 0
            more = set(entry.counters)
        pack.append(entry)
        scopes |= more
        items += own
        size += entry.size
    if pack:
        yield pack


def _merge(pack: list[Any]) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for entry in pack:
        for scope, bag in entry.counters.items():
            target = total.setdefault(scope, {})
            for name, value in bag.items():
                target[name] = target.get(name, 0) + value
    return total


def create_many(dept: str, pending: list[Pending], actor: str) -> dict[int, tuple[str, str]]:
    """Writes the rows in transactions of up to 100 items. Answers row -> (status, id) with status
    `created` or `duplicate` (a source another transaction took first: its guard, or for a record
    known by its content its own key, existed by then)."""
    results: dict[int, tuple[str, str]] = {}
    built = {id(entry): (record_put(entry.record, actor), guard_put(entry.record)) for entry in pending}
    for pack in _packs(pending):
        while pack:
            puts: list[tuple[Pending, bool]] = []  # (row, is its guard), in the order DynamoDB answers
            try:
                with transaction() as tx:
                    for entry in pack:
                        record, guard = built[id(entry)]
                        tx.put_serialized(record)
                        puts.append((entry, False))
                        if guard is not None:
                            tx.put_serialized(guard)
                            puts.append((entry, True))
                    _add_all(tx, dept, _merge(pack))
            except TransactWriteError as exc:
                codes = cancellation_codes(exc)
                lost: dict[int, str | None] = {}  # id(entry) -> the owner's id (None: read it)
                for (entry, is_guard), code in zip(puts, codes):
                    if code != "ConditionalCheckFailed":
                        continue
                    if is_guard:
                        lost[id(entry)] = None
                    elif entry.record.get("keyed_by_content"):
                        lost[id(entry)] = entry.record["id"]
                if not lost:
                    raise
                for entry in pack:
                    if id(entry) in lost:
                        owner = lost[id(entry)] or source_owner(dept, *entry.record["dedup"])
                        results[entry.row] = ("duplicate", owner or "")
                pack = [entry for entry in pack if id(entry) not in lost]
                continue
            for entry in pack:
                results[entry.row] = ("created", entry.record["id"])
            break
    return results


# --- stored records a later import changes ---------------------------------------------------

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
