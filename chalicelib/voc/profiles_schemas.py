"""Import profiles: how a source's own columns, values and times become feedback fields."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from chalicelib.core.schemas import InputModel, OutputModel, Page, PatchModel, Slug, Timestamp, field_error
from chalicelib.org.departments_schemas import TimeZone

A11 = ("satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency", "humanity",
       "employee_helpfulness")
# The feedback fields a profile can fill (A-11 drivers as `a11.<driver>`).
TARGETS = ("channel", "received_at", "first_responded_at", "due_at", "category", "actionable", "status",
           "journey_id", "comment", "nps", "csat", "ces", "source_system", "source_id") + tuple(
    f"a11.{d}" for d in A11)
DATETIME_FIELDS = ("received_at", "first_responded_at", "due_at")
ENUMS = {
    "channel": ("phone", "email", "web", "chat", "sms", "facebook", "twitter", "instagram", "in_person",
                "mail", "app_311", "other"),
    "category": ("complaint", "request_for_help", "question", "compliment", "suggestion", "other"),
    "status": ("open", "in_progress", "responded", "closed"),
}
Target = Literal[TARGETS]  # type: ignore[valid-type]
Column = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Columns = Column | Annotated[list[Column], Field(min_length=1, max_length=10)]
Mapped = Annotated[str, StringConstraints(max_length=200)] | bool | None
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Format = Annotated[str, StringConstraints(min_length=2, max_length=64)]

EXAMPLE = {
    "id": "sprinklr",
    "name": "Sprinklr social inbox export",
    "format": "csv",
    "columns": {"source_id": "Message ID", "received_at": "Created Time",
                "first_responded_at": "First Response Time", "channel": "Channel",
                "comment": ["Subject", "Message"], "category": "Category"},
    "values": {"channel": {"TWITTER": "twitter", "FACEBOOK": "facebook", "INSTAGRAM": "instagram", "*": "other"},
               "category": {"Complaint": "complaint", "Question": "question", "*": "other"}},
    "datetime_format": "%d/%m/%Y %H:%M",
    "time_zone": "America/Chicago",
    "defaults": {"source_system": "sprinklr", "actionable": True},
}


class RespondedWhen(InputModel):
    """Read `first_responded_at` only on rows whose `column` holds one of `values` (Open311's
    `updated_datetime` is the closing only of a `closed` request)."""

    column: Column
    values: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(min_length=1, max_length=20)


def _check_format(value: str) -> str:
    if value == "iso":
        return value
    sample = datetime(2017, 12, 27, 22, 41, 7)
    try:
        back = datetime.strptime(sample.strftime(value), value)
    except ValueError:
        raise ValueError("not a strptime format that reads back what it writes") from None
    if back.date() != sample.date():
        raise ValueError("the format must hold the day, month and year (%d, %m, %Y)")
    return value


class ProfileRules(InputModel):
    """What a profile says; shared by creation and the built-in ones."""

    format: Literal["csv", "json"] = Field(description="what the source exports: a CSV with a header "
                                           "row, or a JSON array of objects")
    columns: dict[Target, Columns] = Field(description="feedback field -> the source column (or "
                                           "several, joined with spaces; ` - ` for `comment`)")
    values: dict[Target, dict[Annotated[str, StringConstraints(min_length=1, max_length=200)], Mapped]] = Field(
        default_factory=dict, description="feedback field -> {source value: cxgov value}; `*` maps "
        "every other value, null leaves the field to its default; an unmapped value rejects the row")
    datetime_format: Format = Field(default="iso", description="strptime format of the times, or "
                                    "`iso` (W3C/RFC 3339); times without an offset are read in `time_zone`")
    time_zone: TimeZone | None = Field(default=None, description="default: the department's")
    defaults: dict[Target, Any] = Field(default_factory=dict, description="field -> value where the "
                                        "row gives none; `source_system` defaults to the profile's id")
    date_only: list[Literal["received_at", "first_responded_at", "due_at"]] = Field(
        default_factory=list, description="fields whose midnight (`12:00:00 AM`) means a date without a "
        "time: read as the end of that local day, never earlier than it could have happened")
    responded_when: RespondedWhen | None = None

    @field_validator("datetime_format")
    @classmethod
    def _format(cls, value: str) -> str:
        return _check_format(value)

    @model_validator(mode="after")
    def _coherent(self) -> "ProfileRules":
        if "received_at" not in self.columns:
            raise field_error("ImportProfile", "columns.received_at", "a profile must name the column of received_at")
        if "channel" not in self.columns and "channel" not in self.defaults:
            raise field_error("ImportProfile", "columns.channel", "map channel to a column or give it a default")
        for target, mapping in self.values.items():
            if target not in self.columns:
                raise field_error("ImportProfile", f"values.{target}", "maps values of a field no column fills")
            allowed = ENUMS.get(target) or ((True, False) if target == "actionable" else None)
            for source, mapped in mapping.items():
                if mapped is not None and allowed is not None and mapped not in allowed:
                    raise field_error("ImportProfile", f"values.{target}.{source}",
                                      f"{mapped!r} is not one of {', '.join(map(str, allowed))}")
        for target, value in self.defaults.items():
            if target in DATETIME_FIELDS or target == "source_id":
                raise field_error("ImportProfile", f"defaults.{target}", "cannot have a default")
            allowed = ENUMS.get(target)
            if allowed is not None and value not in allowed:
                raise field_error("ImportProfile", f"defaults.{target}", f"must be one of {', '.join(allowed)}")
        self._check_defaults()
        return self

    def _check_defaults(self) -> None:
        """Each default must be a value the field accepts (checked as a row would be)."""
        from pydantic import ValidationError

        from chalicelib.voc.schemas import FeedbackCreate

        row: dict[str, Any] = {"channel": "other", "received_at": datetime(2017, 1, 1).astimezone()}
        for target, value in self.defaults.items():
            if target.startswith("a11."):
                row.setdefault("a11", {})[target[4:]] = value
            else:
                row[target] = value
        if "source_system" in row and "source_id" not in row:
            row["source_id"] = "check"
        try:
            FeedbackCreate.model_validate(row, strict=False)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = ".".join(str(p) for p in error["loc"])
            raise field_error("ImportProfile", f"defaults.{name}", error["msg"].removeprefix("Value error, "))


class ImportProfileCreate(ProfileRules):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    id: Slug = Field(description="what `?profile=` names; the built-in ids are taken")
    name: Name
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ImportProfilePatch(PatchModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"datetime_format": "%m/%d/%Y %I:%M %p",
                                                               "version": 1}]})

    name: Name | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    format: Literal["csv", "json"] | None = None
    columns: dict[Target, Columns] | None = None
    values: dict[Target, dict[str, Mapped]] | None = None
    datetime_format: Format | None = None
    time_zone: TimeZone | None = None
    defaults: dict[Target, Any] | None = None
    date_only: list[Literal["received_at", "first_responded_at", "due_at"]] | None = None
    responded_when: RespondedWhen | None = None
    version: int | None = Field(default=None, ge=1)


class RespondedWhenOut(OutputModel):
    column: str
    values: list[str]


class ImportProfile(OutputModel):
    """A built-in profile (a department's own adds `department`, `version`, `created_at`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **EXAMPLE, "id": "la311", "name": "MyLA311 Service Request CSV", "description": None, "builtin": True,
        "date_only": ["first_responded_at"], "responded_when": None}]})

    id: str
    name: str
    description: str | None = None
    builtin: bool
    format: Literal["csv", "json"]
    columns: dict[str, str | list[str]]
    values: dict[str, dict[str, str | bool | None]]
    datetime_format: str
    time_zone: str | None
    defaults: dict[str, Any]
    date_only: list[str]
    responded_when: RespondedWhenOut | None = None


class DepartmentImportProfile(ImportProfile):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **EXAMPLE, "description": None, "builtin": False, "department": "parks", "date_only": [],
        "responded_when": None, "version": 1, "created_at": "2026-11-30T14:00:00+00:00"}]})

    department: str
    version: int
    created_at: Timestamp


class ImportProfilePage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": ImportProfile.model_config["json_schema_extra"]["examples"], "next_cursor": None}]})

    items: list[ImportProfile]


class DepartmentImportProfilePage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": DepartmentImportProfile.model_config["json_schema_extra"]["examples"], "next_cursor": None}]})

    items: list[DepartmentImportProfile]
