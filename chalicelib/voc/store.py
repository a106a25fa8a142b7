"""Feedback items and their source guards (the VoC aggregate items: counters_store.py).

Records travel as plain dicts (`record`) between this module and the logic; every write takes the
counters to add (`scope -> {name: n}`) and applies them in the same TransactWriteItems.

What keeps a source record from being stored twice (docs/data-model.md):
- a record that names its source (`record["dedup"]` = source system, source id) has a guard item,
  `FeedbackSourceItem`, written with it on the condition that it does not exist;
- a record known by its content (an imported row that names no source: `record["keyed_by_content"]`,
  `record["dedup"]` = (FINGERPRINT, its fingerprint)) has an id derived from that content
  (`ids.content_id`), so its own key is the guard: the put of a new item (`version` must not exist)
  fails on a copy. Records of that kind stored before had a random id and a fingerprint guard
  item; the import's pre-check (ingest_store.existing_sources) still reads those guards."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterator, Mapping

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.db import aggregates, keys
from chalicelib.db.item_codec import Codec
from chalicelib.db.items import FeedbackItem, FeedbackSourceItem
from chalicelib.db.transactions import cancellation_codes, transaction
from chalicelib.core.errors import Conflict
from chalicelib.voc import hourly
from chalicelib.voc.counters_store import Counters, months
from chalicelib.voc.ids import minute, parse_id, time_part

MAX_TRANSACTION_ITEMS = 100
MAX_TRANSACTION_BYTES = 3_500_000  # DynamoDB allows 4 MB; keep a margin for attribute overhead


class DuplicateSource(Exception):
    def __init__(self, feedback_id: str):
        super().__init__(feedback_id)
        self.feedback_id = feedback_id


# --- items <-> records ------------------------------------------------------------------------------

_FIELDS = ("channel", "category", "actionable", "status", "journey_id", "comment", "nps", "csat", "ces",
           "source_system", "source_id", "received_at", "due_at", "first_responded_at",
           "response_target_hours", "out_of_hours", "ever_actionable", "reclassified_not_actionable",
           "reclassification_changes", "month", "due_source", "survey_offered")


def _plain(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return {k: _plain(v) for k, v in value.as_dict().items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _to_record(item: FeedbackItem) -> dict[str, Any]:
    record = {name: getattr(item, name) for name in _FIELDS}
    record.update(
        id=item.feedback_id, department=item.department, version=item.version,
        created_at=item.created_at, redactions=_plain(item.redactions) or {},
        a11=_plain(item.a11) or {}, responses=_plain(item.responses) or [],
        classifications=_plain(item.classifications) or [],
        reclassification_changes=int(item.reclassification_changes or 0),
        due_source=item.due_source or "target", survey=_plain(item.survey) or None,
    )
    for name in ("nps", "csat", "ces"):
        record[name] = int(record[name]) if record[name] is not None else None
    record["a11"] = {k: int(v) for k, v in record["a11"].items() if v is not None}
    return record


def _open_keys(record: Mapping[str, Any]) -> tuple[str | None, str | None]:
    if record["actionable"] and record["first_responded_at"] is None:
        return (keys.feedback_open_org_pk(record["department"]),
                keys.feedback_open_org_sk(minute(record["due_at"]), record["id"]))
    return None, None


_RECORDS = Codec(FeedbackItem)
_GUARDS = Codec(FeedbackSourceItem)
_GUARD_IS_NEW = FeedbackSourceItem.pk.does_not_exist()


def guard_of(record: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (source system, source id) of the guard item a new record is written with, if any."""
    if record.get("keyed_by_content"):
        return None
    return record.get("dedup") or None


def _record_values(record: Mapping[str, Any], actor: str) -> dict[str, Any]:
    dept, month = record["department"], record["month"]
    _, ulid = parse_id(record["id"])
    org_pk, org_sk = _open_keys(record)
    values = {name: record[name] for name in _FIELDS}
    values.update(
        pk=keys.feedback_pk(dept, month), sk=keys.feedback_sk(ulid), org_pk=org_pk, org_sk=org_sk,
        feedback_id=record["id"], department=dept,
        redactions=record["redactions"] or None, a11=record["a11"] or None,
        survey=record.get("survey") or None, responses=record["responses"], classifications=record["classifications"],
        created_at=record["created_at"], created_by=actor, updated_at=record["created_at"], updated_by=actor)
    return values


