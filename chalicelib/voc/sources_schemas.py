"""Pulled sources: an Open311 GeoReport v2 endpoint the scheduler reads every 15 minutes."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, SecretStr, StringConstraints, field_validator

from chalicelib.core.schemas import EARLIEST, InputModel, OutputModel, Page, PatchModel, Timestamp
from chalicelib.voc.outbound import NOT_IN_A_URL

def _url_text(url: str) -> str:
    # Refused here, before InputModel would strip them from free text: a URL is not free text.
    if NOT_IN_A_URL.search(url):
        raise ValueError("must not contain control characters or spaces (CR, LF, tab, NUL, ...)")
    return url


Url = Annotated[str, StringConstraints(min_length=8, max_length=500), AfterValidator(_url_text)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ServiceCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:\-]{1,64}$")]
Jurisdiction = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._\-]{1,100}$")]
ApiKey = Annotated[SecretStr, Field(min_length=1, max_length=500)]
PageSize = Annotated[int, Field(ge=10, le=1000)]

EXAMPLE = {"name": "SF311 Open311", "kind": "open311",
           "base_url": "https://mobile311.sfgov.org/open311/v2", "jurisdiction_id": "sfgov.org",
           "service_codes": ["4f3d3a8b7c1b8e3b6c000001"], "api_key": "k-0f2a9c",
           "since": "2026-09-01T00:00:00Z", "active": True, "page_size": 100}


def _since(value: datetime | None) -> datetime | None:
    if value is not None and value.date() < EARLIEST:
        raise ValueError(f"must not be before {EARLIEST.isoformat()}")
    return value


class SourceCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    name: Name | None = Field(default=None, description="default: the host of `base_url`")
    kind: Literal["open311"] = "open311"
    base_url: Url = Field(description="the GeoReport v2 endpoint (…/requests.json is appended); in AWS "
                          "only https resolving to public addresses")
    jurisdiction_id: Jurisdiction | None = None
    service_codes: list[ServiceCode] = Field(default_factory=list, max_length=50,
                                             description="empty: every service")
    api_key: ApiKey | None = Field(default=None, description="write-only: kept in AWS Secrets Manager, "
                                   "never answered")
    since: AwareDatetime | None = Field(default=None, description="the first pull's earliest "
                                        "requested_datetime; default 90 days ago")
    active: bool = True
    page_size: PageSize = Field(default=100, description="page_size asked of servers that page")
    updated_after: bool = Field(default=False, description="the server offers Chicago's "
                                "`updated_after`/`updated_before` extension: requests changed since the "
                                "last pull are asked for by change time, not by id lists")

    @field_validator("since")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        return _since(value)


class SourcePatch(PatchModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False, "version": 3}]})

    name: Name | None = None
    base_url: Url | None = None
    jurisdiction_id: Jurisdiction | None = None
    service_codes: list[ServiceCode] | None = Field(default=None, max_length=50)
    api_key: ApiKey | None = None
    active: bool | None = None
    page_size: PageSize | None = None
    updated_after: bool | None = None
    version: int | None = Field(default=None, ge=1)


class LastSync(OutputModel):
    at: Timestamp
    status: Literal["ok", "error"]
    fetched: int
    created: int
    updated: int
    duplicates: int
    rejected: int
    error: str | None = None
    complete: bool = Field(default=True, description="false: the pull stopped at its time budget "
                           "(or an error); the next one goes on from the watermark")


SYNC_EXAMPLE = {"at": "2026-12-01T09:30:00+00:00", "status": "ok", "fetched": 42, "created": 30,
                "updated": 9, "duplicates": 3, "rejected": 0, "error": None, "complete": True}


class SyncResult(LastSync):
    model_config = ConfigDict(json_schema_extra={"examples": [{**SYNC_EXAMPLE,
                                                               "watermark": "2026-12-01T09:30:00+00:00"}]})

    watermark: Timestamp | None = None


class Source(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **{k: v for k, v in EXAMPLE.items() if k != "api_key"}, "id": "5e0c1b2a9f8d4c3b8a7e6d5c4b3a2f10",
        "department": "parks", "has_api_key": True, "source_system": "open311:5e0c1b2a9f8d4c3b8a7e6d5c4b3a2f10",
        "watermark": "2026-12-01T09:30:00+00:00", "last_sync": SYNC_EXAMPLE, "version": 4,
        "created_at": "2026-11-30T14:00:00+00:00"}]})

    id: str
    department: str
    name: str
    kind: Literal["open311"]
    base_url: str
    jurisdiction_id: str | None
    service_codes: list[str]
    has_api_key: bool
    since: Timestamp
    active: bool
    page_size: int
    updated_after: bool = False
    source_system: str = Field(description="the feedback records' source_system")
    watermark: Timestamp | None = Field(description="requests received up to here are imported")
    last_sync: LastSync | None
    version: int
    created_at: Timestamp


class SourcePage(Page):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": Source.model_config["json_schema_extra"]["examples"], "next_cursor": None}]})

    items: list[Source]
