"""Import profiles: the one an import names (`resolve`: built-in or the department's own), and a
department's own ones: create, read, list, change. The built-in ids are reserved."""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from chalicelib.core import cursors
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound, from_validation_error
from chalicelib.core.schemas import PageQuery
from chalicelib.voc import profiles_store as dal
from chalicelib.voc.feedback import department
from chalicelib.voc.profile_mapper import NATIVE, RULE_FIELDS, Profile, builtins
from chalicelib.voc.profiles_schemas import (
    DepartmentImportProfile,
    DepartmentImportProfilePage,
    ImportProfile,
    ImportProfileCreate,
    ImportProfilePatch,
    ProfileRules,
)


def _profile(stored: dict[str, Any]) -> Profile:
    return Profile(id=stored["id"], name=stored["name"], description=stored["description"], builtin=False,
                   department=stored["department"], rules=stored["rules"], version=stored["version"],
                   created_at=stored["created_at"])


def _rules(model: ProfileRules) -> dict[str, Any]:
    return model.model_dump(mode="json", include=set(RULE_FIELDS))


def find(dept: str, profile_id: str) -> Profile | None:
    if len(profile_id) > 40:
        return None
    stored = dal.get(dept, profile_id)
    return _profile(stored) if stored else None


def resolve(dept: str, profile_id: str | None) -> Profile:
    """The profile an import names (none: the native one); an unknown id is a 400 on `profile`."""
    if profile_id is None or profile_id == NATIVE:
        return builtins()[NATIVE]
    if profile_id in builtins():
        return builtins()[profile_id]
    found = find(dept, profile_id)
    if found is None:
        raise BadRequest.for_field("profile", f"no import profile {profile_id!r} (built-in: "
                                   f"{', '.join(sorted(builtins()))}; or one of this department's)")
    return found


def list_builtin() -> list[ImportProfile]:
    return [p.out() for p in builtins().values()]


def create(dept: str, body: ImportProfileCreate, principal: Principal) -> DepartmentImportProfile:
    department(dept)
    if body.id in builtins():
        raise Conflict.for_field("id", f"{body.id!r} is a built-in profile; choose another id")
    stored = dal.create(dept, body.id, body.name, body.description, _rules(body), principal.subject)
    if stored is None:
        raise Conflict.for_field("id", f"this department already has a profile {body.id!r}")
    return _profile(stored).out()


def get(dept: str, profile_id: str) -> DepartmentImportProfile:
    found = find(dept, profile_id)
    if found is None:
        raise NotFound("this department has no import profile of that id")
    return found.out()


def list_for(dept: str, query: PageQuery, principal: Principal) -> DepartmentImportProfilePage:
    department(dept)
    binding = f"{principal.scope_key}|profiles:{dept}"
    items, last = dal.list_for(dept, query.limit, cursors.decode(query.cursor, binding))
    return DepartmentImportProfilePage(items=[_profile(i).out() for i in items],
                                       next_cursor=cursors.encode(last, binding))


def patch(dept: str, profile_id: str, body: ImportProfilePatch, principal: Principal) -> DepartmentImportProfile:
    """The changed profile is validated whole (a change may not leave it incoherent)."""
    stored = dal.get(dept, profile_id)
    if stored is None:
        raise NotFound("this department has no import profile of that id")
    if body.version is not None and body.version != stored["version"]:
        raise Conflict.for_field("version", f"the profile is at version {stored['version']}; read it again")
    changes = body.changes()
    merged = {**stored["rules"], **{k: v for k, v in changes.items() if k in RULE_FIELDS}}
    try:
        rules = ProfileRules.model_validate_json(_json(merged))
    except ValidationError as exc:
        raise from_validation_error(exc)
    updated = dal.update(dept, profile_id, changes.get("name", stored["name"]),
                         changes.get("description", stored["description"]), _rules(rules),
                         stored["version"], principal.subject)
    return _profile(updated).out()


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, default=lambda v: v.model_dump(mode="json") if hasattr(v, "model_dump") else str(v))
