"""Assessments of a department against a framework: creating one (or re-assessing from an earlier
one), answering requirements while draft, the draft → submitted → approved lifecycle, the score, the
chained history and the org summary. Every change is one transaction with its history entry (the
same SHA-256 chain as a recommendation's, core/hashchain.py; `rec_id` holds the assessment's id).
What other domains call: `latest_approved` and `org_summary` (the dashboard)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.assessments import frameworks, rules
from chalicelib.assessments import store as dal
from chalicelib.assessments.schemas import (
    AnswerPut,
    Assessment,
    AssessmentCreate,
    AssessmentOrgSummary,
    AssessmentSummary,
    AssessmentHistoryEntry,
    RequirementState,
    TransitionCreate,
)
from chalicelib.core import clock, hashchain
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.core.redaction import redact_text
from chalicelib.kpis import service as kpis

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789")


def now_text() -> str:
    return clock.now().isoformat(timespec="seconds")


def check_id(value: str) -> str:
    if not (8 <= len(value or "") <= 40 and set(value) <= _ID_CHARS):
        raise NotFound("assessment not found")
    return value


def history_entry(item: dict[str, Any], principal: Principal, event: str, changes: dict[str, Any],
                  first: bool = False) -> dict[str, Any]:
    """The next entry of the assessment's chain, sealed, with `changes` as stored (canonical JSON)."""
    entry = hashchain.seal({
        "seq": 1 if first else int(item["history_seq"]) + 1, "rec_id": item["assessment_id"],
        "at": now_text(), "actor": principal.subject, "actor_name": principal.name,
        "role": principal.role, "event": event, "changes": changes,
        "prev_hash": hashchain.GENESIS if first else item["history_head"]})
    return {**entry, "changes": hashchain.canonical(changes).decode()}


def load(dept: str, assessment_id: str, consistent: bool = False) -> dict[str, Any]:
    check_id(assessment_id)
    item = dal.get_assessment(dept, assessment_id, consistent=consistent)
    if item is None:
        raise NotFound("assessment not found")
    return item


def _findings(item: dict[str, Any]) -> dict[str, str]:
    return json.loads(item["findings"]) if item.get("findings") else {}


def summary(item: dict[str, Any], principal: Principal | None) -> AssessmentSummary:
    score = json.loads(item["score"])
    return AssessmentSummary(
        id=item["assessment_id"], department=item["department"], framework_id=item["framework_id"],
        framework_version=item["framework_version"], title=item["title"], as_of=item["as_of"],
        status=item["status"], copy_from=item.get("copy_from"), score=score,
        findings_report_id=item.get("findings_report_id"),
        open_gaps=score["non_compliant"] + score["partially_compliant"],
        submitted_at=item.get("submitted_at"), submitted_by=item.get("submitted_by"),
        decided_at=item.get("decided_at"), decided_by=item.get("decided_by"),
        return_reason=item.get("return_reason"),
        allowed_transitions=rules.allowed(item["status"], principal.role, item.get("submitted_by"),
                                          principal.subject) if principal else [],
        version=int(item["version"]), created_at=item["created_at"], updated_at=item["updated_at"])


def view(item: dict[str, Any], answers: list[dict[str, Any]], principal: Principal) -> Assessment:
    document, _, _ = frameworks.resolve(item["framework_id"], item["framework_version"])
    by_ref = {a["ref"]: a for a in answers}
    codes = {code for r in document["requirements"] for code in r["kpi_codes"]}
    readings = kpis.latest_by_catalogue(item["department"], codes)
    findings = _findings(item)
    requirements = []
    for r in document["requirements"]:
        answer = by_ref.get(r["ref"])
        requirements.append(RequirementState(
            ref=r["ref"], title=r["title"], category=r["category"], assessable=r["assessable"],
            kpi_codes=r["kpi_codes"], kpis={code: readings.get(code, []) for code in r["kpi_codes"]},
            answer=None if answer is None else {
                "result": answer["result"],
                "maturity": int(answer["maturity"]) if answer.get("maturity") is not None else None,
                "observation": answer.get("observation"), "evidence_ids": answer.get("evidence_ids") or [],
                "links": answer.get("links") or [], "answered_at": answer["updated_at"],
                "answered_by": answer.get("answered_by")},
            finding={"report_id": item["findings_report_id"], "recommendation_id": findings[r["ref"]]}
            if r["ref"] in findings else None))
    return Assessment(**summary(item, principal).model_dump(), framework_name=document["name"],
                      requirements=requirements)


