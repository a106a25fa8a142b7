"""Audit follow-up storage: reports (org-level), recommendations (under the department's
partitions), the chained history, and one `TransactWriteItems` per change. Corrective actions and
evidence items, the recommendation's other children, are in actions_store.py.

Items leave this module as plain dicts of their attributes; PynamoDB stays here."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.core import clock
from chalicelib.db import aggregates, credentials, keys
from chalicelib.audits import due_store
from chalicelib.db.items import (
    AuditReportItem,
    CxgovItem,
    DepartmentItem,
    HistoryItem,
    RecommendationItem,
    ReportLinkItem,
    UniqueClaimItem,
)
from chalicelib.db.transactions import cancellation_codes, transaction
from chalicelib.core.errors import BadRequest, Conflict

REC_SCOPE = "REC"
OPEN_STATUSES = ("open", "in_progress", "closure_requested")


def new_id() -> str:
    """Opaque, time-ordered ids: milliseconds since the epoch (hex) and 40 random bits."""
    return f"{int(clock.now().timestamp() * 1000):011x}{secrets.token_hex(5)}"


def plain(item: CxgovItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.get_attributes()}


def _failed(error: TransactWriteError) -> list[int]:
    return [index for index, code in enumerate(cancellation_codes(error)) if code]


# --- reports ---
def create_report(report_id: str, data: dict[str, Any], actor: str, extend: Any = None) -> dict[str, Any]:
    """`extend(tx, report_id)` adds another domain's items to the transaction (after the claim and
    the report)."""
    now = clock.now()
    item = AuditReportItem(
        keys.report_pk(report_id), keys.REPORT_SK, report_id=report_id,
        org_pk=keys.ORG_AUDIT_REPORTS, org_sk=keys.report_org_sk(data["issued_on"], report_id),
        created_at=now, updated_at=now, created_by=actor, updated_by=actor, **data)
    claim = UniqueClaimItem(keys.report_number_pk(data["number"]), keys.UNIQUE_SK, owner=report_id)
    try:
        with transaction() as tx:
            tx.save(claim, condition=UniqueClaimItem.pk.does_not_exist())  # puts: claim first
            tx.save(item)
            if extend is not None:
                extend(tx, report_id)
    except TransactWriteError as exc:
        if _failed(exc) == [0]:
            raise Conflict.for_field("number", f"a report numbered {data['number']!r} already exists")
        raise
    return plain(item)


def get_report(report_id: str) -> dict[str, Any] | None:
    """An org-level record: read with the function role even in a dcxo's request (the logic has
    checked that the dcxo's department is named in the report)."""
    try:
        with credentials.org_role():
            return plain(AuditReportItem.get(keys.report_pk(report_id), keys.REPORT_SK))
    except DoesNotExist:
        return None


