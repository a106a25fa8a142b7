"""The surge watch's hourly job in the packaged template: scheduled five past every hour, its own
log group, and a role that reaches the table, its index and SES from the sender identity only."""
from __future__ import annotations

from tests.infra.test_iam import _as_list, policies_of, referenced_resources


def test_the_watch_job_runs_hourly_with_its_configuration(template, resources):
    function = resources["WatchAlerts"]["Properties"]
    assert function["Handler"] == "chalicelib.reminders.routes.watch_alerts"
    [event] = function["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == "cron(5 * * * ? *)"
    variables = function["Environment"]["Variables"]
    assert variables["CXGOV_TABLE"] == {"Ref": "CxgovTable"}
    assert variables["CXGOV_DIGEST_SENDER"]["Fn::If"][0] == "SendsDigests"
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "WatchLogGroup"}


def test_the_watch_job_role_is_least_privilege(resources):
    statements = policies_of(resources, "WatchAlertsRole")
    tables = {k for k, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    ses = [st for st in statements if any(a.startswith("ses:") for a in _as_list(st["Action"]))]
    [send] = ses
    assert send["Action"] == ["ses:SendEmail"]
    assert send["Condition"]["StringEquals"]["ses:FromAddress"] == {"Ref": "DigestSenderAddress"}
    for st in statements:
        actions = _as_list(st["Action"])
        assert st["Effect"] == "Allow" and st["Resource"] != "*", st
        assert not any(a.endswith(":*") or a == "*" for a in actions), st
        assert not {"dynamodb:Scan", "dynamodb:BatchWriteItem"} & set(actions), st
        if any(a.startswith("dynamodb:") for a in actions):
            assert referenced_resources(st) <= tables, st
    granted = {a for st in statements for a in _as_list(st["Action"])}
    assert not any(a.startswith(("s3:", "secretsmanager:")) for a in granted)
    # sqs: only its dead-letter queue (FailedInvocationsPolicy)
    assert {a for a in granted if a.startswith("sqs:")} <= {"sqs:SendMessage"}
