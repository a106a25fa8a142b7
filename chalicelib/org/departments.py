"""Department rules: who may create, read and change what."""
from __future__ import annotations

from chalicelib.core.auth import Principal
from chalicelib.org import departments_store as dal
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.org.departments_schemas import DCXO_PATCHABLE, Department, DepartmentCreate, DepartmentPatch


def create_department(body: DepartmentCreate, principal: Principal, request_key: str) -> Department:
    return dal.create(body.model_dump(), actor=principal.subject, request_key=request_key)


def get_department(dept: str) -> Department:
    department = dal.get(dept)
    if department is None:
        raise NotFound(f"department {dept!r} not found")
    return department


def list_departments(principal: Principal, limit: int,
                     start_key: dict | None) -> tuple[list[Department], dict | None]:
    if principal.org_wide:
        return dal.list_all(limit, start_key)
    # A dcxo's list is its own department: the same shape, never a count of the others.
    own = dal.get(principal.department)
    return ([own] if own else []), None


def patch_department(dept: str, body: DepartmentPatch, principal: Principal) -> Department:
    changes = body.changes()
    if not principal.org_wide:
        refused = sorted(set(changes) - DCXO_PATCHABLE)
        if refused:
            raise Forbidden(
                f"a dcxo may change only {', '.join(sorted(DCXO_PATCHABLE))}",
                [{"field": name, "message": "only the ccxo may change this field"} for name in refused])
    current = get_department(dept)
    if body.version is not None and body.version != current.version:
        raise Conflict.for_field("version", f"the department is at version {current.version}; "
                                            "read it again before changing it")
    return dal.update(dept, changes, current.version, actor=principal.subject)
