"""FY2017's audit follow-up for the demo year: two internal audit reports whose recommendations sit
at every stage of the lifecycle (open without a decision, in progress with a revised target date,
closure requested, closed implemented by the auditee and with the auditor's concurrence, returned
by the auditor, closed not implemented, reopened), with corrective actions, progress notes and
evidence links. Each step runs on the day it happened (the clock is set for it), so ages, clocks,
histories and the months recommendations were opened and closed read as they would have.
MS-AR-17-006 and the v1 seed's other audits are left as they are."""
from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from typing import Iterator

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict

AUDITOR = Principal(subject="seed-internal-audit", role="auditor", department=None, name="Internal audit (demo seed)")


def _dcxo(dept: str) -> Principal:
    return Principal(subject=f"seed-dcxo-{dept}", role="dcxo", department=dept, name=f"DCXO {dept} (demo seed)")


@contextlib.contextmanager
def _on(day: str) -> Iterator[None]:
    """Runs what follows as if it were `day`, 15:00 UTC."""
    moment = datetime.fromisoformat(f"{day}T15:00:00+00:00").astimezone(timezone.utc)
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


def _finding(condition: str, effect: str) -> dict:
    return {"criteria": "The department's published service standards and the CX strategic plan.",
            "condition": condition, "cause": "No owner and no measure for the process.", "effect": effect}


