"""Department credentials: every DynamoDB and S3 call of a dcxo's request is signed with a role
session tagged with that department (docs/security.md, "Which code path uses which role").

How, without any call site doing anything:
- the routing layer runs each request inside `request_scope(principal)`, which sets a contextvar
  to the dcxo's department (org-wide roles set nothing);
- `install()` adds two botocore handlers to every botocore session created afterwards (PynamoDB's
  connections, Powertools' client, `boto3.client(...)`): `before-sign.dynamodb` and
  `before-sign.s3` put the department's credentials in the request's signing context, which
  botocore uses instead of the client's own (`request_credentials`). Clients are shared and hold
  only the function role's credentials; the department's are attached to one signed request at a
  time, read from the contextvar of the thread that makes the call, so no client can carry one
  department's credentials into another request.
- Queries of a secondary index (`by_org`: org-wide by definition) and calls inside `org_role()`
  keep the function role. Other services (STS, SQS, SES, KMS, Secrets Manager) always do.

Credentials come from `sts:AssumeRole` on `CXGOV_DEPARTMENT_ROLE_ARN` with the session tag
`department`, one call per department until 5 minutes before they expire (thread-safe: a lock per
department, so concurrent first requests of a department make one call)."""
from __future__ import annotations

import contextlib
import contextvars
import os
import re
import threading
import time
from typing import Any, Callable, Iterator

from chalicelib.core.errors import Forbidden, ServiceUnavailable

ROLE_ARN_VARIABLE = "CXGOV_DEPARTMENT_ROLE_ARN"
TAG_KEY = "department"
SESSION_SECONDS = 3600  # the most a chained role session may last
REFRESH_MARGIN_SECONDS = 300
# A presigned URL stops working when the session that signed it expires: a presign asks for a
# session that outlives the longest URL the data layer signs (evidence uploads: 15 minutes).
PRESIGNED_URL_MAX_SECONDS = 900
SCOPED_SERVICES = ("dynamodb", "s3")

_department: contextvars.ContextVar[str | None] = contextvars.ContextVar("cxgov_department", default=None)
_org_override: contextvars.ContextVar[bool] = contextvars.ContextVar("cxgov_org_role", default=False)
_ORG_CALL = "cxgov_org_call"  # marks a request context whose call keeps the function role


class CredentialsUnavailable(ServiceUnavailable):
    """STS did not answer, or the role is not configured: a 503, never the function role instead."""


class NotADepartment(Forbidden):
    """A dcxo token whose department is not a department id gets no session."""


# Raised inside botocore's signing, so they may reach the routing layer wrapped (Powertools).
SIGNING_ERRORS = (CredentialsUnavailable, NotADepartment)
# A department id (as models.common.Slug): never `#`, so a tag cannot name a sub-partition.
_DEPARTMENT = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def department_of(principal: Any) -> str | None:
    """The department whose credentials sign this principal's calls: a dcxo's own, else None."""
    if principal is not None and getattr(principal, "role", None) == "dcxo":
        return principal.department
    return None


@contextlib.contextmanager
def request_scope(principal: Any) -> Iterator[str | None]:
    """One request: its AWS calls use the dcxo's department credentials (None: the function role)."""
    token = _department.set(department_of(principal))
    try:
        yield _department.get()
    finally:
        _department.reset(token)


@contextlib.contextmanager
def org_role() -> Iterator[None]:
    """Calls inside keep the function (org) role even in a dcxo's request: only for org-level
    records the code has already decided the dcxo may read (a report its department is named in)."""
    token = _org_override.set(True)
    try:
        yield
    finally:
        _org_override.reset(token)


def current_department() -> str | None:
    """The department whose credentials the next DynamoDB/S3 call of this thread would carry."""
    return None if _org_override.get() else _department.get()


