"""The demo organisation: departments modelled on the USPS OIG audit MS-AR-17-006 and on a city's
311 and parks services, each with its DCXO. Seeding goes through the same domain rules as the API
and is repeatable: what exists is left as it is."""
from __future__ import annotations

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
            departments.create_department(DepartmentCreate.model_validate(data, strict=False), SEEDER)
            created.append(data["id"])
        except Conflict:
            pass
    seed_feedback()
    return created


# --- feedback ---
_POSTS = [
    # (channel, received_at UTC, category, actionable, minutes to first response or None, comment)
    ("twitter", "2016-12-23T14:05:00Z", "request_for_help", True, 45,
     "@USPS my package 9400 1118 9922 3100 0123 45 has been 'in transit' for 9 days. Christmas is Sunday!"),
    ("twitter", "2016-12-23T15:40:00Z", "complaint", True, 1020,
     "@USPS second time this week the carrier skipped our street. Call me 202-555-0173"),
    ("twitter", "2016-12-23T23:10:00Z", "question", True, 600,
     "@USPS are post offices open on the 24th? Can't find it on the website"),
    ("twitter", "2016-12-24T02:30:00Z", "complaint", True, None,
     "@USPS tracking says delivered, porch is empty. Nobody answers the phone."),
    ("facebook", "2016-12-23T16:20:00Z", "request_for_help", True, 2900,
     "Hello, I sent a money order and it never arrived, account # 00123456789. Please help"),
    ("facebook", "2016-12-23T21:45:00Z", "complaint", True, None,
     "Waited 2 hours in line at the Main St office, only one window open. Unacceptable."),
    ("facebook", "2016-12-26T13:00:00Z", "compliment", False, None,
     "Shout out to our carrier Maria who delivered in the snow on Christmas Eve!"),
    ("instagram", "2016-12-23T18:30:00Z", "request_for_help", True, None,
     "@uspostalservice where is my parcel?? email me at jo.parker@example.com"),
    ("instagram", "2016-12-27T01:15:00Z", "complaint", True, None,
     "Box arrived crushed. Who do I talk to about this?"),
    ("twitter", "2017-03-14T13:30:00Z", "question", True, 150,
     "@USPS does the new price change affect flat rate boxes?"),
    ("twitter", "2017-03-14T22:50:00Z", "request_for_help", True, 700,
     "@USPS held mail request didn't work, mail piled up while on vacation"),
    ("facebook", "2017-03-18T15:00:00Z", "suggestion", True, None,
     "Please add Saturday hours for passport appointments."),
    ("instagram", "2017-03-20T19:00:00Z", "complaint", True, None,
     "Third time my package went to the wrong address. UPS 1Z999AA10123456784 never has this problem"),
]
_OTHER = {
    "customer-care": [("phone", "2017-03-14T15:00:00Z", "request_for_help", True, 30, "Caller asked about a lost money order"),
                      ("web", "2017-03-15T02:00:00Z", "complaint", True, None, "Web form: redelivery never came")],
    "public-works": [("app_311", "2017-03-13T16:00:00Z", "request_for_help", True, 1500, "Missed trash pickup on Elm St"),
                     ("app_311", "2017-03-19T18:00:00Z", "complaint", True, None, "Pothole on 5th Ave still not fixed")],
    "parks": [("in_person", "2017-03-11T17:00:00Z", "compliment", False, None, "Lovely new playground at Riverside park")],
}


def _rows(dept: str, posts: list) -> list[tuple[str, dict]]:
    from datetime import datetime, timedelta

    rows = []
    for n, (channel, received, category, actionable, minutes, comment) in enumerate(posts):
        row = {"channel": channel, "received_at": received, "category": category, "actionable": actionable,
               "comment": comment, "source_system": "demo-seed", "source_id": f"{dept}-{n}"}
        if minutes is not None:
            at = datetime.fromisoformat(received.replace("Z", "+00:00")) + timedelta(minutes=minutes)
            row["first_responded_at"] = at.isoformat()
        if n % 3 == 0:
            row.update(nps=n % 11, csat=1 + n % 5, ces=1 + n % 7, a11={"trust": 1 + n % 5, "ease": 1 + (n + 2) % 5})
        rows.append(("json", row))
    return rows


def seed_feedback() -> dict[str, int]:
    """Demo feedback: the SMOC's posts around the 23 December 2016 peak and March 2017 (some answered
    late, some out of hours, Instagram never answered), and a little for the other departments.
    Repeatable: every row names its source, so a second seed creates nothing."""
    from chalicelib.logic import feedback

    created = {}
    for dept, posts in [("corp-comms", _POSTS), *_OTHER.items()]:
        created[dept] = feedback.import_feedback(dept, _rows(dept, posts), SEEDER).created
    return created
