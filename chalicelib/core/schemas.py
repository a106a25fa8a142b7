"""Shared pydantic bases: strict input (unknown fields refused), plain output, pages, errors."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable, ClassVar, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from chalicelib.core.text import has_controls, strip_controls

# Dates people type: far-off years are typing mistakes, and would overflow date arithmetic.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
CalendarDay = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
# RFC 3339 with an explicit offset, as the contract says.
Timestamp = Annotated[datetime, PlainSerializer(lambda v: v.isoformat(timespec="seconds"),
                                                return_type=str, when_used="json"),
                      WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization")]




def _two_decimals(value: object) -> object:
    """Money leaves the API as a two-decimal string ("1250.00"), however it was sent or stored."""
    if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        try:
            return str(Decimal(str(value)).quantize(Decimal("0.01")))
        except InvalidOperation:
            return value
    return value


MoneyText = Annotated[str, BeforeValidator(_two_decimals),
                      Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["1250.00"])]
# Stored RFC 3339 text handed back as it is (history entries are hashed over it): format documented.
DateTimeText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]
# The API's string enums by name: the OpenAPI document declares each once, so that a generated
# client gets one `Channel`, not one per field. Each domain names its own where it declares them.
API_ENUMS: dict[str, Any] = {}


def api_enum(name: str, alias: Any) -> Any:
    """Registers `alias` (a `Literal`) as the API's enum `name`; returns it unchanged."""
    API_ENUMS[name] = alias
    return alias


EXAMPLES_FILE = Path(__file__).resolve().parent / "examples.json"


@lru_cache(maxsize=1)
def _captured() -> dict[str, Any]:
    return json.loads(EXAMPLES_FILE.read_text())


def captured_example(name: str) -> Callable[[dict[str, Any], type], None]:
    """`json_schema_extra` for a large response model: its example is a real answer of the API kept
    in examples.json (`python -m devtools.capture_examples`), read only when a schema is built."""

    def extra(schema: dict[str, Any], cls: type) -> None:
        schema["examples"] = [_captured()[name]]

    return extra


# Control characters (core/text.py) are stripped from every string of every body once it is
# validated: never stored, so never exported.
def without_controls(value: Any) -> Any:
    """`value` with CONTROL_CHARACTERS removed from its strings, inside lists and objects too
    (nested models clean their own fields)."""
    if isinstance(value, str):
        if not has_controls(value):
            return value
        cleaned = strip_controls(value).strip()
        if value.strip() and not cleaned:
            raise ValueError("holds only control characters")
        return cleaned
    if isinstance(value, list):
        return [without_controls(v) for v in value]
    if isinstance(value, dict):
        return {without_controls(k): without_controls(v) for k, v in value.items()}
    return value


# What DynamoDB can store as a number: 0, or a magnitude from 1e-130 to 9.99...e125, with at most 38
# significant digits. Anything else fails the write (a 500): every number of every body is checked.
DYNAMODB_SMALLEST, DYNAMODB_LARGEST = Decimal("1e-130"), Decimal("9." + "9" * 37 + "e125")
_NUMBER_RANGE = ("DynamoDB stores numbers of magnitude 1e-130 to 9.99e125 (or 0), with at most 38 "
                 "significant digits")


def _storable(number: int | float | Decimal) -> bool:
    exact = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    if not exact.is_finite():
        return False
    if exact == 0:
        return True
    digits = "".join(map(str, exact.as_tuple().digits)).strip("0")  # normalize() would round to 28
    return DYNAMODB_SMALLEST <= abs(exact) <= DYNAMODB_LARGEST and len(digits) <= 38


_EXACT_INT = 10 ** 38  # any int below it in magnitude is storable as it is


