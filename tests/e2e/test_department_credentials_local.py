"""`chalice local` takes the same path as Lambda: a dcxo's request assumes the department role
(moto's STS in server mode, started by devtools.localstack), on the request threads chalice local
runs. Shown by taking STS away: the dcxo's requests stop (503, nothing written), the org-wide
roles' do not."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from devtools import issuer, localstack
from tests.e2e.conftest import Http


def _department(dept: str) -> dict:
    return {"id": dept, "name": f"{dept.title()} department", "time_zone": "America/New_York",
            "dcxo_contact": {"name": "DCXO", "email": f"dcxo@{dept}.example.gov"}}


def test_dcxo_requests_on_many_threads_each_get_their_own_department(stack, e2e_tokens):
    # Given four departments
    depts = [f"sts-{uuid.uuid4().hex[:6]}-{n}" for n in range(4)]
    for dept in depts:
        status, _, body = stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body=_department(dept))
        assert status == 201, body
    tokens = {dept: issuer.mint("dcxo", dept) for dept in depts}

    # When their dcxos read and write at once (chalice local serves each request on a thread)
    def work(n: int) -> tuple[str, int, dict]:
        dept = depts[n % len(depts)]
        status, _, body = stack.request("POST", f"/departments/{dept}/journeys", token=tokens[dept],
                                        body={"name": f"Journey {n}", "channels": ["web"]},
                                        headers={"Idempotency-Key": f"sts-thread-{dept}-{n}"})
        return dept, status, body

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(24)))
    # Then every write landed in its own department
    assert [status for _, status, _ in results] == [201] * 24, results
    assert all(body["department"] == dept for dept, _, body in results)
    for dept in depts:
        status, _, listed = stack.request("GET", f"/departments/{dept}/journeys", token=tokens[dept])
        assert status == 200 and len(listed["items"]) == 6


def test_without_sts_a_dcxo_gets_a_503_and_the_org_roles_still_work(stack, e2e_tokens, tmp_path):
    # Given chalice local on the same database with an STS endpoint that refuses connections
    closed = localstack.free_port()
    env = {**stack.env, "AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{closed}"}
    with localstack.chalice_local(localstack.free_port(), env, log=tmp_path / "api.log") as (url, _):
        broken = Http(url, env)
        stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body=_department("parks"))
        # When the dcxo creates something, Then a 503 with Retry-After, and nothing is written
        status, headers, body = broken.request(
            "POST", "/departments/parks/journeys", token=e2e_tokens["dcxo-parks"],
            body={"name": "Never written", "channels": ["web"]})
        assert status == 503 and headers["Retry-After"] == "1", body
        # And the ccxo's requests (the function role, no STS) are served
        status, _, listed = broken.request("GET", "/departments/parks/journeys", token=e2e_tokens["ccxo"])
        assert status == 200, listed
        assert "Never written" not in [j["name"] for j in listed["items"]]
