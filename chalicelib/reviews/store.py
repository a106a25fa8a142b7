"""Review plans, samples, their drawn items and the plans' history chains (docs/data-model.md).

Every step is one transaction with the plan's next history entry (`{dept}#REVIEWPLAN#{plan_id}`,
conditioned on the plan's version, so the chain never forks). A draw first writes its items under
the new sample's own partition (transactions of 100: a sample may hold thousands), then commits the sample, its
period guard and the history entry together; items of a draw that did not commit are never
reachable (no sample names that partition)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.core import hashchain
from chalicelib.core.errors import Conflict
from chalicelib.db import keys, keys_v12
from chalicelib.db.items import (
    HistoryItem,
    ReviewEntryItem,
    ReviewLatestItem,
    ReviewPeriodItem,
    ReviewPlanItem,
    ReviewSampleItem,
)
from chalicelib.db.transactions import cancellation_codes, transaction

ENTRIES_PER_TRANSACTION = 100


def _plain(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.get_attributes()}


def _history_item(dept: str, plan_id: str, entry: dict[str, Any]) -> HistoryItem:
    stored = {**entry, "changes": hashchain.canonical(entry["changes"]).decode()}
    return HistoryItem(keys_v12.review_history_pk(dept, plan_id), keys.history_sk(entry["seq"]), **stored)


def _plan_key(plan: dict[str, Any]) -> ReviewPlanItem:
    item = ReviewPlanItem(keys_v12.reviews_pk(plan["department"]), keys_v12.review_plan_sk(plan["plan_id"]))
    item.version = int(plan["version"])
    return item


def _chain(tx, plan: dict[str, Any], entry: dict[str, Any], now: datetime, actor: str,
           sets: dict[str, Any] | None = None) -> None:
    """The plan's next history entry and its head, on the version read."""
    tx.save(_history_item(plan["department"], plan["plan_id"], entry), condition=HistoryItem.pk.does_not_exist())
    actions = [getattr(ReviewPlanItem, name).set(value) for name, value in (sets or {}).items()]
    actions += [ReviewPlanItem.history_seq.set(entry["seq"]), ReviewPlanItem.history_head.set(entry["hash"]),
                ReviewPlanItem.updated_at.set(now), ReviewPlanItem.updated_by.set(actor)]
    tx.update(_plan_key(plan), actions=actions)


def _lost_race(exc: TransactWriteError, what: str) -> Conflict:
    if "ConditionalCheckFailed" in cancellation_codes(exc):
        return Conflict.for_field("version", f"the {what} was changed by someone else meanwhile; try again")
    raise exc


# --- plans ---
def create_plan(values: dict[str, Any], entry: dict[str, Any], request_key: str) -> dict[str, Any]:
    item = ReviewPlanItem(keys_v12.reviews_pk(values["department"]), keys_v12.review_plan_sk(values["plan_id"]),
                          **values)
    item.created_request = request_key
    try:
        with transaction() as tx:
            tx.save(item, condition=ReviewPlanItem.pk.does_not_exist())
            tx.save(_history_item(values["department"], values["plan_id"], entry),
                    condition=HistoryItem.pk.does_not_exist())
    except TransactWriteError as exc:
        raise _lost_race(exc, "plan")
    return get_plan(values["department"], values["plan_id"])


def get_plan(dept: str, plan_id: str) -> dict[str, Any] | None:
    try:
        return _plain(ReviewPlanItem.get(keys_v12.reviews_pk(dept), keys_v12.review_plan_sk(plan_id), consistent_read=True))
    except DoesNotExist:
        return None


