"""The built-in import profiles, one module each: adding a source format is adding a module here
and one entry to `MODULES` (the `touchpoints` profile of the A-11 work joins the same way)."""
from __future__ import annotations

from importlib import import_module

MODULES = ("cxgov", "la311", "nyc311", "open311", "touchpoints")


def load() -> dict[str, dict]:
    """id -> the profile's definition (the fields of `ImportProfileCreate`, plus `native` for cxgov)."""
    found = {}
    for name in MODULES:
        profile = import_module(f"{__name__}.{name}").PROFILE
        found[profile["id"]] = profile
    return found
