"""Reminders storage: the due-date index entries (written inside the audit changes' transactions),
the org's digest contacts, and one claim per digest recipient and day (conditional writes).

Entries are read through `by_org`: a department's partition `{dept}#DUE`, the org's `DUE`, each
ordered by the day from which an entry needs attention, so one Query up to today reads exactly the
entries that do - never a recommendation, an action or a feedback record."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.core import clock
from chalicelib.voc import store as feedback_dal
from chalicelib.db import keys
from chalicelib.db.common import is_condition_failure
from chalicelib.db.items import DigestSendItem, DueEntryItem, FeedbackItem, OrgSettingsItem
from chalicelib.core.errors import Conflict


# --- the due-date index ---
def entry_item(entry: Any) -> DueEntryItem:
    """A `logic.reminders.index.Entry` as the item that stores it."""
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


def overdue_feedback(dept: str, now: datetime) -> tuple[int, dict[str, Any] | None]:
    """How many unanswered actionable feedback items are past their due time, and the oldest due:
    the sparse `{dept}#FBOPEN` partition of `by_org` (one Query with Limit 1, then a COUNT Query of
    the index entries only when there is one)."""
    oldest, _ = feedback_dal.query_open(dept, due_by=now, limit=1, start_key=None)
    if not oldest:
        return 0, None
    count = FeedbackItem.by_org.count(keys.feedback_open_org_pk(dept),
                                      FeedbackItem.org_sk < keys.feedback_open_org_sk(feedback_dal._minute(now), "~"))
    return count, oldest[0]


# --- contacts ---
def get_contacts() -> tuple[dict[str, Any], int] | None:
    try:
        item = OrgSettingsItem.get(keys.ORG_SETTINGS_PK, keys.CONTACTS_SK)
    except DoesNotExist:
        return None
    return json.loads(item.contacts), int(item.version)


def put_contacts(contacts: dict[str, Any], expected_version: int | None, actor: str) -> int:
    """Creates or replaces the contacts; with `expected_version`, only over that version (409)."""
    now = clock.now()
    current = get_contacts()
    if expected_version is not None and (current is None or current[1] != expected_version):
        raise Conflict.for_field("version", "the contacts were changed meanwhile; read them again")
    item = OrgSettingsItem(keys.ORG_SETTINGS_PK, keys.CONTACTS_SK,
                           contacts=json.dumps(contacts, sort_keys=True, separators=(",", ":")),
                           created_at=now, updated_at=now, created_by=actor, updated_by=actor)
    if current is not None:
        item.version = current[1]  # PynamoDB conditions the save on it and increments it
    try:
        item.save()  # conditioned on the version read (or on no item yet)
    except PutError as exc:
        if is_condition_failure(exc):
            raise Conflict.for_field("version", "the contacts were changed meanwhile; read them again")
        raise
    return int(item.version)


# --- one digest per recipient and day ---
def claim_send(dept: str | None, day: str, role: str, email: str, claim: str, items: int,
               name: str | None = None) -> bool:
    """Claims the send of one digest with one conditional UpdateItem (which creates the record):
    succeeds when none was recorded for this recipient and day, or the recorded one failed (a
    retry). A digest sent, or being sent by another run, is never claimed again."""
    item = DigestSendItem(keys.digest_pk(dept), keys.digest_sk(day, role, email))
    now = clock.now()
    try:
        item.update(actions=[
            DigestSendItem.kind.set(DigestSendItem), DigestSendItem.day.set(day),
            DigestSendItem.role.set(role), DigestSendItem.email.set(email.lower()),
            DigestSendItem.name.set(name) if name else DigestSendItem.name.remove(),
            DigestSendItem.status.set("sending"), DigestSendItem.claim.set(claim),
            DigestSendItem.items.set(items), DigestSendItem.attempts.add(1), DigestSendItem.error.remove(),
            DigestSendItem.created_at.set(DigestSendItem.created_at | now), DigestSendItem.updated_at.set(now)],
            condition=DigestSendItem.pk.does_not_exist() | (DigestSendItem.status == "failed"))
        return True
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise


def recorded_send(dept: str | None, day: str, role: str, email: str) -> dict[str, Any] | None:
    try:
        i = DigestSendItem.get(keys.digest_pk(dept), keys.digest_sk(day, role, email), consistent_read=True)
    except DoesNotExist:
        return None
    return {"role": i.role, "email": i.email, "status": i.status, "attempts": int(i.attempts),
            "message_id": i.message_id, "error": i.error, "items": int(i.items)}


def finish_send(dept: str | None, day: str, role: str, email: str, claim: str, *,
                message_id: str | None = None, error: str | None = None) -> None:
    """Records the outcome of a claimed send (only the claiming run may). A failure is listed in
    `by_org` under `DIGEST_FAILED#{day}` for a later run to retry; a success leaves that list."""
    pk, sk = keys.digest_pk(dept), keys.digest_sk(day, role, email)
    item = DigestSendItem(pk, sk)
    actions = [DigestSendItem.status.set("failed" if error else "sent"),
               DigestSendItem.updated_at.set(clock.now())]
    if error:
        actions += [DigestSendItem.error.set(error[:1000]),
                    DigestSendItem.org_pk.set(keys.digest_failed_org_pk(day)),
                    DigestSendItem.org_sk.set(f"{pk}#{sk}")]
    else:
        actions += [DigestSendItem.message_id.set(message_id), DigestSendItem.org_pk.remove(),
                    DigestSendItem.org_sk.remove()]
    item.update(actions=actions, condition=DigestSendItem.claim == claim)


def failed_sends(day: str) -> list[dict[str, Any]]:
    """The digests of `day` whose send failed and was not sent since: one Query on `by_org`."""
    found = []
    for i in DigestSendItem.by_org.query(keys.digest_failed_org_pk(day)):
        dept = None if i.pk == keys.ORG_DIGEST_PK else i.pk.rsplit("#", 1)[0]
        found.append({"department": dept, "role": i.role, "email": i.email, "name": i.name})
    return found


def sends(dept: str | None, day: str) -> list[dict[str, Any]]:
    """The sends recorded for a department's (or the org's) recipients on `day`."""
    result = DigestSendItem.query(keys.digest_pk(dept), DigestSendItem.sk.startswith(f"{day}#"),
                                  consistent_read=True)
    return [{"role": i.role, "email": i.email, "status": i.status, "attempts": int(i.attempts),
             "message_id": i.message_id, "error": i.error, "items": int(i.items)} for i in result]
