"""What other domains ask of the organisation: its departments and journeys (read-only) and the role
directory's grant for a token that names no role. Other domains call these, never org's stores."""
from __future__ import annotations

from typing import Any

from chalicelib.org import departments_store, directory_store, journeys_store
from chalicelib.org.departments_schemas import Department
from chalicelib.org.journeys_schemas import Journey


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


def journey(dept: str, journey_id: str) -> Journey | None:
    """The department's journey, or None if it has none with this id."""
    return journeys_store.get(dept, journey_id)


def a11_journeys(dept: str) -> list[dict[str, Any]]:
    """The department's journeys that name an OMB A-11 service (id, name, a11_service, times)."""
    return journeys_store.a11_journeys(dept)


def a11_journey(dept: str, journey_id: str) -> dict[str, Any] | None:
    """One journey as `a11_journeys` gives it, or None."""
    return journeys_store.a11_journey(dept, journey_id)
