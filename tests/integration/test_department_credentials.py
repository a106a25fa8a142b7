"""Every DynamoDB and S3 call of a dcxo's request is signed with that department's role session,
observed where botocore signs (`SigV4Auth.add_auth`: the credentials that actually go on the
wire), for every route of the isolation matrix. The keys of each department-signed call are checked
against the department role's policy in infra/template.yaml (the evaluation AWS would make; the
full IAM evaluation of the packaged policies is tests/infra/test_iam_simulation.py)."""
from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import re
import threading
from urllib.parse import parse_qs, unquote, urlparse

import botocore.auth
import pytest
import requests
from botocore import handlers

from tests.conftest import ROOT
from tests.integration import test_tenant_isolation as matrix
from tests.integration.audit_helpers import drive, make_action, make_rec, rec_url, s3, transition

TAG = "${aws:PrincipalTag/department}"
BUCKET = "cxgov-evidence-local"


def department_policy() -> dict[str, list[str]]:
    """Table logical id -> the LeadingKeys patterns the department role allows on it."""
    from cfnlint.decode import cfn_yaml

    template = json.loads(json.dumps(cfn_yaml.load(str(ROOT / "infra" / "template.yaml"))))
    policy = template["Resources"]["DepartmentScopedPolicy"]["Properties"]["PolicyDocument"]
    allowed: dict[str, list[str]] = {}
    for st in policy["Statement"]:
        if not any(action.startswith("dynamodb:") for action in st["Action"]):
            continue
        for res in st["Resource"]:
            if isinstance(res, dict) and "Fn::GetAtt" in res:
                allowed[res["Fn::GetAtt"][0]] = st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    return allowed


TABLE_IDS = {"cxgov": "CxgovTable", "cxgov-idempotency": "CxgovIdempotencyTable"}
HASH_KEYS = {"cxgov": "pk", "cxgov-idempotency": "id"}


def leading_keys(operation: str, body: dict) -> list[tuple[str, str | None, str]]:
    """(table, index, partition key value) of every item a DynamoDB request names."""
    found = []

    def key_of(table, item):
        found.append((table, None, item[HASH_KEYS[table]]["S"]))

    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        key_of(body["TableName"], body["Key"])
    elif operation == "PutItem":
        key_of(body["TableName"], body["Item"])
    elif operation == "BatchGetItem":
        for table, spec in body["RequestItems"].items():
            for key in spec["Keys"]:
                key_of(table, key)
    elif operation == "TransactWriteItems":
        for entry in body["TransactItems"]:
            (kind, spec), = entry.items()
            key_of(spec["TableName"], spec["Item"] if kind == "Put" else spec["Key"])
    elif operation in ("Query", "Scan"):
        names = body.get("ExpressionAttributeNames", {})
        values = body.get("ExpressionAttributeValues", {})
        hash_attr = "org_pk" if body.get("IndexName") else HASH_KEYS[body["TableName"]]
        for name, value in re.findall(r"(#\w+) = (:\w+)", body.get("KeyConditionExpression", "")):
            if names.get(name) == hash_attr:
                found.append((body["TableName"], body.get("IndexName"), values[value]["S"]))
        if not found:
            found.append((body["TableName"], body.get("IndexName"), ""))  # no key: a Scan
    else:
        raise AssertionError(f"unexpected DynamoDB operation {operation}")
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


