"""CloudFormation generated from the code, so the deployed tables and the API's authorizer follow it.

- one `AWS::DynamoDB::Table` per model in `chalicelib.db.items.ALL_TABLES`: keys, attribute types,
  global and local secondary indexes and TTL straight from PynamoDB's own schema (the one
  `create_table` sends to DynamoDB Local), plus point-in-time recovery, KMS encryption with the
  stack's key, deletion protection and on-demand billing;
- the DynamoDB alarms of each table (system errors; read/write throttle events of the table and of
  every global index);
- the `security` of every API method that is not public (Cognito authorizer, only when the stack
  uses Cognito), keyed like the swagger document Chalice generates;
- the stage's own throttle of the routes that declare one (the public survey routes).

Table logical ids come from the default table names: `cxgov` -> `CxgovTable`,
`cxgov-idempotency` -> `CxgovIdempotencyTable` (infra/template.yaml refers to them).
"""
from __future__ import annotations

import re
from typing import Any

# DynamoDB operations whose server-side errors the SystemErrors alarm adds up (a metric-math alarm
# takes at most 10 metrics).
SYSTEM_ERROR_OPERATIONS = ("GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem",
                           "DeleteItem", "TransactWriteItems", "BatchWriteItem")
AUTHORIZER_NAME = "CognitoUserPool"


def logical_id(table_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", table_name)
                   if part) + "Table"


def _keys(key_schema: list[dict]) -> list[dict]:
    order = {"HASH": 0, "RANGE": 1}
    return [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}
            for k in sorted(key_schema, key=lambda k: order[k["KeyType"]])]


def _projection(projection: dict) -> dict:
    out = {"ProjectionType": projection["ProjectionType"]}
    if projection.get("NonKeyAttributes"):
        out["NonKeyAttributes"] = sorted(projection["NonKeyAttributes"])
    return out


def table_resource(model: Any) -> dict:
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    props: dict[str, Any] = {
        "TableName": {"Fn::Sub": "${AWS::StackName}-" + model.Meta.table_name},
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}
                                 for name, kind in sorted(definitions.items())],
        "KeySchema": _keys(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS",
                             "KMSMasterKeyId": {"Ref": "DataKey"}},
        "DeletionProtectionEnabled": True,
        "Tags": [{"Key": "cxgov:model", "Value": f"{model.__module__}.{model.__name__}"}],
    }
    if schema["global_secondary_indexes"]:
        props["GlobalSecondaryIndexes"] = [
            {"IndexName": gsi["index_name"], "KeySchema": _keys(gsi["key_schema"]),
             "Projection": _projection(gsi["projection"])}
            for gsi in sorted(schema["global_secondary_indexes"], key=lambda g: g["index_name"])]
    if schema["local_secondary_indexes"]:
        props["LocalSecondaryIndexes"] = [
            {"IndexName": lsi["index_name"], "KeySchema": _keys(lsi["key_schema"]),
             "Projection": _projection(lsi["projection"])}
            for lsi in sorted(schema["local_secondary_indexes"], key=lambda g: g["index_name"])]
    stream = getattr(model.Meta, "stream_view_type", None)
    if stream:  # the ledger's consumer reads the main table's stream (issue 15)
        props["StreamSpecification"] = {"StreamViewType": stream}
    ttl = model._ttl_attribute()
    if ttl is not None:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl.attr_name, "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain", "Properties": props}


def _alarm(description: str, metrics: list[dict], expression: str) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description,
        "Metrics": [*metrics, {"Id": "total", "Expression": expression, "ReturnData": True,
                               "Label": description}],
        "EvaluationPeriods": 1, "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}}


def _metric(metric_id: str, name: str, dimensions: dict[str, Any]) -> dict:
    return {"Id": metric_id, "ReturnData": False, "MetricStat": {
        "Metric": {"Namespace": "AWS/DynamoDB", "MetricName": name,
                   "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]},
        "Period": 300, "Stat": "Sum"}}


def table_alarms(model: Any) -> dict[str, dict]:
    table_id = logical_id(model.Meta.table_name)
    table = {"Ref": table_id}
    errors = [_metric(f"e{i}", "SystemErrors", {"TableName": table, "Operation": op})
              for i, op in enumerate(SYSTEM_ERROR_OPERATIONS)]
    throttles = [_metric("r0", "ReadThrottleEvents", {"TableName": table}),
                 _metric("w0", "WriteThrottleEvents", {"TableName": table})]
    for i, gsi in enumerate(sorted(model._get_schema()["global_secondary_indexes"],
                                   key=lambda g: g["index_name"]), start=1):
        dims = {"TableName": table, "GlobalSecondaryIndexName": gsi["index_name"]}
        throttles += [_metric(f"r{i}", "ReadThrottleEvents", dims),
                      _metric(f"w{i}", "WriteThrottleEvents", dims)]
    return {
        f"{table_id}SystemErrorsAlarm": _alarm(
            f"DynamoDB system errors on {model.Meta.table_name}", errors,
            "+".join(m["Id"] for m in errors)),
        f"{table_id}ThrottlesAlarm": _alarm(
            f"DynamoDB throttled requests on {model.Meta.table_name}", throttles[:9],
            "+".join(m["Id"] for m in throttles[:9])),
    }


def table_resources(models: tuple) -> dict[str, dict]:
    resources: dict[str, dict] = {}
    for model in models:
        resources[logical_id(model.Meta.table_name)] = table_resource(model)
        resources.update(table_alarms(model))
    return resources


def api_security(app: Any, public: set[tuple[str, str]]) -> dict:
    """`paths` for the swagger document: every route Chalice serves gets the Cognito authorizer
    unless it is declared public (`roles=PUBLIC`); routes registered outside `api_route` fail closed."""
    paths: dict[str, dict] = {}
    for path, methods in sorted(app.routes.items()):
        for method in sorted(methods):
            if (path, method.upper()) in public:
                continue
            paths.setdefault(path, {})[method.lower()] = {"security": {"Fn::If": [
                "UseCognito", [{AUTHORIZER_NAME: []}], {"Ref": "AWS::NoValue"}]}}
    return paths


def method_throttles(routes: Any) -> list[dict]:
    """API Gateway stage `MethodSettings` for every route that declares its own throttle (the
    public survey routes, issue 30: no authorizer stands in front of them). A resource path's
    slashes are written `~1`, as CloudFormation asks."""
    settings = []
    for spec in sorted(routes, key=lambda s: (s.path, s.method)):
        if spec.throttle is None:
            continue
        rate, burst = spec.throttle
        settings.append({"ResourcePath": "/" + spec.path[1:].replace("/", "~1"), "HttpMethod": spec.method,
                         "MetricsEnabled": True, "ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst})
    return settings


# Queues the template creates, by the name the code's @on_sqs_message handlers give (import jobs,
# issue 14): devtools/package.py binds each event source to its resource.
QUEUES = {"cxgov-imports": "ImportQueue"}
