"""Audit follow-up: the vocabulary every audit model shares (issuers, categories, statuses,
decisions, money as a decimal string, ids, versions) and the audit reports. Recommendations, their
decisions, transitions and history are in recommendations_schemas.py; corrective actions and
evidence in actions_schemas.py. Inputs are strict; money is a decimal string."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.core.schemas import (
    CalendarDay,
    InputModel,
    MoneyText,
    OutputModel,
    Page,
    Timestamp,
    api_enum,
    captured_example,
)

Issuer = api_enum("AuditIssuer", Literal["oig", "gao", "internal", "external"])
Category = api_enum("AuditCategory", Literal["technology", "operations_management", "compliance",
                                             "operational_alignment", "human_capital"])
Status = api_enum("RecommendationStatus", Literal["open", "in_progress", "closure_requested",
                                                  "closed_implemented", "closed_not_implemented"])
Decision = api_enum("Decision", Literal["agree", "partially_agree", "disagree"])
Priority = api_enum("Priority", Literal["high", "medium", "low"])
ActionStatus = api_enum("ActionStatus", Literal["planned", "in_progress", "done", "cancelled"])
# A non-negative amount with at most two decimals, as a string: "0", "1250.50".
Money = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,2})?$")]
ReportNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-/]{1,39}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{8,40}$")]
Version = Annotated[int, Field(ge=1, description="the version read; a mismatch is a 409")]


# --- reports ---
class AuditReportCreate(InputModel):
    number: ReportNumber = Field(description="the issuer's identifier, e.g. MS-AR-17-006; unique")
    title: Name
    issuer: Issuer
    issued_on: CalendarDay
    category: Category
    monetary_impact: Money = "0"

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"number": "MS-AR-17-006", "title": "U.S. Postal Service's Social Media Customer Service",
         "issuer": "oig", "issued_on": "2017-05-08", "category": "operations_management",
         "monetary_impact": "0.00"}]})


class AuditReport(OutputModel):
    id: str
    number: str
    title: str
    issuer: Issuer
    issued_on: date
    category: Category
    monetary_impact: MoneyText
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("AuditReport"))


class AuditReportPage(Page):
    items: list[AuditReport]

    model_config = ConfigDict(json_schema_extra=captured_example("AuditReportPage"))
