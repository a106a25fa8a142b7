"""Builders for the assessment tests and the isolation matrix."""
from __future__ import annotations

import itertools
from typing import Any

AUDIT = "contact-centre-operational-audit"
ISO = "iso-18295-1-readiness"
_ids = itertools.count(1)


def framework_body(**overrides: Any) -> dict[str, Any]:
    body = {"id": f"review-{next(_ids)}", "name": "Harbour service review", "version": "1",
            "publisher": "Office of the CCXO", "description": "Our own yearly review.",
            "scale": {"levels": [{"level": 1, "name": "Initial", "description": "Ad hoc."},
                                 {"level": 2, "name": "Defined", "description": "Documented."}]},
            "requirements": [
                {"ref": "R-1", "title": "Targets", "description": "Targets are published.",
                 "category": "operations_management", "kpi_codes": ["service_level"]},
                {"ref": "R-2", "title": "Hours", "description": "Staffed hours follow demand.",
                 "category": "operational_alignment"}]}
    body.update(overrides)
    return body


def url(assessment: dict, tail: str = "") -> str:
    return f"/departments/{assessment['department']}/assessments/{assessment['id']}{tail}"


def make_assessment(api, tokens, dept: str, **overrides: Any) -> dict:
    body = {"framework_id": AUDIT, "title": f"FY2026 operational audit {next(_ids)}", "as_of": "2026-09-30"}
    body.update(overrides)
    response = api.post(f"/departments/{dept}/assessments", token=tokens[f"dcxo-{dept}"], body=body)
    assert response.status_code == 201, response.body
    return response.json


def answer(api, token: str, assessment: dict, ref: str, **body: Any) -> Any:
    return api.put(url(assessment, f"/requirements/{ref}"), token=token, body=body)


def submit(api, tokens, assessment: dict) -> Any:
    return api.post(url(assessment, "/transitions"), token=tokens[f"dcxo-{assessment['department']}"],
                    body={"to": "submitted"})


def approve(api, tokens, assessment: dict, role: str = "auditor") -> Any:
    return api.post(url(assessment, "/transitions"), token=tokens[role], body={"to": "approved"})
