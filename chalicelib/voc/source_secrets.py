"""API keys of pulled sources in AWS Secrets Manager (`AWS_ENDPOINT_URL_SECRETS_MANAGER` points
boto3 at a local moto server). Names: `{CXGOV_SOURCE_SECRETS_PREFIX}/{dept}/{source_id}`; the
function's policy allows exactly that prefix."""
from __future__ import annotations

import os

from chalicelib.core.errors import ServiceUnavailable


def name_for(dept: str, source_id: str) -> str:
    prefix = os.environ.get("CXGOV_SOURCE_SECRETS_PREFIX", "cxgov/sources").rstrip("/")
    return f"{prefix}/{dept}/{source_id}"


def _client():
    from botocore.config import Config

    from chalicelib.db import connection

    return connection.client("secretsmanager",
                             config=Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 3}))


def put(name: str, value: str) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    client = _client()
    try:
        try:
            client.put_secret_value(SecretId=name, SecretString=value)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            client.create_secret(Name=name, SecretString=value,
                                 Description="cxgov: API key of a pulled Open311 source")
    except (ClientError, BotoCoreError):
        raise ServiceUnavailable("the secret store cannot be reached; retry shortly") from None


def get(name: str) -> str | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _client().get_secret_value(SecretId=name)["SecretString"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise ServiceUnavailable("the secret store cannot be reached") from None
    except BotoCoreError:
        raise ServiceUnavailable("the secret store cannot be reached") from None
