"""Framework libraries: the built-in ones (JSON files in frameworks/, validated like an upload when
first read) and those a ccxo publishes. A published version may be replaced until an assessment
uses it; from then on it is immutable and a change is a new version."""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from chalicelib.assessments import store as dal
from chalicelib.assessments.framework_schemas import Framework, FrameworkCreate, FrameworkSummary
from chalicelib.assessments.rules import library_problems
from chalicelib.core import hashchain
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.kpis import service as kpis

BUILTIN_DIR = Path(__file__).parent / "frameworks"


def _check(document: dict[str, Any]) -> None:
    problems = library_problems(document, {entry.code for entry in kpis.list_catalogue()})
    if problems:
        raise BadRequest(f"invalid framework library: {', '.join(path for path, _ in problems)}",
                         [{"field": path, "message": message} for path, message in problems])


@functools.cache
def builtins() -> dict[str, dict[str, Any]]:
    """id -> the built-in library (as validated: a broken file fails loudly, in tests first)."""
    found = {}
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        document = FrameworkCreate.model_validate_json(path.read_bytes()).model_dump(mode="json")
        _check(document)
        found[document["id"]] = document
    return found


def _categories(document: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(r["category"] for r in document["requirements"]))


def _view(document: dict[str, Any], builtin: bool, in_use: bool, created_at: Any = None) -> Framework:
    return Framework(**document, builtin=builtin, in_use=in_use, categories=_categories(document),
                     created_at=created_at)


def _summary(document: dict[str, Any], builtin: bool) -> FrameworkSummary:
    return FrameworkSummary(id=document["id"], name=document["name"], version=document["version"],
                            publisher=document["publisher"], description=document["description"],
                            builtin=builtin, categories=_categories(document),
                            requirements=len(document["requirements"]),
                            assessable=sum(1 for r in document["requirements"] if r["assessable"]))


def _newest(framework_id: str) -> dict[str, Any] | None:
    versions = dal.framework_versions(framework_id)
    return max(versions, key=lambda item: (item["created_at"], item["framework_version"])) if versions else None


def resolve(framework_id: str, version: str | None) -> tuple[dict[str, Any], bool, Any]:
    """(document, builtin, created_at) of the version asked for (default the newest), or a 404."""
    builtin = builtins().get(framework_id)
    if builtin is not None:
        if version is not None and version != builtin["version"]:
            raise NotFound(f"framework {framework_id} has no version {version}")
        return builtin, True, None
    stored = dal.get_framework(framework_id, version) if version is not None else _newest(framework_id)
    if stored is None:
        raise NotFound("no framework with this id and version")
    return json.loads(stored["document"]), False, stored["created_at"]


def get_framework(framework_id: str, version: str | None) -> Framework:
    document, builtin, created_at = resolve(framework_id, version)
    return _view(document, builtin, dal.framework_in_use(framework_id, document["version"]), created_at)


def list_frameworks(limit: int, start_key: dict | None) -> tuple[list[FrameworkSummary], dict | None]:
    """The built-in libraries first (on the first page), then every published version."""
    first = [] if start_key is not None else [_summary(d, True) for d in builtins().values()]
    items, last = dal.list_frameworks(limit, start_key)
    return first + [_summary(json.loads(item["document"]), False) for item in items], last


def publish(body: FrameworkCreate, principal: Principal) -> Framework:
    document = body.model_dump(mode="json")
    _check(document)
    if body.id in builtins():
        raise Conflict.for_field("id", f"{body.id} is a built-in framework; publish yours under another id")
    existing = dal.get_framework(body.id, body.version)
    if existing is not None and dal.framework_in_use(body.id, body.version):
        raise Conflict.for_field("version", f"version {body.version} of {body.id} is used by an assessment "
                                            "and is immutable; publish a new version")
    stored = dal.put_framework(document, hashchain.canonical(document).decode(),
                               int(existing["version"]) if existing else None, principal.subject)
    return _view(document, False, False, stored["created_at"])


def assessable(document: dict[str, Any]) -> dict[str, str]:
    """ref -> category of every requirement that takes an answer, in the library's order."""
    return {r["ref"]: r["category"] for r in document["requirements"] if r["assessable"]}
