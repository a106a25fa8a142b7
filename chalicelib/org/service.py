"""What other domains ask of the organisation: its departments (read-only) and the role directory's
grant for a token that names no role. Other domains call these, never org's stores."""
from __future__ import annotations

from chalicelib.org import departments_store, directory_store
from chalicelib.org.departments_schemas import Department


def department(dept: str) -> Department | None:
    """The department, or None if it does not exist."""
    return departments_store.get(dept)


def department_names() -> dict[str, str]:
    """Every department's id and name."""
    return departments_store.all_names()


def departments_page(limit: int, start_key: dict | None) -> tuple[list[Department], dict | None]:
    """One page of departments, in id order, and the key to the next."""
    return departments_store.list_all(limit, start_key)


def grant_of(subject: str) -> tuple[str, str | None] | None:
    """The role (and department) the role directory grants `subject`, if any."""
    return directory_store.grant_of(subject)