@pytest.fixture()
def recorder(monkeypatch):
    from chalicelib.dal import credentials

    rec = Recorder()
    # A fresh provider whose STS client is made now, with the recording hooks registered.
    monkeypatch.setattr(credentials, "_provider", None)
    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", [
        *handlers.BUILTIN_HANDLERS, ("before-parameter-build.sts.AssumeRole", rec.remember_tags),
        ("after-call.sts.AssumeRole", rec.remember_issued)])
    original = botocore.auth.SigV4Auth.add_auth

    def add_auth(signer, request):
        rec.record(signer, request)
        return original(signer, request)

    monkeypatch.setattr(botocore.auth.SigV4Auth, "add_auth", add_auth)
    return rec


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
    `by_org` index, and reads of org-level records (`ORG#...`) the code already scoped."""
    keys = entry.get("keys", [])
    return entry["service"] == "dynamodb" and (
        (entry["operation"] == "Query" and all(index for _, index, _ in keys))
        or (entry["operation"] in ("GetItem", "BatchGetItem")
            and all(pk.startswith("ORG#") for _, _, pk in keys)))


def allowed_by_department_policy(dept: str, entry: dict, policy: dict[str, list[str]]) -> bool:
    if entry["service"] == "s3":
        return entry["object"].startswith(f"{dept}/")
    for table, index, pk in entry["keys"]:
        patterns = [p.replace(TAG, dept) for p in policy.get(TABLE_IDS[table], [])]
        if index is not None or not pk or not any(fnmatch.fnmatchcase(pk, p) for p in patterns):
            return False
    return True


def check(rec: Recorder) -> dict[str, int]:
    """Every signature of a dcxo request: its department's key and keys the policy admits, or a
    documented org exception signed with the function role's key."""
    policy = department_policy()
    department_keys = {k for keys in rec.issued.values() for k in keys}
    counts = {"department": 0, "org": 0, "org_calls": set()}
    for entry in rec.signed:
        if entry["dept"] is None or entry["service"] not in ("dynamodb", "s3"):
            assert entry["key"] not in department_keys or entry["service"] in ("dynamodb", "s3"), entry
            if entry["dept"] is None:
                assert entry["key"] not in department_keys, ("an org-wide request used a department key", entry)
            continue
        if org_exception(entry):
            assert entry["key"] not in department_keys, entry
            counts["org"] += 1
            counts["org_calls"].add((entry["route"].split("?")[0], entry["operation"],
                                     entry["keys"][0][1] or entry["keys"][0][2].rsplit("#", 1)[0]))
            continue
        assert entry["key"] in rec.issued.get(entry["dept"], []), ("not signed with the department's key", entry)
        assert allowed_by_department_policy(entry["dept"], entry, policy), ("IAM would refuse", entry)
        counts["department"] += 1
    return counts


def own_ids(api, tokens) -> dict[str, str]:
    """The matrix's resources in the dcxo's own department, made by the dcxo where its role may."""
    from chalicelib import clock
    from tests.integration import audit_helpers, kpi_helpers

    token = tokens["dcxo-parks"]
    journey = api.post(f"/departments/{matrix.OWN}/journeys", token=token, body=kpi_helpers.SOCIAL_JOURNEY,
                       headers={"Idempotency-Key": "own-journey-0001"})  # Powertools' records too
    assert journey.status_code == 201, journey.body
    kpi = kpi_helpers.make_kpi(api, token, matrix.OWN, journey_id=journey.json["id"])
    assert kpi_helpers.put_measurement(api, token, matrix.OWN, kpi["id"], "2017-03", value=7).status_code == 200
    feedback = api.post(f"/departments/{matrix.OWN}/feedback", token=token,
                        body={"channel": "twitter", "received_at": clock.now().isoformat(), "comment": "own"})
    assert feedback.status_code == 201, feedback.body
    rec = drive(api, tokens, make_rec(api, tokens, dept=matrix.OWN), "in_progress")
    action_id = make_action(api, tokens, rec)
    return {"journey_id": kpi["journey_id"], "kpi_id": kpi["id"], "period": "2017-03",
            "feedback_id": feedback.json["id"], "report_id": rec["report_id"], "rec_id": rec["id"],
            "action_id": action_id, "evidence_id": audit_helpers.link_evidence(api, tokens, rec, action_id)}


