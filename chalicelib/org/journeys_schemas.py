"""Journeys: a customer journey a department owns, and the channels it runs through."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from chalicelib.a11.schemas import A11Service
from chalicelib.core.schemas import InputModel, OutputModel, Page, PatchModel, Timestamp, captured_example

# The feedback channel enum of the API contract (DESIGN.md, "Feedback").
Channel = Literal["phone", "email", "web", "chat", "sms", "facebook", "twitter", "instagram",
                  "in_person", "mail", "app_311", "other"]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=2000)]


def _distinct(channels: list[str]) -> list[str]:
    if len(set(channels)) != len(channels):
        raise ValueError("channels must not repeat")
    return channels


class JourneyCreate(InputModel):
    name: Name
    description: Description = ""
    channels: list[Channel] = Field(min_length=1, max_length=12)
    a11_service: A11Service | None = Field(default=None, description="the OMB A-11 service this journey reports")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "Report a missed delivery", "description": "From the first post to a resolved case",
         "channels": ["twitter", "facebook", "web"]}]})

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return _distinct(value)


class JourneyPatch(PatchModel):
    name: Name | None = None
    description: Description | None = None
    channels: list[Channel] | None = Field(default=None, min_length=1, max_length=12)
    a11_service: A11Service | None = None
    version: int | None = Field(default=None, ge=1,
                                description="the version read; a mismatch is a 409 instead of an overwrite")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"channels": ["twitter", "facebook", "instagram", "web"], "version": 1}]})

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return _distinct(value) if value is not None else value




class Journey(OutputModel):
    id: str
    department: str
    name: str
    description: str
    channels: list[Channel]
    a11_service: A11Service | None = None
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra=captured_example("Journey"))


class JourneyPage(Page):
    items: list[Journey]

    model_config = ConfigDict(json_schema_extra=captured_example("JourneyPage"))
