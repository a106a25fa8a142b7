"""The role directory: one item per subject and one immutable change item per change, written in
one transaction conditioned on the version read. A token without a role costs one GetItem here."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.db import keys
from chalicelib.db.items import DirectoryChangeItem, DirectoryUserItem
from chalicelib.db.transactions import transaction
from chalicelib.core.errors import Conflict


def get(subject: str) -> DirectoryUserItem | None:
    try:
        return DirectoryUserItem.get(keys.directory_user_pk(subject), keys.USER_SK, consistent_read=True)
    except DoesNotExist:
        return None


def grant_of(subject: str) -> tuple[str, str | None] | None:
    """What the token check asks: the role granted to `subject`, if any."""
    item = get(subject)
    if item is None or item.role is None:
        return None
    return item.role, item.department


def change(subject: str, expected_version: int, role: str | None, department: str | None,
           label: str | None, *, at: datetime, by: str, by_name: str | None, reason: str | None,
           before: DirectoryUserItem | None) -> tuple[DirectoryUserItem, DirectoryChangeItem]:
    """Sets (or, with `role` None, revokes) the grant and records the change; a concurrent change
    (another version) is a 409."""
    seq = expected_version + 1
    pk = keys.directory_user_pk(subject)
    # A revoked entry leaves the `by_org` listing; its changes stay readable.
    item = DirectoryUserItem(pk, keys.USER_SK, org_pk=keys.ORG_USERS if role else None,
                             org_sk=subject if role else None, subject=subject,
                             role=role, department=department,
                             label=label if label is not None else (before.label if before else None),
                             version=seq, created_at=before.created_at if before else at,
                             updated_at=at, updated_by=by)
    record = DirectoryChangeItem(pk, keys.directory_change_sk(seq), org_pk=keys.ORG_USER_CHANGES,
                                 org_sk=f"{at.isoformat()}#{subject}#{seq:08d}", subject=subject, seq=seq,
                                 at=at, by=by, by_name=by_name,
                                 before_role=before.role if before else None,
                                 before_department=before.department if before else None,
                                 after_role=role, after_department=department, reason=reason,
                                 created_at=at)
    condition = (DirectoryUserItem.pk.does_not_exist() if expected_version == 0
                 else DirectoryUserItem.version == expected_version)
    try:
        with transaction() as tx:
            tx.save(record, condition=DirectoryChangeItem.pk.does_not_exist())
            tx.save(item, condition=condition)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in [getattr(r, "code", None) for r in (exc.cancellation_reasons or []) if r]:
            raise Conflict.for_field("version", "the directory entry was changed by someone else; "
                                                "read it again")
        raise
    return item, record


def list_entries(limit: int, start_key: dict | None) -> tuple[list[DirectoryUserItem], dict | None]:
    result = DirectoryUserItem.by_org.query(keys.ORG_USERS, limit=limit, last_evaluated_key=start_key)
    return list(result), result.last_evaluated_key


def list_changes(subject: str, limit: int,
                 start_key: dict | None) -> tuple[list[DirectoryChangeItem], dict | None]:
    result = DirectoryChangeItem.query(keys.directory_user_pk(subject),
                                       DirectoryChangeItem.sk.startswith("CHANGE#"), limit=limit,
                                       last_evaluated_key=start_key, consistent_read=True)
    return list(result), result.last_evaluated_key


def list_all_changes(limit: int, start_key: dict | None) -> tuple[list[DirectoryChangeItem], dict | None]:
    """Every change to the directory, newest first."""
    result = DirectoryChangeItem.by_org.query(keys.ORG_USER_CHANGES, limit=limit, scan_index_forward=False,
                                              last_evaluated_key=start_key)
    return list(result), result.last_evaluated_key