def test_every_route_of_the_matrix_signs_a_dcxos_calls_with_its_department(seeded, api, tokens, recorder):
    # Given the isolation matrix's resources in the other department and the same in its own
    api.tokens = tokens
    traced(api, recorder)
    operations = matrix._operations(api)
    ids = {matrix.OTHER: {name: make(api, tokens) for name, make in matrix.OTHER_IDS.items()},
           matrix.OWN: own_ids(api, tokens)}
    # When the dcxo calls every route, in its own department and the other one
    for path, method, _ in operations:
        for dept in (matrix.OWN, matrix.OTHER):
            response = api.request(method.upper(), matrix._fill(path, dept, ids[dept]),
                                   token=tokens["dcxo-parks"],
                                   body={} if method in ("post", "put", "patch") else None)
            assert response.status_code < 500, (method, path, response.body)
    # And lists its overdue feedback (a `by_org` query: the function role's, documented)
    overdue = api.get(f"/departments/{matrix.OWN}/feedback?overdue=true", token=tokens["dcxo-parks"])
    assert overdue.status_code == 200, overdue.body
    # Then every DynamoDB and S3 call of each dcxo request carried its department's session
    counts = check(recorder)
    routes = {e["route"] for e in recorder.signed if e["dept"] == "parks" and e["service"] == "dynamodb"}
    print(f"\n{len(operations)} operations walked; {counts['department']} department-signed and "
          f"{counts['org']} org-role calls in dcxo requests; {len(routes)} dcxo requests reached DynamoDB")
    print("function-role calls in dcxo requests:", sorted(counts["org_calls"]))
    signed_ops = {(e["service"], e["operation"], e["keys"][0][0] if "keys" in e else "")
                  for e in recorder.signed if e["dept"] and e["key"] in recorder.issued.get(e["dept"], [])}
    print("department-signed operations:", sorted(signed_ops))
    assert {("dynamodb", op, "cxgov") for op in ("GetItem", "Query", "PutItem", "BatchGetItem",
                                                  "TransactWriteItems")} <= signed_ops
    assert ("dynamodb", "PutItem", "cxgov-idempotency") in signed_ops
    assert ("GET /departments/parks/feedback", "Query", "by_org") in counts["org_calls"]
    assert counts["department"] > 0 and len(routes) > 0
    # And the sessions were tagged with the department, one STS call per department (cached)
    assert set(recorder.issued) == {"parks", "harbour"}
    assert all(len(keys) == 1 for keys in recorder.issued.values()), recorder.issued
    assert recorder.issued["parks"] != recorder.issued["harbour"]
    # And the org-wide roles' requests (the auditor's, making the reports) never carried one
    assert any(e["dept"] is None and e["service"] == "dynamodb" for e in recorder.signed)


def test_a_dcxos_evidence_upload_url_and_check_are_signed_with_its_department(seeded, api, tokens, recorder):
    # Given the evidence bucket and a recommendation in progress with a corrective action
    api.tokens = tokens
    traced(api, recorder)
    s3().create_bucket(Bucket=BUCKET)
    rec = drive(api, tokens, make_rec(api, tokens), "in_progress")
    action_id = make_action(api, tokens, rec)
    data = b"weekend staffing plan"
    # When the dcxo declares a file, uploads it through the presigned URL and cites it
    created = api.post(f"{rec_url(rec)}/actions/{action_id}/evidence", token=tokens["dcxo-parks"],
                       body={"file_name": "plan.pdf", "content_type": "application/pdf",
                             "sha256": hashlib.sha256(data).hexdigest()})
    assert created.status_code == 201, created.body
    upload = created.json
    assert requests.put(upload["upload_url"], data=data, headers=upload["upload_headers"]).status_code == 200
    cited = transition(api, tokens["dcxo-parks"], rec, "closure_requested", evidence_ids=[upload["id"]])
    assert cited.status_code == 200, cited.body
    # Then the URL carries the department's session (its access key, under the `parks/` prefix)
    query = parse_qs(urlparse(upload["upload_url"]).query)
    assert query["X-Amz-Credential"][0].split("/")[0] in recorder.issued["parks"]
    assert object_key(upload["upload_url"]).startswith("parks/")
    # And the check of the stored bytes (GetObject) was signed with it too
    s3_calls = [e for e in recorder.signed if e["service"] == "s3" and e["dept"] == "parks"]
    assert {e["operation"] for e in s3_calls} == {"PUT", "GET"}  # the presign, the hash check
    check(recorder)


def test_org_wide_roles_sign_with_the_function_role_and_make_no_sts_call(seeded, api, tokens, recorder):
    api.tokens = tokens
    traced(api, recorder)
    for role in ("ccxo", "auditor"):
        assert api.get("/departments/parks", token=tokens[role]).status_code == 200
        assert api.get("/departments", token=tokens[role]).status_code == 200
    assert recorder.issued == {}
    assert [e for e in recorder.signed if e["service"] == "dynamodb"]


