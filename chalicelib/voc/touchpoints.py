"""GSA Touchpoints' A-11 response layout, both ways: a row of its response upload CSV as a cxgov
feedback record, and a record back as such a row (docs/a11.md has the mapping for users).

A row: `external_id, question_1, positive_{driver}..., negative_{driver}..., question_4`.
- `external_id` -> `source_id` (source system `touchpoints`), so a re-import never duplicates;
- `question_1` -> `a11.satisfaction`: on a thumbs survey 1 (up) is 5 and 0 (down) is 1; on a
  Likert survey the 1-5 rating as it is. The journey's `a11_service.survey_type` says which;
- `positive_X` / `negative_X` (1, 0 or null) -> `a11.X`: positive only 5, negative only 1, both 3,
  neither no score (`employee` is `employee_helpfulness`; `other` has no A-11 driver);
- `question_4` (open text) -> `comment` (personal data redacted, as every comment);
- every answer column is also kept as written, so the export gives back what was imported;
- the record is not actionable (a survey answer awaits no reply), category `other`, channel from
  the journey's Touchpoints channel, `survey_offered` true."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

DRIVERS = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other")
ANSWER_COLUMNS = ("question_1", *(f"positive_{d}" for d in DRIVERS), *(f"negative_{d}" for d in DRIVERS))
COLUMNS = ("external_id", *ANSWER_COLUMNS, "question_4")
A11_DRIVER = {"effectiveness": "effectiveness", "ease": "ease", "efficiency": "efficiency",
              "transparency": "transparency", "humanity": "humanity", "employee": "employee_helpfulness"}
FLAG_VALUES = {"1": True, "0": False, "null": None, "": None}
# Touchpoints' channels (how a service is delivered) as cxgov's feedback channels.
CHANNELS = {
    "computer": "web", "website": "web", "mobile": "web", "email": "email", "chatbot": "chat",
    "live_chat": "chat", "phone": "phone", "automated_phone": "phone", "in_person": "in_person",
    "self_service_kiosk": "in_person", "paper": "mail", "postal_mail": "mail", "fax": "mail",
    "sms_text_messages": "sms", "mobile_app": "other", "social_media": "other",
    "other_non_digital": "other", "other_digital": "other"}


class RowError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _question_1(value: str, survey_type: str) -> int | None:
    if value in ("", "null"):
        return None
    if survey_type == "thumbs_up_down":
        if value not in ("0", "1"):
            raise RowError("question_1", f"{value!r}: a thumbs up/down survey answers 1 (up) or 0 (down)")
        return 5 if value == "1" else 1
    if value not in ("1", "2", "3", "4", "5"):
        raise RowError("question_1", f"{value!r}: a 5-point Likert survey answers 1 to 5")
    return int(value)


def _flag(row: Mapping[str, Any], column: str) -> bool | None:
    value = _text(row, column)
    if value not in FLAG_VALUES:
        raise RowError(column, f"{value!r}: a driver column holds 1, 0 or null")
    return FLAG_VALUES[value]


def to_feedback(row: Mapping[str, Any], survey_type: str, touchpoints_channel: str) -> dict[str, Any]:
    """The cxgov fields of one response row (without `received_at` and `journey_id`, which the
    import adds); `survey` keeps the answer columns as written."""
    scores: dict[str, int] = {}
    satisfaction = _question_1(_text(row, "question_1"), survey_type)
    if satisfaction is not None:
        scores["satisfaction"] = satisfaction
    for driver in DRIVERS:
        positive, negative = _flag(row, f"positive_{driver}"), _flag(row, f"negative_{driver}")
        if driver in A11_DRIVER and (positive or negative):
            scores[A11_DRIVER[driver]] = 3 if positive and negative else 5 if positive else 1
    data: dict[str, Any] = {
        "channel": CHANNELS[touchpoints_channel], "category": "other", "actionable": False,
        "survey_offered": True, "survey": {c: _text(row, c) for c in ANSWER_COLUMNS},
    }
    if scores:
        data["a11"] = scores
    external_id = _text(row, "external_id")
    if external_id:
        data["source_system"], data["source_id"] = "touchpoints", external_id
    comment = _text(row, "question_4")
    if comment:
        data["comment"] = comment
    return data


def _derived_answers(record: Mapping[str, Any], survey_type: str) -> dict[str, str]:
    """A record that did not come from Touchpoints, in its answer columns, from its A-11 scores."""
    a11 = record.get("a11") or {}
    satisfaction = a11.get("satisfaction")
    if satisfaction is None:
        question_1 = ""
    elif survey_type == "thumbs_up_down":
        question_1 = "1" if satisfaction >= 4 else "0"
    else:
        question_1 = str(satisfaction)
    answers = {"question_1": question_1}
    for driver in DRIVERS:
        score = a11.get(A11_DRIVER.get(driver, ""))
        answers[f"positive_{driver}"] = "" if score is None else "1" if score >= 4 else "0"
        answers[f"negative_{driver}"] = "" if score is None else "1" if score <= 2 else "0"
    return answers


def to_row(record: Mapping[str, Any], survey_type: str) -> list[str]:
    """One record in the response upload layout: as imported when it came from Touchpoints."""
    answers = record.get("survey") or _derived_answers(record, survey_type)
    external_id = record.get("source_id") if record.get("source_system") == "touchpoints" else None
    return [external_id or record.get("source_id") or record["id"],
            *(answers.get(c, "") for c in ANSWER_COLUMNS), record.get("comment") or ""]


def _created_at(text: str) -> datetime:
    """Touchpoints writes `2017-02-15 14:05:00 UTC` (Rails) or RFC 3339; either must say its zone."""
    if text.endswith(" UTC"):
        return datetime.strptime(text[:-4], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("needs its zone (RFC 3339 with an offset, or `2017-02-15 14:05:00 UTC`)")
    return moment


@dataclass
class Mapper:
    """The `touchpoints` profile applied to rows of one journey (what ingest.py calls,
    like the column mapper of the other profiles)."""

    profile: Any
    survey_type: str
    touchpoints_channel: str
    journey_id: str
    received_at: datetime | None

    def column(self, target: str) -> str:
        return {"source_id": "external_id", "received_at": "created_at", "comment": "question_4",
                "a11.satisfaction": "question_1"}.get(target, target)

    def name(self, field_path: str) -> str:
        if field_path.startswith("survey."):
            return field_path[len("survey."):]
        return self.column(field_path)

    def header_errors(self, header: list[str]) -> list[dict[str, str]]:
        missing = [c for c in COLUMNS if c not in header]
        if self.received_at is None and "created_at" not in header:
            missing.append("created_at")
        return [{"field": c, "message": f"the header lacks the column {c!r} of Touchpoints' response layout"
                 + (" (or give `received_at` as a query parameter)" if c == "created_at" else "")}
                for c in missing]

    def map(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
        try:
            data = to_feedback(row, self.survey_type, self.touchpoints_channel)
        except RowError as exc:
            return {}, [{"field": exc.field, "message": exc.message}]
        data["journey_id"] = self.journey_id
        created = _text(row, "created_at")
        if created:
            try:
                data["received_at"] = _created_at(created)
            except ValueError as exc:
                return {}, [{"field": "created_at", "message": f"{created!r}: {exc}"}]
        elif self.received_at is not None:
            data["received_at"] = self.received_at
        else:
            return {}, [{"field": "created_at", "message": "empty: give the response's time here or "
                                                          "`received_at` as a query parameter"}]
        return data, []
