"""Framework libraries: the JSON document a ccxo uploads (validated field by field, so a bad library
is a 400 naming its path in the document, e.g. `requirements.3.category`) and what is read of one."""
from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.core.schemas import InputModel, OutputModel, Page, QueryModel, Timestamp

FrameworkId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,59}$")]
FrameworkVersion = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")]
Ref = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,19}$")]
# An open vocabulary each framework names itself (the operational audit's are the audit report's
# five categories): no enum to declare, so the API document names the format instead.
CategoryName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$"),
                         Field(json_schema_extra={"format": "framework-category"})]
CategoryText = Annotated[str, Field(json_schema_extra={"format": "framework-category"})]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
KpiCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,59}$")]
# A transaction holds at most 100 items: an assessment copied from another writes one per answer.
MAX_REQUIREMENTS = 96

_LEVELS = [{"level": 1, "name": "Initial", "description": "Done ad hoc."},
           {"level": 2, "name": "Defined", "description": "Documented and measured."},
           {"level": 3, "name": "Optimising", "description": "Improved from measurements."}]
_REQUIREMENT = {"ref": "OPS-1", "title": "Published response targets per channel",
                "description": "Each channel has a published response target, measured every period.",
                "category": "operations_management", "assessable": True,
                "kpi_codes": ["social_within_target"]}
EXAMPLE = {"id": "harbour-service-review", "name": "Harbour service review", "version": "2026.1",
           "publisher": "Office of the CCXO", "description": "Our own yearly review of a contact centre.",
           "scale": {"levels": _LEVELS}, "requirements": [_REQUIREMENT]}


class ScaleLevel(InputModel):
    level: int = Field(ge=0, le=10)
    name: Title
    description: Description


class Scale(InputModel):
    levels: list[ScaleLevel] = Field(min_length=2, max_length=11)


class Requirement(InputModel):
    ref: Ref
    title: Title
    description: Description
    category: CategoryName
    assessable: bool = True
    kpi_codes: list[KpiCode] = Field(default_factory=list, max_length=10,
                                     description="KPI catalogue codes whose latest measurement an "
                                                 "assessment shows next to the requirement")


class FrameworkCreate(InputModel):
    """A framework library: refs unique, levels unique, KPI codes from the KPI catalogue."""

    id: FrameworkId
    name: Title
    version: FrameworkVersion
    publisher: Title
    description: Description
    scale: Scale
    requirements: list[Requirement] = Field(min_length=1, max_length=MAX_REQUIREMENTS)

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class ScaleLevelOut(OutputModel):
    level: int
    name: str
    description: str


class ScaleOut(OutputModel):
    levels: list[ScaleLevelOut]


class RequirementOut(OutputModel):
    ref: str
    title: str
    description: str
    category: CategoryText
    assessable: bool
    kpi_codes: list[str]


class Framework(OutputModel):
    id: str
    name: str
    version: str
    publisher: str
    description: str
    builtin: bool = Field(description="shipped with cxgov (never replaced by an upload)")
    in_use: bool = Field(description="an assessment uses this version: it can no longer be replaced")
    categories: list[str] = Field(description="the requirements' categories, in first-seen order")
    scale: ScaleOut
    requirements: list[RequirementOut]
    created_at: Timestamp | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {**EXAMPLE, "builtin": False, "in_use": False, "categories": ["operations_management"],
         "created_at": "2026-12-01T09:00:00+00:00"}]})


class FrameworkSummary(OutputModel):
    id: str
    name: str
    version: str
    publisher: str
    description: str
    builtin: bool
    categories: list[str]
    requirements: int = Field(description="how many requirements (assessable or not)")
    assessable: int = Field(description="how many requirements take an answer")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "iso-18295-1-readiness", "name": "ISO 18295-1 certification readiness",
         "version": "2017-r1", "publisher": "cxgov", "description": "A readiness check.",
         "builtin": True, "categories": ["customer_relationship", "leadership"], "requirements": 14,
         "assessable": 12}]})


class FrameworkPage(Page):
    items: list[FrameworkSummary]

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": FrameworkSummary.model_config["json_schema_extra"]["examples"], "next_cursor": None}]})


class FrameworkVersionQuery(QueryModel):
    version: FrameworkVersion | None = Field(default=None, description="a version; default the newest")