def list_reports(limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    result = AuditReportItem.by_org.query(keys.ORG_AUDIT_REPORTS, limit=limit,
                                          last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def has_report_link(dept: str, report_id: str) -> bool:
    try:
        ReportLinkItem.get(keys.recommendations_pk(dept), keys.report_link_sk(report_id))
        return True
    except DoesNotExist:
        return False


def list_linked_reports(dept: str, limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    """The reports in which `dept` has recommendations: one Query and one BatchGetItem a page."""
    result = ReportLinkItem.query(keys.recommendations_pk(dept),
                                  ReportLinkItem.sk.startswith(keys.report_link_sk("")),
                                  limit=limit, last_evaluated_key=start_key)
    ids = [link.report_id for link in result]
    with credentials.org_role():  # the linked reports are org-level records (`ORG#...`)
        found = {item.report_id: plain(item) for item in
                 AuditReportItem.batch_get([(keys.report_pk(i), keys.REPORT_SK) for i in ids])}
    return [found[i] for i in ids if i in found], result.last_evaluated_key


# --- recommendations ---
def _history_item(dept: str, entry: dict[str, Any]) -> HistoryItem:
    return HistoryItem(keys.recommendation_children_pk(dept, entry["rec_id"]),
                       keys.history_sk(entry["seq"]), **entry)


def create_recommendation(dept: str, data: dict[str, Any], history: dict[str, Any],
                          counters: dict[str, int], actor: str, due_entries: list | None = None,
                          extend: Any = None) -> dict[str, Any]:
    """One transaction: the department exists (check), the number is free in its report, the
    recommendation, its first history entry, the department's link to the report, the counters
    (and, through `extend(tx, rec_id)`, another domain's items: an assessment's link back)."""
    now = clock.now()
    rec_id = data["rec_id"]
    item = RecommendationItem(
        keys.recommendations_pk(dept), keys.recommendation_sk(rec_id),
        org_pk=keys.ORG_RECOMMENDATIONS,
        org_sk=keys.recommendation_org_sk(data["issued_on"], data["report_id"], data["number"]),
        created_at=now, updated_at=now, created_by=actor, updated_by=actor, **data)
    claim = UniqueClaimItem(keys.report_pk(data["report_id"]), keys.rec_number_sk(data["number"]),
                            owner=rec_id)
    link = ReportLinkItem(keys.recommendations_pk(dept), keys.report_link_sk(data["report_id"]),
                          report_id=data["report_id"], created_at=now)
    try:
        with transaction() as tx:
            tx.condition_check(DepartmentItem, keys.department_pk(dept), keys.DEPARTMENT_SK,
                               condition=DepartmentItem.pk.exists())
            tx.save(claim, condition=UniqueClaimItem.pk.does_not_exist())
            tx.save(item)
            tx.save(_history_item(dept, history), condition=HistoryItem.pk.does_not_exist())
            tx.save(link)
            if counters:
                aggregates.add_counters(tx, dept, REC_SCOPE, counters)
            due_store.add_to_transaction(tx, due_entries or [], [])
            if extend is not None:
                extend(tx, rec_id)
    except TransactWriteError as exc:
        failed = _failed(exc)
        if failed == [0]:
            raise BadRequest.for_field("department", f"department {dept!r} does not exist")
        if failed == [1]:
            raise Conflict.for_field("number", f"recommendation {data['number']} already exists "
                                               "in this report")
        raise
    return plain(item)


def get_recommendation(dept: str, rec_id: str) -> dict[str, Any] | None:
    try:
        return plain(RecommendationItem.get(keys.recommendations_pk(dept), keys.recommendation_sk(rec_id)))
    except DoesNotExist:
        return None


def _filters(status: str | None, issuer: str | None, report_id: str | None, overdue: bool | None,
             today: str):
    condition = None

    def both(extra):
        return extra if condition is None else condition & extra

    if status:
        condition = both(RecommendationItem.status == status)
    if issuer:
        condition = both(RecommendationItem.issuer == issuer)
    if report_id:
        condition = both(RecommendationItem.report_id == report_id)
    if overdue is not None:
        # The same clocks as overdue.py, evaluated by DynamoDB on stored due dates.
        late = ((RecommendationItem.decision.does_not_exist() & (RecommendationItem.decision_due < today))
                | (RecommendationItem.final_action_due < today)
                | (RecommendationItem.target_date.exists() & (RecommendationItem.target_date < today)))
        clocks = RecommendationItem.status.is_in(*OPEN_STATUSES) & late
        condition = both(clocks if overdue else ~clocks)
    return condition


def query_recommendations(dept: str | None, *, status: str | None = None, issuer: str | None = None,
                          report_id: str | None = None, overdue: bool | None = None, today: str,
                          limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    """One department (its partition) or the whole organisation (`by_org`), filtered."""
    condition = _filters(status, issuer, report_id, overdue, today)
    if dept is None:
        result = RecommendationItem.by_org.query(keys.ORG_RECOMMENDATIONS, filter_condition=condition,
                                                 limit=limit, last_evaluated_key=start_key)
    else:
        result = RecommendationItem.query(keys.recommendations_pk(dept),
                                          RecommendationItem.sk.startswith(keys.recommendation_sk("")),
                                          filter_condition=condition, limit=limit,
                                          last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def all_recommendations(dept: str) -> Iterable[dict]:
    """Every recommendation of the department (consistent, paged by PynamoDB): for the reconcile
    command, not for requests."""
    result = RecommendationItem.query(keys.recommendations_pk(dept),
                                      RecommendationItem.sk.startswith(keys.recommendation_sk("")),
                                      consistent_read=True)
    return (plain(item) for item in result)


def recommendations_issued_until(cutoff: str, as_of: str) -> Iterable[dict]:
    """Org-wide, every recommendation whose report was issued on or before `cutoff` and that was not
    closed on `as_of` (still open, or closed after it): one Query on `by_org` (paged by PynamoDB)."""
    result = RecommendationItem.by_org.query(
        keys.ORG_RECOMMENDATIONS, RecommendationItem.org_sk <= f"{cutoff}#~",
        filter_condition=(RecommendationItem.status.is_in(*OPEN_STATUSES)
                          | (RecommendationItem.closed_on.exists() & (RecommendationItem.closed_on > as_of))))
    return (plain(item) for item in result)


@dataclass
class Change:
    """Everything one change writes, committed as one TransactWriteItems: the recommendation
    (conditioned on the version read), its next history entry, the counters, and the action or
    evidence items it creates or updates."""

    dept: str
    rec_id: str
    expected_version: int
    sets: dict[str, Any]
    history: dict[str, Any]
    counters: dict[str, int] = field(default_factory=dict)
    new_items: list[CxgovItem] = field(default_factory=list)
    updates: list[tuple[CxgovItem, list]] = field(default_factory=list)
    # the due-date index entries to write and to delete (due_index.py)
    due_puts: list = field(default_factory=list)
    due_deletes: list = field(default_factory=list)


def commit(change: Change, actor: str) -> None:
    item = RecommendationItem(keys.recommendations_pk(change.dept), keys.recommendation_sk(change.rec_id))
    item.version = change.expected_version
    actions = [getattr(RecommendationItem, name).remove() if value is None
               else getattr(RecommendationItem, name).set(value)
               for name, value in change.sets.items()]
    actions += [RecommendationItem.history_seq.set(change.history["seq"]),
                RecommendationItem.history_head.set(change.history["hash"]),
                RecommendationItem.updated_at.set(clock.now()),
                RecommendationItem.updated_by.set(actor)]
    try:
        with transaction() as tx:
            tx.save(_history_item(change.dept, change.history), condition=HistoryItem.pk.does_not_exist())
            for new in change.new_items:
                tx.save(new, condition=type(new).pk.does_not_exist())
            tx.update(item, actions=actions, condition=RecommendationItem.pk.exists())
            for other, other_actions in change.updates:
                tx.update(other, actions=other_actions, condition=type(other).pk.exists())
            if change.counters:
                aggregates.add_counters(tx, change.dept, REC_SCOPE, change.counters)
            due_store.add_to_transaction(tx, change.due_puts, change.due_deletes)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_codes(exc):
            raise Conflict.for_field("version", "the recommendation was changed by someone else "
                                                "meanwhile; read it again")
        raise


# --- history ---
def history_page(dept: str, rec_id: str, limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    result = HistoryItem.query(keys.recommendation_children_pk(dept, rec_id),
                               HistoryItem.sk.startswith("H#"), limit=limit,
                               last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def history_all(dept: str, rec_id: str) -> list[dict]:
    return [plain(item) for item in HistoryItem.query(keys.recommendation_children_pk(dept, rec_id),
                                                      HistoryItem.sk.startswith("H#"))]
