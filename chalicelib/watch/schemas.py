"""The watch's and the alerts' shapes (DESIGN.md "Surge watch and backlog risk")."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints

from chalicelib.core.schemas import InputModel, OutputModel, Page, PageQuery, QueryModel, Timestamp, api_enum

Scope = api_enum("WatchScope", Literal["department", "channel", "category"])
AlertKind = api_enum("AlertKind", Literal["surge", "backlog_risk"])

_SURGE = {"scope": "department", "key": "corp-comms", "observed": 96, "surge": True,
          "baseline": {"median": 15.5, "mad": 2.5, "values": [14, 17, 12, 19, 16, 13, 15, 18]},
          "z": 16.957}
_BACKLOG = {"unanswered": 71, "overdue": 4, "capacity_per_staffed_hour": 1.6,
            "next_staffed_at": "2016-12-26T13:00:00+00:00", "at_risk": 52,
            "first_breach_at": "2016-12-23T22:00:00+00:00"}


class WatchQuery(QueryModel):
    at: AwareDatetime | None = Field(default=None, description="the moment to watch (default now; a past "
                                     "moment backtests); taken at its whole hour")


class Baseline(OutputModel):
    median: float
    mad: float
    values: list[int]


class Surge(OutputModel):
    scope: Scope
    key: str
    observed: int
    baseline: Baseline
    z: float
    surge: bool = Field(description="z ≥ watch.z, observed ≥ 2 × median and observed ≥ watch.min_volume")


class BacklogRisk(OutputModel):
    unanswered: int
    overdue: int
    capacity_per_staffed_hour: float
    next_staffed_at: Timestamp | None
    at_risk: int
    first_breach_at: Timestamp | None


class Thresholds(OutputModel):
    z: float
    min_volume: int


class Watch(OutputModel):
    department: str
    at: Timestamp
    thresholds: Thresholds
    surges: list[Surge]
    backlog: BacklogRisk

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "department": "corp-comms", "at": "2016-12-23T16:00:00+00:00",
        "thresholds": {"z": 3.5, "min_volume": 20}, "surges": [_SURGE], "backlog": _BACKLOG}]})


class AlertEvent(OutputModel):
    at: Timestamp
    event: Literal["opened", "mailed", "mail_failed", "acknowledged", "resolved"]
    actor: str


class Alert(OutputModel):
    id: str
    kind: AlertKind
    department: str
    scope: Scope
    key: str
    opened_at: Timestamp
    resolved_at: Timestamp | None
    acknowledged_by: str | None
    acknowledged_at: Timestamp | None
    acknowledged_note: str | None = None
    figures: dict
    history: list[AlertEvent] = Field(default_factory=list, description="every change, in order, written with it")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01B8ZK3W6T0000000000000000", "kind": "surge", "department": "corp-comms",
        "scope": "department", "key": "corp-comms", "opened_at": "2016-12-23T16:00:00+00:00",
        "resolved_at": None, "acknowledged_by": None, "acknowledged_at": None,
        "acknowledged_note": None, "figures": {"observed": 96, "median": 15.5, "mad": 2.5, "z": 16.957},
        "history": [{"at": "2016-12-23T16:00:00+00:00", "event": "opened", "actor": "watch-job"},
                    {"at": "2016-12-23T16:05:00+00:00", "event": "mailed", "actor": "watch-job"}]}]})


class AlertPage(Page):
    items: list[Alert]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "next_cursor": None}]})


class AlertQuery(PageQuery):
    status: Literal["open", "all"] = Field(default="all", description="`open`: only alerts not resolved")


class AlertAcknowledge(InputModel):
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="what is being done about it")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"note": "Two agents called in for Saturday; overnight posts triaged first."}]})