# (report, [recommendation: body, then the steps: (day, action, arguments)])
REPORTS = [
    ({"number": "IA-2016-11", "title": "Contact Centre Operations Review", "issuer": "internal",
      "issued_on": "2016-11-14", "category": "operations_management", "monetary_impact": "0"}, [
        ({"department": "customer-care", "number": 1, "priority": "medium",
          "text": "Publish service standards for every contact channel, with response targets.",
          "finding": _finding("Phone has a service level; web, email and chat have none.",
                              "Customers cannot know when to expect an answer.")}, []),
        ({"department": "customer-care", "number": 2, "priority": "high", "significant": True,
          "text": "Staff chat on Saturdays, when a fifth of chat demand arrives.",
          "finding": _finding("Chat is staffed Monday to Friday only.", "Saturday chats wait until Monday.")}, [
            ("2016-12-20", "decision", {"decision": "agree", "action_plan": "Hire and train two Saturday chat agents.",
                                        "responsible_officials": ["Customer Care Center manager"],
                                        "target_date": "2017-06-30"}),
            ("2017-01-10", "resolution", {"resolved": True, "comments": "Responsive."}),
            ("2017-01-16", "start", {}),
            ("2017-01-16", "action", {"description": "Hire two Saturday chat agents", "owner": "Customer Care Center manager",
                                      "due_date": "2017-05-31", "status": "in_progress"}),
            ("2017-05-02", "note", {"progress_note": "One agent hired; the second post re-advertised."}),
            ("2017-06-15", "decision", {"decision": "agree", "action_plan": "Hire and train two Saturday chat agents.",
                                        "responsible_officials": ["Customer Care Center manager"],
                                        "target_date": "2017-12-31",
                                        "comments": "Second hire delayed by the hiring freeze."}),
            ("2017-06-20", "evidence", {"url": "https://intranet.example.gov/customer-care/chat-rota-2017.pdf",
                                        "description": "Saturday chat rota from June 2017"})]),
        ({"department": "public-works", "number": 3, "priority": "medium",
          "text": "Send every 311 requester a status update when the request is closed.",
          "finding": _finding("Closed requests send no notification.", "Residents re-report fixed problems.")}, [
            ("2016-12-05", "decision", {"decision": "agree", "action_plan": "Enable closure notifications in the 311 CRM.",
                                        "responsible_officials": ["311 operations lead"], "target_date": "2017-08-31"}),
            ("2016-12-12", "resolution", {"resolved": True, "comments": "Responsive."}),
            ("2017-01-09", "start", {}),
            ("2017-01-09", "action", {"description": "Configure closure notifications", "owner": "311 operations lead",
                                      "due_date": "2017-07-31", "status": "in_progress"}),
            ("2017-07-28", "done", {"progress_note": "Live for app, web and phone requests."}),
            ("2017-08-02", "evidence", {"url": "https://intranet.example.gov/public-works/311-closure-notice.png",
                                        "description": "Screenshot of the closure notification"}),
            ("2017-08-20", "request_closure", {"reason": "Notifications live since 28 July."})]),
        ({"department": "parks", "number": 4, "priority": "low", "requires_concurrence": False,
          "text": "Confirm every shelter booking in writing within one business day.",
          "finding": _finding("Phone bookings get no confirmation.", "Double bookings on summer weekends.")}, [
            ("2016-12-01", "decision", {"decision": "agree", "action_plan": "Send confirmations from the booking system.",
                                        "responsible_officials": ["Parks reservations supervisor"], "target_date": "2017-03-31"}),
            ("2016-12-08", "start", {}),
            ("2016-12-08", "action", {"description": "Switch on booking confirmations", "owner": "Parks reservations supervisor",
                                      "due_date": "2017-03-15", "status": "in_progress"}),
            ("2017-03-10", "done", {"progress_note": "Confirmations sent by e-mail and text."}),
            ("2017-03-10", "evidence", {"url": "https://intranet.example.gov/parks/booking-confirmation-sample.pdf",
                                        "description": "Sample confirmation"}),
            ("2017-04-10", "close_by_auditee", {"reason": "Confirmations in place since 10 March."})]),
        ({"department": "parks", "number": 5, "priority": "medium",
          "text": "Publish shelter availability online.",
          "finding": _finding("Availability is known only by phone.", "Callers wait to learn a shelter is taken.")}, [
            ("2016-12-01", "decision", {"decision": "agree", "action_plan": "Publish the booking calendar.",
                                        "responsible_officials": ["Parks reservations supervisor"], "target_date": "2017-05-31"}),
            ("2016-12-08", "resolution", {"resolved": True, "comments": "Responsive."}),
            ("2016-12-08", "start", {}),
            ("2016-12-08", "action", {"description": "Publish the booking calendar", "owner": "Parks web team",
                                      "due_date": "2017-05-15", "status": "in_progress"}),
            ("2017-05-12", "done", {"progress_note": "Calendar published on the parks site."}),
            ("2017-05-12", "evidence", {"url": "https://parks.example.gov/shelters/calendar",
                                        "description": "The public calendar"}),
            ("2017-06-01", "request_closure", {"reason": "Calendar live since 12 May."}),
            ("2017-06-20", "concur", {"reason": "Verified on the public site."})]),
    ]),
    ({"number": "IA-2017-04", "title": "Voice of the Customer Program", "issuer": "internal",
      "issued_on": "2017-04-03", "category": "technology", "monetary_impact": "0"}, [
        ({"department": "corp-comms", "number": 1, "priority": "high", "significant": True,
          "text": "Route Instagram posts into the response dashboard.",
          "finding": _finding("Instagram posts never reach the dashboard.", "Instagram customers are never answered.")}, [
            ("2017-05-15", "decision", {"decision": "agree", "action_plan": "Connect Instagram to the response tool.",
                                        "responsible_officials": ["VP Corporate Communications"], "target_date": "2017-09-30"}),
            ("2017-05-22", "resolution", {"resolved": True, "comments": "Responsive."}),
            ("2017-06-01", "start", {}),
            ("2017-06-01", "action", {"description": "Connect Instagram to the response tool", "owner": "SMOC manager",
                                      "due_date": "2017-09-15", "status": "in_progress"})]),
        ({"department": "public-works", "number": 2, "priority": "medium",
          "text": "Record the channel of every 311 request.",
          "finding": _finding("A third of requests have no channel.", "Channel workload cannot be planned.")}, [
            ("2017-04-20", "decision", {"decision": "agree", "action_plan": "Make the channel a required field.",
                                        "responsible_officials": ["311 operations lead"], "target_date": "2017-07-31"}),
            ("2017-04-24", "resolution", {"resolved": True, "comments": "Responsive."}),
            ("2017-05-01", "start", {}),
            ("2017-05-01", "action", {"description": "Make the channel a required field", "owner": "311 CRM admin",
                                      "due_date": "2017-07-15", "status": "in_progress"}),
            ("2017-07-14", "done", {"progress_note": "Field required in the agent screen."}),
            ("2017-07-14", "evidence", {"url": "https://intranet.example.gov/public-works/crm-change-4411",
                                        "description": "CRM change request 4411"}),
            ("2017-07-20", "request_closure", {"reason": "Channel required since 14 July."}),
            ("2017-08-10", "not_concur", {"reason": "App requests still arrive without a channel; fix the app intake too."})]),
        ({"department": "customer-care", "number": 3, "priority": "medium",
          "text": "Survey a sample of callers after every contact.",
          "finding": _finding("Only web contacts are surveyed.", "Phone satisfaction is unknown.")}, [
            ("2017-05-02", "decision", {"decision": "disagree",
                                        "responsible_officials": ["Customer Care Center manager"],
                                        "comments": "The telephony contract has no survey option until 2019."}),
            ("2017-05-30", "resolution", {"resolved": False, "comments": "Non-responsive."}),
            ("2017-06-05", "close_not_implemented", {"reason": "Management will not act before the contract ends; "
                                                                "closed as not implemented."})]),
        ({"department": "parks", "number": 4, "priority": "low", "requires_concurrence": False,
          "text": "Answer web enquiries within the 72-hour target in summer.",
          "finding": _finding("Summer web enquiries wait up to a week.", "Bookings are lost to other venues.")}, [
            ("2017-04-18", "decision", {"decision": "agree", "action_plan": "Seasonal staff answer web enquiries.",
                                        "responsible_officials": ["Parks reservations supervisor"], "target_date": "2017-06-30"}),
            ("2017-04-25", "start", {}),
            ("2017-04-25", "action", {"description": "Hire seasonal web agents", "owner": "Parks reservations supervisor",
                                      "due_date": "2017-05-31", "status": "in_progress"}),
            ("2017-05-30", "done", {"progress_note": "Two seasonal agents started."}),
            ("2017-05-30", "evidence", {"url": "https://intranet.example.gov/parks/seasonal-rota-2017",
                                        "description": "Seasonal rota"}),
            ("2017-06-02", "close_by_auditee", {"reason": "Seasonal agents in place."}),
            ("2017-08-21", "reopen", {"reason": "August web enquiries again waited more than a week."})]),
    ]),
]


