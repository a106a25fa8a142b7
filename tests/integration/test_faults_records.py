"""Injected DynamoDB faults beyond departments: a feedback import interrupted by throttling and
timeouts, a crash mid-import, a first response / KPI measurement / recommendation transition whose
write landed but whose answer was lost. After each: 0 records lost, 0 duplicated, nothing applied
twice, and the reconcile reports 0 drift over every aggregate scope."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core import clock
from chalicelib.voc import store as feedback_dal
from chalicelib.reporting import reconcile
from tests.faults import Faults
from tests.integration import audit_helpers as ah
from tests.integration.kpi_helpers import make_kpi, put_measurement

T0 = datetime(2017, 3, 15, 14, 0, tzinfo=timezone.utc)
ATTEMPTS = 4  # botocore's attempts per call with the models' max_retry_attempts = 3
IMPORT = "/departments/parks/feedback/imports"


@pytest.fixture()
def faults(seeded, monkeypatch) -> Faults:
    monkeypatch.setattr(clock, "now", lambda: T0 + timedelta(days=2))
    return Faults(monkeypatch)


@pytest.fixture()
def faults_today(seeded, monkeypatch) -> Faults:
    """The same injector on today's clock (audit reports cannot be issued in the future)."""
    return Faults(monkeypatch)


def _rows(count: int) -> list[dict]:
    return [{"channel": ("twitter", "facebook", "email")[n % 3], "category": "request_for_help",
             "received_at": (T0 + timedelta(minutes=n)).isoformat(), "comment": f"parcel {n} late",
             "source_system": "sprout", "source_id": f"tw-{n}", "nps": n % 11,
             **({"first_responded_at": (T0 + timedelta(minutes=n + 30)).isoformat()} if n % 2 else {})}
            for n in range(count)]


def _sources() -> Counter:
    return Counter(r["source_id"] for r in feedback_dal.all_records("parks"))


def _no_drift(dept: str = "parks") -> dict:
    report = reconcile.reconcile(dept)
    assert report["drift"] == {}, report["drift"]
    return report


# --- feedback import ------------------------------------------------------------------------------

def test_an_import_whose_transaction_answer_is_lost_is_committed_once_and_answered_created(seeded, tokens, faults):
    # Given 150 rows (several transactions) and the answer of the second transaction lost after it landed
    faults.plan["TransactWriteItems"] = [None, "timeout_after_write", None, "throttle"]
    response = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=_rows(150))
    # Then botocore's retry is answered from its ClientRequestToken: every row is `created` once
    assert response.status_code == 200, response.body
    assert (response.json["created"], response.json["duplicates"]) == (150, 0)
    assert faults.replayed == 1 and faults.injected == {"timeout_after_write": 1, "throttle": 1}
    assert set(_sources().values()) == {1} and len(_sources()) == 150
    assert _no_drift()["records"]["feedback"] == 150


def test_an_import_interrupted_by_timeouts_then_retried_loses_and_duplicates_nothing(seeded, tokens, faults):
    rows = _rows(150)
    key = {"Idempotency-Key": "import-interrupted-1"}
    # Given an import whose second transaction never gets an answer (every attempt times out)
    faults.plan["TransactWriteItems"] = [None] + ["timeout"] * ATTEMPTS
    first = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=rows, headers=key)
    assert first.status_code == 503, first.body
    landed = len(_sources())
    assert 0 < landed < 150  # the first transaction committed, the rest did not
    _no_drift()  # what landed is counted exactly: each transaction carries its own counters
    # When the client retries with the same key
    faults.plan.clear()
    retry = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=rows, headers=key)
    # Then the rows that landed are duplicates (with their ids), the others are created, once each
    assert retry.status_code == 200, retry.body
    assert (retry.json["created"], retry.json["duplicates"]) == (150 - landed, landed)
    assert len(_sources()) == 150 and set(_sources().values()) == {1}
    assert _no_drift()["records"]["feedback"] == 150
    summary = seeded.get("/departments/parks/voc-summary?period=2017-03", token=tokens["dcxo-parks"]).json
    assert summary["volume"] == 150


def test_persistent_throttling_mid_import_then_retry(seeded, tokens, faults):
    faults.plan["TransactWriteItems"] = [None, None] + ["throttle"] * ATTEMPTS
    first = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=_rows(200))
    assert first.status_code == 503 and first.headers["Retry-After"] == "1"
    faults.plan.clear()
    retry = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=_rows(200))
    assert retry.json["created"] + retry.json["duplicates"] == 200
    assert len(_sources()) == 200 and set(_sources().values()) == {1}
    _no_drift()