@pytest.mark.parametrize("entry, problem", [
    ({"service": "dynamodb", "operation": "GetItem", "key": "ASIAPARKS",
      "keys": [("cxgov", None, "harbour#REC")]}, "IAM would refuse"),
    ({"service": "dynamodb", "operation": "Query", "key": "ASIAPARKS",
      "keys": [("cxgov", None, "DEPARTMENT")]}, "IAM would refuse"),
    ({"service": "s3", "operation": "GET", "key": "ASIAPARKS", "object": "harbour/r/a/e"},
     "IAM would refuse"),
    ({"service": "dynamodb", "operation": "GetItem", "key": "AKIAFUNCTION",
      "keys": [("cxgov", None, "parks")]}, "not signed with the department's key"),
    ({"service": "dynamodb", "operation": "GetItem", "key": "ASIAHARBOUR",
      "keys": [("cxgov", None, "parks")]}, "not signed with the department's key"),
])
def test_the_check_refuses_what_iam_or_the_wrong_key_would_give(entry, problem):
    # Given recordings of a parks request that went wrong in one way
    rec = Recorder()
    rec.issued = {"parks": ["ASIAPARKS"], "harbour": ["ASIAHARBOUR"]}
    rec.signed = [{"dept": "parks", "route": "GET /x", **entry}]
    # Then the check names it
    with pytest.raises(AssertionError, match=problem):
        check(rec)


def test_idempotency_records_live_under_the_callers_department(seeded, api, tokens):
    import boto3

    # Given a dcxo's and the ccxo's keyed creates
    from tests.integration.conftest import department_body

    body = {"name": "Report a pothole", "channels": ["web"]}
    made = [api.post("/departments/parks/journeys", token=tokens["dcxo-parks"], body=body,
                     headers={"Idempotency-Key": "pothole-journey-1"}) for _ in range(2)]
    assert [m.status_code for m in made] == [201, 201]
    assert made[0].json["id"] == made[1].json["id"]  # the retry got the first answer back
    opened = api.post("/departments", token=tokens["ccxo"], body=department_body("housing"),
                      headers={"Idempotency-Key": "open-housing-1"})
    assert opened.status_code == 201, opened.body
    # Then the dcxo's record id starts with its department, the ccxo's with ORG (no slug is upper case)
    ids = [item["id"]["S"] for item in
           boto3.client("dynamodb", region_name="us-east-1").scan(TableName="cxgov-idempotency")["Items"]]
    assert sorted(i.split("#", 1)[0] for i in ids) == ["ORG", "parks"], ids


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "sts-down-create-1"}])
def test_sts_unavailable_is_a_503_with_retry_after_and_writes_nothing(seeded, api, tokens, monkeypatch, headers):
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.dal import credentials

    class Down:
        def assume_role(self, **kwargs):
            raise EndpointConnectionError(endpoint_url="https://sts.us-east-1.amazonaws.com")

    monkeypatch.setattr(credentials, "_provider", None)
    monkeypatch.setattr(credentials, "_sts_client", Down)
    # When STS cannot be reached during a dcxo's create (keyed or not)
    response = api.post("/departments/parks/journeys", token=tokens["dcxo-parks"],
                        body={"name": "Renew a permit", "channels": ["web"]}, headers=headers)
    # Then a 503 asks to retry, and nothing was written (the org role was not used instead)
    assert response.status_code == 503, response.body
    assert response.headers["Retry-After"] == "1"
    assert response.json["error"]["code"] == "service_unavailable"
    monkeypatch.setattr(credentials, "_provider", None)
    monkeypatch.undo()
    listed = api.get("/departments/parks/journeys", token=tokens["ccxo"])
    assert [j["name"] for j in listed.json["items"]] == []


@pytest.mark.parametrize("department", ["parks#REC", "Parks"])
def test_a_dcxo_token_naming_no_department_id_is_refused_not_signed(seeded, api, department):
    from devtools import issuer

    # Given a token whose department claim is not a department id (a sub-partition, upper case)
    token = issuer.mint("dcxo", department)
    # When it calls the routes without a {dept} in their path, Then a 403, never a 5xx
    for path in ("/audit-reports", "/recommendations"):
        response = api.get(path, token=token)
        assert response.status_code == 403, (path, response.body)
