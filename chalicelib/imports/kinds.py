"""What an import job fills besides feedback (issue 29: a peer set's rows). A job item names its
`job_kind`; the worker hands such a job's header and chunks to the module registered for that kind.
The registry is filled by name by whoever wires the application (app.py, the local dispatcher), so
imports never imports the domains that use it: a registered module provides

    header_problems(job: dict, header: list[str]) -> list[str]
    import_rows(job: dict, rows: list[reader.Row]) -> tuple[dict[str, int], list[tuple[int, str, str, str]]]

(`import_rows` answers the counts `created`, `updated`, `duplicates`, `rejected` and the rejected
rows as (row number, source id, field, message))."""
from __future__ import annotations

import importlib
from typing import Any

_MODULES: dict[str, str] = {}


def register(kind: str, module: str) -> None:
    """`module` (a dotted name) handles jobs of `kind`; imported when such a job first runs."""
    _MODULES[kind] = module


def handler(kind: str | None) -> Any | None:
    """The module for a job's kind (None: a feedback job). An unregistered kind raises: the
    message goes back to the queue rather than importing the rows as feedback."""
    if kind is None:
        return None
    if kind not in _MODULES:
        raise LookupError(f"no handler registered for import jobs of kind {kind!r}")
    return importlib.import_module(_MODULES[kind])
