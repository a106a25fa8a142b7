"""Surveys a department collects first-hand (DESIGN.md, "Surveys collected first-hand"): their
definitions, the questions as the public reads them, and a public response."""
from __future__ import annotations

import urllib.parse
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from chalicelib.core.schemas import InputModel, OutputModel, Page, PatchModel, QueryModel, Timestamp, api_enum

SurveyKind = api_enum("SurveyKind", Literal["a11_thumbs", "a11_likert", "csat", "nps", "ces"])
Language = api_enum("SurveyLanguage", Literal["en", "es"])
QuestionKind = api_enum("SurveyQuestionKind", Literal["thumbs", "rating", "drivers", "choice", "text"])
OwnQuestionKind = Literal["text", "choice", "rating"]
JourneyId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Words = Annotated[str, StringConstraints(min_length=1, max_length=500)]
MAX_OWN_QUESTIONS = 10
MAX_ORIGINS = 20
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


class LocalText(InputModel):
    """A text in English and, where the survey is offered in Spanish, in Spanish."""

    en: Words
    es: Words | None = None


class LocalTextOut(OutputModel):
    en: str
    es: str | None = None


class Scale(InputModel):
    min: int = Field(ge=0, le=1)
    max: int = Field(ge=2, le=10)


class ScaleOut(OutputModel):
    min: int
    max: int


class OwnQuestion(InputModel):
    """One of the department's own questions: free `text`, one `choice` of its options, or a
    `rating` on its scale (default 1 to 5)."""

    kind: OwnQuestionKind
    text: LocalText
    required: bool = False
    options: list[LocalText] | None = Field(default=None, min_length=2, max_length=20,
                                            description="choice only: the options, answered by their value `1`..`n`")
    scale: Scale | None = Field(default=None, description="rating only (default 1 to 5)")

    @model_validator(mode="after")
    def _shape(self) -> "OwnQuestion":
        if self.kind == "choice" and not self.options:
            raise ValueError("a choice question needs options")
        if self.kind != "choice" and self.options is not None:
            raise ValueError("only a choice question has options")
        if self.kind != "rating" and self.scale is not None:
            raise ValueError("only a rating question has a scale")
        return self


def origin_of(value: str) -> str:
    """`value` as an origin (`https://host[:port]`, lowercase); plain http only on a loopback host."""
    parts = urllib.parse.urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{value!r} is not an origin such as https://www.example.gov")
    host = parts.netloc.lower()
    if parts.scheme == "http" and (parts.hostname or "").lower() not in ("localhost", "127.0.0.1", "::1"):
        raise ValueError(f"{value!r}: an allowed origin is https (http only on a loopback host)")
    return f"{parts.scheme}://{host}"


def _origins(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    found = [origin_of(v) for v in value]
    if len(set(found)) != len(found):
        raise ValueError("origins must not repeat")
    return found


def _languages(value: list[str] | None) -> list[str] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("languages must not repeat")
    return value


Origins = list[Annotated[str, StringConstraints(min_length=8, max_length=200)]]


class SurveyCreate(InputModel):
    journey_id: JourneyId = Field(description="the department's journey the responses are feedback of")
    title: LocalText
    kind: SurveyKind = Field(description="the standard question set: A-11 thumbs or Likert, CSAT, NPS or CES")
    languages: list[Language] = Field(default=["en", "es"], min_length=1, max_length=2)
    questions: list[OwnQuestion] = Field(default=[], max_length=MAX_OWN_QUESTIONS,
                                         description="the department's own, asked after the kind's standard set")
    allowed_origins: Origins = Field(default=[], max_length=MAX_ORIGINS,
                                     description="sites that may embed the survey and send its responses")
    active: bool = True

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "journey_id": "5b0e8c1f9a7d4e2b8c6a1f3e0d9b7a45",
        "title": {"en": "How did we do?", "es": "¿Cómo lo hicimos?"}, "kind": "a11_thumbs",
        "languages": ["en", "es"],
        "questions": [{"kind": "choice", "text": {"en": "How did you hear about us?", "es": "¿Cómo nos conoció?"},
                       "options": [{"en": "A friend", "es": "Un amigo"}, {"en": "The web", "es": "La web"}]}],
        "allowed_origins": ["https://www.parks.example.gov"], "active": True}]})

    _o = field_validator("allowed_origins")(classmethod(lambda cls, v: _origins(v)))
    _l = field_validator("languages")(classmethod(lambda cls, v: _languages(v)))


