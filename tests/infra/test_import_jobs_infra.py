"""Import jobs in the packaged template match the code: the queue the worker's event source reads,
its dead-letter queue and receive count, the bucket's notification prefix and key prefixes, the
worker's environment, timeout and least-privilege role."""
from __future__ import annotations

import json

from tests.infra.test_iam import _as_list, policies_of, referenced_resources

WORKER_HANDLER = "chalicelib.imports.worker_handler.import_worker"


def _prefix_arns(statement: dict) -> set[str]:
    return {r["Fn::Sub"] for r in _as_list(statement["Resource"]) if isinstance(r, dict) and "Fn::Sub" in r}


def test_the_worker_reads_the_template_queue_which_has_a_dead_letter_queue(resources):
    from chalicelib.imports import worker

    (name,) = [k for k, r in resources.items() if r["Type"] == "AWS::Serverless::Function"
               and r["Properties"]["Handler"] == WORKER_HANDLER]
    fn = resources[name]["Properties"]
    (event,) = fn["Events"].values()
    assert event["Type"] == "SQS" and event["Properties"]["Queue"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    assert event["Properties"]["BatchSize"] == 1  # one job per run: a run's time budget is the job's
    queue = resources["ImportQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["ImportDeadLetterQueue", "Arn"]}
    env = fn["Environment"]["Variables"]
    # the worker fails a job itself on the last delivery, so it must know the queue's count
    assert int(env["CXGOV_IMPORT_MAX_RECEIVES"]) == queue["RedrivePolicy"]["maxReceiveCount"]
    assert queue["VisibilityTimeout"] >= fn["Timeout"]
    assert int(env["CXGOV_IMPORT_MARGIN_SECONDS"]) * 4 <= fn["Timeout"]
    assert int(env["CXGOV_IMPORT_LEASE_SECONDS"]) < queue["VisibilityTimeout"]
    assert env["CXGOV_IMPORT_QUEUE_URL"] == {"Ref": "ImportQueue"}
    assert env["CXGOV_IMPORT_BUCKET"] == {"Ref": "ImportsBucket"}
    assert env["CXGOV_TABLE"] == {"Ref": "CxgovTable"}
    assert fn["LoggingConfig"]["LogGroup"] == {"Ref": "ImportWorkerLogGroup"}
    assert worker.max_receives() == queue["RedrivePolicy"]["maxReceiveCount"]  # the code's default too
    api_env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api_env["CXGOV_IMPORT_BUCKET"] == {"Ref": "ImportsBucket"}


def test_uploads_notify_the_queue_and_only_s3_of_this_account_may_send(resources):
    from chalicelib.db import keys

    bucket = resources["ImportsBucket"]
    (notification,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Queue"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": keys.IMPORT_UPLOAD_PREFIX}]
    assert bucket["DependsOn"] == "ImportQueuePolicy"
    allow = [s for s in resources["ImportQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
             if s["Effect"] == "Allow"]
    assert allow == [{**allow[0], "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
                      "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]
    rules = {r["Prefix"]: r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert set(rules) == {keys.IMPORT_UPLOAD_PREFIX, keys.IMPORT_REPORT_PREFIX}
    assert bucket["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert "aws:SecureTransport" in json.dumps(resources["ImportsBucketPolicy"])


def test_object_keys_of_a_department_sit_under_its_prefixes():
    from chalicelib.db import keys

    assert keys.import_object_key("parks", "j1") == "imports/parks/j1"
    assert keys.parse_import_object_key("imports/parks/j1") == ("parks", "j1")
    assert keys.parse_import_object_key("imports/parks/j1/x") is None
    assert keys.parse_import_object_key("evidence/parks/j1") is None
    assert keys.import_errors_key("parks", "j1").startswith("import-reports/parks/")
    assert keys.import_errors_part_key("parks", "j1", 7).startswith("import-reports/parks/j1/")


def test_worker_role_is_least_privilege(resources):
    statements = policies_of(resources, "ImportWorkerRole")
    allowed = {"CxgovTable", "ImportsBucket", "ImportQueue", "DataKey", "ImportWorkerLogGroup"}
    for st in statements:
        assert st["Effect"] == "Allow"
        actions = _as_list(st["Action"])
        assert not any(a.endswith(":*") or a == "*" for a in actions), st
        assert not {"dynamodb:Scan", "dynamodb:DeleteItem", "s3:DeleteObject"} & set(actions), st
        if st["Resource"] == "*":
            assert {a.split(":")[0] for a in actions} == {"xray"}, st
            continue
        assert referenced_resources(st) <= allowed, st
    s3 = [st for st in statements if any(a.startswith("s3:") for a in _as_list(st["Action"]))]
    assert {arn for st in s3 for arn in _prefix_arns(st)} == {"${ImportsBucket.Arn}/imports/*",
                                                             "${ImportsBucket.Arn}/import-reports/*"}
    uploads = [st for st in s3 if "${ImportsBucket.Arn}/imports/*" in _prefix_arns(st)]
    assert [_as_list(st["Action"]) for st in uploads] == [["s3:GetObject"]]  # the worker never writes uploads
    sqs = {a for st in statements for a in _as_list(st["Action"]) if a.startswith("sqs:")}
    assert sqs == {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                   "sqs:ChangeMessageVisibility", "sqs:SendMessage"}
    # the API's role presigns only: PUT under imports/, GET under import-reports/
    api = [st for st in policies_of(resources, "ApiHandlerRole") if referenced_resources(st) == {"ImportsBucket"}]
    assert sorted((tuple(_as_list(st["Action"])), tuple(_prefix_arns(st))) for st in api) == [
        (("s3:GetObject",), ("${ImportsBucket.Arn}/import-reports/*",)),
        (("s3:PutObject",), ("${ImportsBucket.Arn}/imports/*",))]


def test_alarms_watch_the_dead_letter_queue_and_the_worker(resources):
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert any(a.get("Namespace") == "AWS/SQS" and a["Dimensions"][0]["Value"] ==
               {"Fn::GetAtt": ["ImportDeadLetterQueue", "QueueName"]} for a in alarms)
    assert any(a.get("MetricName") == "Errors" and a["Dimensions"][0]["Value"] == {"Ref": "ImportWorker"}
               for a in alarms)
