"""Least privilege and tenant isolation in IAM, checked on the packaged template's policy documents
(docs/security.md). The LeadingKeys condition is also evaluated for concrete keys."""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TAG = "${aws:PrincipalTag/department}"


def _as_list(value):
    return value if isinstance(value, list) else [value]


def statements(resources: dict, policy_id: str) -> list[dict]:
    return resources[policy_id]["Properties"]["PolicyDocument"]["Statement"]


def policies_of(resources: dict, role_id: str) -> list[dict]:
    found = [s for r in resources.values() if r["Type"] == "AWS::IAM::Policy"
             and {"Ref": role_id} in r["Properties"]["Roles"]
             for s in r["Properties"]["PolicyDocument"]["Statement"]]
    role = resources[role_id]["Properties"]
    for inline in role.get("Policies", []):
        found += inline["PolicyDocument"]["Statement"]
    assert "ManagedPolicyArns" not in role
    return found


def referenced_resources(statement: dict) -> set[str]:
    """Logical ids a statement's Resource points at (GetAtt X.Arn or Sub "${X.Arn}/...")."""
    ids = set()
    for res in _as_list(statement["Resource"]):
        if isinstance(res, dict) and "Fn::GetAtt" in res:
            ids.add(res["Fn::GetAtt"][0])
        elif isinstance(res, dict) and "Fn::Sub" in res:
            ids |= {m.split(".")[0] for m in re.findall(r"\$\{([A-Za-z0-9.]+)\}", res["Fn::Sub"])}
    return ids