def get_assessment(dept: str, assessment_id: str, principal: Principal) -> Assessment:
    item = load(dept, assessment_id)
    return view(item, dal.answers(dept, assessment_id), principal)


def list_assessments(dept: str, query: Any, principal: Principal, start_key: dict | None):
    items, last = dal.list_assessments(dept, query.framework_id, query.status, query.limit, start_key)
    return [summary(item, principal) for item in items], last


def create_assessment(dept: str, body: AssessmentCreate, principal: Principal, request_key: str) -> Assessment:
    document, _, _ = frameworks.resolve(body.framework_id, body.framework_version)
    categories = frameworks.assessable(document)
    copied: list[dict[str, Any]] = []
    if body.copy_from is not None:
        try:
            source = load(dept, body.copy_from)
        except NotFound:
            raise BadRequest.for_field("copy_from", "no assessment with this id in this department")
        if source["framework_id"] != body.framework_id:
            raise BadRequest.for_field("copy_from", f"assessment {body.copy_from} is against "
                                                    f"{source['framework_id']}, not {body.framework_id}")
        levels = {level["level"] for level in document["scale"]["levels"]}
        for answer in dal.answers(dept, body.copy_from, consistent=True):
            if answer["ref"] in categories:  # a ref the new version dropped is not copied
                maturity = answer.get("maturity")
                # Its files stay the earlier assessment's (cited there); links carry over.
                copied.append({**{k: answer.get(k) for k in ("ref", "result", "observation", "links")},
                               "maturity": maturity if maturity is None or int(maturity) in levels else None,
                               "answered_by": answer.get("answered_by")})
    assessment_id = dal.new_id()
    data = {"assessment_id": assessment_id, "department": dept, "framework_id": body.framework_id,
            "framework_version": document["version"], "title": body.title, "as_of": body.as_of.isoformat(),
            "status": "draft", "copy_from": body.copy_from,
            "score": json.dumps(rules.score(categories, copied)), "history_seq": 1}
    entry = history_entry(data, principal, "created",
                          {k: data[k] for k in ("framework_id", "framework_version", "title", "as_of",
                                                "copy_from", "status")}
                          | {"copied_refs": [a["ref"] for a in copied]}, first=True)
    data["history_head"] = entry["hash"]
    stored = dal.create_assessment(dept, data, copied, entry, principal.subject, request_key)
    return view(stored, copied and dal.answers(dept, assessment_id, consistent=True), principal)


def _check_version(expected: int | None, item: dict[str, Any]) -> None:
    if expected is not None and expected != int(item["version"]):
        raise Conflict.for_field("version", f"the assessment is at version {int(item['version'])}; "
                                            "read it again before changing it")


def put_answer(dept: str, assessment_id: str, ref: str, body: AnswerPut, principal: Principal) -> Assessment:
    item = load(dept, assessment_id, consistent=True)
    _check_version(body.version, item)
    if item["status"] != "draft":
        raise Conflict.for_field("status", f"the assessment is {item['status']}: answers change only "
                                           "while it is a draft" + ("" if item["status"] == "submitted"
                                                                   else " (approved is final)"))
    document, _, _ = frameworks.resolve(item["framework_id"], item["framework_version"])
    categories = frameworks.assessable(document)
    if ref not in categories:
        if any(r["ref"] == ref for r in document["requirements"]):
            raise BadRequest.for_field("ref", f"{ref} is a heading of the framework and takes no answer")
        raise NotFound(f"the framework has no requirement {ref}")
    levels = sorted(level["level"] for level in document["scale"]["levels"])
    if body.maturity is not None and body.maturity not in levels:
        raise BadRequest.for_field("maturity", f"must be a level of the framework's scale: {levels}")
    if body.maturity is not None and body.result == "not_applicable":
        raise BadRequest.for_field("maturity", "a requirement that does not apply takes no maturity")
    if body.evidence_ids:
        known = {stored["evidence_id"] for stored in dal.list_evidence(dept, assessment_id)}
        for index, evidence_id in enumerate(body.evidence_ids):
            if evidence_id not in known:
                raise BadRequest.for_field(f"evidence_ids.{index}", "no evidence file with this id in this "
                                                                    "assessment (upload it with POST .../evidence)")
    answer = {"ref": ref, **body.model_dump(mode="json", exclude={"version"}), "answered_by": principal.subject}
    answer["observation"] = redact_text(answer["observation"])  # staff text, as the audits' (core.redaction)
    answers = [a for a in dal.answers(dept, assessment_id, consistent=True) if a["ref"] != ref] + [answer]
    score = rules.score(categories, answers)
    entry = history_entry(item, principal, "answered", {k: v for k, v in answer.items() if k != "answered_by"})
    dal.commit(dal.Change(dept, assessment_id, int(item["version"]), {"score": json.dumps(score)}, entry,
                          answer=answer), principal.subject)
    return get_assessment(dept, assessment_id, principal)


