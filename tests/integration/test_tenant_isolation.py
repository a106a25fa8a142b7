"""Tenant isolation, walked over every operation of the generated OpenAPI document × every role ×
own/other department. Routes added later fall under it without touching this file; a route whose
path needs an id of another department's resource registers how to make one in `OTHER_IDS`."""
from __future__ import annotations

import re
from typing import Callable

import pytest

from tests.integration import kpi_helpers

OWN, OTHER = "parks", "harbour"
ROLES = ("ccxo", "auditor", "dcxo-parks")
# path parameter name -> function(api, tokens) creating that resource in OTHER and answering its id
OTHER_IDS: dict[str, Callable] = {
    "journey_id": kpi_helpers.other_journey_id,
    "kpi_id": kpi_helpers.other_kpi_id,
    "period": kpi_helpers.other_period,
}


def _harbour_feedback(api, tokens) -> str:
    from chalicelib.core import clock

    response = api.post(f"/departments/{OTHER}/feedback", token=tokens["dcxo-harbour"],
                        body={"channel": "twitter", "received_at": clock.now().isoformat(),
                              "comment": "secret-marker-feedback"})
    assert response.status_code == 201, response.body
    return response.json["id"]


OTHER_IDS["feedback_id"] = _harbour_feedback


def _operations(api) -> list[tuple[str, str, dict]]:
    document = api.get("/openapi.json").json
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def _fill(path: str, dept: str, ids: dict[str, str]) -> str:
    path = path.replace("{dept}", dept)
    return re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), "does-not-exist"), path)


def _snapshot(api, tokens, operations, ids) -> dict[str, bytes]:
    """What the ccxo reads of the other department through every GET route (a fixed correlation
    id, so that error answers compare equal too)."""
    shots = {}
    for path, method, _ in operations:
        # (a survey's counts move with the public pages' reads, which anyone may make: issue 30)
        if method == "get" and "{dept}" in path and not path.endswith("/surveys/{survey_id}/counts"):
            url = _fill(path, OTHER, ids)
            shots[url] = api.get(url, token=tokens["ccxo"], headers={"X-Correlation-Id": "snapshot"}).body
    return shots


def _harbour_audit(api, tokens) -> dict[str, str]:
    """One report, recommendation, corrective action and evidence link in OTHER, made once per api."""
    made = getattr(api, "harbour_audit", None)
    if made is None:
        from tests.integration.audit_helpers import link_evidence, make_action, make_rec

        rec = make_rec(api, tokens, dept=OTHER)
        action_id = make_action(api, tokens, rec)
        made = {"report_id": rec["report_id"], "rec_id": rec["id"], "action_id": action_id,
                "evidence_id": link_evidence(api, tokens, rec, action_id)}
        api.harbour_audit = made
    return made


for _name in ("report_id", "rec_id", "action_id", "evidence_id"):
    OTHER_IDS[_name] = lambda api, tokens, name=_name: _harbour_audit(api, tokens)[name]


# --- import jobs (issue 14) ---
def _harbour_import_job(api, tokens) -> str:
    response = api.post(f"/departments/{OTHER}/feedback/import-jobs", token=tokens["dcxo-harbour"],
                        body={"file_name": "secret-marker-import.csv", "content_type": "text/csv"})
    assert response.status_code == 201, response.body
    return response.json["id"]


OTHER_IDS["job_id"] = _harbour_import_job


def test_matrix_every_route_role_and_department(seeded, api, tokens, monkeypatch):
    from chalicelib.core import clock

    frozen = clock.now()  # answers stamped `as_of` compare equal before and after
    monkeypatch.setattr(clock, "now", lambda: frozen)
    operations = _operations(api)
    ids = {name: make(api, tokens) for name, make in OTHER_IDS.items()}
    before = _snapshot(api, tokens, operations, ids)
    checked = 0
    for path, method, op in operations:
        allowed = set(op["x-cxgov-roles"])
        for role in ROLES:
            for dept in (OWN, OTHER):
                url = _fill(path, dept, ids)
                response = api.request(method.upper(), url, token=tokens[role],
                                       body={} if method in ("post", "put", "patch") else None)
                text = response.body.decode(errors="replace")
                where = f"{role} {method.upper()} {url}"
                checked += 1
                assert response.status_code < 500, (where, text)
                if not allowed:  # public routes
                    continue
                if role.split("-")[0] not in allowed:
                    assert response.status_code == 403, (where, text)
                if role == "dcxo-parks":
                    if "{dept}" in path and dept == OTHER:
                        assert response.status_code == 403, (where, text)
                    # Not a name, an id, a count or a cursor of the other department.
                    assert OTHER not in text.lower() and "secret-marker" not in text, (where, text)
    assert checked >= len(operations) * len(ROLES) * 2
    assert _snapshot(api, tokens, operations, ids) == before, "a refused request changed the other department"


