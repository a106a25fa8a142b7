"""Department (the tenant): input and output shapes."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from chalicelib.core.schemas import (
    InputModel,
    OutputModel,
    Page,
    PatchModel,
    Slug,
    Timestamp,
    api_enum,
    captured_example,
)

Weekday = api_enum("Weekday", Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _iana_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("not an IANA time zone (for example America/New_York)")
    return value


TimeZone = Annotated[str, AfterValidator(_iana_zone)]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not EMAIL.match(value) or len(value) > 254:
        raise ValueError("not an email address")
    return value


class Contact(InputModel):
    name: Name
    email: Annotated[str, AfterValidator(_email)]
    phone: Annotated[str, StringConstraints(min_length=3, max_length=40)] | None = None


class StaffedHours(InputModel):
    """Days and local clock times the department answers; `end` before `start` spans midnight."""

    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _distinct(self) -> "StaffedHours":
        if len(set(self.days)) != len(self.days):
            raise ValueError("days must not repeat")
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self


class WatchSettings(InputModel):
    """The surge watch's thresholds: a surge is z >= `z` and at least `min_volume` items (and twice
    the baseline's median); a backlog alert opens when `min_volume` items are at risk."""

    z: float = Field(default=3.5, gt=0, le=100)
    min_volume: int = Field(default=20, ge=1, le=1_000_000)


TargetHours = Annotated[float, Field(gt=0, le=8760)]
DEFAULT_STAFFED = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}


class DepartmentCreate(InputModel):
    id: Slug
    name: Name
    dcxo_contact: Contact
    response_target_hours: TargetHours = 6.0
    staffed_hours: StaffedHours = Field(default_factory=lambda: StaffedHours(**DEFAULT_STAFFED))
    time_zone: TimeZone
    active: bool = True
    watch: WatchSettings = Field(default_factory=WatchSettings)

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "corp-comms", "name": "Corporate Communications - Social Media Operations Center",
         "dcxo_contact": {"name": "Dana Whitfield", "email": "dana.whitfield@corp-comms.example.gov",
                          "phone": "+1 202 555 0141"},
         "response_target_hours": 6,
         "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"},
         "time_zone": "America/New_York", "active": True}]})


# What a dcxo may change on its own department; the ccxo may change everything but the id.
DCXO_PATCHABLE = frozenset({"dcxo_contact", "staffed_hours", "time_zone"})


class DepartmentPatch(PatchModel):
    name: Name | None = None
    dcxo_contact: Contact | None = None
    response_target_hours: TargetHours | None = None
    staffed_hours: StaffedHours | None = None
    time_zone: TimeZone | None = None
    active: bool | None = None
    watch: WatchSettings | None = None
    version: int | None = Field(default=None, ge=1,
                                description="the version read; a mismatch is a 409 instead of an overwrite")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "07:00",
                           "end": "22:00"}, "version": 3}]})





class Department(OutputModel):
    id: str
    name: str
    dcxo_contact: Contact
    response_target_hours: float
    staffed_hours: StaffedHours
    time_zone: str
    active: bool
    watch: WatchSettings = Field(default_factory=WatchSettings)
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Department"))


class DepartmentPage(Page):
    items: list[Department]

    model_config = ConfigDict(json_schema_extra=captured_example("DepartmentPage"))

