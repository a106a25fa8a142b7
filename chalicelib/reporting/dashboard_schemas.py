"""The dashboard pages' query: what an identity provider appends to the sign-in redirect."""
from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.core.schemas import QueryModel


class CallbackQuery(QueryModel):
    """What the identity provider appends to the redirect URI (read by the page's script); other
    parameters a provider adds are let through."""

    model_config = ConfigDict(extra="allow")

    code: str | None = Field(default=None, max_length=4096)
    state: str | None = Field(default=None, max_length=1024)
    error: str | None = Field(default=None, max_length=200)
    error_description: str | None = Field(default=None, max_length=2000)
    error_uri: str | None = Field(default=None, max_length=2000)
    iss: str | None = Field(default=None, max_length=2000)
    session_state: str | None = Field(default=None, max_length=2000)
