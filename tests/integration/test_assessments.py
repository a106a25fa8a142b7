"""Assessments (issue 28): frameworks built in and uploaded, the lifecycle and its refusals, the
score against a computation written here, re-assessment, the history chain, gaps raised as
recommendations every role sees, and the org summary."""
from __future__ import annotations

import copy
import hashlib

import pytest

from tests.integration.assessment_helpers import (
    AUDIT,
    ISO,
    answer,
    approve,
    framework_body,
    make_assessment,
    submit,
    url,
)

DEPT = "parks"


def _expected(framework: dict, answers: dict[str, dict]) -> dict:
    """The contract's score, computed here from the answers sent (not from the API's figures)."""
    categories = {r["ref"]: r["category"] for r in framework["requirements"] if r["assessable"]}

    def figures(refs):
        results = [answers[r]["result"] for r in refs]
        c, p, na = results.count("compliant"), results.count("partially_compliant"), results.count("not_applicable")
        levels = [answers[r]["maturity"] for r in refs if answers[r].get("maturity") is not None]
        denominator = len(results) - na
        return {"assessed": len(results), "compliant": c, "partially_compliant": p,
                "non_compliant": results.count("non_compliant"), "not_applicable": na,
                "compliance_share": (c + 0.5 * p) / denominator if denominator else None,
                "maturity_mean": sum(levels) / len(levels) if levels else None}

    whole = figures(list(answers))
    by_category = {}
    for category in dict.fromkeys(categories.values()):
        part = figures([r for r in answers if categories[r] == category])
        by_category[category] = {"compliance_share": part["compliance_share"], "maturity_mean": part["maturity_mean"]}
    return {**whole, "by_category": by_category}


def _same(actual, expected):
    if expected is None or actual is None:
        assert actual == expected
    else:
        assert actual == pytest.approx(expected, abs=5e-5)


def _check_score(score: dict, expected: dict) -> None:
    for name in ("assessed", "compliant", "partially_compliant", "non_compliant", "not_applicable"):
        assert score[name] == expected[name], name
    _same(score["compliance_share"], expected["compliance_share"])
    _same(score["maturity_mean"], expected["maturity_mean"])
    assert set(score["by_category"]) == set(expected["by_category"])
    for category, figures in expected["by_category"].items():
        _same(score["by_category"][category]["compliance_share"], figures["compliance_share"])
        _same(score["by_category"][category]["maturity_mean"], figures["maturity_mean"])


def test_builtin_frameworks_are_listed_and_readable_by_every_role(seeded, tokens):
    for role in ("ccxo", "auditor", "dcxo-parks"):
        listed = seeded.get("/frameworks", token=tokens[role])
        assert listed.status_code == 200, listed.body
        assert {AUDIT, ISO} <= {f["id"] for f in listed.json["items"]}
    audit = seeded.get(f"/frameworks/{AUDIT}", token=tokens["dcxo-parks"]).json
    assert audit["builtin"] is True
    assert audit["categories"] == ["technology", "operations_management", "compliance",
                                   "operational_alignment", "human_capital"]
    iso = seeded.get(f"/frameworks/{ISO}", token=tokens["auditor"]).json
    refs = [r["ref"] for r in iso["requirements"]]
    assert {"4.1", "4.2", "4.3", "4.4", "5", "6.1", "6.2", "6.3", "7", "8", "9"} <= set(refs)
    assert seeded.get(f"/frameworks/{ISO}?version=1999", token=tokens["ccxo"]).status_code == 404


@pytest.mark.parametrize("path, value, field", [
    (("requirements", 1, "category"), "Not A Slug", "requirements.1.category"),
    (("requirements", 0, "kpi_codes", 0), "no_such_kpi", "requirements.0.kpi_codes.0"),
    (("requirements", 1, "ref"), "R-1", "requirements.1.ref"),
    (("scale", "levels", 1, "level"), 1, "scale.levels.1.level"),
    (("requirements", 0, "title"), "", "requirements.0.title"),
])
def test_a_bad_library_is_a_400_naming_its_path(seeded, tokens, path, value, field):
    body = framework_body()
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    response = seeded.post("/frameworks", token=tokens["ccxo"], body=body)
    assert response.status_code == 400, response.body
    assert field in [d["field"] for d in response.json["error"]["details"]], response.json


