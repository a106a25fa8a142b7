"""Reminders storage: the org's digest contacts, and one claim per digest recipient and day
(conditional writes). The digests also read the audits' due-date index and the feedback's open
items, each through its domain's service (chalicelib/audits/service.py, chalicelib/voc/service.py)."""
from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.core import clock
from chalicelib.db import keys
from chalicelib.db.common import is_condition_failure
from chalicelib.db.items import DigestSendItem, OrgSettingsItem
from chalicelib.core.errors import Conflict


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
