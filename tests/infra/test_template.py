"""The packaged template passes cfn-lint, wires identity, the function's environment, the evidence
bucket and the alarms; the Lambda zip stays small and leaves boto3/botocore to the runtime."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from devtools.package import MAX_ZIP_BYTES, RUNTIME_PROVIDED, lambda_requirements

ROOT = Path(__file__).resolve().parents[2]


def test_cfn_lint_passes(packaged):
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    run = subprocess.run([str(cfn_lint), str(packaged / "sam.json")], capture_output=True,
                         text=True, timeout=120)
    print(f"\ncfn-lint exit {run.returncode}: {run.stdout.strip() or 'no findings'}")
    assert run.returncode == 0, run.stdout + run.stderr


def test_lambda_zip_is_small_and_leaves_boto_to_the_runtime(packaged, resources):
    path = packaged / "deployment.zip"
    size = path.stat().st_size
    print(f"\nLambda zip: {size} bytes = {size / 1e6:.2f} MB ({size / 2**20:.2f} MiB); "
          f"template: {len(resources)} resources")
    assert size <= MAX_ZIP_BYTES
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert not tops & (RUNTIME_PROVIDED | {"urllib3", "dateutil", "six.py"})
    assert {"app.py", "chalice", "chalicelib", "pynamodb", "pydantic", "pydantic_core", "jwt",
            "cryptography", "aws_lambda_powertools", "phonenumbers", "tzdata"} <= tops
    assert not any(n.startswith("phonenumbers/geodata/") for n in names)
    assert resources["APIHandler"]["Properties"]["CodeUri"] == "./deployment.zip"


def test_code_never_loads_the_phonenumbers_data_left_out_of_the_zip():
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                assert name not in ("phonenumbers.geocoder", "phonenumbers.carrier",
                                    "phonenumbers.timezone"), path


def test_lambda_requirements_drop_what_only_botocore_needs():
    pins = lambda_requirements((ROOT / "requirements.txt").read_text())
    names = {p.split("==")[0] for p in pins}
    assert not names & {"boto3", "botocore", "s3transfer", "urllib3", "python-dateutil", "six"}
    assert {"pynamodb", "jmespath", "cryptography", "pydantic"} <= names  # jmespath: powertools
    sample = ("a==1\n    # via cxgov (pyproject.toml)\nbotocore==2\n    # via a\n"
              "six==3\n    # via\n    #   botocore\n    #   a\n")
    assert lambda_requirements(sample) == ["a==1", "six==3"]  # six is kept: `a` needs it too


def test_function_environment_covers_every_setting(resources):
    fn = resources["APIHandler"]["Properties"]
    env = fn["Environment"]["Variables"]
    read = set(re.findall(r"env\.get\(\"(CXGOV_[A-Z_]+)\"", (ROOT / "chalicelib/core/config.py").read_text()))
    # 24 h defaults are the intended production values (the idempotency TTL, a token's longest life)
    defaulted = {"CXGOV_IDEMPOTENCY_TTL_SECONDS", "CXGOV_MAX_TOKEN_LIFETIME_SECONDS"}
    assert read - defaulted <= set(env), read - defaulted - set(env)
    assert env["CXGOV_TABLE"] == {"Ref": "CxgovTable"}
    assert env["CXGOV_IDEMPOTENCY_TABLE"] == {"Ref": "CxgovIdempotencyTable"}
    assert env["CXGOV_EVIDENCE_BUCKET"] == {"Ref": "EvidenceBucket"}
    assert env["CXGOV_TRACING"] == "true" and fn["Tracing"] == "Active"
    for branch in env["CXGOV_CURSOR_SECRET"]["Fn::If"][1:]:
        assert branch["Fn::Sub"].startswith("{{resolve:secretsmanager:${CursorSecret}:SecretString")
    for var in ("CXGOV_ISSUER", "CXGOV_JWKS_URL", "CXGOV_AUDIENCE"):
        assert env[var]["Fn::If"][0] == "UseExternalIssuer"
    assert env["CXGOV_AUDIENCE"]["Fn::If"][2] == {"Ref": "UserPoolClient"}
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"} <= set(env)
    assert fn["LoggingConfig"]["LogGroup"] == {"Ref": "ApiLogGroup"}
    assert isinstance(resources["ApiLogGroup"]["Properties"]["RetentionInDays"], dict)
    assert resources["RestAPI"]["Properties"]["TracingEnabled"] is True


def test_every_non_public_route_has_the_cognito_authorizer(template, resources):
    body = resources["RestAPI"]["Properties"]["DefinitionBody"]
    definition = body["securityDefinitions"]["Fn::If"]
    assert definition[0] == "UseCognito"
    authorizer = definition[1]["CognitoUserPool"]["x-amazon-apigateway-authorizer"]
    assert authorizer == {"type": "cognito_user_pools",
                          "providerARNs": [{"Fn::GetAtt": ["UserPool", "Arn"]}]}
    secured, public = [], []
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            if "x-amazon-apigateway-integration" not in operation:
                continue
            (secured if "security" in operation else public).append(f"{method.upper()} {path}")
            if "security" in operation:
                assert operation["security"] == {"Fn::If": [
                    "UseCognito", [{"CognitoUserPool": []}], {"Ref": "AWS::NoValue"}]}
    import app  # noqa: F401 - registering the blueprints fills ROUTES
    from chalicelib.http.routing import ROUTES

    # Public is exactly what the code declares public (liveness, the API document, the dashboard
    # page and its script - the page's data calls carry the token).
    assert sorted(public) == sorted(f"{s.method} {s.path}" for s in ROUTES if s.public)
    assert {"GET /health", "GET /openapi.json"} <= set(public)
    assert "GET /me" in secured and "POST /departments" in secured
    print(f"\n{len(secured)} secured methods, public: {public}")


def test_cognito_carries_roles_users_cannot_write(template, resources):
    pool = resources["UserPool"]
    assert pool["Condition"] == "UseCognito"
    attrs = {a["Name"] for a in pool["Properties"]["Schema"]}
    assert {"role", "department"} <= attrs
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    client = resources["UserPoolClient"]["Properties"]
    assert {"custom:role", "custom:department"} <= set(client["ReadAttributes"])
    assert not {"custom:role", "custom:department"} & set(client["WriteAttributes"])
    groups = {r["Properties"]["GroupName"] for r in resources.values()
              if r["Type"] == "AWS::Cognito::UserPoolGroup"}
    assert groups == {"ccxo", "auditor"}
    assert {"IssuerUrl", "JwksUrl", "Audience"} <= set(template["Parameters"])
    assert set(template["Conditions"]) >= {"UseCognito", "UseExternalIssuer"}


def test_evidence_bucket_is_private_versioned_encrypted_and_tls_only(resources):
    props = resources["EvidenceBucket"]["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["ObjectLockEnabled"] is True
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    policy = resources["EvidenceBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    tls = [s for s in policy if s["Effect"] == "Deny" and
           s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
    assert tls and tls[0]["Action"] == "s3:*" and tls[0]["Principal"] == "*"


def test_alarms_cover_5xx_function_errors_throttles_and_dynamodb(resources):
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    simple = {(a["Namespace"], a["MetricName"]) for a in alarms if "MetricName" in a}
    assert {("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles")} <= simple
    tables = [k for k, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"]
    for table in tables:
        metrics = {(m["MetricStat"]["Metric"]["MetricName"])
                   for a in alarms for m in a.get("Metrics", []) if "MetricStat" in m
                   and {"Name": "TableName", "Value": {"Ref": table}} in m["MetricStat"]["Metric"]["Dimensions"]}
        assert {"SystemErrors", "ReadThrottleEvents", "WriteThrottleEvents"} <= metrics, table
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert len(alarm.get("Metrics", [])) <= 10


# --- issue 19: the dashboard's sign-in ---
def test_cognito_offers_the_code_flow_at_a_hosted_domain_once_the_dashboard_url_is_known(template, resources):
    client = resources["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False  # a public client: PKCE instead of a secret in the browser
    assert client["AllowedOAuthFlows"] == {"Fn::If": ["CognitoSignIn", ["code"], {"Ref": "AWS::NoValue"}]}
    assert client["CallbackURLs"]["Fn::If"][1] == [{"Fn::Sub": "${DashboardUrl}/callback"}]
    assert "implicit" not in str(client)
    domain = resources["UserPoolDomain"]
    assert domain["Condition"] == "UseCognito" and domain["Properties"]["UserPoolId"] == {"Ref": "UserPool"}
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert {"CXGOV_OIDC_CLIENT_ID", "CXGOV_OIDC_ORIGINS", "CXGOV_ROLE_CLAIM", "CXGOV_GROUP_CLAIMS",
            "CXGOV_GROUP_PATTERNS"} <= set(env)
    assert template["Parameters"]["GroupPatterns"]["Default"] == "ccxo=ccxo,auditor=auditor,dcxo-{dept}=dcxo"


def test_public_survey_routes_have_no_authorizer_and_their_own_throttle(resources):
    """Issue 30: the public survey routes go without the token authorizer, and API Gateway
    throttles each of them below the stage's default."""
    props = resources["RestAPI"]["Properties"]
    paths = props["DefinitionBody"]["paths"]
    survey_routes = [("/s/{survey_id}", "get"), ("/s/{survey_id}/embed.js", "get"),
                     ("/s/{survey_id}/questions", "get"), ("/s/{survey_id}/responses", "post")]
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in props["MethodSettings"]}
    default = settings[("/*", "*")]
    for path, method in survey_routes:
        assert "security" not in paths[path][method], (path, method)
        own = settings[("/" + path[1:].replace("/", "~1"), method.upper())]
        assert own["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert own["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    # The department's own survey definitions stay behind the authorizer.
    assert "security" in paths["/departments/{dept}/surveys"]["post"]