class DepartmentCredentials:
    """`sts:AssumeRole` + `sts:TagSession` per department, cached until `margin` seconds before
    expiry. `sts` is a client made with the function role's credentials."""

    def __init__(self, role_arn: str, sts_factory: Callable[[], Any],
                 now: Callable[[], float] = time.time, margin: float = REFRESH_MARGIN_SECONDS):
        self.role_arn = role_arn
        self._sts_factory = sts_factory
        self._sts = None
        self._now = now
        self._margin = margin
        self._cache: dict[str, tuple[Any, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, department: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(department, threading.Lock())

    def _fresh(self, department: str, valid_for: float):
        entry = self._cache.get(department)
        if entry is not None and entry[1] - self._now() > valid_for:
            return entry[0]
        return None

    def get(self, department: str, valid_for: float = 0):
        """The department's credentials, valid for at least `valid_for` seconds more than the
        refresh margin."""
        if not _DEPARTMENT.match(department or ""):
            raise NotADepartment("the token's department is not a department id")
        valid_for = self._margin + valid_for
        found = self._fresh(department, valid_for)
        if found is not None:
            return found
        with self._lock(department):
            found = self._fresh(department, valid_for)  # another thread may have refreshed it
            if found is None:
                found, expires = self._assume(department)
                self._cache[department] = (found, expires)
            return found

    def _assume(self, department: str):
        from botocore.credentials import Credentials
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.core.observability import logger

        with self._guard:
            if self._sts is None:
                self._sts = self._sts_factory()
        try:
            answer = self._sts.assume_role(
                RoleArn=self.role_arn, RoleSessionName=f"cxgov-{department}"[:64],
                DurationSeconds=SESSION_SECONDS, Tags=[{"Key": TAG_KEY, "Value": department}])
        except (BotoCoreError, ClientError):
            logger.exception("sts:AssumeRole for the department role failed")
            raise CredentialsUnavailable("department credentials could not be obtained; retry shortly",
                                     headers={"Retry-After": "1"})
        issued = answer["Credentials"]
        credentials = Credentials(issued["AccessKeyId"], issued["SecretAccessKey"],
                                  issued["SessionToken"], method="cxgov-department-role")
        return credentials, issued["Expiration"].timestamp()


def _no_sts_client():
    raise CredentialsUnavailable("department credentials need the process's AWS session (db.connection)")


# What makes the STS client: `connection` sets it when it builds the process's session (it owns
# every client), so this module needs nothing above it.
_sts_client: Callable[[], Any] = _no_sts_client


_provider: DepartmentCredentials | None = None
_provider_guard = threading.Lock()


def provider() -> DepartmentCredentials:
    """The process's provider (built on first use, so `import app` makes no client)."""
    global _provider
    role_arn = os.environ.get(ROLE_ARN_VARIABLE, "")
    current = _provider
    if current is not None and current.role_arn == role_arn:
        return current
    with _provider_guard:
        if _provider is None or _provider.role_arn != role_arn:
            if not role_arn:
                raise CredentialsUnavailable(f"department credentials are not configured ({ROLE_ARN_VARIABLE})")
            _provider = DepartmentCredentials(role_arn, lambda: _sts_client())
        return _provider


def _mark_index_query(params: dict, context: dict, **_: Any) -> None:
    if params.get("IndexName"):
        context[_ORG_CALL] = True


# Tables that hold no department's data of its own (the ledger: one org-wide log); every call to
# them keeps the function role, whoever's request makes it.
ORG_TABLES: set[str] = set()


def register_org_table(table_name: str) -> None:
    ORG_TABLES.add(table_name)


def _tables(params: dict) -> set[str]:
    names = {params["TableName"]} if params.get("TableName") else set()
    names.update(params.get("RequestItems") or {})
    for item in params.get("TransactItems") or []:
        names.update(op["TableName"] for op in item.values() if isinstance(op, dict) and "TableName" in op)
    return names


def _mark_org_table(params: dict, context: dict, **_: Any) -> None:
    tables = _tables(params)
    if tables and ORG_TABLES and tables <= ORG_TABLES:
        context[_ORG_CALL] = True


def _sign_as_department(request: Any, **_: Any) -> None:
    department = current_department()
    if department is None or request.context.get(_ORG_CALL):
        return
    presign = bool(request.context.get("is_presign_request"))
    credentials = provider().get(department, PRESIGNED_URL_MAX_SECONDS if presign else 0)
    request.context["signing"] = {**request.context.get("signing", {}),
                                  "request_credentials": credentials}


_installed = False


def install(sts_client: Callable[[], Any] | None = None) -> None:
    """Registers the handlers for every botocore session created from now on (and boto3's default
    session if one exists already), and `sts_client` as the maker of the STS client. Idempotent;
    cheap (no client is made)."""
    global _installed, _sts_client
    if sts_client is not None:
        _sts_client = sts_client
    if _installed:
        return
    from botocore import handlers

    hooks = [("before-parameter-build.dynamodb.Query", _mark_index_query),
             ("before-parameter-build.dynamodb.Scan", _mark_index_query),
             ("before-parameter-build.dynamodb", _mark_org_table),
             *((f"before-sign.{service}", _sign_as_department) for service in SCOPED_SERVICES)]
    handlers.BUILTIN_HANDLERS.extend(hooks)
    import sys

    boto3 = sys.modules.get("boto3")
    if boto3 is not None and getattr(boto3, "DEFAULT_SESSION", None) is not None:
        for event, handler in hooks:
            boto3.DEFAULT_SESSION.events.register(event, handler)
    _installed = True
