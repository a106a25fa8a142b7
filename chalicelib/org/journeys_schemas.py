"""Journeys: a customer journey a department owns, and the channels it runs through."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from chalicelib.core.schemas import InputModel, OutputModel, Page, PatchModel, Timestamp, captured_example

# OMB Circular A-11 §280 as GSA Touchpoints records it: a journey's A-11 service and the
# vocabularies of Touchpoints' CX collection (transaction points, survey types, channels).
TransactionPoint = Literal["post_interaction", "post_service_journey", "relational"]
SurveyType = Literal["thumbs_up_down", "likert_scale"]
# Touchpoints' `Service.channels`: how a service is delivered to an end-user.
TouchpointsChannel = Literal[
    "computer", "mobile", "email", "chatbot", "phone", "automated_phone", "in_person", "paper",
    "postal_mail", "fax", "self_service_kiosk", "other_non_digital", "website", "mobile_app",
    "live_chat", "sms_text_messages", "social_media", "other_digital"]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
OmbControlNumber = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")]


class A11Service(InputModel):
    """The HISP service a journey reports to OMB, as its CX collection detail in Touchpoints."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "service_provider": "USPS Customer Care", "service_name": "Track a package",
        "transaction_point": "post_interaction", "channel": "social_media",
        "survey_type": "thumbs_up_down", "survey_title": "Social media customer feedback",
        "omb_control_number": "3206-0001",
        "trust_question_text": "This interaction increased my trust in the Postal Service."}]})

    service_provider: Label
    service_name: Label
    transaction_point: TransactionPoint
    channel: TouchpointsChannel
    survey_type: SurveyType
    survey_title: Label
    omb_control_number: OmbControlNumber | None = None
    trust_question_text: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


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