@pytest.mark.parametrize("role", ["dcxo-parks"])
def test_dcxo_lists_never_show_other_departments(seeded, api, tokens, role):
    for path, method, op in _operations(api):
        if method != "get" or "{" in path or not op["x-cxgov-roles"]:
            continue
        response = api.get(path, token=tokens[role])
        if response.status_code != 200 or not isinstance(response.json, dict) or "items" not in response.json:
            continue
        for item in response.json["items"]:
            # Every tenant item names its department; a department names itself by id.
            owner = item["department"] if "department" in item else item["id"] if path == "/departments" else OWN
            assert owner == OWN, (path, item)


# --- import profiles and pulled sources (issue 12) ---
def _harbour_profile(api, tokens) -> str:
    body = {"id": "harbour-crm", "name": "secret-marker-profile", "format": "csv",
            "columns": {"received_at": "Opened", "source_id": "Case"}, "defaults": {"channel": "phone"}}
    response = api.post(f"/departments/{OTHER}/import-profiles", token=tokens["dcxo-harbour"], body=body)
    assert response.status_code == 201, response.body
    return response.json["id"]


def _harbour_source(api, tokens) -> str:
    body = {"name": "secret-marker-source", "base_url": "http://127.0.0.1:9/open311/v2", "active": False}
    response = api.post(f"/departments/{OTHER}/sources", token=tokens["dcxo-harbour"], body=body)
    assert response.status_code == 201, response.body
    return response.json["id"]


OTHER_IDS["profile_id"] = _harbour_profile
OTHER_IDS["source_id"] = _harbour_source


# --- surge watch alerts (issue 27) ---
def _harbour_alert(api, tokens) -> str:
    from chalicelib.core import clock
    from chalicelib.watch import store

    alert = store.open_alert(OTHER, "surge", "channel", "secret-marker-alert", {"observed": 99}, clock.now())
    return alert["id"]


OTHER_IDS["alert_id"] = _harbour_alert


# --- surveys collected first-hand (issue 30) ---
def _harbour_survey(api, tokens) -> str:
    body = {"journey_id": kpi_helpers.other_journey_id(api, tokens), "title": {"en": "secret-marker-survey"},
            "kind": "csat", "languages": ["en"], "allowed_origins": ["https://www.harbour.example.gov"]}
    response = api.post(f"/departments/{OTHER}/surveys", token=tokens["dcxo-harbour"], body=body)
    assert response.status_code == 201, response.body
    return response.json["id"]


OTHER_IDS["survey_id"] = _harbour_survey
# --- assessments (issue 28) ---
def _harbour_assessment(api, tokens) -> str:
    response = api.post(f"/departments/{OTHER}/assessments", token=tokens["dcxo-harbour"],
                        body={"framework_id": "contact-centre-operational-audit",
                              "title": "secret-marker-assessment", "as_of": "2026-09-30"})
    assert response.status_code == 201, response.body
    assessment_id = response.json["id"]
    answered = api.put(f"/departments/{OTHER}/assessments/{assessment_id}/requirements/OPS-1",
                       token=tokens["dcxo-harbour"],
                       body={"result": "non_compliant", "observation": "secret-marker-observation"})
    assert answered.status_code == 200, answered.body
    return assessment_id


OTHER_IDS["assessment_id"] = _harbour_assessment
OTHER_IDS["ref"] = lambda api, tokens: "OPS-1"
OTHER_IDS["framework_id"] = lambda api, tokens: "contact-centre-operational-audit"
# --- second look (issue 26) ---
def _harbour_review(api, tokens) -> dict[str, str]:
    from tests.integration.review_helpers import harbour_review

    return harbour_review(api, tokens)


for _name in ("plan_id", "sample_id"):
    OTHER_IDS[_name] = lambda api, tokens, name=_name: _harbour_review(api, tokens)[name]