def test_function_role_touches_only_its_tables_index_bucket_and_key(resources):
    tables = {k for k, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    for st in policies_of(resources, "ApiHandlerRole"):
        assert st["Effect"] == "Allow"
        actions = _as_list(st["Action"])
        assert not any(a.endswith(":*") or a == "*" for a in actions), st
        assert "dynamodb:Scan" not in actions
        services = {a.split(":")[0] for a in actions}
        if st["Resource"] == "*":
            assert services == {"xray"}, st  # X-Ray has no resource-level permissions
            continue
        refs = referenced_resources(st)
        if services == {"dynamodb"}:
            assert refs and refs <= tables, st
        elif services == {"s3"}:
            # ImportsBucket: only its two prefixes (tests/infra/test_import_jobs_infra.py)
            assert refs in ({"EvidenceBucket"}, {"ImportsBucket"}), st
        elif services == {"kms"} and refs == {"LedgerSigningKey"}:  # issue 15: tests/infra/test_ledger_infra.py
            assert set(actions) <= {"kms:Sign", "kms:GetPublicKey"}, st
        elif services == {"kms"}:
            assert refs == {"DataKey"} and "kms:ViaService" in st["Condition"]["StringEquals"]
        elif services == {"sts"}:
            assert refs == {"DepartmentScopedRole"}, st
        elif services == {"secretsmanager"}:
            assert _source_secrets_only(st), st
        else:
            assert services == {"logs"} and "${ApiLogGroup}" in st["Resource"]["Fn::Sub"], st
    granted_tables = {ref for st in policies_of(resources, "ApiHandlerRole")
                      if str(st["Action"]).count("dynamodb:") for ref in referenced_resources(st)}
    assert granted_tables == tables  # every table is reachable, no other one


def test_only_the_org_role_reads_the_index(resources):
    index_statements = [st for st in policies_of(resources, "ApiHandlerRole")
                        if any("/index/" in r.get("Fn::Sub", "") for r in _as_list(st["Resource"])
                               if isinstance(r, dict))]
    assert [st["Action"] for st in index_statements] == [["dynamodb:Query"]]


def test_department_role_is_confined_by_leading_keys(resources):
    sts = policies_of(resources, "DepartmentScopedRole")
    dynamo = [st for st in sts if any(a.startswith("dynamodb:") for a in _as_list(st["Action"]))]
    assert dynamo
    for st in sts:
        assert st["Effect"] == "Allow"
        for res in _as_list(st["Resource"]):
            assert res != "*" and "/index/" not in str(res), st
        assert not any("*" in a for a in _as_list(st["Action"])), st
    for st in dynamo:
        actions = set(_as_list(st["Action"]))
        cond = st["Condition"]
        assert cond["Null"] == {"dynamodb:LeadingKeys": "false"}
        if referenced_resources(st) == {"CxgovIdempotencyTable"}:
            # Powertools' records of a dcxo's requests: ids `{dept}#...` (chalicelib/http/idempotency.py)
            assert actions <= {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                               "dynamodb:DeleteItem"}
            assert cond["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [f"{TAG}#*"]
            continue
        assert actions <= {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                           "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"}
        assert referenced_resources(st) == {"CxgovTable"}  # never an index
        assert cond["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [TAG, f"{TAG}#*"]
    for st in sts:
        if any(a.startswith("s3:") for a in _as_list(st["Action"])):
            assert st["Resource"] in (
                [{"Fn::Sub": "${EvidenceBucket.Arn}/${!aws:PrincipalTag/department}/*"}],
                [{"Fn::Sub": "${ImportsBucket.Arn}/imports/${!aws:PrincipalTag/department}/*"},
                 {"Fn::Sub": "${ImportsBucket.Arn}/import-reports/${!aws:PrincipalTag/department}/*"}]), st


def test_department_role_is_assumed_only_by_the_function_with_a_department_tag(resources):
    trust = resources["DepartmentScopedRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert len(trust) == 1
    assert trust[0]["Principal"] == {"AWS": {"Fn::GetAtt": ["ApiHandlerRole", "Arn"]}}
    assert set(trust[0]["Action"]) == {"sts:AssumeRole", "sts:TagSession"}
    assert trust[0]["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"] == ["department"]
    assert trust[0]["Condition"]["StringLike"]["aws:RequestTag/department"] == "?*"


def leading_keys_allow(statement: dict, department: str | None, leading_keys: list[str]) -> bool:
    """IAM's evaluation of the statement's conditions for a request on these partition keys:
    policy variables resolved from the session tag (a missing tag matches nothing), StringLike
    with `*`/`?`, ForAllValues over the request's keys, Null requiring keys to be present."""
    cond = statement["Condition"]
    if cond["Null"]["dynamodb:LeadingKeys"] == "false" and not leading_keys:
        return False
    if department is None:
        return False
    patterns = [p.replace(TAG, department) for p in
                cond["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]]
    return all(any(fnmatch.fnmatchcase(key, p) for p in patterns) for key in leading_keys)


@pytest.mark.parametrize("department, keys, allowed", [
    ("parks", ["parks"], True),                                   # the department item
    ("parks", ["parks#FEEDBACK#2017-03"], True),                  # any parks# partition
    ("parks", ["parks", "parks#KPI#1"], True),                    # BatchGetItem within parks
    ("parks", ["corp-comms"], False),                             # another department
    ("parks", ["corp-comms#FEEDBACK#1"], False),
    ("parks", ["parks-east"], False),                             # a slug that extends ours
    ("parks", ["parks-east#X"], False),
    ("parks", ["parks", "corp-comms"], False),                    # one foreign key in a batch
    ("parks", ["DEPARTMENT"], False),                             # org-wide collections
    ("parks", ["AGG#2017-03"], False),
    ("parks", [], False),                                         # Scan-like: no leading key
    (None, ["parks"], False),                                     # session without the tag
])
def test_leading_keys_evaluation(resources, department, keys, allowed):
    (st,) = [s for s in policies_of(resources, "DepartmentScopedRole")
             if s.get("Sid") == "OwnDepartmentItemsOnly"]
    assert leading_keys_allow(st, department, keys) is allowed


def test_department_partition_keys_start_with_the_department():
    from chalicelib.db import keys

    assert keys.department_pk("parks") == "parks"


# PynamoDB calls in chalicelib that need an action the function's role must grant on `cxgov`.
CALL_ACTIONS = {r"\.scan\(": "dynamodb:Scan", r"\.batch_write\(": "dynamodb:BatchWriteItem",
                r"\.delete\(\s*(condition=|\))": "dynamodb:DeleteItem",
                r"TransactGet\(": "dynamodb:GetItem"}


def test_the_data_layer_needs_no_action_the_role_lacks(resources):
    granted = {a for st in statements(resources, "FunctionDataPolicy") if st["Sid"] == "CxgovItems"
               for a in st["Action"]}
    for path in (ROOT / "chalicelib").rglob("*.py"):
        source = path.read_text()
        for pattern, action in CALL_ACTIONS.items():
            if re.search(pattern, source):
                assert action in granted, (
                    f"{path.relative_to(ROOT)} calls {pattern!r}: grant {action} in "
                    "infra/template.yaml FunctionDataPolicy (and docs/security.md)")



# --- pulled Open311 sources (issue 12) ---
SOURCE_SECRETS = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${AWS::StackName}/sources/*"


def _source_secrets_only(statement: dict) -> bool:
    return [r.get("Fn::Sub") for r in _as_list(statement["Resource"])] == [SOURCE_SECRETS]


def test_source_api_keys_are_reachable_only_under_their_prefix(resources):
    # The API writes and reads them; the scheduled pull only reads them; nothing deletes or lists.
    api = {a for st in policies_of(resources, "ApiHandlerRole") if str(st["Action"]).count("secretsmanager:")
           for a in _as_list(st["Action"])}
    pull = {a for st in policies_of(resources, "PullSourcesRole") if str(st["Action"]).count("secretsmanager:")
            for a in _as_list(st["Action"])}
    assert api == {"secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue"}
    assert pull == {"secretsmanager:GetSecretValue"}
    for role in ("ApiHandlerRole", "PullSourcesRole"):
        for st in policies_of(resources, role):
            if "secretsmanager" in str(st["Action"]):
                assert _source_secrets_only(st), st
    variables = resources["PullSources"]["Properties"]["Environment"]["Variables"]
    assert variables["CXGOV_SOURCE_SECRETS_PREFIX"] == {"Fn::Sub": "${AWS::StackName}/sources"}
    assert resources["APIHandler"]["Properties"]["Environment"]["Variables"]["CXGOV_SOURCE_SECRETS_PREFIX"] == \
        variables["CXGOV_SOURCE_SECRETS_PREFIX"]


def test_the_scheduled_pull_runs_every_15_minutes_with_least_privilege(resources):
    function = resources["PullSources"]["Properties"]
    assert function["Handler"] == "chalicelib.voc.sources_routes.pull_sources"
    assert [e["Properties"]["Schedule"] for e in function["Events"].values()] == ["rate(15 minutes)"]
    assert function["Environment"]["Variables"]["CXGOV_TABLE"] == {"Ref": "CxgovTable"}
    tables = {k for k, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    for st in policies_of(resources, "PullSourcesRole"):
        actions = _as_list(st["Action"])
        assert not any(a.endswith(":*") or a == "*" for a in actions), st
        assert not {"dynamodb:Scan", "dynamodb:DeleteItem", "secretsmanager:PutSecretValue"} & set(actions), st
        services = {a.split(":")[0] for a in actions}
        if st["Resource"] == "*":
            assert services == {"xray"}, st
        elif services == {"dynamodb"}:
            assert referenced_resources(st) == {"CxgovTable"}, st
        elif services == {"kms"}:
            assert referenced_resources(st) == {"DataKey"} and "kms:ViaService" in st["Condition"]["StringEquals"]
        elif services == {"secretsmanager"}:
            assert _source_secrets_only(st), st
        elif services == {"sqs"}:  # issue 25: its dead-letter queue, nothing else
            assert actions == ["sqs:SendMessage"] and referenced_resources(st) == {"FailedInvocationsQueue"}, st
        else:
            assert services == {"logs"} and "${ApiLogGroup}" in st["Resource"]["Fn::Sub"], st
