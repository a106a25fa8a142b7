"""A Python client generated from the served /openapi.json by openapi-python-client works against
the running API under the stage prefix (/v1, devtools.stage_gateway): a read and a create, typed
answers, and the error envelope parsed. If the document lies (a wrong type, a missing field, a
base path), the generated code fails here."""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

from devtools import issuer, localstack, stage_gateway

CONFIG = "package_name_override: cxgov_client\nproject_name_override: cxgov-client\n"


@pytest.fixture(scope="module")
def v1(stack, tmp_path_factory):
    """The API under /v1 on the session's database (the test's department has a name of its own)."""
    work = tmp_path_factory.mktemp("client")
    with stage_gateway.stage_gateway(localstack.free_port(), stack.env, log=work / "v1.log") as url:
        yield url


@pytest.fixture(scope="module")
def client_package(v1, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("generated")
    with urllib.request.urlopen(f"{v1}/openapi.json", timeout=30) as response:
        document = json.loads(response.read())
    (work / "openapi.json").write_text(json.dumps(document))
    (work / "config.yaml").write_text(CONFIG)
    bin_dir = Path(sys.executable).parent
    run = subprocess.run([str(bin_dir / "openapi-python-client"), "generate", "--path", str(work / "openapi.json"),
                          "--config", str(work / "config.yaml"), "--meta", "none",
                          "--output-path", str(work / "cxgov_client")],
                         capture_output=True, text=True, timeout=300, cwd=work,
                         env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert run.returncode == 0, run.stdout + run.stderr
    # Only what the generator cannot express (an SVG answer, a CSV body) may be left out.
    warnings = [line for line in run.stdout.splitlines() if line.startswith("WARNING")]
    assert all("charts" in w or "imports" in w for w in warnings), run.stdout
    return work


def test_the_generated_client_reads_and_creates_under_v1(v1, client_package):
    # Given the client generated from the document the API serves under /v1
    sys.path.insert(0, str(client_package))
    try:
        cxgov_client = importlib.import_module("cxgov_client")
        me = importlib.import_module("cxgov_client.api.system.me")
        create_department = importlib.import_module("cxgov_client.api.departments.create_department")
        get_department = importlib.import_module("cxgov_client.api.departments.get_department")
        create_journey = importlib.import_module("cxgov_client.api.journeys.create_journey")
        list_journeys = importlib.import_module("cxgov_client.api.journeys.list_journeys")
        models = importlib.import_module("cxgov_client.models")
    finally:
        sys.path.remove(str(client_package))
    document = json.loads((client_package / "openapi.json").read_text())
    assert document["servers"][0]["url"] == "/v1"
    origin = v1.rsplit("/v1", 1)[0]
    client = cxgov_client.AuthenticatedClient(base_url=origin + document["servers"][0]["url"],
                                              token=issuer.mint("ccxo", name="Morgan Reyes"))
    # When it reads who is calling
    who = me.sync(client=client)
    assert isinstance(who, models.Me) and who.role == models.Role.CCXO and who.org_wide is True
    # And creates a department and a journey in it (with an Idempotency-Key)
    dept = f"gen-{uuid.uuid4().hex[:8]}"
    body = models.DepartmentCreate.from_dict({
        "id": dept, "name": "Generated-client department", "time_zone": "America/New_York",
        "dcxo_contact": {"name": "Dana Whitfield", "email": "dana@gen.example.gov"}})
    created = create_department.sync(client=client, body=body, idempotency_key=f"create-{dept}")
    assert isinstance(created, models.Department), created
    assert (created.id, created.version, created.time_zone) == (dept, 1, "America/New_York")
    assert created.created_at.tzinfo is not None  # a datetime, from format date-time
    channels = [models.Channel.TWITTER, models.Channel.WEB]  # one enum, in and out
    journey = create_journey.sync(dept, client=client, body=models.JourneyCreate(
        name="Report a missed delivery", channels=channels))
    assert isinstance(journey, models.Journey) and journey.channels == channels
    page = list_journeys.sync(dept, client=client)
    assert [j.id for j in page.items] == [journey.id]
    # Then errors arrive as the envelope the document declares
    missing = get_department.sync_detailed("no-such-dept", client=client)
    assert missing.status_code == 404 and isinstance(missing.parsed, models.ErrorEnvelope)
    assert missing.headers["X-Correlation-Id"]