def test_only_the_ccxo_publishes_and_a_used_version_is_immutable(seeded, tokens):
    body = framework_body()
    for role in ("auditor", "dcxo-parks"):
        assert seeded.post("/frameworks", token=tokens[role], body=body).status_code == 403
    assert seeded.post("/frameworks", token=tokens["ccxo"], body=body).status_code == 201
    changed = copy.deepcopy(body)
    changed["requirements"][0]["title"] = "Reworded before anyone used it"
    assert seeded.post("/frameworks", token=tokens["ccxo"], body=changed).status_code == 201
    read = seeded.get(f"/frameworks/{body['id']}", token=tokens["dcxo-parks"]).json
    assert read["requirements"][0]["title"] == "Reworded before anyone used it" and read["in_use"] is False
    make_assessment(seeded, tokens, DEPT, framework_id=body["id"], framework_version=body["version"])
    changed["requirements"][0]["title"] = "Reworded after use"
    refused = seeded.post("/frameworks", token=tokens["ccxo"], body=changed)
    assert refused.status_code == 409 and refused.json["error"]["details"][0]["field"] == "version"
    assert seeded.get(f"/frameworks/{body['id']}", token=tokens["ccxo"]).json["in_use"] is True
    assert seeded.post("/frameworks", token=tokens["ccxo"], body={**changed, "version": "2"}).status_code == 201
    builtin = seeded.post("/frameworks", token=tokens["ccxo"], body={**body, "id": AUDIT})
    assert builtin.status_code == 409


def test_score_equals_an_independent_computation_per_category_too(seeded, tokens):
    framework = seeded.get(f"/frameworks/{AUDIT}", token=tokens["ccxo"]).json
    assessment = make_assessment(seeded, tokens, DEPT)
    sent = {
        "TEC-1": {"result": "compliant", "maturity": 4}, "TEC-2": {"result": "non_compliant", "maturity": 1},
        "TEC-3": {"result": "partially_compliant", "maturity": 2}, "OPS-1": {"result": "partially_compliant"},
        "OPS-2": {"result": "not_applicable"}, "OPS-3": {"result": "compliant", "maturity": 5},
        "CMP-1": {"result": "compliant", "maturity": 3}, "HUM-1": {"result": "non_compliant", "maturity": 1},
        "HUM-2": {"result": "partially_compliant", "maturity": 3},
    }
    read = None
    for ref, body in sent.items():
        response = answer(seeded, tokens["dcxo-parks"], assessment, ref, **body)
        assert response.status_code == 200, response.body
        read = response.json
    _check_score(read["score"], _expected(framework, sent))
    assert read["score"]["by_category"]["operational_alignment"] == {"compliance_share": None, "maturity_mean": None}
    # a changed answer replaces the earlier one in the score
    sent["TEC-2"] = {"result": "compliant", "maturity": 3}
    read = answer(seeded, tokens["ccxo"], assessment, "TEC-2", **sent["TEC-2"]).json
    _check_score(read["score"], _expected(framework, sent))
    listed = seeded.get(f"/departments/{DEPT}/assessments", token=tokens["auditor"]).json["items"]
    _check_score(next(a for a in listed if a["id"] == assessment["id"])["score"], _expected(framework, sent))


def test_answers_are_checked_against_the_framework(seeded, tokens):
    assessment = make_assessment(seeded, tokens, DEPT, framework_id=ISO)
    token = tokens["dcxo-parks"]
    assert answer(seeded, token, assessment, "4", result="compliant").status_code == 400  # a heading
    assert answer(seeded, token, assessment, "99.9", result="compliant").status_code == 404
    bad_level = answer(seeded, token, assessment, "4.1", result="compliant", maturity=7)
    assert bad_level.status_code == 400 and bad_level.json["error"]["details"][0]["field"] == "maturity"
    assert answer(seeded, token, assessment, "4.1", result="not_applicable", maturity=2).status_code == 400
    assert answer(seeded, token, assessment, "4.1", result="maybe").status_code == 400
    assert answer(seeded, token, assessment, "4.1", result="compliant", maturity=0).status_code == 200


