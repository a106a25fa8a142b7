"""Every DynamoDB and S3 call of a dcxo's request is signed with that department's role session,
observed where botocore signs (`SigV4Auth.add_auth`: the credentials that actually go on the
wire), for every route of the isolation matrix. The keys of each department-signed call are checked
against the department role's policy in infra/template.yaml (the evaluation AWS would make; the
full IAM evaluation of the packaged policies is tests/infra/test_iam_simulation.py)."""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlparse

import botocore.auth
import pytest
import requests

from tests.integration import test_tenant_isolation as matrix
from tests.integration.audit_helpers import drive, make_action, make_rec, rec_url, s3, transition
from tests.integration.signing import BUCKET, Recorder, check, object_key, traced


@pytest.fixture()
def recorder(monkeypatch):
    from chalicelib.db import connection, credentials

    rec = Recorder()
    # A fresh provider whose STS client is made now, from the process's botocore session with the
    # recording hooks registered.
    monkeypatch.setattr(credentials, "_provider", None)
    session = connection.botocore_session()
    hooks = [("before-parameter-build.sts.AssumeRole", rec.remember_tags),
             ("after-call.sts.AssumeRole", rec.remember_issued)]
    for event, handler in hooks:
        session.register(event, handler)
    original = botocore.auth.SigV4Auth.add_auth

    def add_auth(signer, request):
        rec.record(signer, request)
        return original(signer, request)

    monkeypatch.setattr(botocore.auth.SigV4Auth, "add_auth", add_auth)
    yield rec
    for event, handler in hooks:
        session.unregister(event, handler)


def own_ids(api, tokens) -> dict[str, str]:
    """The matrix's resources in the dcxo's own department, made by the dcxo where its role may."""
    from chalicelib.core import clock
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
    survey = api.post(f"/departments/{matrix.OWN}/surveys", token=token, body={  # issue 30
        "journey_id": kpi["journey_id"], "title": {"en": "own"}, "kind": "csat", "languages": ["en"]})
    assert survey.status_code == 201, survey.body
    return {"journey_id": kpi["journey_id"], "kpi_id": kpi["id"], "period": "2017-03",
            "feedback_id": feedback.json["id"], "report_id": rec["report_id"], "rec_id": rec["id"],
            "action_id": action_id, "evidence_id": audit_helpers.link_evidence(api, tokens, rec, action_id),
            "survey_id": survey.json["id"]}


def test_every_route_of_the_matrix_signs_a_dcxos_calls_with_its_department(seeded, api, tokens, recorder):
    # Given the isolation matrix's resources in the other department and the same in its own
    api.tokens = tokens
    traced(api, recorder)
    operations = matrix._operations(api)
    ids = {matrix.OTHER: {name: make(api, tokens) for name, make in matrix.OTHER_IDS.items()},
           matrix.OWN: own_ids(api, tokens)}
    # When the dcxo calls every route, in its own department and the other one
    for path, method, op in operations:
        for dept in (matrix.OWN, matrix.OTHER):
            # A public route (the surveys' /s/...) is the public's: called without a token, it
            # works with the function role, as it does for anyone
            response = api.request(method.upper(), matrix._fill(path, dept, ids[dept]),
                                   token=tokens["dcxo-parks"] if op["x-cxgov-roles"] else None,
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


def test_a_dcxos_import_pre_checks_and_writes_are_signed_with_its_department(seeded, api, tokens, recorder):
    # Given rows with source ids and rows without (content-keyed records, issue 18)
    api.tokens = tokens
    traced(api, recorder)
    rows = [{"channel": "twitter", "received_at": f"2017-03-0{n + 1}T12:00:00Z", "comment": f"post {n}",
             **({"source_system": "sprout", "source_id": f"p-{n}"} if n % 2 else {})} for n in range(5)]
    # When the dcxo imports them
    response = api.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"], body=rows)
    assert response.status_code == 200 and response.json["created"] == 5, response.body
    # Then the pre-checks and the transactions were signed with the department's session, the
    # policy admits each of them, and no call went out with the function role instead
    writes = [e for e in recorder.signed if e["service"] == "dynamodb"
              and e["operation"] in ("BatchGetItem", "TransactWriteItems")]
    assert {e["operation"] for e in writes} == {"BatchGetItem", "TransactWriteItems"}
    assert all(e["dept"] == "parks" and e["key"] in recorder.issued["parks"] for e in writes), writes
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
      "keys": [("cxgov", None, "harbour#REC", "dynamodb:GetItem")]}, "IAM would refuse"),
    ({"service": "dynamodb", "operation": "Query", "key": "ASIAPARKS",
      "keys": [("cxgov", None, "DEPARTMENT", "dynamodb:Query")]}, "IAM would refuse"),
    ({"service": "dynamodb", "operation": "DeleteItem", "key": "ASIAPARKS",
      "keys": [("cxgov", None, "parks#REC", "dynamodb:DeleteItem")]}, "IAM would refuse"),
    ({"service": "dynamodb", "operation": "Scan", "key": "ASIAPARKS",
      "keys": [("cxgov", None, "", "dynamodb:Scan")]}, "IAM would refuse"),
    ({"service": "dynamodb", "operation": "Query", "key": "ASIAPARKS",
      "keys": [("cxgov", "by_org", "parks#FBOPEN", "dynamodb:Query")]}, "org-role call signed with a department"),
    ({"service": "s3", "operation": "GET", "key": "ASIAPARKS", "object": "harbour/r/a/e"},
     "IAM would refuse"),
    ({"service": "dynamodb", "operation": "GetItem", "key": "AKIAFUNCTION",
      "keys": [("cxgov", None, "parks", "dynamodb:GetItem")]}, "not signed with the department's key"),
    ({"service": "dynamodb", "operation": "GetItem", "key": "ASIAHARBOUR",
      "keys": [("cxgov", None, "parks", "dynamodb:GetItem")]}, "not signed with the department's key"),
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

    from chalicelib.db import credentials

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
