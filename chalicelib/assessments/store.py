"""Assessments' storage: uploaded framework libraries (org-level), assessments and their answers
(under the department's partitions) and each assessment's chained history (`HistoryItem`s under
`{dept}#ASMT#{id}`, so the ledger's stream consumer appends them as it does a recommendation's).
Every change is one `TransactWriteItems`, conditioned on the version read. Items leave as dicts."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.db import credentials, keys
from chalicelib.db import keys_v12
from chalicelib.db.items import (
    AssessmentAnswerItem,
    AssessmentEvidenceItem,
    AssessmentItem,
    CxgovItem,
    DepartmentItem,
    FrameworkItem,
    HistoryItem,
)
from chalicelib.db.transactions import cancellation_codes, transaction


def new_id() -> str:
    """Opaque, time-ordered ids (as the audits'): milliseconds since the epoch (hex) and 40 random bits."""
    return f"{int(clock.now().timestamp() * 1000):011x}{secrets.token_hex(5)}"


def plain(item: CxgovItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.get_attributes()}


# --- framework libraries ---
def get_framework(framework_id: str, version: str) -> dict[str, Any] | None:
    try:
        with credentials.org_role():  # org-level, read in a dcxo's request too
            return plain(FrameworkItem.get(keys_v12.framework_pk(framework_id), keys_v12.framework_sk(version)))
    except DoesNotExist:
        return None


def framework_versions(framework_id: str) -> list[dict[str, Any]]:
    """Every published version of one library (a `by_org` query: the function role's)."""
    return [plain(item) for item in FrameworkItem.by_org.query(
        keys_v12.ORG_FRAMEWORKS, FrameworkItem.org_sk.startswith(f"{framework_id}#"))]


def list_frameworks(limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    result = FrameworkItem.by_org.query(keys_v12.ORG_FRAMEWORKS, limit=limit, last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def framework_in_use(framework_id: str, version: str) -> bool:
    result = AssessmentItem.by_org.query(keys_v12.assessment_org_pk(framework_id),
                                         filter_condition=AssessmentItem.framework_version == version)
    return next(iter(result), None) is not None


def put_framework(data: dict[str, Any], document: str, expected_version: int | None, actor: str) -> dict[str, Any]:
    """Creates the library's version, or replaces it (not yet in use) at the version read."""
    now = clock.now()
    item = FrameworkItem(keys_v12.framework_pk(data["id"]), keys_v12.framework_sk(data["version"]),
                         framework_id=data["id"], framework_version=data["version"], name=data["name"],
                         document=document, org_pk=keys_v12.ORG_FRAMEWORKS,
                         org_sk=f"{data['id']}#{data['version']}", created_at=now, updated_at=now,
                         created_by=actor, updated_by=actor)
    try:
        if expected_version is None:
            item.save(condition=FrameworkItem.pk.does_not_exist())
        else:
            item.version = expected_version  # save() conditions on it and moves it on
            item.save()
    except Exception as exc:  # noqa: BLE001 - PutError's cause says whether a condition failed
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise Conflict.for_field("version", "this framework version was published meanwhile; read it again")
        raise
    return plain(item)


# --- assessments ---
def _history_item(dept: str, entry: dict[str, Any]) -> HistoryItem:
    return HistoryItem(keys_v12.assessment_children_pk(dept, entry["rec_id"]), keys.history_sk(entry["seq"]),
                       **entry)


def _answer_item(dept: str, assessment_id: str, answer: dict[str, Any]) -> AssessmentAnswerItem:
    now = clock.now()
    return AssessmentAnswerItem(
        keys_v12.assessment_children_pk(dept, assessment_id), keys_v12.answer_sk(answer["ref"]),
        ref=answer["ref"], result=answer["result"], maturity=answer.get("maturity"),
        observation=answer.get("observation"), evidence_ids=list(answer.get("evidence_ids") or []),
        links=list(answer.get("links") or []), answered_by=answer.get("answered_by"),
        created_at=answer.get("created_at") or now, updated_at=now)


def create_assessment(dept: str, data: dict[str, Any], answers: list[dict[str, Any]],
                      history: dict[str, Any], actor: str, request_key: str) -> dict[str, Any]:
    """One transaction: the department exists, the assessment, its copied answers, its first history entry."""
    now = clock.now()
    item = AssessmentItem(
        keys_v12.assessments_pk(dept), keys_v12.assessment_sk(data["assessment_id"]),
        org_pk=keys_v12.assessment_org_pk(data["framework_id"]),
        org_sk=keys_v12.assessment_org_sk(dept, data["as_of"], data["assessment_id"]),
        created_at=now, updated_at=now, created_by=actor, updated_by=actor, created_request=request_key,
        **data)
    try:
        with transaction() as tx:
            tx.condition_check(DepartmentItem, keys.department_pk(dept), keys.DEPARTMENT_SK,
                               condition=DepartmentItem.pk.exists())
            tx.save(item, condition=AssessmentItem.pk.does_not_exist())
            for answer in answers:
                tx.save(_answer_item(dept, data["assessment_id"], answer))
            tx.save(_history_item(dept, history), condition=HistoryItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            raise BadRequest.for_field("department", f"department {dept!r} does not exist")
        raise
    return plain(item)


def get_assessment(dept: str, assessment_id: str, consistent: bool = False) -> dict[str, Any] | None:
    try:
        return plain(AssessmentItem.get(keys_v12.assessments_pk(dept), keys_v12.assessment_sk(assessment_id),
                                        consistent_read=consistent))
    except DoesNotExist:
        return None


def list_assessments(dept: str, framework_id: str | None, status: str | None, limit: int,
                     start_key: dict | None) -> tuple[list[dict], dict | None]:
    condition = None
    if framework_id:
        condition = AssessmentItem.framework_id == framework_id
    if status:
        by_status = AssessmentItem.status == status
        condition = by_status if condition is None else condition & by_status
    result = AssessmentItem.query(keys_v12.assessments_pk(dept),
                                  AssessmentItem.sk.startswith(keys_v12.ASSESSMENT_PREFIX),
                                  filter_condition=condition, limit=limit, last_evaluated_key=start_key,
                                  scan_index_forward=False)
    return [plain(item) for item in result], result.last_evaluated_key


def answers(dept: str, assessment_id: str, consistent: bool = False) -> list[dict[str, Any]]:
    result = AssessmentAnswerItem.query(keys_v12.assessment_children_pk(dept, assessment_id),
                                        AssessmentAnswerItem.sk.startswith(keys_v12.ANSWER_PREFIX),
                                        consistent_read=consistent)
    return [plain(item) for item in result]


def approved_of_framework(framework_id: str) -> Iterable[dict[str, Any]]:
    """Org-wide, every approved assessment against the framework (one Query on `by_org`)."""
    result = AssessmentItem.by_org.query(keys_v12.assessment_org_pk(framework_id),
                                         filter_condition=AssessmentItem.status == "approved")
    return (plain(item) for item in result)


@dataclass
class Change:
    """One change of an assessment: its new attributes, its next history entry, an answer to write."""

    dept: str
    assessment_id: str
    expected_version: int
    sets: dict[str, Any]
    history: dict[str, Any]
    answer: dict[str, Any] | None = None
    extra: list = field(default_factory=list)


def add_to_transaction(tx: TransactWrite, change: Change, actor: str) -> None:
    """The change's items, in a transaction another write opened (the audits' report or
    recommendation, for a gap raised as a finding)."""
    item = AssessmentItem(keys_v12.assessments_pk(change.dept), keys_v12.assessment_sk(change.assessment_id))
    item.version = change.expected_version
    actions = [getattr(AssessmentItem, name).remove() if value is None
               else getattr(AssessmentItem, name).set(value) for name, value in change.sets.items()]
    actions += [AssessmentItem.history_seq.set(change.history["seq"]),
                AssessmentItem.history_head.set(change.history["hash"]),
                AssessmentItem.updated_at.set(clock.now()), AssessmentItem.updated_by.set(actor)]
    tx.save(_history_item(change.dept, change.history), condition=HistoryItem.pk.does_not_exist())
    if change.answer is not None:
        tx.save(_answer_item(change.dept, change.assessment_id, change.answer))
    for new in change.extra:
        tx.save(new, condition=type(new).pk.does_not_exist())
    tx.update(item, actions=actions, condition=AssessmentItem.pk.exists())


def commit(change: Change, actor: str) -> None:
    try:
        with transaction() as tx:
            add_to_transaction(tx, change, actor)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_codes(exc):
            raise Conflict.for_field("version", "the assessment was changed by someone else meanwhile; "
                                                "read it again")
        raise


def history_page(dept: str, assessment_id: str, limit: int, start_key: dict | None) -> tuple[list[dict], dict | None]:
    result = HistoryItem.query(keys_v12.assessment_children_pk(dept, assessment_id),
                               HistoryItem.sk.startswith("H#"), limit=limit, last_evaluated_key=start_key)
    return [plain(item) for item in result], result.last_evaluated_key


def history_all(dept: str, assessment_id: str) -> list[dict]:
    return [plain(item) for item in HistoryItem.query(keys_v12.assessment_children_pk(dept, assessment_id),
                                                      HistoryItem.sk.startswith("H#"))]


# --- evidence files ---
def new_evidence(dept: str, assessment_id: str, fields: dict[str, Any]) -> AssessmentEvidenceItem:
    now = clock.now()
    return AssessmentEvidenceItem(keys_v12.assessment_children_pk(dept, assessment_id),
                                  keys_v12.assessment_evidence_sk(fields["evidence_id"]), confirmed=False,
                                  created_at=now, updated_at=now, **fields)


def list_evidence(dept: str, assessment_id: str) -> list[dict[str, Any]]:
    result = AssessmentEvidenceItem.query(
        keys_v12.assessment_children_pk(dept, assessment_id),
        AssessmentEvidenceItem.sk.startswith(keys_v12.EVIDENCE_OF_ASSESSMENT_PREFIX))
    return [plain(item) for item in result]


def confirm_evidence(dept: str, assessment_id: str, evidence_id: str, at: str) -> None:
    """Marks a file confirmed once its stored bytes hashed to the declared SHA-256 (derived state,
    written once: the condition keeps a second confirmation from moving its time)."""
    item = AssessmentEvidenceItem(keys_v12.assessment_children_pk(dept, assessment_id),
                                  keys_v12.assessment_evidence_sk(evidence_id))
    try:
        item.update(actions=[AssessmentEvidenceItem.confirmed.set(True),
                             AssessmentEvidenceItem.confirmed_at.set(at)],
                    condition=AssessmentEvidenceItem.confirmed == False)  # noqa: E712 - a DynamoDB condition
    except Exception as exc:  # noqa: BLE001 - confirmed meanwhile: nothing to do
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
