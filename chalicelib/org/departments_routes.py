"""Departments: the ccxo manages them; a dcxo reads and patches its own; auditors read."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.org.departments")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(Department, DepartmentCreate, DepartmentPage, DepartmentPatch) = lazy(
    "chalicelib.org.departments_schemas", "Department", "DepartmentCreate", "DepartmentPage",
    "DepartmentPatch")

bp = Blueprint(__name__)
TAG = "departments"


@api_route(bp, "/departments", "POST", summary="Create a department", tag=TAG, roles=("ccxo",),
           body=DepartmentCreate, response=Department, status=201, idempotent=True)
def create_department(call: Call) -> Department:
    return logic.create_department(call.body, call.principal, call.request_key)


@api_route(bp, "/departments", "GET", summary="List departments in scope", tag=TAG, roles=ANY_ROLE,
           query=PageQuery, response=DepartmentPage)
def list_departments(call: Call) -> DepartmentPage:
    """The ccxo and auditors see every department; a dcxo sees its own."""
    binding = f"{call.principal.scope_key}|departments"
    items, last_key = logic.list_departments(
        call.principal, call.query.limit, cursors.decode(call.query.cursor, binding))
    return DepartmentPage(items=items, next_cursor=cursors.encode(last_key, binding))


@api_route(bp, "/departments/{dept}", "GET", summary="Read a department", tag=TAG, roles=ANY_ROLE,
           response=Department)
def get_department(call: Call) -> Department:
    return logic.get_department(call.path["dept"])


@api_route(bp, "/departments/{dept}", "PATCH", summary="Change a department", tag=TAG,
           roles=("ccxo", "dcxo"), body=DepartmentPatch, response=Department)
def patch_department(call: Call) -> Department:
    """A dcxo may change its own contact, staffed hours and time zone; the ccxo anything but the
    id. Send the `version` you read to turn a concurrent change into a 409."""
    return logic.patch_department(call.path["dept"], call.body, call.principal)
