"""Journeys: a customer journey a department owns, and the channels it runs through."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from chalicelib.models.common import InputModel, OutputModel, Page, Timestamp

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

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return _distinct(value)


class JourneyPatch(InputModel):
    name: Name | None = None
    description: Description | None = None
    channels: list[Channel] | None = Field(default=None, min_length=1, max_length=12)
    version: int | None = Field(default=None, ge=1,
                                description="the version read; a mismatch is a 409 instead of an overwrite")

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep it)")
        return value

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return _distinct(value) if value is not None else value

    @model_validator(mode="after")
    def _not_empty(self) -> "JourneyPatch":
        if not self.changes():
            raise ValueError("name at least one field to change")
        return self

    def changes(self) -> dict:
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if k != "version"}


class Journey(OutputModel):
    id: str
    department: str
    name: str
    description: str
    channels: list[str]
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class JourneyPage(Page):
    items: list[Journey]