def test_lifecycle_and_its_refusals(seeded, tokens):
    assessment = make_assessment(seeded, tokens, DEPT)
    dcxo = tokens["dcxo-parks"]
    assert answer(seeded, dcxo, assessment, "OPS-1", result="compliant").status_code == 200
    early = seeded.post(url(assessment, "/transitions"), token=tokens["auditor"], body={"to": "approved"})
    assert early.status_code == 409  # a draft is not approved before it is submitted
    assert submit(seeded, tokens, assessment).status_code == 200
    # a dcxo approving its own assessment is refused
    own = seeded.post(url(assessment, "/transitions"), token=dcxo, body={"to": "approved"})
    assert own.status_code == 409, own.body
    # while submitted, answers are frozen
    assert answer(seeded, dcxo, assessment, "OPS-2", result="compliant").status_code == 409
    # returned to draft needs a reason
    assert seeded.post(url(assessment, "/transitions"), token=tokens["ccxo"],
                       body={"to": "draft"}).status_code == 400
    back = seeded.post(url(assessment, "/transitions"), token=tokens["ccxo"],
                       body={"to": "draft", "reason": "OPS-2 is unanswered"})
    assert back.status_code == 200 and back.json["status"] == "draft"
    assert back.json["return_reason"] == "OPS-2 is unanswered"
    assert answer(seeded, dcxo, assessment, "OPS-2", result="non_compliant").status_code == 200
    assert submit(seeded, tokens, assessment).status_code == 200
    approved = approve(seeded, tokens, assessment)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert approved.json["allowed_transitions"] == []
    # editing an approved assessment is refused, and approved is final
    edit = answer(seeded, dcxo, assessment, "OPS-1", result="non_compliant")
    assert edit.status_code == 409 and edit.json["error"]["details"][0]["field"] == "status"
    for role, to in (("ccxo", "draft"), ("auditor", "submitted"), ("dcxo-parks", "draft")):
        again = seeded.post(url(assessment, "/transitions"), token=tokens[role],
                            body={"to": to, "reason": "reopen"})
        assert again.status_code == 409, (role, again.body)
    # the history chain holds every change and verifies
    history = seeded.get(url(assessment, "/history"), token=tokens["auditor"]).json
    events = [e["event"] for e in history["items"]]
    assert events == ["created", "answered", "transition", "transition", "answered", "transition",
                      "transition"]
    assert history["valid"] is True
    previous = "0" * 64
    for entry in history["items"]:
        hashed = {k: entry[k] for k in ("seq", "at", "actor", "actor_name", "role", "event", "changes",
                                       "prev_hash")} | {"rec_id": entry["assessment_id"]}
        from chalicelib.core import jcs
        assert entry["prev_hash"] == previous
        assert hashlib.sha256(jcs.canonical(hashed)).hexdigest() == entry["hash"]
        previous = entry["hash"]


