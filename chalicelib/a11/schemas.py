"""OMB Circular A-11 §280 as GSA Touchpoints records it: a journey's A-11 service and the
vocabularies of Touchpoints' CX collection (transaction points, survey types, channels)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from chalicelib.core import periods
from chalicelib.core.schemas import InputModel, QueryModel

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


class QuarterQuery(QueryModel):
    quarter: str = Field(description="a federal fiscal quarter: FY2017-Q2 is January-March 2017")
    journey_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] | None = Field(
        default=None, description="only this journey (it must have an A-11 service)")

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        periods.parse_fiscal_quarter(value)
        return value