def list_plans(dept: str, limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    result = ReviewPlanItem.query(keys_v12.reviews_pk(dept), ReviewPlanItem.sk.startswith("PLAN#"), limit=limit,
                                  last_evaluated_key=start_key)
    return [_plain(item) for item in result], result.last_evaluated_key


def change_plan(plan: dict[str, Any], sets: dict[str, Any], entry: dict[str, Any], actor: str,
                now: datetime) -> None:
    try:
        with transaction() as tx:
            _chain(tx, plan, entry, now, actor, sets)
    except TransactWriteError as exc:
        raise _lost_race(exc, "plan")


def history(dept: str, plan_id: str, limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    result = HistoryItem.query(keys_v12.review_history_pk(dept, plan_id), HistoryItem.sk.startswith("H#"),
                               limit=limit, last_evaluated_key=start_key)
    return [_plain(item) for item in result], result.last_evaluated_key


def history_all(dept: str, plan_id: str) -> list[dict[str, Any]]:
    return [_plain(item) for item in HistoryItem.query(keys_v12.review_history_pk(dept, plan_id),
                                                       HistoryItem.sk.startswith("H#"), consistent_read=True)]


# --- samples ---
def period_taken(dept: str, plan_id: str, period: str) -> str | None:
    try:
        return ReviewPeriodItem.get(keys_v12.reviews_pk(dept), keys_v12.review_period_sk(plan_id, period),
                                    consistent_read=True).sample_id
    except DoesNotExist:
        return None


def write_entries(dept: str, sample_id: str, drawn: list[dict[str, Any]]) -> None:
    """Transactions of up to 100 puts (PutItem is what a department's role may do: no BatchWriteItem)."""
    for first in range(0, len(drawn), ENTRIES_PER_TRANSACTION):
        with transaction() as tx:
            for entry in drawn[first:first + ENTRIES_PER_TRANSACTION]:
                tx.save(ReviewEntryItem(keys_v12.review_entries_pk(dept, sample_id),
                                        keys_v12.review_entry_sk(entry["feedback_id"]), **entry))


def commit_draw(plan: dict[str, Any], sample: dict[str, Any], entry: dict[str, Any], actor: str,
                now: datetime) -> None:
    dept = plan["department"]
    item = ReviewSampleItem(keys_v12.reviews_pk(dept), keys_v12.review_sample_sk(plan["plan_id"], sample["sample_id"]),
                            org_pk=keys_v12.review_queue_org_pk(sample["reviewer_role"]),
                            org_sk=keys_v12.review_queue_org_sk(dept, sample["period"], sample["sample_id"]),
                            created_at=now, updated_at=now, created_by=actor, **sample)
    guard = ReviewPeriodItem(keys_v12.reviews_pk(dept), keys_v12.review_period_sk(plan["plan_id"], sample["period"]),
                             sample_id=sample["sample_id"], created_at=now)
    try:
        with transaction() as tx:
            tx.save(guard, condition=ReviewPeriodItem.pk.does_not_exist())
            tx.save(item, condition=ReviewSampleItem.pk.does_not_exist())
            _chain(tx, plan, entry, now, actor)
    except TransactWriteError as exc:
        if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            raise Conflict.for_field("period", f"the plan already has its sample of {sample['period']}; "
                                               "a period is drawn once")
        raise _lost_race(exc, "plan")


def get_sample(dept: str, plan_id: str, sample_id: str) -> dict[str, Any] | None:
    try:
        return _plain(ReviewSampleItem.get(keys_v12.reviews_pk(dept), keys_v12.review_sample_sk(plan_id, sample_id),
                                           consistent_read=True))
    except DoesNotExist:
        return None


def list_samples(dept: str, plan_id: str, limit: int, start_key: dict | None
                 ) -> tuple[list[dict[str, Any]], dict | None]:
    result = ReviewSampleItem.query(keys_v12.reviews_pk(dept),
                                    ReviewSampleItem.sk.startswith(keys_v12.review_samples_prefix(plan_id)),
                                    limit=limit, last_evaluated_key=start_key, scan_index_forward=False)
    return [_plain(item) for item in result], result.last_evaluated_key


def entries(dept: str, sample_id: str) -> list[dict[str, Any]]:
    return [_plain(item) for item in ReviewEntryItem.query(keys_v12.review_entries_pk(dept, sample_id),
                                                           ReviewEntryItem.sk.startswith("I#"),
                                                           consistent_read=True)]


def get_entry(dept: str, sample_id: str, feedback_id: str) -> dict[str, Any] | None:
    try:
        return _plain(ReviewEntryItem.get(keys_v12.review_entries_pk(dept, sample_id),
                                          keys_v12.review_entry_sk(feedback_id), consistent_read=True))
    except DoesNotExist:
        return None


def _sample_key(sample: dict[str, Any]) -> ReviewSampleItem:
    item = ReviewSampleItem(keys_v12.reviews_pk(sample["department"]),
                            keys_v12.review_sample_sk(sample["plan_id"], sample["sample_id"]))
    item.version = int(sample["version"])
    return item


def commit_verdict(plan: dict[str, Any], sample: dict[str, Any], feedback_id: str, verdict: dict[str, Any],
                   entry: dict[str, Any], actor: str, now: datetime,
                   also: Callable[[Any], None] | None = None) -> None:
    """The verdict on an item that has none, the sample's counts (on its version, still open), the
    history entry and, through `also`, what another domain adds (the record's reclassification)."""
    dept = plan["department"]
    item = ReviewEntryItem(keys_v12.review_entries_pk(dept, sample["sample_id"]), keys_v12.review_entry_sk(feedback_id))
    try:
        with transaction() as tx:
            tx.update(item, actions=[ReviewEntryItem.verdict.set(json.dumps(verdict, sort_keys=True)),
                                     ReviewEntryItem.updated_at.set(now)],
                      condition=ReviewEntryItem.pk.exists() & ReviewEntryItem.verdict.does_not_exist())
            tx.update(_sample_key(sample), actions=[
                ReviewSampleItem.reviewed.add(1), ReviewSampleItem.misclassified.add(int(verdict["misclassified"])),
                ReviewSampleItem.updated_at.set(now), ReviewSampleItem.updated_by.set(actor)],
                condition=ReviewSampleItem.status == "open")
            _chain(tx, plan, entry, now, actor)
            if also is not None:
                also(tx)
    except TransactWriteError as exc:
        raise _lost_race(exc, "sample")


def commit_close(plan: dict[str, Any], sample: dict[str, Any], result: dict[str, Any], entry: dict[str, Any],
                 actor: str, now: datetime, latest: bool) -> None:
    """Closes an open sample whose every item has a verdict; `latest`: it becomes the department's
    latest closed sample (ReviewLatestItem, what the rollup reads)."""
    dept = plan["department"]
    text = json.dumps(result, sort_keys=True)
    try:
        with transaction() as tx:
            tx.update(_sample_key(sample), actions=[
                ReviewSampleItem.status.set("closed"), ReviewSampleItem.result.set(text),
                ReviewSampleItem.closed_at.set(now), ReviewSampleItem.closed_by.set(actor),
                ReviewSampleItem.org_pk.remove(), ReviewSampleItem.org_sk.remove(),
                ReviewSampleItem.updated_at.set(now), ReviewSampleItem.updated_by.set(actor)],
                condition=(ReviewSampleItem.status == "open")
                & (ReviewSampleItem.reviewed == int(sample["sample_size"])))
            _chain(tx, plan, entry, now, actor)
            if latest:
                tx.save(ReviewLatestItem(keys.department_pk(dept), keys_v12.REVIEW_LATEST_SK,
                                         org_pk=keys_v12.ORG_REVIEW_LATEST, org_sk=dept,
                                         sample_id=sample["sample_id"], plan_id=plan["plan_id"],
                                         plan_name=plan["name"], period=sample["period"], closed_at=now,
                                         result=text, updated_at=now))
    except TransactWriteError as exc:
        raise _lost_race(exc, "sample")


def latest(dept: str) -> dict[str, Any] | None:
    try:
        return _plain(ReviewLatestItem.get(keys.department_pk(dept), keys_v12.REVIEW_LATEST_SK))
    except DoesNotExist:
        return None


def latest_for_all() -> dict[str, dict[str, Any]]:
    return {item.org_sk: _plain(item) for item in ReviewLatestItem.by_org.query(keys_v12.ORG_REVIEW_LATEST)}


def queue(role: str, dept: str | None, limit: int, start_key: dict | None
          ) -> tuple[list[dict[str, Any]], dict | None]:
    """Open samples awaiting `role`'s verdicts (one department's, or every department's)."""
    condition = ReviewSampleItem.org_sk.startswith(f"{dept}#") if dept else None
    result = ReviewSampleItem.by_org.query(keys_v12.review_queue_org_pk(role), condition, limit=limit,
                                           last_evaluated_key=start_key)
    return [_plain(item) for item in result], result.last_evaluated_key


def closed_samples(dept: str) -> list[dict[str, Any]]:
    return [_plain(item) for item in ReviewSampleItem.query(
        keys_v12.reviews_pk(dept), ReviewSampleItem.sk.startswith("SAMPLE#"),
        filter_condition=ReviewSampleItem.status == "closed")]
