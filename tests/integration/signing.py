"""Observing botocore's signing (`SigV4Auth.add_auth`: the credentials that go on the wire) and
checking each signature of a dcxo's request against the department role's policy in
infra/template.yaml. Used by test_department_credentials.py."""
from __future__ import annotations

import contextlib
import fnmatch
import json
import re
import threading
from urllib.parse import unquote, urlparse

from tests.conftest import ROOT

TAG = "${aws:PrincipalTag/department}"
BUCKET = "cxgov-evidence-local"


def department_policy() -> dict[str, list[tuple[set[str], list[str]]]]:
    """The department role's statements: table logical id (or `s3`) -> [(actions, LeadingKeys
    patterns)]."""
    from cfnlint.decode import cfn_yaml

    template = json.loads(json.dumps(cfn_yaml.load(str(ROOT / "infra" / "template.yaml"))))
    policy = template["Resources"]["DepartmentScopedPolicy"]["Properties"]["PolicyDocument"]
    allowed: dict[str, list[tuple[set[str], list[str]]]] = {}
    for st in policy["Statement"]:
        actions = set(st["Action"])
        if any(action.startswith("s3:") for action in actions):
            # object patterns: what follows the bucket's ARN in each `!Sub` resource, with the tag
            objects = [res["Fn::Sub"].split("}/", 1)[1].replace("${!aws:PrincipalTag/department}", TAG)
                       for res in st["Resource"] if isinstance(res, dict) and "Fn::Sub" in res]
            allowed.setdefault("s3", []).append((actions, objects))
        if not any(action.startswith("dynamodb:") for action in actions):
            continue
        for res in st["Resource"]:
            if isinstance(res, dict) and "Fn::GetAtt" in res:
                allowed.setdefault(res["Fn::GetAtt"][0], []).append(
                    (actions, st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]))
    return allowed


def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """Every table of the code: name -> template logical id, name -> hash key attribute."""
    from chalicelib.db.items import ALL_TABLES
    from devtools.infra_gen import logical_id

    ids = {m.Meta.table_name: logical_id(m.Meta.table_name) for m in ALL_TABLES}
    hashes = {m.Meta.table_name: m._hash_key_attribute().attr_name for m in ALL_TABLES}
    return ids, hashes


TABLE_IDS, HASH_KEYS = _tables()
# How IAM authorises the items of the multi-item operations.
TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "ConditionCheck": "ConditionCheckItem",
                    "Delete": "DeleteItem", "Get": "GetItem"}


def leading_keys(operation: str, body: dict) -> list[tuple[str, str | None, str, str]]:
    """(table, index, partition key value, IAM action) of every item a DynamoDB request names."""
    found = []

    def key_of(table, item, action=operation):
        found.append((table, None, item[HASH_KEYS[table]]["S"], f"dynamodb:{action}"))

    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        key_of(body["TableName"], body["Key"])
    elif operation == "PutItem":
        key_of(body["TableName"], body["Item"])
    elif operation == "BatchGetItem":
        for table, spec in body["RequestItems"].items():
            for key in spec["Keys"]:
                key_of(table, key)
    elif operation == "BatchWriteItem":
        for table, requests in body["RequestItems"].items():
            for request in requests:
                (kind, spec), = request.items()
                key_of(table, spec["Item"] if kind == "PutRequest" else spec["Key"])
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        for entry in body["TransactItems"]:
            (kind, spec), = entry.items()
            key_of(spec["TableName"], spec["Item"] if kind == "Put" else spec["Key"], TRANSACT_ACTIONS[kind])
    elif operation in ("Query", "Scan"):
        names = body.get("ExpressionAttributeNames", {})
        values = body.get("ExpressionAttributeValues", {})
        hash_attr = "org_pk" if body.get("IndexName") else HASH_KEYS[body["TableName"]]  # by_org
        for name, value in re.findall(r"(#\w+) = (:\w+)", body.get("KeyConditionExpression", "")):
            if names.get(name) == hash_attr:
                found.append((body["TableName"], body.get("IndexName"), values[value]["S"], f"dynamodb:{operation}"))
        if not found:  # no key: a Scan
            found.append((body["TableName"], body.get("IndexName"), "", f"dynamodb:{operation}"))
    else:  # DescribeTable and the like: the department role grants none of them
        found.append((body.get("TableName", ""), None, "", f"dynamodb:{operation}"))
    return found


def object_key(url: str) -> str:
    """The object key of an S3 URL, virtual-hosted (`bucket.s3...`) or path-style."""
    parts = urlparse(url)
    path = unquote(parts.path).lstrip("/")
    host = parts.hostname or ""
    if ".s3." in host and not host.startswith("s3."):  # {bucket}.s3.{region}.amazonaws.com
        return path
    return path.split("/", 1)[1] if "/" in path else ""


