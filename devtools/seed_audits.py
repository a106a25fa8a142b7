"""The demo's audit reports: MS-AR-17-006 and its prior coverage (DOMAIN.md), and an internal audit
of the city's 311 intake, each recommendation taken to its documented state through the audits'
own rules. Repeatable: a report that exists is left as it is."""
from __future__ import annotations

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict

OIG = Principal(subject="seed-oig", role="auditor", department=None, name="OIG auditor (demo seed)")
INTERNAL_AUDIT = Principal(subject="seed-internal-audit", role="auditor", department=None,
                           name="Internal audit (demo seed)")


def _dcxo(dept: str) -> Principal:
    return Principal(subject=f"seed-dcxo-{dept}", role="dcxo", department=dept, name=f"DCXO {dept} (demo seed)")


def _finding(criteria: str, condition: str, cause: str, effect: str) -> dict:
    return {"criteria": criteria, "condition": condition, "cause": cause, "effect": effect}


# MS-AR-17-006 and its prior coverage, from DOMAIN.md; one internal audit of the city's 311 intake.
DEMO_AUDITS = [
    {
        "auditor": OIG,
        "report": {"number": "MS-AR-17-006", "title": "Social Media Customer Inquiries", "issuer": "oig",
                   "issued_on": "2017-05-08", "category": "operations_management", "monetary_impact": "0"},
        "recommendations": [
            {"body": {"department": "corp-comms", "number": 1, "priority": "high", "significant": True,
                      "requires_concurrence": True,
                      "text": "Develop strategies to address resources and staffing shortfalls to respond "
                              "to all actionable customer inquiries posted on Postal Service hosted "
                              "social media platforms within the six-hour target.",
                      "finding": _finding(
                          "Customers expect an answer within one hour, seven days a week; the SMOC's "
                          "target is six hours.",
                          "First response took 16 hours on average in FY2016; 43% of responses met the "
                          "six-hour target; 35% of posts were flushed unreviewed after 48 hours.",
                          "The SMOC, staffed Monday-Friday 08:00-18:00 Eastern, lacked the resources "
                          "for the volume of posts; 31% arrived outside staffed hours.",
                          "Actionable complaints and requests for help went unanswered.")},
             "decision": {"decision": "partially_agree",
                          "action_plan": "Respond within the six-hour target on select platforms.",
                          "responsible_officials": ["SVP Sales and Customer Relations",
                                                    "VP Corporate Communications"],
                          "target_date": "2017-09-30",
                          "comments": "Management agreed only for select platforms."},
             "resolution": {"resolved": True, "comments": "Responsive; closure requires OIG concurrence."}},
            {"body": {"department": "corp-comms", "number": 2, "priority": "medium", "significant": False,
                      "requires_concurrence": True,
                      "text": "Develop strategies for enhancing coordination between the SMOC and the "
                              "customer care program.",
                      "finding": _finding(
                          "A 2013 recommendation the Postal Service agreed to implement by September "
                          "2014 called for coordination with customer care.",
                          "Coordination between the SMOC and the customer care program (phone and web, "
                          "its own system) was still poor.",
                          "Separate systems and teams for social media and customer care.",
                          "Customers get inconsistent answers across channels.")},
             "decision": {"decision": "disagree", "responsible_officials": [
                          "SVP Sales and Customer Relations", "VP Corporate Communications"],
                          "comments": "Privacy and security concerns about personal data on social "
                                      "media; a chat bot for 'where is my package?' is proposed instead."},
             "resolution": {"resolved": False, "comments": "Non-responsive; formal audit resolution "
                                                           "not pursued."},
             "close": "The OIG judged management's response non-responsive, did not pursue formal audit "
                      "resolution, and closed the recommendation as not implemented with the issuance "
                      "of the report."},
        ],
    },
    {
        "auditor": OIG,
        "report": {"number": "MS-MA-13-003", "title": "The Postal Service's Use of Social Media",
                   "issuer": "oig", "issued_on": "2013-08-01", "category": "operational_alignment",
                   "monetary_impact": "0"},
        "recommendations": [
            {"body": {"department": "customer-care", "number": 1, "priority": "medium", "significant": False,
                      "requires_concurrence": True,
                      "text": "Coordinate social media inquiries with the customer care program.",
                      "finding": _finding("One experience across all ways of access.",
                                          "Social media and customer care inquiries are handled apart.",
                                          "No shared process or system.",
                                          "Customers repeat themselves; issues fall between silos.")},
             "decision": {"decision": "agree",
                          "action_plan": "Integrate social media inquiries into customer care routing.",
                          "responsible_officials": ["VP Corporate Communications"],
                          "target_date": "2014-09-30", "comments": "Agreed."},
             "start": True},
        ],
    },
    {
        "auditor": INTERNAL_AUDIT,
        "report": {"number": "IA-2024-07", "title": "311 Service Request Intake", "issuer": "internal",
                   "issued_on": "2024-03-15", "category": "technology", "monetary_impact": "0"},
        "recommendations": [
            {"body": {"department": "public-works", "number": 1, "priority": "medium", "significant": False,
                      "requires_concurrence": False,
                      "text": "Route app and web reports of missed trash pickups into the 311 system.",
                      "finding": _finding("Every service request reaches the 311 system.",
                                          "App and web reports bypass the 311 queue.",
                                          "Two intake systems without an interface.",
                                          "Recurring complaints stay invisible.")}},
        ],
    },
]


def seed_audits() -> list[str]:
    """Creates the demo audit reports that are missing, with their recommendations taken to their
    documented state. Answers the report numbers it created."""
    from chalicelib.audits import service as audits
    from chalicelib.audits.recommendations_schemas import (
        ManagementDecisionPut,
        RecommendationCreate,
        ResolutionCreate,
        TransitionCreate,
    )
    from chalicelib.audits.schemas import AuditReportCreate

    created = []
    for audit in DEMO_AUDITS:
        auditor = audit["auditor"]
        try:
            report = audits.create_report(AuditReportCreate.model_validate(audit["report"], strict=False), auditor)
        except Conflict:
            continue
        created.append(report.number)
        for spec in audit["recommendations"]:
            rec = audits.create_recommendation(
                report.id, RecommendationCreate.model_validate(spec["body"], strict=False), auditor)
            dept, dcxo = rec.department, _dcxo(rec.department)
            if "decision" in spec:
                audits.put_management_decision(
                    dept, rec.id, ManagementDecisionPut.model_validate(spec["decision"], strict=False), dcxo)
            if "resolution" in spec:
                audits.create_resolution(dept, rec.id, ResolutionCreate(**spec["resolution"]), auditor)
            if spec.get("start"):
                audits.transition(dept, rec.id, TransitionCreate(to="in_progress"), dcxo)
            if "close" in spec:
                audits.transition(dept, rec.id, TransitionCreate(to="closed_not_implemented",
                                                                 reason=spec["close"]), auditor)
    return created
