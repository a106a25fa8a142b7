"""Role directory rules: the CCXO grants and revokes; a department must exist for a dcxo; nobody
changes their own entry (a CCXO cannot lock the organisation out, nor promote itself)."""
from __future__ import annotations

import re

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.org import departments_store as departments_dal
from chalicelib.org import directory_store as dal
from chalicelib.db.items import DirectoryChangeItem, DirectoryUserItem
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.org.directory_schemas import (
    SUBJECT_PATTERN,
    DirectoryChange,
    DirectoryEntry,
    GrantPut,
    GrantState,
    RevokeQuery,
)

_SUBJECT = re.compile(SUBJECT_PATTERN)


def checked_subject(subject: str) -> str:
    if not _SUBJECT.match(subject):
        raise NotFound("no directory entry has this subject")
    return subject


def entry(item: DirectoryUserItem) -> DirectoryEntry:
    return DirectoryEntry(subject=item.subject, role=item.role, department=item.department,
                          label=item.label, version=int(item.version), updated_at=item.updated_at,
                          updated_by=item.updated_by or "")


def change_out(item: DirectoryChangeItem) -> DirectoryChange:
    def state(role, department):
        return GrantState(role=role, department=department) if role else None

    return DirectoryChange(subject=item.subject, seq=int(item.seq), at=item.at, by=item.by,
                           by_name=item.by_name, before=state(item.before_role, item.before_department),
                           after=state(item.after_role, item.after_department), reason=item.reason)


def get_entry(subject: str) -> DirectoryEntry:
    item = dal.get(checked_subject(subject))
    if item is None or item.role is None:
        raise NotFound("no role is granted to this subject")
    return entry(item)


def _current_version(item: DirectoryUserItem | None, sent: int | None) -> int:
    current = int(item.version) if item else 0
    if sent is not None and sent != current:
        raise Conflict.for_field("version", f"the entry is at version {current}; read it again")
    return current


def _not_self(subject: str, principal: Principal) -> None:
    if subject == principal.subject:
        raise Forbidden("nobody may change their own directory entry; ask another CCXO")


def put_grant(subject: str, body: GrantPut, principal: Principal) -> DirectoryEntry:
    checked_subject(subject)
    _not_self(subject, principal)
    if body.department is not None and departments_dal.get(body.department) is None:
        raise BadRequest.for_field("department", "no department has this id")
    before = dal.get(subject)
    version = _current_version(before, body.version)
    if (before and before.role == body.role and before.department == body.department
            and (body.label is None or body.label == before.label)):
        return entry(before)  # nothing changes: no change is recorded
    item, _ = dal.change(subject, version, body.role, body.department, body.label, at=clock.now(),
                         by=principal.subject, by_name=principal.name, reason=body.reason,
                         before=before)
    return entry(item)


def revoke(subject: str, query: RevokeQuery, principal: Principal) -> None:
    checked_subject(subject)
    _not_self(subject, principal)
    before = dal.get(subject)
    if before is None or before.role is None:
        raise NotFound("no role is granted to this subject")
    version = _current_version(before, query.version)
    dal.change(subject, version, None, None, None, at=clock.now(), by=principal.subject,
               by_name=principal.name, reason=query.reason, before=before)
