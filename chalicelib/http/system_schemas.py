from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from chalicelib.core.schemas import OutputModel


class Health(OutputModel):
    status: Literal["ok"]
    service: str

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok", "service": "cxgov"}]})


class Me(OutputModel):
    subject: str
    name: str | None
    role: Literal["dcxo", "ccxo", "auditor"]
    department: str | None
    org_wide: bool

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"subject": "demo-dcxo-corp-comms", "name": "Dana Whitfield", "role": "dcxo",
         "department": "corp-comms", "org_wide": False}]})
