"""The public response route's abuse controls (issue 30): each abuse refused as the contract says,
and nothing stored for it - the whole table is read before and after and compared."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration import survey_helpers as h

VALID = {"answers": {"question_1": "up", "question_2": ["ease"]}, "lang": "en"}


def _table() -> list[str]:
    import boto3

    from chalicelib.db.items import CxgovItem

    client = boto3.client("dynamodb", region_name=CxgovItem.Meta.region)
    items: list[str] = []
    for page in client.get_paginator("scan").paginate(TableName=CxgovItem.Meta.table_name):
        items += [json.dumps(item, sort_keys=True) for item in page["Items"]]
    return sorted(items)


@pytest.fixture()
def survey(seeded, api, tokens, monkeypatch):
    from chalicelib.core import clock

    moment = {"now": datetime(2017, 2, 15, 16, 0, 5, tzinfo=timezone.utc)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    found = h.make_survey(api, tokens)
    found["clock"] = moment
    return found


def _details(response) -> list[str]:
    return [d["field"] for d in response.json["error"]["details"]]


def test_each_abuse_is_refused_and_leaves_the_table_as_it_was(survey, api):
    sid = survey["id"]
    big = {"answers": {"question_1": "up", "question_4": "x" * 17_000}, "lang": "en"}
    cases = [
        ("no Origin", lambda: h.respond(api, sid, VALID, origin=None), 403, ["Origin"]),
        ("a stranger's Origin", lambda: h.respond(api, sid, VALID, origin="https://evil.example.com"), 403, ["Origin"]),
        ("an allowed site's look-alike", lambda: h.respond(api, sid, VALID, origin=h.SITE + ".evil.com"), 403,
         ["Origin"]),
        ("a body over 16 KiB", lambda: h.respond(api, sid, big), 413, ["body"]),
        ("thumbs neither up nor down", lambda: h.respond(api, sid, {"answers": {"question_1": "maybe"}}), 400,
         ["answers.question_1"]),
        ("the required question unanswered", lambda: h.respond(api, sid, {"answers": {"question_4": "hi"}}), 400,
         ["answers.question_1"]),
        ("an unknown driver", lambda: h.respond(api, sid, {"answers": {"question_1": "up", "question_2": ["speed"]}}),
         400, ["answers.question_2"]),
        ("a driver twice", lambda: h.respond(api, sid, {"answers": {"question_1": "up",
                                                                    "question_2": ["ease", "ease"]}}),
         400, ["answers.question_2"]),
        ("drivers without question_1", lambda: h.respond(api, sid, {"answers": {"question_2": ["ease"]}}), 400,
         ["answers.question_1"]),
        ("a rating off the scale", lambda: h.respond(api, sid, {"answers": {"question_1": "up", "own_2": 6}}), 400,
         ["answers.own_2"]),
        ("a rating as text", lambda: h.respond(api, sid, {"answers": {"question_1": "up", "own_2": "4"}}), 400,
         ["answers.own_2"]),
        ("a choice that is no option", lambda: h.respond(api, sid, {"answers": {"question_1": "up", "own_1": "3"}}),
         400, ["answers.own_1"]),
        ("a question the survey does not ask", lambda: h.respond(api, sid, {"answers": {"question_1": "up",
                                                                                       "own_9": "x"}}),
         400, ["answers.own_9"]),
        ("text too long", lambda: h.respond(api, sid, {"answers": {"question_1": "up", "own_3": "x" * 2001}}), 400,
         ["answers.own_3"]),
        ("a language the survey does not offer", lambda: h.respond(api, sid, {**VALID, "lang": "fr"}), 400,
         ["lang"]),
        ("an unknown field", lambda: h.respond(api, sid, {**VALID, "email": "a@b.c"}), 400, ["email"]),
        ("not JSON", lambda: api.post(f"/s/{sid}/responses", raw="{answers", headers={
            "Origin": h.OWN_ORIGIN, "Host": h.HOST}), 400, ["body"]),
    ]
    for name, send, status, fields in cases:
        before = _table()
        response = send()
        assert response.status_code == status, (name, response.body)
        assert _details(response) == fields, (name, response.json)
        assert "Set-Cookie" not in response.headers, name
        assert _table() == before, f"{name}: something was stored"
    # And the same body from the survey's own page is accepted
    assert h.respond(api, sid, VALID).status_code == 202


def test_the_honeypot_is_answered_as_accepted_counted_and_dropped(survey, api, tokens):
    from chalicelib.surveys import service

    before = _table()
    for _ in range(3):
        response = h.respond(api, survey["id"], {**VALID, "website": "http://spam.example.com"})
        assert response.status_code == 202 and response.json == {"accepted": True}
    after = _table()
    added = [json.loads(item) for item in after if item not in before]
    # Only the survey's counter item and the client's rate window changed: no record, no answers
    assert sorted(item["kind"]["S"] for item in added) == ["aggregate", "survey_rate"]
    assert service.survey_counts("parks", survey["id"], "2017-02", "2017-02") == {
        "views": 0, "responses": 0, "honeypot": 3}
    counts = api.get(f"/departments/parks/surveys/{survey['id']}/counts?period=FY2017-Q2", token=tokens["dcxo-parks"])
    assert counts.json == {"survey_id": survey["id"], "period": "FY2017-Q2", "views": 0, "responses": 0,
                           "honeypot": 3}
    assert api.get("/departments/parks/feedback", token=tokens["ccxo"]).json["items"] == []


def test_ten_responses_a_minute_per_address_then_429_with_retry_after(survey, api, tokens):
    moment = survey["clock"]
    for n in range(10):
        assert h.respond(api, survey["id"], VALID).status_code == 202, n
    before = _table()
    refused = h.respond(api, survey["id"], VALID)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "too_many_requests"
    assert refused.headers["Retry-After"] == "55"  # the clock is at hh:mm:05
    assert _table() == before
    # Another address is not held back by this one's window
    from chalicelib.surveys import public

    assert public.client_hash("127.0.0.1", moment["now"]) != public.client_hash("127.0.0.2", moment["now"])
    # The address itself is stored nowhere: only its salted hash names the window, which expires
    assert not any("127.0.0.1" in item for item in _table())
    windows = [json.loads(i) for i in _table() if '"survey_rate"' in i]
    assert len(windows) == 1 and windows[0]["count"]["N"] == "10"
    expires = int(windows[0]["expires_at"]["N"])
    assert 0 < expires - moment["now"].timestamp() <= 600
    # The next minute the address may answer again
    moment["now"] += timedelta(minutes=1)
    assert h.respond(api, survey["id"], VALID).status_code == 202
    assert len(api.get("/departments/parks/feedback", token=tokens["ccxo"]).json["items"]) == 11


def test_origins_count_as_the_host_the_page_was_served_from(survey, api):
    # The hosted page posts with the Origin of the host it came from; another host's is refused
    assert h.respond(api, survey["id"], VALID, origin="http://127.0.0.1:8000").status_code == 202
    assert h.respond(api, survey["id"], VALID, origin="http://127.0.0.1:8001").status_code == 403
    assert h.respond(api, survey["id"], VALID, origin=h.SITE).status_code == 202


def _conflicts(times: int):
    """Connection.transact_write_items cancelled by DynamoDB's TransactionConflict `times` times
    (another transaction held an item; DynamoDB Local never does it), then the real call."""
    from pynamodb.connection import Connection
    from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

    real = Connection.transact_write_items
    left = {"n": times}

    def call(self, *args, **kwargs):
        if left["n"] > 0:
            left["n"] -= 1
            cause = VerboseClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}},
                "TransactWriteItems", cancellation_reasons=[None, CancellationReason(code="TransactionConflict")])
            raise TransactWriteError("Failed to write transaction items", cause=cause)
        return real(self, *args, **kwargs)

    return call, left


def test_a_response_another_write_held_up_is_tried_again_then_503(survey, api, tokens, monkeypatch):
    from pynamodb.connection import Connection

    # Held up twice, the third attempt writes it once
    call, left = _conflicts(2)
    monkeypatch.setattr(Connection, "transact_write_items", call)
    assert h.respond(api, survey["id"], VALID).status_code == 202 and left["n"] == 0
    assert len(api.get("/departments/parks/feedback", token=tokens["ccxo"]).json["items"]) == 1
    # Held up every time: a 503 to retry, and nothing stored
    call, _ = _conflicts(10**6)
    monkeypatch.setattr(Connection, "transact_write_items", call)
    before = _table()
    busy = h.respond(api, survey["id"], VALID)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
    assert _table() == before
