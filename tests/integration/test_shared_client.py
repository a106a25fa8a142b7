"""Every model kind and every transaction go through one botocore DynamoDB client, and every
client of the process is made by one botocore session (chalicelib/db/connection.py): PynamoDB
would otherwise build a session and a client per model class, and the STS and idempotency clients
their own sessions, ~100 ms each on the first request that needs one."""
from __future__ import annotations

import json
import subprocess
import sys

from devtools import issuer
from tests.conftest import ROOT

SCRIPT = """
import json, sys
import botocore.session
made = []
create = botocore.session.Session.create_client
def counting(self, service_name, *args, **kwargs):
    made.append([service_name, id(self)])
    return create(self, service_name, *args, **kwargs)
botocore.session.Session.create_client = counting
from moto import mock_aws
from chalice.test import Client
with mock_aws():
    from chalicelib.db.items import create_tables
    create_tables()
    import app
    tokens = json.loads(sys.argv[1])
    statuses = []
    with Client(app.app, stage_name="local", project_dir=".") as client:
        def call(method, path, token, body=None, key=None):
            response = client.http.request(method, path, body=json.dumps(body) if body else None, headers={
                "Content-Type": "application/json", "Authorization": "Bearer " + tokens[token],
                **({"Idempotency-Key": key} if key else {})})
            statuses.append((path, response.status_code, response.body[:200].decode()))
        call("POST", "/departments", "ccxo", {"id": "parks", "name": "Parks", "time_zone": "America/Chicago",
             "dcxo_contact": {"name": "D", "email": "d@parks.example.gov"}}, key="create-parks")
        call("GET", "/departments/parks", "dcxo")
        call("POST", "/departments/parks/feedback", "dcxo",
             {"channel": "email", "received_at": "2017-03-15T14:00:00Z", "comment": "late"})
        call("GET", "/departments/parks/voc-summary?period=2017-03", "dcxo")
        call("GET", "/recommendations", "ccxo")
        call("GET", "/rollup?period=2017-03", "ccxo")
print("RESULT " + json.dumps({"clients": made, "statuses": statuses}))
"""


def test_one_dynamodb_client_serves_every_kind_of_item():
    # Given a fresh interpreter on moto, When the tables are created and a department (with an
    # Idempotency-Key), a dcxo's feedback record and summary (through its department's STS
    # session), the recommendations and the rollup are written and read (through many model
    # classes and transactions)
    tokens = {"ccxo": issuer.mint("ccxo"), "dcxo": issuer.mint("dcxo", "parks")}
    run = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(tokens)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))[7:])
    assert all(status < 300 for _, status, _ in result["statuses"]), result["statuses"]
    services = [service for service, _ in result["clients"]]
    # Then the models and transactions had one DynamoDB client (Powertools' idempotency layer has
    # its own), STS one, and one botocore session made them all
    assert sorted(services) == ["dynamodb", "dynamodb", "sts"], services
    assert len({session for _, session in result["clients"]}) == 1, result["clients"]
