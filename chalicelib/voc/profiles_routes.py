"""Import profiles: the built-in source formats, and a department's own."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

logic = lazy("chalicelib.voc.profiles")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(DepartmentImportProfile, DepartmentImportProfilePage, ImportProfileCreate, ImportProfilePage,
 ImportProfilePatch) = lazy(
    "chalicelib.voc.profiles_schemas", "DepartmentImportProfile", "DepartmentImportProfilePage",
    "ImportProfileCreate", "ImportProfilePage", "ImportProfilePatch")

bp = Blueprint(__name__)
TAG = "import profiles"
READERS = ("dcxo", "ccxo", "auditor")


@api_route(bp, "/import-profiles", "GET", summary="List the built-in import profiles", tag=TAG,
           roles=ANY_ROLE, query=PageQuery, response=ImportProfilePage)
def list_builtin(call: Call) -> ImportProfilePage:
    """`cxgov` (the native fields, the default), `la311`, `nyc311`, `open311`: each with its
    columns, the field each maps to, value maps (`*` maps any other value), the date format and
    time zone."""
    binding = f"{call.principal.scope_key}|import-profiles"
    start = (cursors.decode(call.query.cursor, binding) or {}).get("o", 0)
    items = logic.list_builtin()
    end = start + call.query.limit
    return ImportProfilePage(items=items[start:end],
                             next_cursor=cursors.encode({"o": end} if end < len(items) else None, binding))


@api_route(bp, "/departments/{dept}/import-profiles", "POST", summary="Define an import profile", tag=TAG,
           roles=("dcxo",), body=ImportProfileCreate, response=DepartmentImportProfile, status=201, idempotent=True)
def create_profile(call: Call) -> DepartmentImportProfile:
    """A source format of the department's own (a Sprinklr or Genesys export ...): `columns`
    {field: source column, or a list joined}, `values` {field: {source value: cxgov value}, `*` for
    any other}, `datetime_format` (strptime, or `iso`), `time_zone` (default the department's),
    `defaults` {field: value}, `date_only` (fields whose midnight means a date without a time) and
    `responded_when` (read the first response only when a column holds one of some values).
    `POST …/feedback/imports?profile={id}` then reads that format."""
    return logic.create(call.path["dept"], call.body, call.principal)


@api_route(bp, "/departments/{dept}/import-profiles", "GET", summary="List a department's import profiles",
           tag=TAG, roles=READERS, query=PageQuery, response=DepartmentImportProfilePage)
def list_profiles(call: Call) -> DepartmentImportProfilePage:
    return logic.list_for(call.path["dept"], call.query, call.principal)


@api_route(bp, "/departments/{dept}/import-profiles/{profile_id}", "GET", summary="Read an import profile",
           tag=TAG, roles=READERS, response=DepartmentImportProfile)
def get_profile(call: Call) -> DepartmentImportProfile:
    return logic.get(call.path["dept"], call.path["profile_id"])


@api_route(bp, "/departments/{dept}/import-profiles/{profile_id}", "PATCH", summary="Change an import profile",
           tag=TAG, roles=("dcxo",), body=ImportProfilePatch, response=DepartmentImportProfile)
def patch_profile(call: Call) -> DepartmentImportProfile:
    """The profile after the change is checked whole; send the `version` read to turn a concurrent
    change into a 409. Records already imported keep what they were imported as."""
    return logic.patch(call.path["dept"], call.path["profile_id"], call.body, call.principal)