def test_reassessment_copies_answers_and_shows_kpis(seeded, tokens):
    dcxo = tokens["dcxo-parks"]
    first = make_assessment(seeded, tokens, DEPT)
    answer(seeded, dcxo, first, "OPS-1", result="partially_compliant", maturity=2, observation="only Twitter",
           links=["https://example.gov/targets"])
    answer(seeded, dcxo, first, "HUM-1", result="non_compliant", maturity=1)
    second = make_assessment(seeded, tokens, DEPT, copy_from=first["id"], title="FY2027 re-assessment")
    assert second["copy_from"] == first["id"] and second["status"] == "draft"
    answers = {r["ref"]: r["answer"] for r in second["requirements"] if r["answer"]}
    assert set(answers) == {"OPS-1", "HUM-1"}
    assert answers["OPS-1"]["observation"] == "only Twitter"
    assert answers["OPS-1"]["links"] == ["https://example.gov/targets"]
    assert second["score"]["assessed"] == 2
    other = make_assessment(seeded, tokens, DEPT, framework_id=ISO)
    wrong = seeded.post(f"/departments/{DEPT}/assessments", token=dcxo,
                        body={"framework_id": AUDIT, "title": "x", "as_of": "2026-09-30", "copy_from": other["id"]})
    assert wrong.status_code == 400 and wrong.json["error"]["details"][0]["field"] == "copy_from"
    harbour = make_assessment(seeded, tokens, "harbour")
    foreign = seeded.post(f"/departments/{DEPT}/assessments", token=dcxo,
                          body={"framework_id": AUDIT, "title": "x", "as_of": "2026-09-30", "copy_from": harbour["id"]})
    assert foreign.status_code == 400 and "harbour" not in foreign.body.decode()
    # a requirement with kpi_codes shows the department's latest measurement of that catalogue KPI
    journey = seeded.post(f"/departments/{DEPT}/journeys", token=dcxo,
                          body={"name": "Ask on social media", "channels": ["twitter"]}).json
    kpi = seeded.post(f"/departments/{DEPT}/kpis", token=dcxo,
                      body={"journey_id": journey["id"], "name": "Answered within 6 hours",
                            "catalogue_code": "social_within_target", "frequency": "monthly", "target": 80}).json
    assert "id" in kpi, kpi
    for period, value in (("2017-02", 40), ("2017-03", 43)):
        put = seeded.put(f"/departments/{DEPT}/kpis/{kpi['id']}/measurements/{period}", token=dcxo,
                         body={"value": value})
        assert put.status_code in (200, 201), put.body
    read = seeded.get(url(second), token=tokens["auditor"]).json
    ops1 = next(r for r in read["requirements"] if r["ref"] == "OPS-1")
    readings = ops1["kpis"]["social_within_target"]
    assert [(k["kpi_id"], k["period"], k["value"], k["attainment"]) for k in readings] == \
        [(kpi["id"], "2017-03", 43.0, "missed")]


def test_gaps_become_recommendations_every_role_sees(seeded, tokens):
    dcxo = tokens["dcxo-parks"]
    assessment = make_assessment(seeded, tokens, DEPT)
    answer(seeded, dcxo, assessment, "OPS-1", result="partially_compliant", observation="Only Twitter has a target")
    answer(seeded, dcxo, assessment, "ALN-1", result="non_compliant", observation="31% arrive outside staffed hours")
    answer(seeded, dcxo, assessment, "TEC-1", result="compliant")
    draft = seeded.post(url(assessment, "/findings"), token=tokens["auditor"], body={"refs": ["OPS-1"]})
    assert draft.status_code == 409  # not from a draft
    submit(seeded, tokens, assessment)
    assert seeded.post(url(assessment, "/findings"), token=dcxo, body={"refs": ["OPS-1"]}).status_code == 403
    not_gap = seeded.post(url(assessment, "/findings"), token=tokens["auditor"], body={"refs": ["TEC-1"]})
    assert not_gap.status_code == 400 and not_gap.json["error"]["details"][0]["field"] == "refs.0"
    raised = seeded.post(url(assessment, "/findings"), token=tokens["auditor"], body={"refs": ["OPS-1", "ALN-1"]})
    assert raised.status_code == 201, raised.body
    found = {r["ref"]: r["id"] for r in raised.json["recommendations"]}
    assert set(found) == {"OPS-1", "ALN-1"}
    again = seeded.post(url(assessment, "/findings"), token=tokens["ccxo"], body={"refs": ["ALN-1"]})
    assert again.status_code == 409 and again.json["error"]["details"][0]["field"] == "refs.0"
    report = seeded.get(f"/audit-reports/{raised.json['report_id']}", token=dcxo).json
    assert report["issuer"] == "internal" and report["number"] == f"ASMT-{assessment['id']}"
    for role in ("dcxo-parks", "auditor", "ccxo"):
        listed = seeded.get(f"/recommendations?report_id={raised.json['report_id']}", token=tokens[role])
        assert listed.status_code == 200, listed.body
        assert {r["id"] for r in listed.json["items"]} == set(found.values()), role
        for ref, rec_id in found.items():
            rec = seeded.get(f"/departments/{DEPT}/recommendations/{rec_id}", token=tokens[role]).json
            assert rec["source"] == {"kind": "assessment", "department": DEPT,
                                     "assessment_id": assessment["id"], "ref": ref}
            assert rec["status"] == "open" and rec["issuer"] == "internal"
    ops1 = seeded.get(f"/departments/{DEPT}/recommendations/{found['OPS-1']}", token=dcxo).json
    assert ops1["finding"]["condition"] == "Only Twitter has a target" and ops1["priority"] == "medium"
    # the other way: the assessment's requirements name their recommendations
    read = seeded.get(url(assessment), token=dcxo).json
    links = {r["ref"]: r["finding"] for r in read["requirements"] if r["finding"]}
    assert links == {ref: {"report_id": raised.json["report_id"], "recommendation_id": rec_id}
                     for ref, rec_id in found.items()}
    # they count in the rollup like any audit's recommendations
    rollup = seeded.get(f"/departments/{DEPT}/rollup", token=dcxo)
    assert rollup.status_code == 200, rollup.body
    assert rollup.json["total"]["recommendations"]["open"] == 2, rollup.json["total"]
    org = seeded.get("/rollup", token=tokens["ccxo"]).json
    parks = next(d for d in org["departments"] if d["department"] == DEPT) if "departments" in org else None
    assert org["total"]["recommendations"]["open"] == 2 and (parks is None or parks["recommendations"]["open"] == 2)
    # and follow the lifecycle: the dcxo records its decision and starts work
    decision = seeded.put(f"/departments/{DEPT}/recommendations/{found['ALN-1']}/management-decision", token=dcxo,
                          body={"decision": "agree", "action_plan": "Staff evenings", "target_date": "2027-03-31",
                                "responsible_officials": ["Parks DCXO"]})
    assert decision.status_code in (200, 201), decision.body


