"""The digest job in the packaged template: its schedule, its configuration from parameters, and a
role that may send only from the sender identity with the sender address."""
from __future__ import annotations

import re

from tests.infra.test_iam import _as_list, policies_of, referenced_resources


def test_the_job_runs_hourly_from_the_schedule_only_with_a_sender(template, resources):
    function = resources["SendDigests"]["Properties"]
    assert function["Handler"] == "chalicelib.reminders.routes.send_digests"
    [event] = function["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == "cron(0 * * * ? *)"
    assert event["Properties"]["State"] == {"Fn::If": ["SendsDigests", "ENABLED", "DISABLED"]}
    assert template["Conditions"]["SendsDigests"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "DigestSenderAddress"}, ""]}]}
    variables = function["Environment"]["Variables"]
    assert variables["CXGOV_TABLE"] == {"Ref": "CxgovTable"}
    assert variables["CXGOV_DIGEST_SENDER"] == {"Fn::Sub": "${DigestSenderName} <${DigestSenderAddress}>"}
    assert variables["CXGOV_DIGEST_HOUR"] == {"Ref": "DigestHour"}
    assert variables["CXGOV_ORG_TIME_ZONE"] == {"Ref": "OrgTimeZone"}
    assert variables["CXGOV_CCXO_DIGEST_WEEKDAY"] == {"Ref": "CcxoDigestWeekday"}
    assert "CXGOV_DASHBOARD_BASE_URL" in variables
    for name in ("DigestSenderAddress", "DigestSenderIdentity", "DigestSenderName", "DigestHour",
                 "OrgTimeZone", "CcxoDigestWeekday", "DashboardBaseUrl"):
        assert name in template["Parameters"], name
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "DigestLogGroup"}


def test_the_job_role_is_least_privilege(resources):
    statements = policies_of(resources, "SendDigestsRole")
    ses = [st for st in statements if any(a.startswith("ses:") for a in _as_list(st["Action"]))]
    assert len(ses) == 1
    [send] = ses
    assert send["Action"] == ["ses:SendEmail"]
    [arn] = send["Resource"]
    assert re.search(r":identity/\$\{Identity\}$", arn["Fn::Sub"][0])
    assert send["Condition"]["StringEquals"]["ses:FromAddress"] == {"Ref": "DigestSenderAddress"}
    tables = {k for k, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    for st in statements:
        actions = _as_list(st["Action"])
        assert st["Effect"] == "Allow" and st["Resource"] != "*", st
        assert not any(a.endswith(":*") or a == "*" for a in actions), st
        assert not {"dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} & set(actions), st
        if any(a.startswith("dynamodb:") for a in actions):
            assert referenced_resources(st) <= tables, st


def test_the_api_can_write_the_index_entries_and_read_its_own_digest(resources):
    # The due-date index is written inside the API's transactions (PutItem) and never deleted
    granted = {a for st in policies_of(resources, "ApiHandlerRole") for a in _as_list(st["Action"])}
    assert {"dynamodb:PutItem", "dynamodb:Query"} <= granted