class SurveyPatch(PatchModel):
    title: LocalText | None = None
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=2)
    questions: list[OwnQuestion] | None = Field(default=None, max_length=MAX_OWN_QUESTIONS)
    allowed_origins: Origins | None = Field(default=None, max_length=MAX_ORIGINS)
    active: bool | None = None
    version: int | None = Field(default=None, ge=1, description="the version you read: a concurrent change is a 409")

    DUMP_MODE = "json"
    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False, "version": 1}]})

    _o = field_validator("allowed_origins")(classmethod(lambda cls, v: _origins(v)))
    _l = field_validator("languages")(classmethod(lambda cls, v: _languages(v)))


class Question(OutputModel):
    id: str
    kind: QuestionKind
    text: LocalTextOut
    required: bool
    scale: ScaleOut | None = None
    options: list[dict[str, Any]] | None = Field(
        default=None, description="choice: `{value, text}`; drivers: `{value, text, positive, negative}`")


QUESTION_EXAMPLE = [
    {"id": "question_1", "kind": "thumbs", "text": {"en": "Overall, I am satisfied with my experience.",
                                                    "es": "En general, estoy satisfecho con mi experiencia."},
     "required": True, "scale": None, "options": None}]


class Survey(OutputModel):
    id: str
    department: str
    journey_id: str
    title: LocalTextOut
    kind: SurveyKind
    languages: list[Language]
    questions: list[Question] = Field(description="the kind's standard set, then the department's own")
    allowed_origins: list[str]
    active: bool
    page_url: str = Field(description="the hosted page, relative to the API's root")
    embed_url: str = Field(description="the embed script, relative to the API's root")
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "parks_5f2c9a0b1d3e4f60", "department": "parks", "journey_id": "5b0e8c1f9a7d4e2b8c6a1f3e0d9b7a45",
        "title": {"en": "How did we do?", "es": "¿Cómo lo hicimos?"}, "kind": "a11_thumbs",
        "languages": ["en", "es"], "questions": QUESTION_EXAMPLE,
        "allowed_origins": ["https://www.parks.example.gov"], "active": True,
        "page_url": "/v1/s/parks_5f2c9a0b1d3e4f60", "embed_url": "/v1/s/parks_5f2c9a0b1d3e4f60/embed.js",
        "version": 1, "created_at": "2017-03-01T09:00:00+00:00", "updated_at": "2017-03-01T09:00:00+00:00"}]})


class SurveyPage(Page):
    items: list[Survey]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "next_cursor": None}]})


class PublicQuestions(OutputModel):
    id: str
    title: LocalTextOut
    kind: SurveyKind
    languages: list[Language]
    questions: list[Question]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "parks_5f2c9a0b1d3e4f60", "title": {"en": "How did we do?", "es": "¿Cómo lo hicimos?"},
        "kind": "a11_thumbs", "languages": ["en", "es"], "questions": QUESTION_EXAMPLE}]})


Answer = str | int | bool | list[Annotated[str, StringConstraints(max_length=40)]]
FeedbackChannel = Literal["phone", "email", "web", "chat", "sms", "facebook", "twitter", "instagram",
                          "in_person", "mail", "app_311", "other"]


class ResponseCreate(InputModel):
    """A public response: `answers` by question id; `page` the address it was given on (kept
    without its query or fragment); `website` is a field people never see (a bot's fills it)."""

    answers: dict[Annotated[str, StringConstraints(max_length=40)], Answer] = Field(max_length=40)
    page: Annotated[str, StringConstraints(max_length=2000)] | None = None
    lang: Language = "en"
    channel: FeedbackChannel | None = Field(default=None, description="default `web`")
    website: Annotated[str, StringConstraints(max_length=2000)] | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "answers": {"question_1": "up", "question_2": ["ease", "humanity"], "question_4": "Quick and kind"},
        "page": "https://www.parks.example.gov/permits/done", "lang": "en"}]})


class Accepted(OutputModel):
    accepted: bool

    model_config = ConfigDict(json_schema_extra={"examples": [{"accepted": True}]})


class CountsQuery(QueryModel):
    period: str | None = Field(default=None, description="2017-03 (month), 2017-Q2 (quarter), FY2017 or "
                               "FY2017-Q2; default: the current month (UTC)")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        from chalicelib.core import periods

        if value is not None:
            periods.parse(value)
        return value


class SurveyCounts(OutputModel):
    survey_id: str
    period: str
    views: int = Field(description="reads of its questions (the hosted page or an embed showing it): offers")
    responses: int = Field(description="responses accepted, each a feedback record")
    honeypot: int = Field(description="responses that filled the hidden field: answered 202, dropped")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "survey_id": "parks_5f2c9a0b1d3e4f60", "period": "FY2017-Q2", "views": 412, "responses": 398,
        "honeypot": 3}]})