def test_org_summary_ranks_latest_approved_per_department(seeded, tokens):
    def approved_with(dept, results, as_of):
        made = make_assessment(seeded, tokens, dept, as_of=as_of)
        for ref, result in results.items():
            assert answer(seeded, tokens[f"dcxo-{dept}"], made, ref, result=result).status_code == 200
        assert submit(seeded, tokens, made).status_code == 200
        assert approve(seeded, tokens, made).status_code == 200
        return made

    approved_with("parks", {"OPS-1": "compliant", "OPS-2": "non_compliant"}, "2025-09-30")  # 0.5, older
    latest_parks = approved_with("parks", {"OPS-1": "compliant", "OPS-2": "partially_compliant"}, "2026-09-30")
    harbour = approved_with("harbour", {"OPS-1": "compliant", "OPS-2": "compliant", "OPS-3": "non_compliant"},
                            "2026-06-30")
    make_assessment(seeded, tokens, "harbour", as_of="2026-12-01")  # a newer draft does not count
    for role in ("dcxo-parks",):
        assert seeded.get(f"/assessments/summary?framework_id={AUDIT}", token=tokens[role]).status_code == 403
    summary = seeded.get(f"/assessments/summary?framework_id={AUDIT}", token=tokens["auditor"])
    assert summary.status_code == 200, summary.body
    rows = summary.json["items"]
    # parks: (1 + 0.5) / 2 = 0.75; harbour: 2 / 3 = 0.6667
    assert [(r["rank"], r["department"], r["assessment_id"]) for r in rows] == [
        (1, "parks", latest_parks["id"]), (2, "harbour", harbour["id"])]
    _same(rows[0]["score"]["compliance_share"], (1 + 0.5) / 2)
    _same(rows[1]["score"]["compliance_share"], 2 / 3)
    assert seeded.get("/assessments/summary?framework_id=nope-nope", token=tokens["ccxo"]).status_code == 404


