"""Races over real HTTP on chalice local + DynamoDB Local: exactly one winner where one is allowed,
no lost update, never a duplicate. DynamoDB Local never raises TransactionConflict, so these races
are decided by the conditions the code writes (versions, attribute_not_exists)."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from devtools import issuer

CLIENTS = 8


def _department(dept: str) -> dict:
    return {"id": dept, "name": "Race", "dcxo_contact": {"name": "R", "email": "r@race.example.gov"},
            "time_zone": "UTC"}


def _race(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_parallel_patches_of_one_version_have_exactly_one_winner(stack, e2e_tokens):
    dept = f"race-{uuid.uuid4().hex[:6]}"
    assert stack.request("POST", "/departments", token=e2e_tokens["ccxo"], body=_department(dept))[0] == 201
    dcxo = issuer.mint("dcxo", dept)
    results = _race([
        (lambda n=n: stack.request("PATCH", f"/departments/{dept}", token=dcxo,
                                   body={"dcxo_contact": {"name": f"Writer {n}", "email": f"w{n}@race.example.gov"},
                                         "version": 1}))
        for n in range(CLIENTS)])
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200] + [409] * (CLIENTS - 1)
    winner = next(body for status, _, body in results if status == 200)
    stored = stack.request("GET", f"/departments/{dept}", token=dcxo)[2]
    # No lost update: what is stored is exactly the winner's write, at version 2.
    assert stored["version"] == 2 and stored["dcxo_contact"] == winner["dcxo_contact"]


def test_parallel_creates_of_one_id_make_one_department(stack, e2e_tokens):
    dept = f"race-{uuid.uuid4().hex[:6]}"
    results = _race([(lambda: stack.request("POST", "/departments", token=e2e_tokens["ccxo"],
                                            body=_department(dept)))] * CLIENTS)
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [201] + [409] * (CLIENTS - 1)


def test_parallel_retries_with_one_idempotency_key_never_write_twice(stack, e2e_tokens):
    dept = f"race-{uuid.uuid4().hex[:6]}"
    key = {"Idempotency-Key": f"race-{dept}"}
    results = _race([(lambda: stack.request("POST", "/departments", token=e2e_tokens["ccxo"],
                                            body=_department(dept), headers=key))] * CLIENTS)
    created = [body for status, _, body in results if status == 201]
    # Each answer is the first result replayed, or "still in progress, retry" - never a duplicate.
    assert created and all(body == created[0] for body in created)
    for status, _, body in results:
        assert status == 201 or (status == 409 and body["error"]["details"][0]["field"] == "Idempotency-Key")
    assert stack.request("GET", f"/departments/{dept}", token=e2e_tokens["ccxo"])[2]["version"] == 1
