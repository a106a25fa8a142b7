"""Gaps to findings: an auditor or the ccxo raises chosen gaps of a submitted or approved assessment
as recommendations of one internal audit report (issuer `internal`), through the audits' own
writes, so they follow the recommendation lifecycle and appear in the tracker, the digests and the
rollups like any audit's. Linked both ways: the recommendation's `source` names the assessment and
its requirement; the assessment's requirement names the recommendation.

Each write is one transaction: the report with the assessment's link to it (and its history entry),
then each recommendation with its history, counters and due dates, and the assessment's link to it
(and its history entry). A retry after a failure in between continues where it stopped."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.assessments import frameworks, rules
from chalicelib.assessments import store as dal
from chalicelib.assessments.schemas import FindingsCreate, FindingsCreated
from chalicelib.assessments.service import history_entry, load
from chalicelib.audits import service as audits
from chalicelib.audits.recommendations_schemas import RecommendationCreate
from chalicelib.audits.schemas import AuditReportCreate
from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict

AUDIT_CATEGORIES = ("technology", "operations_management", "compliance", "operational_alignment",
                    "human_capital")


def _report_category(categories: list[str]) -> str:
    """The audit category most of the gaps fall in (an operational audit's own categories), else
    `compliance` (a readiness check against a standard)."""
    counted = Counter(c for c in categories if c in AUDIT_CATEGORIES)
    return counted.most_common(1)[0][0] if counted else "compliance"


def _committed(write):
    try:
        return write()
    except TransactWriteError as exc:  # the assessment changed meanwhile (its version condition)
        raise Conflict.for_field("version", "the assessment was changed by someone else meanwhile; "
                                            "read it again") from exc


def raise_findings(dept: str, assessment_id: str, body: FindingsCreate, principal: Principal) -> FindingsCreated:
    item = load(dept, assessment_id, consistent=True)
    if item["status"] not in ("submitted", "approved"):
        raise Conflict.for_field("status", "gaps are raised from a submitted or approved assessment; "
                                           f"this one is {item['status']}")
    document, _, _ = frameworks.resolve(item["framework_id"], item["framework_version"])
    requirements = {r["ref"]: (position, r) for position, r in enumerate(document["requirements"], start=1)}
    answers = {a["ref"]: a for a in dal.answers(dept, assessment_id, consistent=True)}
    raised = json.loads(item["findings"]) if item.get("findings") else {}
    for index, ref in enumerate(body.refs):
        answer = answers.get(ref)
        if ref not in requirements:
            raise BadRequest.for_field(f"refs.{index}", f"the framework has no requirement {ref}")
        if body.refs.index(ref) != index:
            raise BadRequest.for_field(f"refs.{index}", f"{ref} is named twice")
        if answer is None or answer["result"] not in rules.GAPS:
            raise BadRequest.for_field(f"refs.{index}", f"{ref} is not a gap (answered "
                                                        f"{answer['result'] if answer else 'nothing'})")
        if ref in raised:
            raise Conflict.for_field(f"refs.{index}", f"{ref} was already raised as recommendation {raised[ref]}")
    report_id = item.get("findings_report_id")
    if report_id is None:
        report_id, item = _create_report(item, document, [requirements[r][1]["category"] for r in body.refs],
                                         principal)
    created = []
    for ref in body.refs:
        position, requirement = requirements[ref]
        rec_id, item = _create_recommendation(item, report_id, position, requirement, answers[ref], principal)
        created.append({"ref": ref, "id": rec_id})
    return FindingsCreated(report_id=report_id, recommendations=created)


def _create_report(item: dict[str, Any], document: dict[str, Any], categories: list[str],
                   principal: Principal) -> tuple[str, dict[str, Any]]:
    body = AuditReportCreate.model_validate({
        "number": f"ASMT-{item['assessment_id']}",
        "title": f"{document['name']}: {item['title']}"[:200], "issuer": "internal",
        "issued_on": clock.now().date().isoformat(), "category": _report_category(categories),
        "monetary_impact": "0"}, strict=False)

    def extend(tx, report_id: str) -> None:  # the assessment's side of the report's transaction
        entry = history_entry(item, principal, "findings_report",
                              {"report_id": report_id, "report_number": body.number, "category": body.category})
        dal.add_to_transaction(tx, dal.Change(item["department"], item["assessment_id"], int(item["version"]),
                                              {"findings_report_id": report_id}, entry), principal.subject)

    report = _committed(lambda: audits.create_report(body, principal, extend=extend))
    return report.id, load(item["department"], item["assessment_id"], consistent=True)


def _create_recommendation(item: dict[str, Any], report_id: str, number: int, requirement: dict[str, Any],
                           answer: dict[str, Any], principal: Principal) -> tuple[str, dict[str, Any]]:
    dept, ref = item["department"], requirement["ref"]
    result = answer["result"].replace("_", " ")
    body = RecommendationCreate.model_validate({
        "department": dept, "number": number,
        "text": f"Close the gap on {ref} ({requirement['title']}) found by the assessment "
                f"\"{item['title']}\" as of {item['as_of']}."[:10_000],
        "finding": {
            "criteria": f"{ref} {requirement['title']}: {requirement['description']}"[:10_000],
            "condition": (answer.get("observation") or f"Assessed {result}.")[:10_000],
            "cause": f"Assessed {result} in the assessment \"{item['title']}\" "
                     f"({item['framework_id']} {item['framework_version']}).",
            "effect": f"The department does not fully meet {ref} of {item['framework_id']}."},
        "priority": "high" if answer["result"] == "non_compliant" else "medium",
        "significant": False, "requires_concurrence": True}, strict=False)
    source = {"kind": "assessment", "department": dept, "assessment_id": item["assessment_id"], "ref": ref}

    def extend(tx, rec_id: str) -> None:  # the assessment's link back, in the recommendation's transaction
        findings = {**(json.loads(item["findings"]) if item.get("findings") else {}), ref: rec_id}
        entry = history_entry(item, principal, "finding_raised",
                              {"ref": ref, "recommendation_id": rec_id, "report_id": report_id})
        dal.add_to_transaction(tx, dal.Change(dept, item["assessment_id"], int(item["version"]),
                                              {"findings": json.dumps(findings, sort_keys=True)}, entry),
                               principal.subject)

    rec = _committed(lambda: audits.create_recommendation(report_id, body, principal, source=source,
                                                          extend=extend))
    return rec.id, load(dept, item["assessment_id"], consistent=True)