def test_a_stale_version_is_a_409_and_a_keyed_retry_creates_nothing_twice(seeded, tokens):
    dcxo = tokens["dcxo-parks"]
    body = {"framework_id": AUDIT, "title": "Keyed", "as_of": "2026-09-30"}
    headers = {"Idempotency-Key": "assessment-keyed-1"}
    first = seeded.post(f"/departments/{DEPT}/assessments", token=dcxo, body=body, headers=headers)
    again = seeded.post(f"/departments/{DEPT}/assessments", token=dcxo, body=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json["id"] == again.json["id"]
    listed = seeded.get(f"/departments/{DEPT}/assessments", token=dcxo).json["items"]
    assert [a["id"] for a in listed if a["title"] == "Keyed"] == [first.json["id"]]
    version = first.json["version"]
    assert answer(seeded, dcxo, first.json, "OPS-1", result="compliant", version=version).status_code == 200
    stale = answer(seeded, dcxo, first.json, "OPS-2", result="compliant", version=version)
    assert stale.status_code == 409 and stale.json["error"]["details"][0]["field"] == "version"
    # another department's assessment id is simply not there for this dcxo
    other = make_assessment(seeded, tokens, "harbour")
    assert seeded.get(f"/departments/{DEPT}/assessments/{other['id']}", token=dcxo).status_code == 404
    assert seeded.get(url(other), token=dcxo).status_code == 403


def test_evidence_files_use_the_audits_upload_and_answers_cite_them(seeded, tokens):
    import hashlib as _hashlib

    import requests

    from tests.integration.audit_helpers import BUCKET, s3

    s3().create_bucket(Bucket=BUCKET)
    dcxo = tokens["dcxo-parks"]
    assessment = make_assessment(seeded, tokens, DEPT)
    data = b"FY2026 staffing plan for evenings and weekends"
    made = seeded.post(url(assessment, "/evidence"), token=dcxo,
                       body={"file_name": "staffing.pdf", "content_type": "application/pdf",
                             "sha256": _hashlib.sha256(data).hexdigest()})
    assert made.status_code == 201, made.body
    listed = seeded.get(url(assessment, "/evidence"), token=tokens["auditor"]).json["items"]
    assert [(e["id"], e["confirmed"]) for e in listed] == [(made.json["id"], False)]  # nothing uploaded yet
    put = requests.put(made.json["upload_url"], data=data, headers=made.json["upload_headers"])
    assert put.status_code == 200, put.text
    listed = seeded.get(url(assessment, "/evidence"), token=dcxo).json["items"]
    assert listed[0]["confirmed"] is True
    assert s3().head_object(Bucket=BUCKET, Key=f"{DEPT}/assessments/{assessment['id']}/{made.json['id']}")
    cited = answer(seeded, dcxo, assessment, "OPS-1", result="compliant", evidence_ids=[made.json["id"]])
    assert cited.status_code == 200
    ops1 = next(r for r in cited.json["requirements"] if r["ref"] == "OPS-1")
    assert ops1["answer"]["evidence_ids"] == [made.json["id"]]
    unknown = answer(seeded, dcxo, assessment, "OPS-2", result="compliant", evidence_ids=["0123456789abcdef"])
    assert unknown.status_code == 400 and unknown.json["error"]["details"][0]["field"] == "evidence_ids.0"
    events = [e["event"] for e in seeded.get(url(assessment, "/history"), token=dcxo).json["items"]]
    assert events == ["created", "evidence_added", "answered"]


def test_staff_text_is_redacted_before_it_enters_the_chain(seeded, tokens):
    dcxo = tokens["dcxo-parks"]
    assessment = make_assessment(seeded, tokens, DEPT)
    said = answer(seeded, dcxo, assessment, "OPS-1", result="non_compliant",
                  observation="Caller 202-555-0173 (jo.parker@example.com) waited two days")
    observation = next(r for r in said.json["requirements"] if r["ref"] == "OPS-1")["answer"]["observation"]
    assert "202-555-0173" not in observation and "jo.parker@example.com" not in observation
    assert "waited two days" in observation
    history = seeded.get(url(assessment, "/history"), token=dcxo).json
    assert "202-555-0173" not in str(history) and history["valid"] is True
