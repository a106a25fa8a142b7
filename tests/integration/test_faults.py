"""Injected DynamoDB faults: throttling, timeouts (including one whose write landed) and a crash
mid-request. Goal: no lost and no duplicated record, a clear 503 instead of a 500, and a retry with
the same Idempotency-Key that ends with exactly one record."""
from __future__ import annotations

import pytest

from chalicelib.db.items import DepartmentItem
from tests.faults import Faults
from tests.integration.conftest import department_body


@pytest.fixture()
def faults(api, monkeypatch):
    return Faults(monkeypatch)


def _departments(api, tokens) -> list[str]:
    return [d["id"] for d in api.get("/departments", token=tokens["ccxo"]).json["items"]]


def test_throttling_is_retried_by_botocore_and_the_write_succeeds(api, tokens, faults):
    faults.plan["PutItem@cxgov"] = ["throttle", "throttle"]
    response = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"))
    assert response.status_code == 201
    assert faults.sent.count("PutItem@cxgov") == 3  # two throttled attempts, then the one that landed
    assert _departments(api, tokens) == ["parks"]


@pytest.mark.parametrize("target", ["PutItem@cxgov", "PutItem@cxgov-idempotency"])
def test_persistent_throttling_is_a_503_and_writes_nothing(api, tokens, faults, target):
    faults.plan[target] = ["throttle"] * 10
    headers = {"Idempotency-Key": "throttled-create-1"}
    response = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"
    assert response.headers["Retry-After"] == "1"
    faults.plan.clear()
    assert _departments(api, tokens) == []
    # The failed attempt released its key: the retry runs and creates exactly one department.
    retry = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    assert retry.status_code == 201
    assert _departments(api, tokens) == ["parks"]


def test_timeout_after_the_write_landed_then_retry_returns_the_same_record(api, tokens, faults):
    headers = {"Idempotency-Key": "timeout-create-1"}
    # The write lands, then every answer of botocore's attempts is lost
    faults.plan["PutItem@cxgov"] = ["timeout_after_write", "timeout", "timeout", "timeout"]
    first = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    assert first.status_code == 503  # the client cannot know the write landed
    # The retry recognises its own write: a 201 with that department, not a duplicate's 409.
    retry = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    assert retry.status_code == 201, retry.body
    assert retry.json["id"] == "parks" and retry.json["version"] == 1
    # Another request for the same id is still a duplicate.
    other = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"),
                     headers={"Idempotency-Key": "timeout-create-2"})
    assert other.status_code == 409
    assert _departments(api, tokens) == ["parks"]


def test_a_timeout_retried_inside_botocore_recognises_its_own_write(api, tokens, faults):
    # Given a create whose first answer is lost after the write landed, and no Idempotency-Key
    faults.plan["PutItem@cxgov"] = ["timeout_after_write"]
    response = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"))
    # Then botocore's retry meets its own write and the caller gets the 201, not a duplicate's 409
    assert response.status_code == 201, response.body
    assert faults.sent.count("PutItem@cxgov") == 2
    assert _departments(api, tokens) == ["parks"]


def test_timeout_on_a_read_is_a_503(seeded, api, tokens, faults):
    faults.plan["GetItem@cxgov"] = ["throttle"] * 10
    response = api.get("/departments/parks", token=tokens["ccxo"])
    assert response.status_code == 503


def test_patch_timeout_then_retry_with_stale_version_is_a_409_not_a_double_write(seeded, api, tokens, faults):
    faults.plan["UpdateItem@cxgov"] = ["timeout_after_write", "timeout", "timeout", "timeout"]
    first = api.patch("/departments/parks", token=tokens["ccxo"], body={"name": "Parks", "version": 1})
    assert first.status_code == 503
    retry = api.patch("/departments/parks", token=tokens["ccxo"], body={"name": "Parks", "version": 1})
    assert retry.status_code == 409  # the first write landed: version 2 is stored, nothing applied twice
    stored = api.get("/departments/parks", token=tokens["ccxo"]).json
    assert (stored["name"], stored["version"]) == ("Parks", 2)


def test_crash_between_idempotency_record_and_write_blocks_a_concurrent_duplicate(api, tokens, monkeypatch):
    # Given a request that dies after Powertools stored its in-progress record, before any write
    import chalicelib.org.departments_store as dal

    def crash(*_, **__):
        raise SystemExit("the function was killed mid-request")

    monkeypatch.setattr(dal, "put_new", crash)
    headers = {"Idempotency-Key": "crash-create-1"}
    with pytest.raises(SystemExit):
        api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    monkeypatch.undo()
    # When the client retries while that record is still in progress
    retry = api.post("/departments", token=tokens["ccxo"], body=department_body("parks"), headers=headers)
    # Then it is told to retry later rather than running twice, and nothing was written
    assert retry.status_code == 409
    assert retry.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert api.get("/departments/parks", token=tokens["ccxo"]).status_code == 404
    assert DepartmentItem.count() == 0