def transition(dept: str, assessment_id: str, body: TransitionCreate, principal: Principal) -> Assessment:
    item = load(dept, assessment_id, consistent=True)
    _check_version(body.version, item)
    try:
        rule = rules.find_rule(item["status"], body.to, principal.role, item.get("submitted_by"),
                               principal.subject)
    except rules.Refused as refused:
        raise Conflict(str(refused), [{"field": "to", "message": f"allowed: {target}", "allowed": target}
                                      for target in refused.allowed]
                       or [{"field": "to", "message": "no transition is allowed"}])
    if rule.needs_reason and not body.reason:
        raise BadRequest.for_field("reason", f"say why it goes back to {body.to}")
    reason = redact_text(body.reason)
    if body.to == "submitted":
        answered = json.loads(item["score"])["assessed"]
        if answered == 0:
            raise Conflict.for_field("to", "answer at least one requirement before submitting")
        sets = {"status": "submitted", "submitted_at": now_text(), "submitted_by": principal.subject,
                "return_reason": None}
    elif body.to == "approved":
        sets = {"status": "approved", "decided_at": now_text(), "decided_by": principal.subject}
    else:
        sets = {"status": "draft", "decided_at": now_text(), "decided_by": principal.subject,
                "return_reason": reason, "submitted_by": None}
    entry = history_entry(item, principal, "transition",
                          {"from": item["status"], "to": body.to, "reason": reason})
    dal.commit(dal.Change(dept, assessment_id, int(item["version"]), sets, entry), principal.subject)
    return get_assessment(dept, assessment_id, principal)


def history(dept: str, assessment_id: str, limit: int, start_key: dict | None):
    item = load(dept, assessment_id, consistent=True)
    stored, last = dal.history_page(dept, assessment_id, limit, start_key)
    entries = []
    for s in stored:
        entry = {name: s.get(name) for name in (*hashchain.HASHED_FIELDS, "hash")}
        entry["seq"] = int(entry["seq"])
        try:
            entry["changes"] = json.loads(entry["changes"])
        except (TypeError, ValueError):
            entry["changes"] = {"unreadable": str(entry["changes"])}
        entries.append(entry)
    every = entries if start_key is None and last is None else [
        {**s, "seq": int(s["seq"]), "changes": json.loads(s["changes"])} for s in dal.history_all(dept, assessment_id)]
    valid, _, _ = hashchain.verify(every, item["history_head"], int(item["history_seq"]))
    return [AssessmentHistoryEntry(**{**e, "assessment_id": e.pop("rec_id")}) for e in entries], last, valid


# --- across departments ---
def org_summary(framework_id: str) -> AssessmentOrgSummary:
    """Each department's latest approved assessment against the framework (latest `as_of`, then the
    newest), ranked by compliance share (then maturity mean; nulls last; then department)."""
    frameworks.resolve(framework_id, None)  # a 404 for a framework nobody published
    latest: dict[str, dict[str, Any]] = {}
    for item in dal.approved_of_framework(framework_id):
        key = (item["as_of"], item["assessment_id"])
        current = latest.get(item["department"])
        if current is None or key > (current["as_of"], current["assessment_id"]):
            latest[item["department"]] = item
    rows = []
    for dept, item in latest.items():
        score = json.loads(item["score"])
        rows.append({"department": dept, "assessment_id": item["assessment_id"], "title": item["title"],
                     "framework_version": item["framework_version"], "as_of": item["as_of"],
                     "score": score, "open_gaps": score["non_compliant"] + score["partially_compliant"]})

    def order(row):
        share, mean = row["score"]["compliance_share"], row["score"]["maturity_mean"]
        return (share is None, -(share or 0), mean is None, -(mean or 0), row["department"])

    rows.sort(key=order)
    return AssessmentOrgSummary(framework_id=framework_id,
                                items=[{"rank": i + 1, **row} for i, row in enumerate(rows)])


def latest_approved(dept: str) -> list[AssessmentSummary]:
    """The department's latest approved assessment per framework (the department page)."""
    items, _ = dal.list_assessments(dept, None, "approved", 200, None)
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        current = latest.get(item["framework_id"])
        if current is None or (item["as_of"], item["assessment_id"]) > (current["as_of"], current["assessment_id"]):
            latest[item["framework_id"]] = item
    return [summary(item, None) for item in latest.values()]
