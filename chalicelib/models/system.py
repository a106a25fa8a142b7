from __future__ import annotations

from chalicelib.models.common import OutputModel


class Health(OutputModel):
    status: str
    service: str


class Me(OutputModel):
    subject: str
    name: str | None
    role: str
    department: str | None
    org_wide: bool
