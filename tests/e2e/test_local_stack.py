"""The API over HTTP on chalice local + DynamoDB Local, as a user runs it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from devtools import issuer, localstack
from tests.conftest import ROOT


def _department(dept: str) -> dict:
    return {"id": dept, "name": f"{dept.title()} department",
            "dcxo_contact": {"name": "DCXO", "email": f"dcxo@{dept}.example.gov"},
            "time_zone": "America/New_York"}


def test_department_lifecycle_over_http(stack, e2e_tokens):
    dept = f"e2e-{uuid.uuid4().hex[:8]}"
    key = {"Idempotency-Key": f"create-{dept}"}
    status, headers, created = stack.request("POST", "/departments", token=e2e_tokens["ccxo"],
                                             body=_department(dept), headers=key)
    assert status == 201, created
    assert headers["X-Correlation-Id"]
    # A retry over the wire answers the first result instead of a duplicate.
    status, _, again = stack.request("POST", "/departments", token=e2e_tokens["ccxo"],
                                     body=_department(dept), headers=key)
    assert (status, again) == (201, created)
    dcxo = issuer.mint("dcxo", dept)
    status, _, patched = stack.request("PATCH", f"/departments/{dept}", token=dcxo,
                                       body={"time_zone": "Pacific/Honolulu", "version": 1})
    assert status == 200 and patched["version"] == 2
    status, _, stale = stack.request("PATCH", f"/departments/{dept}", token=dcxo,
                                     body={"time_zone": "UTC", "version": 1})
    assert status == 409 and stale["error"]["details"][0]["field"] == "version"


def test_other_department_is_refused_over_http(stack, e2e_tokens):
    stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body=_department("harbour"))
    status, _, body = stack.request("GET", "/departments/harbour", token=e2e_tokens["dcxo-parks"])
    assert status == 403 and "harbour" not in str(body).lower()
    status, _, listed = stack.request("GET", "/departments", token=e2e_tokens["dcxo-parks"])
    assert status == 200 and all(d["id"] == "parks" for d in listed["items"])


def test_pages_follow_cursors_and_cover_everything_once(stack, e2e_tokens):
    for n in range(5):
        stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body=_department(f"page-{n}"))
    seen, cursor = [], None
    while True:
        path = "/departments?limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, _, page = stack.request("GET", path, token=e2e_tokens["auditor"])
        assert status == 200
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert {f"page-{n}" for n in range(5)} <= set(seen)


def test_bad_token_and_bad_json_over_http(stack, e2e_tokens):
    status, _, body = stack.request("GET", "/me", token="not.a.token")
    assert status == 401 and body["error"]["code"] == "unauthenticated"
    status, _, body = stack.request("GET", "/me", token=e2e_tokens["dcxo-parks"],
                                    headers={"X-Correlation-Id": "trace-me-123"})
    assert status == 200 and body["department"] == "parks"


@pytest.mark.skipif(not localstack.java_works(), reason="persistence is DynamoDB Local's; moto keeps nothing")
def test_dynamodb_local_keeps_data_across_a_restart(tmp_path, e2e_tokens):
    data, logs = tmp_path / "ddb", tmp_path
    port, api_port = localstack.free_port(), localstack.free_port()
    for attempt in ("write", "read"):
        with localstack.dynamodb_local(port, db_path=data, log=logs / "ddb.log") as endpoint:
            env = localstack.endpoint_env(endpoint)
            localstack.create_tables_in_subprocess(env)
            with localstack.chalice_local(api_port, env, log=logs / "api.log") as (url, _):
                from tests.e2e.conftest import Http

                http = Http(url)
                if attempt == "write":
                    status, _, _ = http.request("POST", "/departments", token=e2e_tokens["ccxo"],
                                                body=_department("kept"))
                    assert status == 201
                else:
                    status, _, kept = http.request("GET", "/departments/kept", token=e2e_tokens["ccxo"])
                    assert status == 200 and kept["name"] == "Kept department"


def test_make_run_serves_prints_tokens_and_stops_everything(tmp_path):
    port, ddb_port, s3_port, oidc_port = (localstack.free_port() for _ in range(4))
    # Every port named (the default PORT+1..+3 may be another test's, on the other xdist worker)
    env = {**os.environ, "PORT": str(port), "DDB_PORT": str(ddb_port), "S3_PORT": str(s3_port),
           "OIDC_PORT": str(oidc_port), "CXGOV_LOCAL_DATA": str(tmp_path / "ddb")}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    # A new session, so a hung stop can be killed with everything it started; the output is read
    # to the end on a thread (an unread pipe would block the server once it fills).
    process = subprocess.Popen([sys.executable, "-m", "devtools.run"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if any("Serving on" in line for line in list(output)):
                break
            time.sleep(0.2)
        text = "".join(output)
        assert "Serving on" in text, text
        assert "Chief CX Officer" in text and "DCXO parks" in text
        token = next(line.split()[-1] for line in output if "DCXO corp-comms" in line)
        from tests.e2e.conftest import Http

        status, _, me = Http(f"http://127.0.0.1:{port}").request("GET", "/me", token=token)
        assert status == 200 and me["department"] == "corp-comms"
        http = Http(f"http://127.0.0.1:{port}")
        status, _, listed = http.request("GET", "/departments", token=token)
        assert [d["id"] for d in listed["items"]] == ["corp-comms"]
        _upload_evidence(http, token, s3_port)
        _import_job(http, s3_port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail("make run did not stop within 120 s of Ctrl-C; its last output:\n"
                        + "".join(output[-40:]))
    reader.join(timeout=10)
    assert "Stopped." in "".join(output)
    # Ctrl-C stopped the API and the database it started.
    assert not localstack.port_in_use(port)
    assert not localstack.port_in_use(ddb_port)
    assert not localstack.port_in_use(s3_port)
    assert not localstack.port_in_use(oidc_port)


def _upload_evidence(http, token: str, s3_port: int) -> None:
    """A DCXO uploads a file of evidence for MS-AR-17-006 recommendation 1 to the local S3."""
    import hashlib
    import urllib.request

    recs = http.request("GET", "/recommendations?department=corp-comms", token=token)[2]["items"]
    rec = next(r for r in recs if r["report_number"] == "MS-AR-17-006" and r["number"] == 1)
    base = f"/departments/corp-comms/recommendations/{rec['id']}"
    status, _, action = http.request("POST", f"{base}/actions", token=token, body={
        "description": "Staff the SMOC on weekends", "owner": "VP Corporate Communications",
        "due_date": "2017-12-31"})
    assert status == 201, action
    data = b"%PDF-1.4 weekend staffing plan"
    status, _, evidence = http.request("POST", f"{base}/actions/{action['id']}/evidence", token=token, body={
        "file_name": "plan.pdf", "content_type": "application/pdf", "sha256": hashlib.sha256(data).hexdigest()})
    assert status == 201, evidence
    assert evidence["upload_url"].startswith(f"http://127.0.0.1:{s3_port}/")
    put = urllib.request.Request(evidence["upload_url"], data=data, method="PUT",
                                 headers=evidence["upload_headers"])
    with urllib.request.urlopen(put, timeout=30) as response:
        assert response.status == 200


def _import_job(http, s3_port: int) -> None:
    """Import jobs (issue 14): `make run`'s own worker imports an upload to its local S3."""
    import urllib.request

    token = issuer.mint("dcxo", "public-works")
    status, _, job = http.request("POST", "/departments/public-works/feedback/import-jobs", token=token,
                                  body={"file_name": "export.ndjson", "content_type": "application/x-ndjson"})
    assert status == 201 and job["upload_url"].startswith(f"http://127.0.0.1:{s3_port}/"), job
    data = b'{"channel": "app_311", "received_at": "2017-03-02T08:00:00-05:00", "source_system": "t", "source_id": "1"}\n'
    urllib.request.urlopen(urllib.request.Request(job["upload_url"], data=data, method="PUT",
                                                  headers=job["upload_headers"]), timeout=30).close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, _, read = http.request("GET", f"/departments/public-works/feedback/import-jobs/{job['id']}", token=token)
        if read["status"] in ("completed", "failed"):
            break
        time.sleep(0.5)
    assert (read["status"], read["created"]) == ("completed", 1), read

