"""The ledger's AWS pieces in the packaged template (issue 15): the main table's stream, the
consumer wired to it with a role that can only read the stream and append to the ledger, the
signing key (asymmetric, P-256) and who may sign with it."""
from __future__ import annotations

from chalicelib.db.items import CxgovItem
from tests.infra.test_iam import _as_list, policies_of, referenced_resources


def test_the_main_table_streams_what_the_consumer_reads(resources):
    spec = resources["CxgovTable"]["Properties"]["StreamSpecification"]
    assert spec == {"StreamViewType": CxgovItem.Meta.stream_view_type} == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert "StreamSpecification" not in resources["CxgovLedgerTable"]["Properties"]  # no feedback loop


def test_the_consumer_reads_the_main_tables_stream_in_order_and_retries(resources):
    fn = resources["LedgerAppend"]["Properties"]
    assert fn["Handler"] == "chalicelib.ledger.routes.append_to_ledger"
    (source,) = fn["Events"].values()
    assert source["Type"] == "DynamoDB"
    props = source["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": ["CxgovTable", "StreamArn"]}
    assert props["StartingPosition"] == "TRIM_HORIZON" and props["ParallelizationFactor"] == 1
    assert props["MaximumRetryAttempts"] == -1
    assert fn["Environment"]["Variables"]["CXGOV_LEDGER_TABLE"] == {"Ref": "CxgovLedgerTable"}
    assert fn["Role"] == {"Fn::GetAtt": ["LedgerAppendRole", "Arn"]}


def test_the_consumers_role_reads_the_stream_and_appends_to_the_ledger_only(resources):
    granted: dict[str, set[str]] = {}
    for st in policies_of(resources, "LedgerAppendRole"):
        assert st["Effect"] == "Allow"
        for action in _as_list(st["Action"]):
            for resource in _as_list(st["Resource"]):
                granted.setdefault(action, set()).add(str(resource))
    dynamodb = {a for a in granted if a.startswith("dynamodb:")}
    assert dynamodb == {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams", "dynamodb:GetItem", "dynamodb:PutItem"}
    for action in ("dynamodb:GetItem", "dynamodb:PutItem"):
        assert granted[action] == {str({"Fn::GetAtt": ["CxgovLedgerTable", "Arn"]})}
    for action in ("dynamodb:GetRecords", "dynamodb:GetShardIterator"):
        assert granted[action] == {str({"Fn::Sub": "${CxgovTable.Arn}/stream/*"})}
    assert not any(a.startswith(("kms:Sign", "s3:", "sts:")) for a in granted)


def test_the_signing_key_is_asymmetric_p256_and_only_two_roles_sign(resources):
    key = resources["LedgerSigningKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["KeySpec"] == "ECC_NIST_P256" and key["Properties"]["KeyUsage"] == "SIGN_VERIFY"
    signers = set()
    for role_id, role in resources.items():
        if role["Type"] != "AWS::IAM::Role":
            continue
        for st in policies_of(resources, role_id):
            if "kms:Sign" in _as_list(st["Action"]):
                assert referenced_resources(st) == {"LedgerSigningKey"}
                assert st["Condition"]["StringEquals"] == {"kms:SigningAlgorithm": "ECDSA_SHA_256",
                                                           "kms:MessageType": "RAW"}
                signers.add(role_id)
    assert signers == {"ApiHandlerRole", "LedgerSignDailyRole"}


def test_the_daily_signer_is_scheduled_and_configured(resources):
    fn = resources["LedgerSignDaily"]["Properties"]
    (event,) = fn["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == "rate(1 day)"
    env = fn["Environment"]["Variables"]
    assert env["CXGOV_LEDGER_KEY_ID"] == {"Fn::GetAtt": ["LedgerSigningKey", "Arn"]}
    api = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api["CXGOV_LEDGER_KEY_ID"] == env["CXGOV_LEDGER_KEY_ID"]
    assert api["CXGOV_LEDGER_LOG_ID"] == env["CXGOV_LEDGER_LOG_ID"]


def test_a_stuck_consumer_raises_an_alarm(resources):
    metrics = {r["Properties"]["MetricName"] for r in resources.values()
               if r["Type"] == "AWS::CloudWatch::Alarm"
               and r["Properties"].get("Dimensions") == [{"Name": "FunctionName", "Value": {"Ref": "LedgerAppend"}}]}
    assert metrics == {"Errors", "IteratorAge"}
