"""KPIs, their versioned targets, measurements with attainment, and the standard catalogue."""
from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from chalicelib.core.schemas import (
    DateText,
    InputModel,
    OutputModel,
    Page,
    PageQuery,
    PatchModel,
    Timestamp,
    api_enum,
    captured_example,
)

Unit = api_enum("KpiUnit", Literal["hours", "minutes", "seconds", "percent", "count", "score", "currency"])
Direction = api_enum("Direction", Literal["lower", "higher"])
Frequency = api_enum("Frequency", Literal["monthly", "quarterly", "fiscal_year"])
Standard = api_enum("Standard", Literal["iso_18295", "omb_a11_280", "custom"])
Attainment = api_enum("Attainment", Literal["met", "missed"])
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ResourceId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PeriodLabel = Annotated[str, StringConstraints(min_length=1, max_length=20)]
# Bounded so that every number is one DynamoDB can store exactly as sent.
Number = Annotated[float, Field(ge=-1e12, le=1e12)]
Count = Annotated[int, Field(ge=0, le=10**12)]


class KpiCreate(InputModel):
    journey_id: ResourceId = Field(description="a journey of this department")
    name: Name
    description: Text = ""
    unit: Unit | None = Field(default=None, description="required unless `catalogue_code` gives it")
    direction: Direction | None = Field(default=None, description="which way is better; required "
                                                                  "unless `catalogue_code` gives it")
    target: Number
    frequency: Frequency
    standard: Standard | None = Field(default=None, description="from the catalogue entry, else `custom`")
    catalogue_code: Code | None = Field(default=None, description="a code of GET /kpi-catalogue")
    formula: Text | None = Field(default=None, description="how the value is computed (from the "
                                                           "catalogue when `catalogue_code` is set)")
    derived_from: Code | None = Field(default=None, description="a VoC measure computing the values "
                                                                "from feedback (no typed measurements)")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"journey_id": "5b0e8c1f9a7d4e2b8c6a1f3e0d9b7a45", "name": "Social media first response time",
         "description": "Hours from a customer's post to the first answer", "unit": "hours",
         "direction": "lower", "target": 6, "frequency": "monthly", "standard": "custom"}]})


_IMMUTABLE = ("unit", "direction", "frequency", "standard", "catalogue_code", "derived_from")


class KpiPatch(PatchModel):
    name: Name | None = None
    description: Text | None = None
    journey_id: ResourceId | None = None
    formula: Text | None = None
    target: Number | None = Field(default=None, description="a new target version; needs `effective_from`")
    effective_from: PeriodLabel | None = Field(
        default=None, description="first period (of the KPI's frequency) the new target applies to; "
                                  "must come after the latest measured period")
    version: int | None = Field(default=None, ge=1,
                                description="the version read; a mismatch is a 409 instead of an overwrite")
    # Present only to answer a clear error: these would change what past measurements mean.
    unit: Any = Field(default=None, json_schema_extra={"readOnly": True})
    direction: Any = Field(default=None, json_schema_extra={"readOnly": True})
    frequency: Any = Field(default=None, json_schema_extra={"readOnly": True})
    standard: Any = Field(default=None, json_schema_extra={"readOnly": True})
    catalogue_code: Any = Field(default=None, json_schema_extra={"readOnly": True})
    derived_from: Any = Field(default=None, json_schema_extra={"readOnly": True})

    @field_validator(*_IMMUTABLE, mode="before")
    @classmethod
    def _immutable(cls, value: object) -> object:
        raise ValueError("cannot be changed once the KPI exists (past attainment depends on it); "
                         "create a new KPI instead")

    @field_validator("name", "description", "journey_id", "formula", "target", "effective_from",
                     "version", mode="before")
    @classmethod
    def _no_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep it)")
        return value

    # The definition fields to set; `target` travels with `effective_from` as a new version.
    NOT_CHANGES: ClassVar[frozenset[str]] = frozenset({"version", "effective_from", "target"})
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"target": 4, "effective_from": "2017-10", "version": 2}]})


class TargetVersion(OutputModel):
    value: float
    effective_from: str | None = Field(description="first period it applies to; null: from the start")
    set_at: Timestamp
    set_by: str | None = None


class LatestAttainment(OutputModel):
    period: str
    attainment: Attainment


class Kpi(OutputModel):
    id: str
    department: str
    journey_id: str
    name: str
    description: str
    unit: Unit
    direction: Direction
    target: float = Field(description="the most recently set target")
    targets: list[TargetVersion] = Field(description="every target version, oldest first")
    frequency: Frequency
    standard: Standard
    catalogue_code: str | None
    formula: str | None
    derived_from: str | None
    latest: LatestAttainment | None = Field(description="the latest measured period and its attainment")
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Kpi"))


class KpiPage(Page):
    items: list[Kpi]

    model_config = ConfigDict(json_schema_extra=captured_example("KpiPage"))


class KpiQuery(PageQuery):
    journey_id: ResourceId | None = None


class MeasurementPut(InputModel):
    value: Number | None = Field(default=None, description="required unless numerator and denominator "
                                                           "give it (a percent is computed from them)")
    numerator: Number | None = Field(default=None, ge=0)
    denominator: Annotated[float, Field(gt=0, le=1e12)] | None = None
    sample_size: Count | None = None
    source: Annotated[str, StringConstraints(max_length=200)] | None = None
    version: int | None = Field(default=None, ge=1, description="the version read; a correction "
                                                                "against another version is a 409")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"numerator": 412, "denominator": 958, "sample_size": 958, "source": "Sprinklr export 2017-04-03"}]})


class MeasurementRevision(OutputModel):
    value: float
    numerator: float | None
    denominator: float | None
    sample_size: int | None
    source: str | None
    target: float
    attainment: Attainment
    gap: float
    version: int
    recorded_at: Timestamp
    recorded_by: str | None


class Measurement(OutputModel):
    department: str
    kpi_id: str
    period: str
    period_start: DateText
    value: float
    numerator: float | None
    denominator: float | None
    sample_size: int | None
    source: str | None
    target: float = Field(description="the target in force for this period")
    attainment: Attainment
    gap: float = Field(description="how far the value is on the better side of the target, in the "
                                   "KPI's unit; negative when the target was missed")
    version: int
    history: list[MeasurementRevision] = Field(description="earlier values of this period, oldest first")
    recorded_at: Timestamp
    recorded_by: str | None
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Measurement"))


class MeasurementPage(Page):
    items: list[Measurement]

    model_config = ConfigDict(json_schema_extra=captured_example("MeasurementPage"))


class CatalogueItem(OutputModel):
    code: str
    name: str
    formula: str
    unit: Unit
    direction: Direction
    standard: Standard
    description: str
    minimum: float | None
    maximum: float | None
    voc_measure: str | None


class CataloguePage(Page):
    items: list[CatalogueItem]

    model_config = ConfigDict(json_schema_extra=captured_example("CataloguePage"))