def record_put(record: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """The Put of a new record: exactly what `save()` of a FeedbackItem sends, conditioned on the
    version not existing (so it never overwrites, and a record keyed by content fails on a copy)."""
    return _RECORDS.put(_record_values(record, actor))


def guard_put(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The Put of the record's source guard (None: it has none), conditioned on it not existing."""
    source = guard_of(record)
    if source is None:
        return None
    system, source_id = source
    return _GUARDS.put({"pk": keys.feedback_source_pk(record["department"], system, source_id),
                        "sk": keys.FEEDBACK_SOURCE_SK, "feedback_id": record["id"], "source_system": system,
                        "source_id": source_id, "created_at": record["created_at"]}, _GUARD_IS_NEW)


def _add_all(tx, dept: str, counters: Counters) -> None:
    for scope in sorted(counters):
        if counters[scope]:  # the hourly items are read by their department only: not in by_org
            aggregates.add_counters(tx, dept, scope, counters[scope],
                                    org_index=not scope.startswith(hourly.PREFIX))


# --- create ---------------------------------------------------------------------------------------

def source_owner(dept: str, source_system: str, source_id: str) -> str | None:
    try:
        return FeedbackSourceItem.get(keys.feedback_source_pk(dept, source_system, source_id),
                                      keys.FEEDBACK_SOURCE_SK, consistent_read=True).feedback_id
    except DoesNotExist:
        return None


def create(record: Mapping[str, Any], counters: Counters, actor: str,
           extra: Callable[[Any], None] | None = None) -> dict[str, Any]:
    """One transaction: the record, its source guard (`record["dedup"]`: source system and id, if
    any) and its counters. A source already imported raises DuplicateSource with the id it was
    imported as (for a record keyed by content: its own id); nothing is written then. `extra(tx)`
    adds the caller's own items to the same transaction (a survey response's rate window)."""
    put, guard = record_put(record, actor), guard_put(record)
    try:
        with transaction() as tx:
            tx.put_serialized(put)
            if guard is not None:
                tx.put_serialized(guard)
            _add_all(tx, record["department"], counters)
            if extra is not None:
                extra(tx)
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if guard is not None and codes[1:2] == ["ConditionalCheckFailed"]:
            raise DuplicateSource(source_owner(record["department"], *guard_of(record)) or "")
        if record.get("keyed_by_content") and codes[:1] == ["ConditionalCheckFailed"]:
            raise DuplicateSource(record["id"])
        raise
    return _to_record(FeedbackItem.from_raw_data(put["Item"]))


# --- read -----------------------------------------------------------------------------------------

def get(dept: str, feedback_id: str) -> dict[str, Any] | None:
    parsed = parse_id(feedback_id)
    if parsed is None:
        return None
    month, ulid = parsed
    try:
        item = FeedbackItem.get(keys.feedback_pk(dept, month), keys.feedback_sk(ulid), consistent_read=True)
    except DoesNotExist:
        return None
    return _to_record(item)


def time_bound(moment: datetime, upper: bool) -> str:
    return keys.feedback_sk(time_part(moment) + ("z" if upper else "0") * 16)


def query_month(dept: str, month: str, *, received_from: datetime | None, received_to: datetime | None,
                status: str | None, channel: str | None, limit: int,
                start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    """One month's records, newest first, within the receipt range and filters."""
    low = time_bound(received_from, False) if received_from else keys.feedback_sk("0")
    high = time_bound(received_to, True) if received_to else keys.feedback_sk("~")
    condition = None
    if status:
        condition = FeedbackItem.status == status
    if channel:
        condition = (FeedbackItem.channel == channel) if condition is None else condition & (FeedbackItem.channel == channel)
    result = FeedbackItem.query(keys.feedback_pk(dept, month), FeedbackItem.sk.between(low, high),
                                filter_condition=condition, scan_index_forward=False, limit=limit,
                                last_evaluated_key=start_key)
    items = [_to_record(item) for item in result]
    return items, result.last_evaluated_key


def query_open(dept: str, *, due_by: datetime, limit: int,
               start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    """Unanswered actionable records due at or before `due_by`, oldest due first: the sparse
    `by_org` partition `{dept}#FBOPEN`, which holds nothing else."""
    result = FeedbackItem.by_org.query(
        keys.feedback_open_org_pk(dept), FeedbackItem.org_sk < f"{minute(due_by)}#~",
        limit=limit, last_evaluated_key=start_key)
    items = [_to_record(item) for item in result]
    return items, result.last_evaluated_key


def count_open(dept: str, *, due_by: datetime) -> int:
    """How many unanswered actionable records are due before the minute after `due_by`: a COUNT
    Query of the sparse `{dept}#FBOPEN` index entries."""
    return FeedbackItem.by_org.count(keys.feedback_open_org_pk(dept),
                                     FeedbackItem.org_sk < keys.feedback_open_org_sk(minute(due_by), "~"))


def all_records(dept: str) -> Iterator[dict[str, Any]]:
    """Every record of the department, month by month (for the reconcile command, not for requests)."""
    for month in months(dept):
        for item in FeedbackItem.query(keys.feedback_pk(dept, month),
                                       FeedbackItem.sk.startswith("FB#"), consistent_read=True):
            yield _to_record(item)


def journey_records(dept: str, month: str, journey_ids: list[str]) -> Iterator[dict[str, Any]]:
    """A month's records on those journeys, in receipt order (one Query per page; the filter keeps
    the answer to the journeys, the read is the month's)."""
    for item in FeedbackItem.query(keys.feedback_pk(dept, month), FeedbackItem.sk.startswith("FB#"),
                                   filter_condition=FeedbackItem.journey_id.is_in(*journey_ids)):
        yield _to_record(item)


# --- change ---------------------------------------------------------------------------------------

def _item_for_update(record: Mapping[str, Any]) -> FeedbackItem:
    _, ulid = parse_id(record["id"])
    item = FeedbackItem(keys.feedback_pk(record["department"], record["month"]), keys.feedback_sk(ulid))
    item.version = record["version"]
    return item


def first_response(record: Mapping[str, Any], entry: dict[str, Any], status: str, counters: Counters,
                   actor: str, now: datetime) -> bool:
    """Sets the first response if the record is still at the version read and unanswered, in one
    transaction with its counters. False when another writer got there first (nothing written)."""
    item = _item_for_update(record)
    actions = [FeedbackItem.first_responded_at.set(datetime.fromisoformat(entry["responded_at"])),
               FeedbackItem.status.set(status),
               FeedbackItem.responses.set(FeedbackItem.responses.append([entry])),
               FeedbackItem.org_pk.remove(), FeedbackItem.org_sk.remove(),
               FeedbackItem.updated_at.set(now), FeedbackItem.updated_by.set(actor)]
    try:
        with transaction() as tx:
            tx.update(item, actions=actions, condition=FeedbackItem.first_responded_at.does_not_exist())
            _add_all(tx, record["department"], counters)
    except TransactWriteError as exc:
        if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            return False
        raise
    return True


def later_response(record: Mapping[str, Any], entry: dict[str, Any], actor: str, now: datetime) -> None:
    """Appends a response to an answered record (atomic list append, no counter changes). A
    transaction rather than an UpdateItem for its ClientRequestToken: botocore's retry of an append
    that landed is then answered by DynamoDB, not appended a second time."""
    item = _item_for_update(record)
    with transaction() as tx:
        tx.update(item, actions=[FeedbackItem.responses.set(FeedbackItem.responses.append([entry])),
                                 FeedbackItem.updated_at.set(now), FeedbackItem.updated_by.set(actor)],
                  condition=FeedbackItem.first_responded_at.exists(), add_version_condition=False)


def add_reclassification(tx, record: Mapping[str, Any], new: Mapping[str, Any], entry: dict[str, Any],
                         counters: Counters, actor: str, now: datetime) -> None:
    """Adds to `tx` the change of actionable/category with the classification entry and the
    counters' delta, conditioned on the record still being at the version read (another domain's
    transaction can carry it: a second look's verdict)."""
    item = _item_for_update(record)
    org_pk, org_sk = _open_keys({**record, **new})
    actions = [FeedbackItem.actionable.set(new["actionable"]), FeedbackItem.category.set(new["category"]),
               FeedbackItem.ever_actionable.set(new["ever_actionable"]),
               FeedbackItem.reclassified_not_actionable.set(new["reclassified_not_actionable"]),
               FeedbackItem.reclassification_changes.set(new["reclassification_changes"]),
               FeedbackItem.classifications.set(FeedbackItem.classifications.append([entry])),
               FeedbackItem.updated_at.set(now), FeedbackItem.updated_by.set(actor)]
    if org_pk:
        actions += [FeedbackItem.org_pk.set(org_pk), FeedbackItem.org_sk.set(org_sk)]
    else:
        actions += [FeedbackItem.org_pk.remove(), FeedbackItem.org_sk.remove()]
    tx.update(item, actions=actions)
    _add_all(tx, record["department"], counters)


def reclassify(record: Mapping[str, Any], new: Mapping[str, Any], entry: dict[str, Any],
               counters: Counters, actor: str, now: datetime) -> None:
    """Changes actionable/category with the classification entry and the counters' delta, only if
    the record is still at the version read (else 409)."""
    try:
        with transaction() as tx:
            add_reclassification(tx, record, new, entry, counters, actor, now)
    except TransactWriteError as exc:
        if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            raise Conflict.for_field("version", "the feedback was changed meanwhile; read it again")
        raise


def population(dept: str, month: str, actionable: bool, categories: list[str] | None,
               channels: list[str] | None, stats: dict[str, int]) -> Iterator[tuple[str, bool, str]]:
    """A month's records classified as `actionable` (and in those categories and channels), as
    (feedback_id, actionable, category): one Query per page of the month's partition, only the
    attributes a draw needs (a second look's population, streamed). `stats["read"]` grows by the
    items DynamoDB read."""
    condition = FeedbackItem.actionable == actionable
    if categories:
        condition &= FeedbackItem.category.is_in(*categories)
    if channels:
        condition &= FeedbackItem.channel.is_in(*channels)
    result = FeedbackItem.query(keys.feedback_pk(dept, month), FeedbackItem.sk.startswith("FB#"),
                                filter_condition=condition, consistent_read=True,
                                attributes_to_get=["feedback_id", "actionable", "category", "kind"])
    for item in result:
        yield item.feedback_id, bool(item.actionable), item.category
    stats["read"] = stats.get("read", 0) + result.page_iter.total_scanned_count
