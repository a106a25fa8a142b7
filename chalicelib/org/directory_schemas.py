"""The role directory: roles the CCXO grants to subjects whose tokens carry none (Login.gov)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from chalicelib.core.schemas import (InputModel, OutputModel, Page, PageQuery, QueryModel, Slug, Timestamp, api_enum,
                                     field_error)

Role = api_enum("Role", Literal["dcxo", "ccxo", "auditor"])
# The `sub` claims of Cognito and Login.gov (UUIDs), Entra ID (base64url), Okta, Auth0 (`auth0|...`).
SUBJECT_PATTERN = r"^[A-Za-z0-9._:|@+=\-]{1,255}$"
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
EXAMPLE_SUBJECT = "9f2c1e44-6a4b-4f6e-9a63-1d2f0c8b7e51"


class GrantPut(InputModel):
    role: Role
    department: Slug | None = Field(default=None, description="required for a dcxo, refused otherwise")
    label: Label | None = Field(default=None, description="who this is, for people reading the directory")
    reason: Reason | None = Field(default=None, description="kept with the change")
    version: int | None = Field(default=None, ge=0, description="the version read (0: no entry yet); "
                                                                "a mismatch is a 409")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"role": "dcxo", "department": "parks", "label": "Dana Ortiz <dana.ortiz@parks.example.gov>",
         "reason": "Appointed DCXO of Parks and Recreation, memo 2026-114", "version": 0}]})

    @model_validator(mode="after")
    def _department_for_dcxo_only(self) -> "GrantPut":
        if self.role == "dcxo" and self.department is None:
            raise field_error("GrantPut", "department", "a dcxo needs its department")
        if self.role != "dcxo" and self.department is not None:
            raise field_error("GrantPut", "department", "only a dcxo has a department")
        return self


class RevokeQuery(QueryModel):
    reason: Reason | None = None
    version: int | None = Field(default=None, ge=1, description="the version read; a mismatch is a 409")


class DirectoryEntry(OutputModel):
    subject: str
    role: Role
    department: str | None
    label: str | None
    version: int = Field(description="how many changes the entry has had")
    updated_at: Timestamp
    updated_by: str

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"subject": EXAMPLE_SUBJECT, "role": "dcxo", "department": "parks",
         "label": "Dana Ortiz <dana.ortiz@parks.example.gov>", "version": 1,
         "updated_at": "2026-11-30T15:04:05+00:00", "updated_by": "demo-ccxo-org"}]})


class DirectoryEntryPage(Page):
    items: list[DirectoryEntry]

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": DirectoryEntry.model_config["json_schema_extra"]["examples"], "next_cursor": None}]})


class GrantState(OutputModel):
    role: Role
    department: str | None


class DirectoryChange(OutputModel):
    subject: str
    seq: int = Field(description="1 for the entry's first change, then 2, 3 ...")
    at: Timestamp
    by: str = Field(description="the subject of the CCXO who made the change")
    by_name: str | None
    before: GrantState | None = Field(description="null: no role before")
    after: GrantState | None = Field(description="null: revoked")
    reason: str | None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"subject": EXAMPLE_SUBJECT, "seq": 1, "at": "2026-11-30T15:04:05+00:00", "by": "demo-ccxo-org",
         "by_name": "Chief CX Officer", "before": None, "after": {"role": "dcxo", "department": "parks"},
         "reason": "Appointed DCXO of Parks and Recreation, memo 2026-114"}]})


class DirectoryChangePage(Page):
    items: list[DirectoryChange]

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": DirectoryChange.model_config["json_schema_extra"]["examples"], "next_cursor": None}]})


__all__ = ["GrantPut", "RevokeQuery", "DirectoryEntry", "DirectoryEntryPage", "DirectoryChange",
           "DirectoryChangePage", "PageQuery", "SUBJECT_PATTERN"]
