"""The demo organisation: departments modelled on the USPS OIG audit MS-AR-17-006 and on a city's
311 and parks services, each with its DCXO. Seeding goes through the same domain rules as the API
and is repeatable: what exists is left as it is."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict
from chalicelib.org import departments, journeys
from chalicelib.kpis import service as kpis
from chalicelib.org.departments_schemas import DepartmentCreate
from chalicelib.org.journeys_schemas import JourneyCreate
from chalicelib.kpis.schemas import KpiCreate, MeasurementPut
from devtools import seed_audits

# The fiscal year the demo's feedback and MS-AR-17-006 fall in: the dashboard opens on it locally.
DEMO_PERIOD = "FY2017"
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
    """Creates the demo departments, KPIs and audits that are missing; answers what it created
    (department ids, "dept: KPI name", audit report numbers)."""
    created = []
    for data in DEMO_DEPARTMENTS:
        try:
            departments.create_department(DepartmentCreate.model_validate(data, strict=False), SEEDER,
                                          request_key=uuid.uuid4().hex)
            created.append(data["id"])
        except Conflict:
            pass
    created += seed_kpis() + seed_audits.seed_audits()
    created += [f"{dept}: {n} feedback record(s)" for dept, n in seed_feedback().items() if n]
    # --- the realistic FY2017 (issue 20); CXGOV_SEED_YEAR=0 leaves it out (most tests do) ---
    if os.environ.get("CXGOV_SEED_YEAR", "1") != "0":
        from devtools import seed_assessments, seed_peers, seed_year

        created += seed_year.seed() + seed_assessments.seed() + seed_peers.seed()
    # Last: the second look's draw must see the posts as the rest of the seed leaves them (the year's
    # imports update September 2016's posts, which would change the population the sample was drawn from)
    from devtools import seed_reviews  # issue 26: the SMOC's closed second look

    return created + seed_reviews.seed()


_FY2016 = [f"2015-{m}" for m in ("10", "11", "12")] + [f"2016-{m:02d}" for m in range(1, 10)]
# SMOC, FY2016 (MS-AR-17-006): 16-hour average first response, 43% within the 6-hour target; the
# months vary around those figures and average to them, December's holiday peak the worst.
_SMOC_HOURS = [14.5, 15.0, 22.0, 17.0, 15.5, 16.0, 15.0, 14.5, 15.0, 16.5, 15.5, 15.5]
_SMOC_WITHIN = [(460, 1000), (450, 1000), (310, 1000), (400, 1000), (440, 1000), (430, 1000),
                (450, 1000), (460, 1000), (450, 1000), (420, 1000), (440, 1000), (450, 1000)]

# department -> journeys, each with its KPIs: (definition, {period: measurement})
DEMO_KPIS: dict[str, list[dict]] = {
    "corp-comms": [{
        "journey": {"name": "Ask a question on social media",
                    "description": "A customer posts on the Postal Service's Facebook, Twitter or "
                                   "Instagram account and expects an answer",
                    "channels": ["facebook", "twitter", "instagram"]},
        "kpis": [
            ({"name": "Social media first response within 6 hours", "frequency": "monthly",
              "catalogue_code": "social_within_target", "target": 90},
             {p: {"numerator": n, "denominator": d, "source": "SMOC response dashboard"}
              for p, (n, d) in zip(_FY2016, _SMOC_WITHIN)}),
            ({"name": "Social media average first response time", "frequency": "monthly",
              "catalogue_code": "social_first_response_hours", "target": 6},
             {p: {"value": h, "source": "SMOC response dashboard"} for p, h in zip(_FY2016, _SMOC_HOURS)}),
            ({"name": "Social media first response time (from feedback)", "frequency": "monthly",
              "catalogue_code": "social_first_response_hours", "target": 6,
              "derived_from": "voc.first_response_hours_mean"}, {}),
            ({"name": "Social media responses within target, FY", "frequency": "fiscal_year",
              "catalogue_code": "social_within_target", "target": 90},
             {"FY2016": {"numerator": 43, "denominator": 100, "source": "USPS OIG MS-AR-17-006"}}),
        ],
    }],
    "customer-care": [{
        "journey": {"name": "Track a missing package by phone or web",
                    "description": "A customer calls or writes to the customer care center",
                    "channels": ["phone", "web", "email", "chat"]},
        "kpis": [
            ({"name": "Calls answered within 20 seconds", "frequency": "quarterly",
              "catalogue_code": "service_level", "target": 80},
             {"2016-Q3": {"numerator": 61200, "denominator": 80000, "source": "ACD report"},
              "2016-Q4": {"numerator": 66300, "denominator": 78000, "source": "ACD report"}}),
            ({"name": "Abandonment rate", "frequency": "quarterly", "catalogue_code": "abandonment_rate",
              "target": 5},
             {"2016-Q3": {"numerator": 5600, "denominator": 80000, "source": "ACD report"},
              "2016-Q4": {"numerator": 3510, "denominator": 78000, "source": "ACD report"}}),
            ({"name": "Post-contact CSAT", "frequency": "quarterly", "catalogue_code": "csat", "target": 85},
             {"2016-Q4": {"numerator": 1702, "denominator": 2100, "sample_size": 2100,
                          "source": "post-call survey"}}),
        ],
    }],
    "public-works": [{
        "journey": {"name": "Report a missed trash pickup",
                    "description": "A resident reports a missed collection through 311",
                    "channels": ["phone", "app_311", "web"]},
        "kpis": [
            ({"name": "311 first contact resolution", "frequency": "monthly",
              "catalogue_code": "first_contact_resolution", "target": 75},
             {"2016-08": {"numerator": 3120, "denominator": 4000, "source": "311 CRM"},
              "2016-09": {"numerator": 2850, "denominator": 4100, "source": "311 CRM"}}),
            ({"name": "Ease of reporting (A-11)", "frequency": "fiscal_year", "catalogue_code": "a11_ease",
              "target": 80},
             {"FY2016": {"numerator": 612, "denominator": 800, "sample_size": 800,
                         "source": "A-11 post-transaction survey"}}),
        ],
    }],
    "parks": [{
        "journey": {"name": "Book a picnic shelter", "description": "Online booking with a call-back",
                    "channels": ["web", "phone"]},
        "kpis": [
            ({"name": "Booking NPS", "frequency": "quarterly", "catalogue_code": "nps", "target": 30}, {}),
        ],
    }],
}


def seed_kpis() -> list[str]:
    """Creates the demo journeys and KPIs that are missing (matched by name) and records their
    measurements (an identical PUT writes nothing), so a second run changes nothing. Answers the
    names of the KPIs it created."""
    created = []
    for dept, owned in DEMO_KPIS.items():
        dcxo = Principal(subject="seed", role="dcxo", department=dept, name="demo seed")
        existing_journeys = {j.name: j for j in journeys.list_journeys(dept, 200, None)[0]}
        existing_kpis = {k.name: k for k in kpis.list_kpis(dept, None, 200, None)[0]}
        for spec in owned:
            journey = existing_journeys.get(spec["journey"]["name"]) or journeys.create_journey(
                dept, JourneyCreate.model_validate(spec["journey"]), SEEDER)
            for definition, measurements in spec["kpis"]:
                kpi = existing_kpis.get(definition["name"])
                if kpi is None:
                    kpi = kpis.create_kpi(
                        dept, KpiCreate.model_validate({**definition, "journey_id": journey.id}), SEEDER)
                    created.append(f"{dept}: {kpi.name}")
                for period, body in measurements.items():
                    kpis.put_measurement(dept, kpi.id, period, MeasurementPut.model_validate(body), dcxo)
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
    from chalicelib.voc import ingest

    created = {}
    for dept, posts in [("corp-comms", _POSTS), *_OTHER.items()]:
        created[dept] = ingest.import_feedback(dept, _rows(dept, posts), SEEDER).created
    return created
