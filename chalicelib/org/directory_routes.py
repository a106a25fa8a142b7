"""The role directory (`/settings/users`): roles for people whose identity provider asserts
identity only (Login.gov). The CCXO grants and revokes; the CCXO and auditors read every change."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import cursors
from chalicelib.http.routing import Call, api_route
from chalicelib.core.lazy import lazy

dal = lazy("chalicelib.org.directory_store")
logic = lazy("chalicelib.org.directory")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(DirectoryChangePage, DirectoryEntry, DirectoryEntryPage, GrantPut, RevokeQuery) = lazy(
    "chalicelib.org.directory_schemas", "DirectoryChangePage", "DirectoryEntry", "DirectoryEntryPage",
    "GrantPut", "RevokeQuery")

bp = Blueprint(__name__)
TAG = "settings"
USER = "/settings/users/{subject}"
READERS = ("ccxo", "auditor")


@api_route(bp, "/settings/users", "GET", summary="List the roles granted in the directory", tag=TAG,
           roles=READERS, query=PageQuery, response=DirectoryEntryPage)
def list_directory(call: Call) -> DirectoryEntryPage:
    """Current grants, by subject; revoked entries leave the list (their changes stay readable)."""
    binding = f"{call.principal.scope_key}|directory"
    items, last = dal.list_entries(call.query.limit, cursors.decode(call.query.cursor, binding))
    return DirectoryEntryPage(items=[logic.entry(i) for i in items], next_cursor=cursors.encode(last, binding))


@api_route(bp, USER, "GET", summary="Read the role granted to a subject", tag=TAG, roles=READERS,
           response=DirectoryEntry)
def get_directory_entry(call: Call) -> DirectoryEntry:
    """`subject` is the token's `sub` claim as the identity provider sends it."""
    return logic.get_entry(call.path["subject"])


@api_route(bp, USER, "PUT", summary="Grant or change a subject's role", tag=TAG, roles=("ccxo",),
           body=GrantPut, response=DirectoryEntry)
def put_directory_entry(call: Call) -> DirectoryEntry:
    """Used only for tokens whose claims name no role: a token with role claims keeps them. A dcxo
    needs an existing department. Nobody changes their own entry. Each change is recorded with
    who, when, before and after; send the `version` you read (0 for a new entry) to turn a
    concurrent change into a 409."""
    return logic.put_grant(call.path["subject"], call.body, call.principal)


@api_route(bp, USER, "DELETE", summary="Revoke a subject's role", tag=TAG, roles=("ccxo",),
           query=RevokeQuery, status=204)
def revoke_directory_entry(call: Call) -> Response:
    """The subject's next request is a 403; the revocation is recorded like every change."""
    logic.revoke(call.path["subject"], call.query, call.principal)
    return Response(body="", status_code=204)


@api_route(bp, USER + "/changes", "GET", summary="Every change to a subject's role", tag=TAG,
           roles=READERS, query=PageQuery, response=DirectoryChangePage)
def list_directory_changes(call: Call) -> DirectoryChangePage:
    """Oldest first: who changed it, when, from what to what, and why."""
    subject = logic.checked_subject(call.path["subject"])
    binding = f"{call.principal.scope_key}|directory-changes|{subject}"
    items, last = dal.list_changes(subject, call.query.limit, cursors.decode(call.query.cursor, binding))
    return DirectoryChangePage(items=[logic.change_out(i) for i in items],
                               next_cursor=cursors.encode(last, binding))


@api_route(bp, "/settings/user-changes", "GET", summary="Every change to the role directory", tag=TAG,
           roles=READERS, query=PageQuery, response=DirectoryChangePage)
def list_all_directory_changes(call: Call) -> DirectoryChangePage:
    """Newest first, across subjects: the directory's audit trail."""
    binding = f"{call.principal.scope_key}|directory-changes"
    items, last = dal.list_all_changes(call.query.limit, cursors.decode(call.query.cursor, binding))
    return DirectoryChangePage(items=[logic.change_out(i) for i in items],
                               next_cursor=cursors.encode(last, binding))