def unstorable_number(value: Any) -> bool:
    """True when `value` is, or holds (lists, objects), a number DynamoDB cannot store."""
    kind = type(value)
    if kind is int:
        return not -_EXACT_INT < value < _EXACT_INT and not _storable(value)
    if kind is float:  # repr has at most 17 digits: only the magnitude matters (1e126 is over)
        return not (value == 0 or 1e-130 <= abs(value) < 1e126)
    if kind is str or kind is bool or value is None:
        return False
    if isinstance(value, (int, float, Decimal)):
        return not _storable(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(unstorable_number(v) for v in value)
    if isinstance(value, dict):
        return any(unstorable_number(v) for v in value.values())
    return False  # nested models check their own fields


class InputModel(BaseModel):
    # defer_build: a model's validator is built on first use, not when a cold start imports it.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, defer_build=True,
                              str_strip_whitespace=True)

    # After validation (a `before` validator would make strict JSON parsing read "2017-03-14T..." as a
    # Python str, not a datetime), once per model (a validator per field costs a call per field):
    # every field of every body, at any depth (nested models run it too).
    @model_validator(mode="after")
    def _storable_text_and_numbers(self) -> "InputModel":
        values = self.__dict__
        for name, value in values.items():
            kind = type(value)
            if kind is str:
                if has_controls(value):
                    values[name] = self._cleaned(name, value)
            elif value is not None and kind is not bool and not isinstance(value, BaseModel):
                if unstorable_number(value):
                    raise field_error(type(self).__name__, self._api_name(name), _NUMBER_RANGE)
                if kind is list or kind is dict:
                    values[name] = self._cleaned(name, value)
        return self

    def _api_name(self, name: str) -> str:
        info = type(self).model_fields.get(name)
        return (info.alias if info is not None and info.alias else name)

    def _cleaned(self, name: str, value: Any) -> Any:
        try:
            return without_controls(value)
        except ValueError as exc:
            raise field_error(type(self).__name__, self._api_name(name), str(exc))


class PatchModel(InputModel):
    """A partial update: an absent field keeps its value, an explicit null is refused (it would erase
    a required field), and `version`, when sent, turns a concurrent change into a 409."""

    NOT_CHANGES: ClassVar[frozenset[str]] = frozenset({"version"})
    DUMP_MODE: ClassVar[str] = "python"

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null (leave the field out to keep it)")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> "PatchModel":
        if not self.model_fields_set - {"version"}:
            raise ValueError("name at least one field to change")
        return self

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump(exclude_unset=True, mode=self.DUMP_MODE).items()
                if k not in self.NOT_CHANGES}


def field_error(model: str, field: str, message: str) -> ValidationError:
    """A validation error located at `field` (a model validator's own errors have no location)."""
    return ValidationError.from_exception_data(
        model, [InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(field,), input=None)])


_DATE_TIME_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]")


def _takes_datetime(annotation: Any) -> bool:
    # datetime itself, pydantic's AwareDatetime and kin, inside Optional/Annotated
    if annotation is datetime or getattr(annotation, "__name__", "").endswith(("Datetime", "DateTime")):
        return True
    return any(_takes_datetime(a) for a in get_args(annotation))


class QueryModel(BaseModel):
    """Query strings are text: lax parsing turns `limit=50` into an int; unknown params are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _date_times_are_rfc3339(cls, data: Any) -> Any:
        # Lax parsing would read `to=157` as seconds since 1970: a date-time parameter is RFC 3339 text.
        if isinstance(data, dict):
            for name, info in cls.model_fields.items():
                value = data.get(info.alias or name, data.get(name))
                if value is not None and _takes_datetime(info.annotation) and not (
                        isinstance(value, str) and _DATE_TIME_TEXT.match(value)):
                    raise field_error(cls.__name__, info.alias or name,
                                      "an RFC 3339 date-time with offset, such as 2017-03-01T00:00:00Z")
        return data


class OutputModel(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class PageQuery(QueryModel):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=4096)


class Page(OutputModel):
    next_cursor: str | None = None


class ErrorDetail(OutputModel):
    field: str
    message: str


class ErrorBody(OutputModel):
    code: str
    message: str
    details: list[ErrorDetail]
    correlation_id: str | None = None


class ErrorEnvelope(OutputModel):
    error: ErrorBody


def dump(model: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return model.model_dump(mode="json") if isinstance(model, BaseModel) else model
