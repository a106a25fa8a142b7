"""Tenant isolation in IAM, evaluated: the packaged template's real policies (what `make package`
writes to sam.json) through an IAM policy evaluator that implements condition operators and policy
variables (`@cloud-copilot/iam-simulate`, npm, AGPL-3.0, test-only; tests/infra/iam_simulate.mjs).
moto evaluates no condition, so nothing here relies on it.

A role session tagged `department=parks` must be allowed GetItem, Query, PutItem, UpdateItem,
TransactWriteItems (IAM authorises each item as PutItem/UpdateItem/ConditionCheckItem with
`dynamodb:EnclosingOperation`) and BatchGetItem on parks' keys, and refused each on harbour's keys,
on keys without a department prefix and on the `by_org` index; S3 objects only under `parks/`; it
cannot assume the department role (or any) itself."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION, STACK = "123456789012", "us-east-1", "cxgov"
A, B = "parks", "harbour"
ITEM_ACTIONS = ("GetItem", "Query", "PutItem", "UpdateItem", "BatchGetItem", "TransactWriteItems")
TRANSACT_ITEM_ACTIONS = ("PutItem", "UpdateItem", "ConditionCheckItem")


def _arns(resources: dict) -> dict[str, str]:
    """Concrete ARNs for the logical ids the policies refer to (a deployed stack named `cxgov`)."""
    arns = {}
    for logical, res in resources.items():
        kind = res["Type"]
        if kind == "AWS::DynamoDB::Table":
            name = res["Properties"]["TableName"]["Fn::Sub"].replace("${AWS::StackName}", STACK)
            arns[logical] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        elif kind == "AWS::S3::Bucket":
            arns[logical] = f"arn:aws:s3:::{STACK}-{logical.lower()}"
        elif kind == "AWS::KMS::Key":
            arns[logical] = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000-{logical.lower()}"
        elif kind == "AWS::IAM::Role":
            arns[logical] = f"arn:aws:iam::{ACCOUNT}:role/{STACK}-{logical}"
    return arns


def resolve(value, arns: dict[str, str]):
    """CloudFormation intrinsics in policy documents -> plain strings."""
    pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
              "AWS::StackName": STACK, "ApiLogGroup": f"/aws/lambda/{STACK}-api"}
    if isinstance(value, list):
        return [resolve(v, arns) for v in value]
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            assert attribute == "Arn", value
            return arns[logical]
        if "Fn::Sub" in value:
            def sub(match):
                name = match.group(1)
                if name.startswith("!"):
                    return "${" + name[1:] + "}"  # a literal: an IAM policy variable
                if name.endswith(".Arn"):
                    return arns[name[:-4]]
                return pseudo[name]
            return re.sub(r"\$\{([^}]+)\}", sub, value["Fn::Sub"])
        if "Ref" in value:
            return pseudo[value["Ref"]]
        return {k: resolve(v, arns) for k, v in value.items()}
    return value


def role_policies(resources: dict, role: str, arns: dict[str, str]) -> list[dict]:
    found = [{"name": logical, "policy": resolve(r["Properties"]["PolicyDocument"], arns)}
             for logical, r in resources.items()
             if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]]
    for inline in resources[role]["Properties"].get("Policies", []):
        found.append({"name": inline["PolicyName"], "policy": resolve(inline["PolicyDocument"], arns)})
    return found


def simulate(simulations: list[dict]) -> list[str]:
    node = shutil.which("node")
    assert node, "node is needed (it installs @cloud-copilot/iam-simulate: make install)"
    run = subprocess.run([node, str(ROOT / "tests" / "infra" / "iam_simulate.mjs")], cwd=ROOT,
                         input=json.dumps(simulations), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout)
    for sim, answer in zip(simulations, answers):
        assert "errors" not in answer, (sim["request"], answer)  # a request the evaluator rejects
    return [answer["result"] for answer in answers]


# (case, principal, [(action, resource, context)], allowed). Resources: `table`, `index`, `idem`
# (the idempotency table), `object:<key>`, `role`; principal `dept:<tag>`, `untagged`, `function`.
def _items(action, keys, resource="table"):
    return [(f"dynamodb:{action}", resource, {"dynamodb:LeadingKeys": keys})]


def _transaction(keys_per_item):
    return [(f"dynamodb:{action}", "table", {"dynamodb:LeadingKeys": [key],
                                             "dynamodb:EnclosingOperation": "TransactWriteItems"})
            for key, action in zip(keys_per_item, TRANSACT_ITEM_ACTIONS * len(keys_per_item))]


def _item_cases():
    for action in ITEM_ACTIONS:
        if action == "TransactWriteItems":
            make = lambda keys: _transaction(keys)  # noqa: E731
        elif action == "BatchGetItem":
            make = lambda keys: _items(action, keys)  # noqa: E731
        else:
            make = lambda keys, action=action: [r for k in keys for r in _items(action, [k])]  # noqa: E731
        yield f"{action} on A's keys", f"dept:{A}", make([A, f"{A}#FB#2017-03", f"{A}#REC#r1"]), True
        yield f"{action} on B's keys", f"dept:{A}", make([B, f"{B}#FB#2017-03"]), False
        yield f"{action} on A's and one of B's keys", f"dept:{A}", make([f"{A}#REC", f"{B}#REC"]), False
        for key in ("DEPARTMENT", "AGG#2017-03", "ORG#AUDIT_REPORT#r1", f"{A}-east", f"{A}-east#KPI#1", f"x{A}"):
            yield f"{action} on key without A's prefix {key}", f"dept:{A}", make([key]), False
        yield f"{action} on A's keys, session without the tag", "untagged", make([A]), False
        yield f"{action} on the by_org index", f"dept:{A}", [
            (act, "index", ctx) for act, _, ctx in make([A])], False
    yield "Query with no leading key in the request", f"dept:{A}", [("dynamodb:Query", "table", {})], False
    yield "Scan of the table", f"dept:{A}", [("dynamodb:Scan", "table", {})], False
    yield "DeleteItem on A's item", f"dept:{A}", _items("DeleteItem", [A]), False
    for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        yield f"idempotency {action} on A's record", f"dept:{A}", _items(action, [f"{A}#fn#h"], "idem"), True
        for key in (f"{B}#fn#h", "ORG#fn#h", A):
            yield f"idempotency {action} on {key}", f"dept:{A}", _items(action, [key], "idem"), False
    for action in ("s3:GetObject", "s3:PutObject"):
        yield f"{action} under A's prefix", f"dept:{A}", [(action, f"object:{A}/r/a/e", {})], True
        for key in (f"{B}/r/a/e", f"{A}-east/r/a/e", "r/a/e"):
            yield f"{action} on {key}", f"dept:{A}", [(action, f"object:{key}", {})], False
        # Import jobs (issue 14): the upload and the error report, under A's prefixes only
        for key in (f"imports/{A}/job1", f"import-reports/{A}/job1/errors.csv"):
            yield f"{action} on import file {key}", f"dept:{A}", [(action, f"imports:{key}", {})], True
        for key in (f"imports/{B}/job1", f"import-reports/{B}/job1/errors.csv", f"imports/{A}-east/j",
                    f"{A}/job1", "imports/job1"):
            yield f"{action} on import file {key}", f"dept:{A}", [(action, f"imports:{key}", {})], False
    tags = {"aws:RequestTag/department": B, "aws:TagKeys": ["department"]}
    for action in ("sts:AssumeRole", "sts:TagSession"):
        yield f"the department role {action} itself for B", f"dept:{A}", [(action, "role", tags)], False
        yield f"the function role {action} with the department tag", "function", [(action, "role", tags)], True
    yield "the function role assumes without a tag", "function", [("sts:AssumeRole", "role", {})], False
    yield "the function role tags another key", "function", [("sts:TagSession", "role", {
        "aws:RequestTag/department": A, "aws:RequestTag/admin": "true",
        "aws:TagKeys": ["department", "admin"]})], False


CASES = list(_item_cases())


@pytest.fixture(scope="module")
def evaluated(resources) -> dict[str, list[str]]:
    arns = _arns(resources)
    dept_role, function_role = arns["DepartmentScopedRole"], arns["ApiHandlerRole"]
    policies = {"dept": role_policies(resources, "DepartmentScopedRole", arns),
                "function": role_policies(resources, "ApiHandlerRole", arns)}
    trust = resolve(resources["DepartmentScopedRole"]["Properties"]["AssumeRolePolicyDocument"], arns)
    where = {"table": arns["CxgovTable"], "index": arns["CxgovTable"] + "/index/by_org",
             "idem": arns["CxgovIdempotencyTable"], "role": dept_role}
    simulations, owners = [], []
    for name, principal, requests, _ in CASES:
        kind, _, tag = principal.partition(":")
        if kind == "function":
            arn, identity, context = f"{function_role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/api", policies["function"], {}
        else:
            arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{STACK}-DepartmentScopedRole/cxgov-{tag or 'x'}"
            identity, context = policies["dept"], ({"aws:PrincipalTag/department": tag} if tag else {})
        for action, resource, extra in requests:
            target = (f"{arns['EvidenceBucket']}/{resource[7:]}" if resource.startswith("object:")
                      else f"{arns['ImportsBucket']}/{resource[8:]}" if resource.startswith("imports:")
                      else where[resource])
            simulation = {"identityPolicies": identity, "request": {
                "principal": arn, "action": action,
                "resource": {"resource": target, "accountId": ACCOUNT},
                "contextVariables": {**context, **extra}}}
            if resource == "role":
                simulation["resourcePolicy"] = trust
            simulations.append(simulation)
            owners.append(name)
    results: dict[str, list[str]] = {}
    for name, result in zip(owners, simulate(simulations)):
        results.setdefault(name, []).append(result)
    return results


@pytest.mark.parametrize("name, principal, requests, allowed", CASES, ids=[c[0] for c in CASES])
def test_policy_evaluation(evaluated, name, principal, requests, allowed):
    results = evaluated[name]
    assert len(results) == len(requests)
    # A request of several items (a batch, a transaction) is allowed only if every item is.
    assert all(r == "Allowed" for r in results) is allowed, results


def test_the_cases_cover_every_action_the_issue_names():
    names = [c[0] for c in CASES]
    for action in ITEM_ACTIONS:
        for what in ("on A's keys", "on B's keys", "on key without A's prefix", "on the by_org index"):
            assert any(n.startswith(f"{action} {what}") for n in names), (action, what)