def _apply(rec, step: str, args: dict, state: dict) -> None:
    from chalicelib.audits import service as audits
    from chalicelib.audits.actions_schemas import ActionCreate, ActionPatch, EvidenceCreate
    from chalicelib.audits.recommendations_schemas import (
        ManagementDecisionPut,
        ResolutionCreate,
        TransitionCreate,
    )

    dept, dcxo = rec.department, _dcxo(rec.department)
    if step == "decision":
        audits.put_management_decision(dept, rec.id, ManagementDecisionPut.model_validate(args, strict=False), dcxo)
    elif step == "resolution":
        audits.create_resolution(dept, rec.id, ResolutionCreate(**args), AUDITOR)
    elif step == "start":
        audits.transition(dept, rec.id, TransitionCreate(to="in_progress"), dcxo)
    elif step == "action":
        state["action"] = audits.create_action(dept, rec.id, ActionCreate.model_validate(args, strict=False), dcxo).id
    elif step in ("note", "done"):
        body = {**args, **({"status": "done"} if step == "done" else {})}
        audits.patch_action(dept, rec.id, state["action"], ActionPatch.model_validate(body, strict=False), dcxo)
    elif step == "evidence":
        created = audits.create_evidence(dept, rec.id, state["action"], EvidenceCreate.model_validate(args, strict=False), dcxo)
        state.setdefault("evidence", []).append(created.id)
    elif step in ("request_closure", "close_by_auditee"):
        to = "closure_requested" if step == "request_closure" else "closed_implemented"
        audits.transition(dept, rec.id, TransitionCreate(to=to, reason=args["reason"], evidence_ids=state["evidence"]), dcxo)
    elif step == "concur":
        audits.transition(dept, rec.id, TransitionCreate(to="closed_implemented", reason=args["reason"]), AUDITOR)
    elif step == "not_concur":
        audits.transition(dept, rec.id, TransitionCreate(to="in_progress", reason=args["reason"]), AUDITOR)
    elif step == "close_not_implemented":
        audits.transition(dept, rec.id, TransitionCreate(to="closed_not_implemented", reason=args["reason"]), AUDITOR)
    elif step == "reopen":
        audits.transition(dept, rec.id, TransitionCreate(to="in_progress", reason=args["reason"]), AUDITOR)
    else:
        raise ValueError(f"unknown seed step {step!r}")


def seed() -> list[str]:
    """Creates the reports that are missing, each recommendation taken through its steps on their
    days. Answers the report numbers it created."""
    from chalicelib.audits import service as audits
    from chalicelib.audits.recommendations_schemas import RecommendationCreate
    from chalicelib.audits.schemas import AuditReportCreate

    created = []
    for report_body, recommendations in REPORTS:
        with _on(report_body["issued_on"]):
            try:
                report = audits.create_report(AuditReportCreate.model_validate(report_body, strict=False), AUDITOR)
            except Conflict:
                continue
            recs = [audits.create_recommendation(report.id, RecommendationCreate.model_validate(body, strict=False), AUDITOR)
                    for body, _ in recommendations]
        created.append(report.number)
        for rec, (_, steps) in zip(recs, recommendations):
            state: dict = {}
            for day, step, args in steps:
                with _on(day):
                    _apply(rec, step, args, state)
    return created
