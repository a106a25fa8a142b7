"""Survey definitions: a department's surveys, created, read and changed within its scope (the
dcxo of the department and the ccxo). A survey belongs to one of the department's journeys; its
id starts with the department, so the public routes find it without an index."""
from __future__ import annotations

import re
import secrets
from typing import Any, Mapping

from chalicelib.core import periods
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.org import service as org
from chalicelib.surveys import questions as rules, store
from chalicelib.surveys.schemas import Survey, SurveyCounts, SurveyCreate, SurveyPatch

ID_PATTERN = r"^[a-z][a-z0-9-]{1,39}_[0-9a-f]{16}$"


def department_of(survey_id: str) -> str | None:
    """The department a well-formed survey id names (None: not a survey id this API issues)."""
    if not re.match(ID_PATTERN, survey_id or ""):
        return None
    return survey_id.rsplit("_", 1)[0]


def present(survey: Mapping[str, Any], base_path: str = "") -> Survey:
    return Survey(**{k: v for k, v in survey.items() if k != "own"},
                  questions=rules.questions_of(survey["kind"], survey["own"]),
                  page_url=f"{base_path}/s/{survey['id']}", embed_url=f"{base_path}/s/{survey['id']}/embed.js")


def _check(languages: list[str], title: Mapping[str, Any], own: list[Mapping[str, Any]]) -> None:
    if "es" in languages:
        missing = rules.missing_translations(title, own)
        if missing:
            raise BadRequest.for_field(missing, "a survey offered in Spanish needs its Spanish text")


def _title(title: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in title.items() if v}


def _department(dept: str) -> None:
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")


def create_survey(dept: str, body: SurveyCreate, principal: Principal, base_path: str = "") -> Survey:
    _department(dept)
    if org.journey(dept, body.journey_id) is None:
        raise BadRequest.for_field("journey_id", "no journey with this id in this department")
    data = body.model_dump(mode="json")
    data["title"] = _title(data["title"])
    _check(data["languages"], data["title"], data["questions"])
    survey_id = f"{dept}_{secrets.token_hex(8)}"
    return present(store.create(dept, survey_id, data, actor=principal.subject), base_path)


def get_record(dept: str, survey_id: str) -> dict[str, Any]:
    survey = store.get(dept, survey_id) if department_of(survey_id) == dept else None
    if survey is None:
        raise NotFound("no survey with this id in this department")
    return survey


def get_survey(dept: str, survey_id: str, base_path: str = "") -> Survey:
    return present(get_record(dept, survey_id), base_path)


def list_surveys(dept: str, limit: int, start_key: dict | None, base_path: str = "") -> tuple[list[Survey], dict | None]:
    _department(dept)
    items, last = store.list_for(dept, limit, start_key)
    return [present(s, base_path) for s in items], last


def patch_survey(dept: str, survey_id: str, body: SurveyPatch, principal: Principal, base_path: str = "") -> Survey:
    current = get_record(dept, survey_id)
    if body.version is not None and body.version != current["version"]:
        raise Conflict.for_field("version", f"the survey is at version {current['version']}; read it again")
    changes = body.changes()
    if "title" in changes:
        changes["title"] = _title(changes["title"])
    _check(changes.get("languages", current["languages"]), changes.get("title", current["title"]),
           changes.get("questions", current["own"]))
    return present(store.update(dept, survey_id, changes, current["version"], actor=principal.subject), base_path)


def counts(dept: str, survey_id: str, period: str) -> SurveyCounts:
    """Views, responses and honeypot drops of the survey in the period's months (the department's zone)."""
    get_record(dept, survey_id)
    months = periods.parse(period).months()
    counters = store.counters(dept, months[0].label, months[-1].label)
    return SurveyCounts(survey_id=survey_id, period=period, **{
        what: int(counters.get(f"srv__survey__{survey_id}__{what}", 0)) for what in ("views", "responses", "honeypot")})
