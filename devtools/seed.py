"""The demo organisation: departments modelled on the USPS OIG audit MS-AR-17-006 and on a city's
311 and parks services, each with its DCXO. Seeding goes through the same domain rules as the API
and is repeatable: what exists is left as it is."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.auth import Principal
from chalicelib.errors import Conflict
from chalicelib.logic import departments
from chalicelib.models.departments import DepartmentCreate

SEEDER = Principal(subject="seed", role="ccxo", department=None, name="demo seed")

DEMO_DEPARTMENTS = [
    {
        "id": "corp-comms",
        "name": "Corporate Communications - Social Media Operations Center",
        "dcxo_contact": {"name": "Dana Whitfield", "email": "dana.whitfield@corp-comms.example.gov",
                         "phone": "+1 202 555 0141"},
        # The SMOC of MS-AR-17-006: Mon-Fri 08:00-18:00 Eastern, six-hour response target.
        "response_target_hours": 6,
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"},
        "time_zone": "America/New_York",
    },
    {
        "id": "customer-care",
        "name": "Customer Care Center (phone and web)",
        "dcxo_contact": {"name": "Luis Ortega", "email": "luis.ortega@customer-care.example.gov"},
        "response_target_hours": 24,
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "08:00", "end": "20:00"},
        "time_zone": "America/Chicago",
    },
    {
        "id": "public-works",
        "name": "Public Works - 311 Service Requests",
        "dcxo_contact": {"name": "Grace Kim", "email": "grace.kim@public-works.example.gov"},
        "response_target_hours": 48,
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "19:00"},
        "time_zone": "America/Los_Angeles",
    },
    {
        "id": "parks",
        "name": "Parks and Recreation",
        "dcxo_contact": {"name": "Sam Okafor", "email": "sam.okafor@parks.example.gov"},
        "response_target_hours": 72,
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "09:00", "end": "17:00"},
        "time_zone": "America/Denver",
    },
]


@dataclass(frozen=True)
class DemoUser:
    label: str
    role: str
    department: str | None
    name: str

    @property
    def env_name(self) -> str:
        suffix = f"_{self.department}" if self.department else ""
        return f"TOKEN_{self.role}{suffix}".upper().replace("-", "_")


DEMO_USERS = [
    DemoUser("Chief CX Officer", "ccxo", None, "Morgan Reyes"),
    DemoUser("OIG auditor", "auditor", None, "Priya Natarajan"),
    *[DemoUser(f"DCXO {d['id']}", "dcxo", d["id"], d["dcxo_contact"]["name"]) for d in DEMO_DEPARTMENTS],
]


def seed() -> list[str]:
    """Creates the demo departments that are missing; answers the ids it created."""
    created = []
    for data in DEMO_DEPARTMENTS:
        try:
            departments.create_department(DepartmentCreate.model_validate(data, strict=False), SEEDER,
                                          request_key=uuid.uuid4().hex)
            created.append(data["id"])
        except Conflict:
            pass
    return created
