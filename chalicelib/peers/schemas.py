"""Peers outside the organisation (DESIGN "Peers outside the organisation")."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.core.schemas import InputModel, OutputModel, Page, Timestamp, api_enum
from chalicelib.imports.schemas import ContentType, ImportJobUpload, JobProgress
from chalicelib.voc.summary_schemas import SummaryQuery

PeerSetKind = api_enum("PeerSetKind", Literal["service_requests", "a11_responses"])
PeerProfile = api_enum("PeerProfile", Literal["la311", "nyc311", "open311", "touchpoints"])
MeasureName = Literal["volume", "within_target_share", "median_hours_to_close", "a11.effectiveness", "a11.ease",
                      "a11.efficiency", "a11.transparency", "a11.humanity", "a11.employee_helpfulness"]
PeerMeasure = api_enum("PeerMeasure", MeasureName)
Column = Field(min_length=1, max_length=128)

_SET_EXAMPLE = {"name": "NYC 311 service requests, FY2017", "publisher": "City of New York",
                "source_url": "https://data.cityofnewyork.us/d/erm2-nwe9", "retrieved_on": "2017-10-02",
                "kind": "service_requests", "profile": "nyc311", "group_column": "Agency",
                "service_column": "Complaint Type", "target_hours": 72}


class PeerSetCreate(InputModel):
    """`group_column` names the source column of the agency or owner (a peer group), `service_column`
    the request or service type; `target_hours` judges rows whose source gives no due time."""

    name: str = Field(min_length=1, max_length=200)
    publisher: str = Field(min_length=1, max_length=200)
    source_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    retrieved_on: date
    kind: PeerSetKind
    profile: PeerProfile
    group_column: str = Column
    service_column: str | None = Field(default=None, min_length=1, max_length=128)
    target_hours: float | None = Field(default=None, gt=0, le=24 * 366)

    model_config = ConfigDict(json_schema_extra={"examples": [_SET_EXAMPLE]})

    @field_validator("retrieved_on")
    @classmethod
    def _plausible(cls, value: date) -> date:
        if not 1900 <= value.year <= 2999:
            raise ValueError("a date between 1900 and 2999")
        return value


class PeerSet(OutputModel):
    id: str
    name: str
    publisher: str
    source_url: str | None
    retrieved_on: date
    kind: Literal["service_requests", "a11_responses"]
    profile: Literal["la311", "nyc311", "open311", "touchpoints"]
    group_column: str
    service_column: str | None
    target_hours: float | None
    created_at: Timestamp

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b", **_SET_EXAMPLE, "created_at": "2026-12-01T09:00:00+00:00"}]})


class PeerSetPage(Page):
    items: list[PeerSet]

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "next_cursor": None}]})


class PeerUploadCreate(InputModel):
    """CSV with a header row, a JSON array or NDJSON, each optionally gzip, in the set's profile."""

    file_name: str = Field(min_length=1, max_length=255)
    content_type: ContentType

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"file_name": "311_Service_Requests_FY2017.csv.gz", "content_type": "text/csv"}]})


class PeerUploadStart(ImportJobUpload):
    """PUT the file to `upload_url` with exactly `upload_headers`; the import starts when S3 has it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01jf3k5q9x2m7v8w4c6b0n1p2r", "status": "awaiting_upload",
        "upload_url": "https://cxgov-imports.s3.amazonaws.com/imports/PEERSET-7e4d/01jf3k5q9x2m7v8w4c6b0n1p2r?X-Amz-Signature=...",
        "upload_headers": {"Content-Type": "text/csv"}, "expires_in": 3600}]})


class PeerUpload(JobProgress):  # an upload is an import job of the set (imports.service.present)
    peer_set_id: str

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01jf3k5q9x2m7v8w4c6b0n1p2r", "peer_set_id": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b",
        "status": "completed", "file_name": "311_Service_Requests_FY2017.csv.gz", "file_format": "csv+gzip",
        "rows_done": 200000, "created": 199990, "updated": 0, "duplicates": 0, "rejected": 10, "error": None,
        "errors_url": None, "created_at": "2026-12-01T09:00:00+00:00", "finished_at": "2026-12-01T09:06:00+00:00"}]})


class PeriodQuery(SummaryQuery):  # the VoC summary's period, read by the same rule
    period: str = Field(description="2017-03 (month), 2017-Q2 (quarter), FY2017 or FY2017-Q2")


class HoursToClose(OutputModel):
    mean: float | None
    median: float | None = Field(description="exact: the middle closed row (mean of the two middle ones)")
    p90: float | None = Field(description="nearest rank: the closed row at rank ceil(0.9 n)")


class PeerFigure(OutputModel):
    group: str
    service_type: str | None = Field(description="null: all of the group")
    period: str
    volume: int
    closed: int
    hours_to_close: HoursToClose
    within_target_share: float | None
    a11: dict[str, float | None] | None = Field(description="a11_responses: each driver's share agreeing")


class PeerFigures(OutputModel):
    peer_set_id: str
    period: str
    items: list[PeerFigure]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "peer_set_id": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b", "period": "2017-03", "items": [{
            "group": "DSNY", "service_type": None, "period": "2017-03", "volume": 41250, "closed": 40980,
            "hours_to_close": {"mean": 38.2, "median": 21.5, "p90": 96.0}, "within_target_share": 0.87,
            "a11": None}]}]})


class PeerGroupRef(InputModel):
    peer_set_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    group: str = Field(min_length=1, max_length=200)
    service_type: str | None = Field(default=None, min_length=1, max_length=200)


class PeerMappingPut(InputModel):
    groups: list[PeerGroupRef] = Field(max_length=50)

    model_config = ConfigDict(json_schema_extra={"examples": [{"groups": [
        {"peer_set_id": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b", "group": "DPR", "service_type": None}]}]})


class PeerGroup(OutputModel):
    peer_set_id: str
    group: str
    service_type: str | None


class PeerMapping(OutputModel):
    department: str
    groups: list[PeerGroup]

    model_config = ConfigDict(json_schema_extra={"examples": [{"department": "parks", "groups": [
        {"peer_set_id": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b", "group": "DPR", "service_type": None}]}]})


class BenchmarkQuery(PeriodQuery):
    measure: PeerMeasure = Field(description="volume, within_target_share, median_hours_to_close "
                                             "(the department's: median first-response hours) or a11.<driver>")


class PeerValue(OutputModel):
    peer_set_id: str
    group: str
    service_type: str | None
    value: float | None
    volume: int


class Distribution(OutputModel):
    min: float
    p25: float
    median: float
    p75: float
    max: float


class PeerBenchmark(OutputModel):
    """`percentile`: the share (0-100) of peers the department does better than (lower hours,
    higher shares; for volume, larger); null without a department value or peers with one."""

    department: float | None
    measure: MeasureName
    period: str
    peers: list[PeerValue]
    distribution: Distribution | None
    percentile: float | None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "department": 20.5, "measure": "median_hours_to_close", "period": "2017-Q1",
        "peers": [{"peer_set_id": "7e4d2c1b0a9f4e8d8c7b6a5f4e3d2c1b", "group": "DPR", "service_type": None,
                   "value": 30.0, "volume": 1200}],
        "distribution": {"min": 30.0, "p25": 30.0, "median": 30.0, "p75": 30.0, "max": 30.0},
        "percentile": 100.0}]})