def test_a_crash_mid_import_then_retry(seeded, tokens, faults):
    rows = _rows(150)
    key = {"Idempotency-Key": "import-crash-1"}
    # Given the function killed while the second transaction is on its way
    faults.plan["TransactWriteItems"] = [None, "crash"]
    with pytest.raises(SystemExit):
        seeded.post(IMPORT, token=tokens["dcxo-parks"], body=rows, headers=key)
    landed = len(_sources())
    assert 0 < landed < 150
    _no_drift()
    # The same key is still in progress: a retry is told to wait rather than run twice
    again = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=rows, headers=key)
    assert again.status_code == 409 and again.json["error"]["details"][0]["field"] == "Idempotency-Key"
    # A new attempt (new key) completes it: the rows dedup on their source
    retry = seeded.post(IMPORT, token=tokens["dcxo-parks"], body=rows, headers={"Idempotency-Key": "import-crash-2"})
    assert (retry.json["created"], retry.json["duplicates"]) == (150 - landed, landed)
    assert len(_sources()) == 150 and set(_sources().values()) == {1}
    _no_drift()


# --- first response -------------------------------------------------------------------------------

def _feedback(api, tokens) -> dict:
    response = api.post("/departments/parks/feedback", token=tokens["dcxo-parks"], body={
        "channel": "twitter", "received_at": T0.isoformat(), "category": "complaint"})
    assert response.status_code == 201, response.body
    return response.json


def _respond(api, tokens, record, headers=None, minutes=45):
    return api.post(f"/departments/parks/feedback/{record['id']}/responses", token=tokens["dcxo-parks"],
                    body={"responded_at": (T0 + timedelta(minutes=minutes)).isoformat(),
                          "responder": "agent 7", "channel": "twitter"}, headers=headers)


def test_a_first_response_whose_answer_is_lost_inside_botocore_is_written_once(seeded, tokens, faults):
    record = _feedback(seeded, tokens)
    faults.plan["TransactWriteItems"] = ["timeout_after_write"]
    response = _respond(seeded, tokens, record)
    assert response.status_code == 201, response.body
    stored = feedback_dal.get("parks", record["id"])
    assert len(stored["responses"]) == 1 and stored["responses"][0]["first"] is True
    assert faults.replayed == 1
    _no_drift()


def test_a_first_response_retried_after_a_503_is_not_appended_twice(seeded, tokens, faults):
    record = _feedback(seeded, tokens)
    key = {"Idempotency-Key": "first-response-1"}
    faults.plan["TransactWriteItems"] = ["timeout_after_write"] + ["timeout"] * (ATTEMPTS - 1)
    first = _respond(seeded, tokens, record, key)
    assert first.status_code == 503
    faults.plan.clear()
    retry = _respond(seeded, tokens, record, key)
    # Then the retry answers the record its first attempt wrote: one response, counted once
    assert retry.status_code == 201, retry.body
    assert len(retry.json["responses"]) == 1 and retry.json["first_responded_at"] is not None
    assert len(feedback_dal.get("parks", record["id"])["responses"]) == 1
    # A later response retried the same way is kept once too
    later_key = {"Idempotency-Key": "later-response-1"}
    faults.plan["TransactWriteItems"] = ["timeout_after_write"] + ["timeout"] * (ATTEMPTS - 1)
    assert _respond(seeded, tokens, record, later_key, minutes=90).status_code == 503
    faults.plan.clear()
    assert len(_respond(seeded, tokens, record, later_key, minutes=90).json["responses"]) == 2
    assert len(feedback_dal.get("parks", record["id"])["responses"]) == 2
    _no_drift()


def test_a_later_response_whose_answer_is_lost_inside_botocore_is_appended_once(seeded, tokens, faults):
    record = _feedback(seeded, tokens)
    assert _respond(seeded, tokens, record).status_code == 201
    # Whichever operation carries the append, its first answer is lost after it landed
    faults.plan["TransactWriteItems@None"] = ["timeout_after_write"]
    faults.plan["UpdateItem@cxgov"] = ["timeout_after_write"]
    assert _respond(seeded, tokens, record, minutes=90).status_code == 201
    assert faults.injected["timeout_after_write"] == 1
    assert len(feedback_dal.get("parks", record["id"])["responses"]) == 2


