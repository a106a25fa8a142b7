"""The Open311 fetcher's paging rules against a fake server (no network, no database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.voc.pull import Fetcher, SyncError
from tests.georeport_server import GeoReport, request

T0 = datetime(2026, 6, 1, tzinfo=timezone.utc)
SOURCE = {"base_url": "https://open311.example.gov/v2", "jurisdiction_id": None, "service_codes": ["PH01"],
          "page_size": 100}


def fake(server: GeoReport):
    def get(url, params):
        status, _, body = server.answer(params)
        assert status == 200
        import json

        return json.loads(body)
    return get


def test_a_server_that_does_not_page_is_asked_again_in_half_windows():
    # Given a server that ignores paging and answers at most 1,000 requests, holding 2,500 in 30 days
    server = GeoReport()
    server.paging = False
    server.requests = [request(n, T0 + timedelta(minutes=17 * n)) for n in range(2500)]
    # When one 30-day window is fetched
    found = Fetcher(SOURCE, None, fake(server)).window(T0, T0 + timedelta(days=30))
    # Then every request is there exactly once, found through narrower windows
    assert sorted(int(r["service_request_id"]) for r in found) == list(range(2500))
    assert len({(c["start_date"], c["end_date"]) for c in server.calls}) > 3
    assert all(c["service_code"] == "PH01" for c in server.calls)


def test_a_server_that_pages_is_followed_page_by_page():
    server = GeoReport()
    server.requests = [request(n, T0 + timedelta(hours=n)) for n in range(250)]
    found = Fetcher(SOURCE, "key", fake(server)).window(T0, T0 + timedelta(days=30))
    assert sorted(int(r["service_request_id"]) for r in found) == list(range(250))
    assert [c["page"] for c in server.calls] == ["1", "2", "3"]
    assert all(c["api_key"] == "key" for c in server.calls)


def test_a_server_that_caps_page_size_below_ours_is_read_to_the_end():
    server = GeoReport()
    server.max_page_size = 40
    server.requests = [request(n, T0 + timedelta(hours=n)) for n in range(90)]
    found = Fetcher({**SOURCE, "page_size": 40}, None, fake(server)).window(T0, T0 + timedelta(days=30))
    assert len(found) == 90


def test_more_than_a_thousand_requests_in_one_minute_without_paging_fails_naming_it():
    server = GeoReport()
    server.paging = False
    server.requests = [request(n, T0) for n in range(1200)]
    with pytest.raises(SyncError, match="more than 1000 requests in one minute"):
        Fetcher(SOURCE, None, fake(server)).window(T0, T0 + timedelta(hours=1))


def test_an_answer_that_is_not_a_list_of_requests_fails():
    with pytest.raises(SyncError, match="not a list of service requests"):
        Fetcher(SOURCE, None, lambda url, params: {"error": "x"}).window(T0, T0 + timedelta(days=1))
