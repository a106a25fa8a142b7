"""Import profiles: a source's own columns, values and local times turned into feedback fields.

A profile is data (`ProfileRules`): the built-in ones live in `builtin/`, a department's own in the
table (profiles.py finds the one an import names). `Mapper` applies one to a row; what it yields is validated by `FeedbackCreate` like any
native row, and every error is named by the source's own column."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Mapping

from chalicelib.core import clock
from chalicelib.voc import localtime
from chalicelib.voc.profiles_schemas import DATETIME_FIELDS, DepartmentImportProfile, ImportProfile

TEXT_JOIN, OTHER_JOIN = " - ", " "
ANY = "*"


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    rules: Mapping[str, Any]  # the fields of ProfileRules, as plain data
    builtin: bool
    native: bool = False
    department: str | None = None
    description: str | None = None
    version: int | None = None
    created_at: datetime | None = None

    def out(self) -> ImportProfile:
        common = {"id": self.id, "name": self.name, "description": self.description, "builtin": self.builtin,
                  **self.rules}
        if self.builtin:
            return ImportProfile(**common)
        return DepartmentImportProfile(**common, department=self.department, version=self.version,
                                       created_at=self.created_at)


RULE_FIELDS = ("format", "columns", "values", "datetime_format", "time_zone", "defaults", "date_only",
               "responded_when")


@lru_cache(maxsize=1)
def builtins() -> dict[str, Profile]:
    from chalicelib.voc import builtin

    return {pid: Profile(id=pid, name=p["name"], description=p.get("description"), builtin=True,
                         native=bool(p.get("native")), rules={k: p[k] for k in RULE_FIELDS})
            for pid, p in builtin.load().items()}


NATIVE = "cxgov"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


@dataclass
class Mapper:
    """One profile applied to rows, in the zone of its times (the department's by default)."""

    profile: Profile
    zone: str
    _columns: dict[str, tuple[str, ...]] = field(init=False)
    _values: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(init=False)

    def __post_init__(self) -> None:
        rules = self.profile.rules
        self.zone = rules.get("time_zone") or self.zone
        self._columns = {f: (c,) if isinstance(c, str) else tuple(c) for f, c in rules["columns"].items()}
        self._values = {f: (dict(m), {k.casefold(): v for k, v in m.items()}) for f, m in rules["values"].items()}
        self._format = rules["datetime_format"]
        self._defaults = dict(rules["defaults"])
        if "source_id" in self._columns and "source_system" not in self._columns:
            self._defaults.setdefault("source_system", self.profile.id)  # ids are unique within a profile
        self._date_only = set(rules["date_only"])
        when = rules.get("responded_when")
        self._when = (when["column"], {v.casefold() for v in when["values"]}) if when else None

    def column(self, target: str) -> str:
        """The source column an error about `target` names (the first of joined ones)."""
        columns = self._columns.get(target)
        return columns[0] if columns else target

    def header_errors(self, header: list[str]) -> list[dict[str, str]]:
        """Every column the profile reads that the CSV header lacks."""
        present = set(header)
        wanted = [c for cols in self._columns.values() for c in cols]
        if self._when:
            wanted.append(self._when[0])
        missing = sorted({c for c in wanted if c not in present})
        return [{"field": c, "message": f"the header lacks the column {c!r} that profile "
                 f"{self.profile.id} reads"} for c in missing]

    def _value(self, target: str, raw: str, errors: list[dict[str, str]]) -> Any:
        exact, folded = self._values[target]
        if raw in exact:
            return exact[raw]
        if raw.casefold() in folded:
            return folded[raw.casefold()]
        if ANY in exact:
            return exact[ANY]
        errors.append({"field": self.column(target),
                       "message": f"{raw!r} has no mapping to {target} in profile {self.profile.id}"})
        return None

    def _time(self, target: str, raw: str, errors: list[dict[str, str]]) -> datetime | None:
        try:
            moment = localtime.parse(raw, self._format, self.zone)
        except localtime.LocalTimeError as exc:
            errors.append({"field": self.column(target), "message": f"{target}: {exc}"})
            return None
        if target in self._date_only and (moment.hour, moment.minute, moment.second) == (0, 0, 0):
            # A date without its time: the end of that day, the latest it can have happened.
            wall = moment.replace(tzinfo=None) + timedelta(days=1, seconds=-1)
            try:
                moment = localtime.localize(wall, self.zone)
            except localtime.LocalTimeError:
                moment = moment + timedelta(days=1, seconds=-1)
            moment = min(moment, clock.now().astimezone(moment.tzinfo))  # closed today: by now at the latest
        return moment

    def map(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """The feedback fields of one source row, and what could not be read (named by column)."""
        errors: list[dict[str, str]] = []
        data: dict[str, Any] = {}
        for target, columns in self._columns.items():
            if len(columns) == 1:
                raw = _text(row.get(columns[0]))
            else:
                parts = [t for t in (_text(row.get(c)) for c in columns) if t]
                raw = (TEXT_JOIN if target == "comment" else OTHER_JOIN).join(parts) or None
            if raw is None:
                continue
            value: Any = raw
            if target in self._values:
                value = self._value(target, raw, errors)
                if value is None:
                    continue
            if target in DATETIME_FIELDS and isinstance(value, str):
                value = self._time(target, value, errors)
                if value is None:
                    continue
            data[target] = value
        if self._when and "first_responded_at" in data:
            if (_text(row.get(self._when[0])) or "").casefold() not in self._when[1]:
                del data["first_responded_at"]
        for target, value in self._defaults.items():
            data.setdefault(target, value)
        scores = {k[4:]: data.pop(k) for k in list(data) if k.startswith("a11.")}
        if scores:
            data["a11"] = scores
        return data, errors

    def name(self, field_path: str) -> str:
        """A validation error's field, as the source calls it."""
        return self.column(field_path) if field_path in self._columns else field_path
