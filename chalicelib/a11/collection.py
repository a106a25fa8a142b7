"""The quarterly CX collection in the column layout of Touchpoints' CX collection detail export:
one row per journey that names an A-11 service, volumes from the month aggregates.

Where each column comes from (docs/a11.md says the same for users):
- organization_*: the stage's CXGOV_ORG_ID / CXGOV_ORG_ABBREVIATION / CXGOV_ORG_NAME;
- cx_collection_*: one collection per service provider and quarter (`{provider-slug}-FY2017-Q2`);
- service_id / service_name: the journey's id and its A-11 `service_name`;
- service_stage_*: empty (cxgov keeps no service stages);
- volume_of_customers: feedback records on the journey received in the quarter;
- volume_of_customers_provided_survey_opportunity: those offered a survey (every respondent, and
  every record imported with `survey_offered` true), plus the offers of the department's own surveys
  of the journey that got no response (the questions shown on the hosted page or an embed, less the
  responses to them, which the records already count);
- volume_of_respondents: those that answered one (any A-11 driver, NPS, CSAT or CES)."""
from __future__ import annotations

import csv
import io
import os
import re
from typing import Any, Iterable

from chalicelib.core import periods
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.org import service as org
from chalicelib.surveys import service as surveys
from chalicelib.voc import service as voc

COLUMNS = (
    "id", "organization_id", "organization_abbreviation", "organization_name", "cx_collection_id",
    "cx_collection_fiscal_year", "cx_collection_quarter", "cx_collection_name",
    "cx_collection_service_provider_id", "cx_collection_service_provider_name",
    "cx_collection_service_provider_slug", "service_id", "service_name", "transaction_point", "channel",
    "service_stage_id", "service_stage_name", "service_stage_position", "service_stage_count",
    "volume_of_customers", "volume_of_customers_provided_survey_opportunity", "volume_of_respondents",
    "omb_control_number", "survey_type", "survey_title", "trust_question_text", "created_at", "updated_at")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _organization() -> tuple[str, str, str]:
    env = os.environ
    return (env.get("CXGOV_ORG_ID", ""), env.get("CXGOV_ORG_ABBREVIATION", ""), env.get("CXGOV_ORG_NAME", ""))


def _quarter(label: str) -> tuple[periods.Period, int, int]:
    period = periods.parse_fiscal_quarter(label)
    fiscal_year, quarter = int(label[2:6]), int(label[-1])
    return period, fiscal_year, quarter


def a11_journeys(dept: str, journey_id: str | None) -> list[dict]:
    """The department's journeys with an A-11 service, or the one asked for (404 if it is not the
    department's, 400 if it names no A-11 service)."""
    if journey_id is None:
        return org.a11_journeys(dept)
    journey = org.a11_journey(dept, journey_id)
    if journey is None:
        raise NotFound("no journey with this id in this department")
    if not journey["a11_service"]:
        raise BadRequest.for_field("journey_id", "this journey names no A-11 service (a11_service): "
                                                 "set one on the journey before exporting it")
    return [journey]


def rows_for(dept: str, label: str, journey_id: str | None = None) -> list[list[str]]:
    period, fiscal_year, quarter = _quarter(label)
    journeys = a11_journeys(dept, journey_id)
    if not journeys:
        return []
    months = period.months()
    counters = voc.month_counters(dept, months[0].label, months[-1].label)
    offers = surveys.journey_offers(dept, months[0].label, months[-1].label)
    org_id, org_abbreviation, org_name = _organization()
    rows = []
    for journey in sorted(journeys, key=lambda j: (j["a11_service"]["service_provider"],
                                                   j["a11_service"]["service_name"], j["id"])):
        service = journey["a11_service"]
        provider = slug(service["service_provider"])
        prefix = f"voc__journey__{journey['id']}"
        own = offers.get(journey["id"], {"views": 0, "responses": 0})
        offered = int(counters.get(f"{prefix}__offered", 0)) + max(0, own["views"] - own["responses"])
        rows.append([_cell(v) for v in (
            f"{dept}/{journey['id']}/{label}", org_id, org_abbreviation, org_name,
            f"{provider}-{label}", fiscal_year, quarter, f"{service['service_provider']} {label}",
            provider, service["service_provider"], provider,
            journey["id"], service["service_name"], service["transaction_point"], service["channel"],
            None, None, None, None,
            int(counters.get(f"{prefix}__volume", 0)), offered,
            int(counters.get(f"{prefix}__respondents", 0)),
            service.get("omb_control_number"), service["survey_type"], service["survey_title"],
            service.get("trust_question_text"),
            journey["created_at"].isoformat(timespec="seconds"),
            journey["updated_at"].isoformat(timespec="seconds"))])
    return rows


def _csv(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def department_csv(dept: str, label: str, journey_id: str | None) -> str:
    if org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")
    return _csv(rows_for(dept, label, journey_id))


def organisation_csv(label: str) -> str:
    """Every department's A-11 journeys, department by department, in id order."""
    return _csv(row for dept in org.department_names() for row in rows_for(dept, label))
