"""Demo assessments (issue 28), seeded with the demo year: an approved operational audit of the SMOC
(corp-comms) whose two main gaps were raised as recommendations, approved audits of customer-care
and parks, an ISO 18295-1 readiness check of customer-care, and a draft re-assessment of the SMOC.
A department that already has assessments is left alone, so a second seed writes nothing."""
from __future__ import annotations

import uuid

from chalicelib.core.auth import Principal

AUDIT = "contact-centre-operational-audit"
ISO = "iso-18295-1-readiness"
AUDITOR = Principal(subject="seed-internal-audit", role="auditor", department=None,
                   name="Internal audit (demo seed)")

# department -> [(framework, title, as_of, {ref: (result, maturity, observation)}, refs raised)]
DEMO = {
    "corp-comms": [(AUDIT, "FY2017 operational audit of the Social Media Operations Center", "2017-09-30", {
        "TEC-1": ("partially_compliant", 2, "Twitter is answered; the Facebook response tool was switched "
                                            "off to manage workload and Instagram is never answered."),
        "TEC-2": ("non_compliant", 1, "Posts not reviewed within 48 hours are flushed from the response "
                                      "dashboard (35% of posts in FY2016; 68% on 23 December 2016)."),
        "TEC-3": ("non_compliant", 1, "The customer care program's system is separate; agents cannot see "
                                      "earlier phone or web contacts."),
        "OPS-1": ("partially_compliant", 2, "A six-hour target exists; 43% of responses met it."),
        "OPS-2": ("partially_compliant", 2, "Staffing follows weekday office hours, not demand."),
        "OPS-3": ("non_compliant", 1, "23% of a sample of 205 'not actionable' closures met the agents' "
                                      "own criteria for actionable."),
        "OPS-5": ("non_compliant", 1, "No surge plan: extra staff arrived only in mid-January 2017."),
        "CMP-1": ("compliant", 3, "Personal data is moved to private messages."),
        "CMP-4": ("non_compliant", 1, "A 2013 coordination recommendation is still not implemented."),
        "ALN-1": ("non_compliant", 1, "31% of posts arrive outside staffed hours (Mon-Fri 08:00-18:00 ET)."),
        "ALN-2": ("non_compliant", 1, "Coordination with the customer care program is still poor."),
        "HUM-1": ("partially_compliant", 2, "Staffing shortfalls are known but not planned for."),
        "HUM-2": ("compliant", 3, "Agents are trained on Twitter and Facebook."),
    }, ["TEC-2", "ALN-1"])],
    "customer-care": [(AUDIT, "FY2017 operational audit of the customer care centre", "2017-08-31", {
        "TEC-1": ("compliant", 4, "Phone and web share one case system."),
        "TEC-2": ("compliant", 4, "Cases never expire."),
        "OPS-1": ("compliant", 3, "Service level and speed of answer are published."),
        "OPS-2": ("partially_compliant", 3, "Forecasts ignore seasonal peaks."),
        "CMP-5": ("compliant", 4, "Complaints procedure with time limits."),
        "ALN-2": ("partially_compliant", 2, "No hand-off agreement with the SMOC."),
        "HUM-1": ("compliant", 3, "Headcount planned from the forecast."),
    }, []), (ISO, "ISO 18295-1 readiness, customer care centre", "2017-09-15", {
        "4.1": ("compliant", 3, "Hours and channels are on the website."),
        "4.2": ("partially_compliant", 2, "CSAT by phone only."),
        "4.3": ("compliant", 3, "Written complaints procedure."),
        "4.4": ("compliant", 4, "Identity checked before account details."),
        "5": ("partially_compliant", 2, "Objectives set, reviews irregular."),
        "6.1": ("compliant", 3, "Skills matrix kept."),
        "7": ("partially_compliant", 2, "Targets per channel; web has none."),
        "9": ("not_applicable", None, "No outsourced provider."),
    }, [])],
    "parks": [(AUDIT, "FY2017 operational audit of parks' 311 intake", "2017-07-31", {
        "TEC-1": ("partially_compliant", 2, "Walk-in requests are logged on paper."),
        "OPS-1": ("non_compliant", 1, "No published response target."),
        "CMP-2": ("compliant", 3, "Forms meet Section 508."),
        "ALN-4": ("partially_compliant", 2, "Complaints reach the service owner by email only."),
        "HUM-3": ("compliant", 3, "DCXO appointed and trained."),
    }, [])],
}


def seed() -> list[str]:
    """Answers what it created ("dept: assessment title")."""
    from chalicelib.assessments import findings, service
    from chalicelib.assessments.schemas import (
        AnswerPut,
        AssessmentCreate,
        AssessmentQuery,
        FindingsCreate,
        TransitionCreate,
    )

    created = []
    for dept, assessments in DEMO.items():
        dcxo = Principal(subject=f"seed-dcxo-{dept}", role="dcxo", department=dept, name=f"DCXO {dept} (demo seed)")
        existing, _ = service.list_assessments(dept, AssessmentQuery(), dcxo, None)
        if existing:
            continue
        for framework, title, as_of, answers, raised in assessments:
            made = service.create_assessment(dept, AssessmentCreate.model_validate(
                {"framework_id": framework, "title": title, "as_of": as_of}, strict=False), dcxo, uuid.uuid4().hex)
            for ref, (result, maturity, observation) in answers.items():
                service.put_answer(dept, made.id, ref, AnswerPut.model_validate(
                    {"result": result, "maturity": maturity, "observation": observation}, strict=False), dcxo)
            service.transition(dept, made.id, TransitionCreate(to="submitted"), dcxo)
            service.transition(dept, made.id, TransitionCreate(to="approved"), AUDITOR)
            if raised:
                findings.raise_findings(dept, made.id, FindingsCreate(refs=raised), AUDITOR)
            created.append(f"{dept}: {title}")
            if dept == "corp-comms":  # the next year's re-assessment, started from this one
                service.create_assessment(dept, AssessmentCreate.model_validate(
                    {"framework_id": framework, "title": "FY2018 re-assessment of the SMOC", "as_of": "2018-09-30",
                     "copy_from": made.id}, strict=False), dcxo, uuid.uuid4().hex)
    return created