def test_a_reclassification_retried_after_a_503_is_applied_once(seeded, tokens, faults):
    record = _feedback(seeded, tokens)
    key = {"Idempotency-Key": "reclassify-1"}
    url = f"/departments/parks/feedback/{record['id']}/classifications"
    body = {"actionable": False, "reason": "spam"}
    faults.plan["TransactWriteItems"] = ["timeout_after_write"] + ["timeout"] * (ATTEMPTS - 1)
    assert seeded.post(url, token=tokens["dcxo-parks"], body=body, headers=key).status_code == 503
    faults.plan.clear()
    retry = seeded.post(url, token=tokens["dcxo-parks"], body=body, headers=key)
    assert retry.status_code == 201, retry.body
    assert len(retry.json["classifications"]) == 1 and retry.json["actionable"] is False
    _no_drift()


# --- KPI measurement ------------------------------------------------------------------------------

def test_a_measurement_put_whose_answer_is_lost_is_written_once(seeded, tokens, faults):
    kpi = make_kpi(seeded, tokens["dcxo-parks"], "parks")
    # Inside botocore: the retry is answered from the token, not refused by its own version condition
    faults.plan["TransactWriteItems"] = ["timeout_after_write"]
    response = put_measurement(seeded, tokens["dcxo-parks"], "parks", kpi["id"], "2017-02", value=5)
    assert response.status_code == 200, response.body
    assert (response.json["version"], response.json["history"]) == (1, [])
    # After a 503: the same PUT again finds its values stored and answers them, writing nothing
    faults.plan["TransactWriteItems"] = ["timeout_after_write"] + ["timeout"] * (ATTEMPTS - 1)
    lost = put_measurement(seeded, tokens["dcxo-parks"], "parks", kpi["id"], "2017-03", value=7)
    assert lost.status_code == 503
    faults.plan.clear()
    retry = put_measurement(seeded, tokens["dcxo-parks"], "parks", kpi["id"], "2017-03", value=7)
    assert retry.status_code == 200, retry.body
    assert (retry.json["version"], retry.json["history"], retry.json["attainment"]) == (1, [], "missed")
    report = _no_drift()
    counters = reconcile.stored("parks")["KPI"]
    assert (counters["kpi__defined"], counters["kpi__missed"], counters.get("kpi__met", 0)) == (1, 1, 0)
    assert report["records"]["kpis"] == 1


# --- recommendation transition --------------------------------------------------------------------

def test_a_transition_whose_answer_is_lost_is_applied_once(seeded, tokens, faults_today):
    faults = faults_today
    rec = ah.make_rec(seeded, tokens)
    assert ah.decide(seeded, tokens, rec).status_code == 200
    # Inside botocore: answered from the token, a 200 (not a 409 from its own version condition)
    faults.plan["TransactWriteItems"] = ["timeout_after_write"]
    moved = ah.transition(seeded, tokens["dcxo-parks"], rec, "in_progress")
    assert moved.status_code == 200, moved.body
    # After a 503, a retry of a transition that landed is refused as already done, never re-applied
    evidence = ah.link_evidence(seeded, tokens, rec)
    key = {"Idempotency-Key": "closure-request-1"}
    faults.plan["TransactWriteItems"] = ["timeout_after_write"] + ["timeout"] * (ATTEMPTS - 1)
    body = {"to": "closure_requested", "evidence_ids": [evidence]}
    url = ah.rec_url(rec) + "/transitions"
    assert seeded.post(url, token=tokens["dcxo-parks"], body=body, headers=key).status_code == 503
    faults.plan.clear()
    retry = seeded.post(url, token=tokens["dcxo-parks"], body=body, headers=key)
    assert retry.status_code == 409
    assert "already closure_requested" in retry.json["error"]["message"]
    history = seeded.get(ah.rec_url(rec) + "/history", token=tokens["auditor"]).json["items"]
    moves = [e["changes"]["status"]["to"] for e in history if isinstance(e["changes"].get("status"), dict)]
    assert moves == ["in_progress", "closure_requested"]
    verify = seeded.get(ah.rec_url(rec) + "/history/verify", token=tokens["auditor"]).json
    assert verify["valid"] is True
    counters = reconcile.stored("parks")["REC"]
    assert counters["rec__status__closure_requested"] == 1 and counters["rec__status__in_progress"] == 0
    _no_drift()
