"""The department credential cache (chalicelib/db/credentials.py) with a fake STS and a fake
clock: one AssumeRole per department until 5 minutes before expiry, one call for concurrent first
requests, sessions tagged with the department, and the request scope never crossing threads."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from chalicelib.core.auth import Principal
from chalicelib.db import credentials
from chalicelib.core.errors import ServiceUnavailable

ROLE = "arn:aws:iam::123456789012:role/cxgov-department-scoped"


class FakeSts:
    def __init__(self, clock, lifetime=3600.0, delay=0.0):
        self.clock, self.lifetime, self.delay = clock, lifetime, delay
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def assume_role(self, **kwargs):
        time.sleep(self.delay)  # lets concurrent callers pile up behind the first
        with self.lock:
            self.calls.append(kwargs)
            n = len(self.calls)
        expires = datetime.fromtimestamp(self.clock[0] + self.lifetime, tz=timezone.utc)
        return {"Credentials": {"AccessKeyId": f"ASIA{n:016d}", "SecretAccessKey": "s",
                                "SessionToken": "t", "Expiration": expires}}


def make(lifetime=3600.0, delay=0.0):
    clock = [1_000_000.0]
    sts = FakeSts(clock, lifetime, delay)
    return credentials.DepartmentCredentials(ROLE, lambda: sts, now=lambda: clock[0]), sts, clock


def test_one_assume_role_per_department_tagged_with_it():
    provider, sts, _ = make()
    # When two departments' requests ask many times
    first = [provider.get("parks") for _ in range(50)]
    other = provider.get("harbour")
    # Then one call each, with the role, a department tag and an hour's session
    assert [c["Tags"] for c in sts.calls] == [[{"Key": "department", "Value": "parks"}],
                                             [{"Key": "department", "Value": "harbour"}]]
    assert {c["RoleArn"] for c in sts.calls} == {ROLE}
    assert {c["DurationSeconds"] for c in sts.calls} == {3600}
    assert len({c.access_key for c in first}) == 1 and other.access_key != first[0].access_key


def test_credentials_are_renewed_five_minutes_before_they_expire():
    provider, sts, clock = make(lifetime=3600)
    key = provider.get("parks").access_key
    clock[0] += 3600 - 301  # 5 min 1 s left: still served from the cache
    assert provider.get("parks").access_key == key and len(sts.calls) == 1
    clock[0] += 2  # 4 min 59 s left: renewed
    assert provider.get("parks").access_key != key and len(sts.calls) == 2


def test_a_presign_gets_a_session_that_outlives_the_url():
    provider, sts, clock = make(lifetime=3600)
    provider.get("parks")
    clock[0] += 3600 - 900  # 15 minutes left: enough for a call, not for a 15-minute URL + margin
    provider.get("parks")
    assert len(sts.calls) == 1
    provider.get("parks", credentials.PRESIGNED_URL_MAX_SECONDS)
    assert len(sts.calls) == 2


def test_concurrent_first_requests_of_a_department_make_one_call():
    provider, sts, _ = make(delay=0.05)
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = list(pool.map(lambda i: provider.get(["parks", "harbour"][i % 2]).access_key, range(64)))
    assert len(sts.calls) == 2
    assert len(set(keys)) == 2


def test_sts_failure_is_a_503_with_retry_after():
    from botocore.exceptions import ClientError

    class Refusing:
        def assume_role(self, **kwargs):
            raise ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "AssumeRole")

    provider = credentials.DepartmentCredentials(ROLE, Refusing)
    with pytest.raises(ServiceUnavailable) as refused:
        provider.get("parks")
    assert refused.value.headers == {"Retry-After": "1"}


def test_the_request_scope_is_the_dcxos_department_only_and_stays_in_its_thread():
    dcxo = Principal(subject="u1", role="dcxo", department="parks")
    ccxo = Principal(subject="u2", role="ccxo", department=None)
    seen = {}
    barrier = threading.Barrier(2)

    def request(principal, name):
        with credentials.request_scope(principal):
            barrier.wait()  # both requests are inside their scope at once
            seen[name] = credentials.current_department()
            with credentials.org_role():
                seen[name + " org"] = credentials.current_department()
        seen[name + " after"] = credentials.current_department()

    threads = [threading.Thread(target=request, args=(p, n)) for p, n in ((dcxo, "dcxo"), (ccxo, "ccxo"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"dcxo": "parks", "dcxo org": None, "dcxo after": None,
                    "ccxo": None, "ccxo org": None, "ccxo after": None}


def test_evidence_urls_never_outlive_the_session_that_signs_them():
    from chalicelib.audits import evidence_store

    assert evidence_store.UPLOAD_SECONDS <= credentials.PRESIGNED_URL_MAX_SECONDS


def test_a_dcxo_request_without_the_role_configured_is_refused_not_signed_with_the_org_role(monkeypatch):
    monkeypatch.delenv(credentials.ROLE_ARN_VARIABLE, raising=False)
    monkeypatch.setattr(credentials, "_provider", None)
    with pytest.raises(ServiceUnavailable):
        credentials.provider()


@pytest.mark.parametrize("department", ["parks#REC", "Parks", "parks rec", "", "p", "x" * 41])
def test_a_token_department_that_is_not_a_department_id_gets_no_session(department):
    from chalicelib.core.errors import Forbidden

    provider, sts, _ = make()
    with pytest.raises(Forbidden):
        provider.get(department)
    assert sts.calls == []