class Recorder:
    """Which department's request is running (set by the test around each HTTP call), what STS
    issued per department, and every signature botocore computed."""

    def __init__(self):
        self.local = threading.local()
        self.issued: dict[str, list[str]] = {}  # department tag -> access keys STS returned
        self.signed: list[dict] = []

    @contextlib.contextmanager
    def request_of(self, token_name: str | None):
        self.local.dept = token_name[len("dcxo-"):] if token_name and token_name.startswith("dcxo-") else None
        self.local.route = None
        try:
            yield
        finally:
            self.local.dept = None

    def remember_tags(self, params, context, **_):
        context["test_department_tag"] = {t["Key"]: t["Value"] for t in params.get("Tags", [])}

    def remember_issued(self, parsed, context, **_):
        dept = context.get("test_department_tag", {}).get("department")
        self.issued.setdefault(dept, []).append(parsed["Credentials"]["AccessKeyId"])

    def record(self, signer, request):
        service = signer._service_name
        entry = {"dept": getattr(self.local, "dept", None), "service": service,
                 "key": signer.credentials.access_key, "route": getattr(self.local, "route", None)}
        if service == "dynamodb":
            entry["operation"] = request.headers["X-Amz-Target"].decode().split(".")[-1] \
                if isinstance(request.headers["X-Amz-Target"], bytes) else request.headers["X-Amz-Target"].split(".")[-1]
            entry["keys"] = leading_keys(entry["operation"], json.loads(request.body))
        elif service == "s3":
            entry["operation"] = request.method
            entry["object"] = object_key(request.url)
        self.signed.append(entry)


def traced(api, rec: Recorder):
    """Wraps api.request so that the recorder knows whose request each signature belongs to."""
    plain = api.request

    def request(method, path, *, token=None, **kw):
        name = next((n for n, t in api.tokens.items() if t == token), None)
        with rec.request_of(name):
            rec.local.route = f"{method} {path}"
            return plain(method, path, token=token, **kw)

    api.request = request


def org_exception(entry: dict) -> bool:
    """The documented calls of a dcxo's request that keep the function (org) role: queries of the
    `by_org` index, reads of org-level records (`ORG#...`) the code already scoped, and the ledger
    table (org-wide by design: one log of every department's history)."""
    from chalicelib.db.items import LedgerItem

    keys = entry.get("keys", [])
    if entry["service"] == "dynamodb" and keys and all(key[0] == LedgerItem.Meta.table_name for key in keys):
        return True  # the org-wide ledger (its own table): credentials.ORG_TABLES
    return entry["service"] == "dynamodb" and (
        (entry["operation"] == "Query" and all(key[1] for key in keys))
        or (entry["operation"] in ("GetItem", "BatchGetItem")
            and all(key[2].startswith("ORG#") for key in keys)))


S3_ACTIONS = {"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject"}


def allowed_by_department_policy(dept: str, entry: dict, policy) -> bool:
    """What IAM would answer the department session (the authoritative evaluation of the packaged
    policies is tests/infra/test_iam_simulation.py)."""
    if entry["service"] == "s3":
        action = S3_ACTIONS.get(entry["operation"])
        return any(action in actions and any(fnmatch.fnmatchcase(entry["object"], p.replace(TAG, dept))
                                             for p in objects)
                   for actions, objects in policy.get("s3", []))
    for table, index, pk, action in entry["keys"]:
        statements = policy.get(TABLE_IDS.get(table, ""), [])
        if index is not None or not pk or not any(
                action in actions and any(fnmatch.fnmatchcase(pk, p.replace(TAG, dept)) for p in patterns)
                for actions, patterns in statements):
            return False
    return True


def check(rec: Recorder) -> dict:
    """Every signature of a dcxo request: its department's key and keys and actions the policy
    admits, or a documented org exception signed with the function role's key. No request of an
    org-wide role, and no other service, ever carries a department key."""
    policy = department_policy()
    department_keys = {k for keys in rec.issued.values() for k in keys}
    counts = {"department": 0, "org": 0, "org_calls": set()}
    for entry in rec.signed:
        if entry["dept"] is None or entry["service"] not in ("dynamodb", "s3"):
            assert entry["key"] not in department_keys, ("a department key outside its scope", entry)
            continue
        if org_exception(entry):
            assert entry["key"] not in department_keys, ("an org-role call signed with a department key", entry)
            counts["org"] += 1
            first = entry["keys"][0]
            counts["org_calls"].add((entry["route"].split("?")[0], entry["operation"],
                                     first[1] or first[2].rsplit("#", 1)[0]))
            continue
        assert entry["key"] in rec.issued.get(entry["dept"], []), ("not signed with the department's key", entry)
        assert allowed_by_department_policy(entry["dept"], entry, policy), ("IAM would refuse", entry)
        counts["department"] += 1
    return counts
