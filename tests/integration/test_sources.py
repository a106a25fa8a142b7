"""Pulled Open311 sources through HTTP (moto for DynamoDB and Secrets Manager, the tests' own
GeoReport v2 server on loopback): windows, paging, refresh of open requests, failures, SSRF."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest

from chalicelib.core import clock
from devtools import issuer
from tests.georeport_server import GeoReport, request, serve
from tests.integration.conftest import department_body


@pytest.fixture()
def sf(seeded, tokens) -> str:
    body = department_body("sf-dpw", name="SF Public Works", time_zone="America/Los_Angeles",
                           response_target_hours=72)
    assert seeded.post("/departments", token=tokens["ccxo"], body=body).status_code == 201
    return issuer.mint("dcxo", "sf-dpw", name="DPW DCXO")


@pytest.fixture()
def georeport(monkeypatch):
    monkeypatch.setenv("CXGOV_OUTBOUND_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("CXGOV_OUTBOUND_RETRIES", "1")
    monkeypatch.setenv("CXGOV_OUTBOUND_BACKOFF_SECONDS", "0.01")
    with serve() as (url, server):
        yield url, server


def _source(api, token, url, **extra):
    body = {"name": "SF311", "base_url": url, "jurisdiction_id": "sfgov.org", "page_size": 10, **extra}
    response = api.post("/departments/sf-dpw/sources", token=token, body=body)
    assert response.status_code == 201, response.body
    return response.json


def _sync(api, token, source_id):
    response = api.post(f"/departments/sf-dpw/sources/{source_id}/sync", token=token)
    assert response.status_code == 200, response.body
    return response.json


def test_a_source_is_pulled_across_pages_and_windows_then_only_what_changed(seeded, sf, georeport):
    from chalicelib.voc import reconcile as voc_reconcile

    url, server = georeport
    now = clock.now().replace(microsecond=0)
    since = now - timedelta(days=150)
    # Given 25 requests over 150 days (two 90-day windows), 6 of them closed, paging at 10
    server.requests = [request(1000 + n, since + timedelta(days=6 * n, hours=1),
                               status="closed" if n % 4 == 0 else "open",
                               updated=since + timedelta(days=6 * n, hours=5)) for n in range(25)]
    source = _source(seeded, sf, url, since=since.isoformat(), api_key="sf-key-123")
    assert "api_key" not in source and source["has_api_key"] is True
    # When the DCXO pulls it now
    first = _sync(seeded, sf, source["id"])
    # Then all 25 are imported, through several pages of two windows, with the key sent
    assert (first["status"], first["fetched"], first["created"], first["error"]) == ("ok", 25, 25, None)
    windows = {(c["start_date"], c["end_date"]) for c in server.calls if "start_date" in c}
    assert len(windows) == 2
    assert max(int(c["page"]) for c in server.calls if "page" in c) >= 2
    assert all(c.get("api_key") == "sf-key-123" and c["jurisdiction_id"] == "sfgov.org" for c in server.calls)
    read = seeded.get(f"/departments/sf-dpw/sources/{source['id']}", token=sf).json
    assert read["last_sync"]["created"] == 25 and read["watermark"] is not None
    assert "sf-key-123" not in str(read)
    open_before = seeded.get("/departments/sf-dpw/feedback?overdue=true&limit=200", token=sf).json["items"]
    # When two open requests close and one new request arrives, and it is pulled again
    server.calls.clear()
    closing = [r for r in server.requests if r["status"] == "open"][:2]
    for r in closing:
        r.update(status="closed", updated_datetime=(now - timedelta(hours=1)).isoformat())
    server.requests.append(request(2000, now - timedelta(minutes=1)))
    second = _sync(seeded, sf, source["id"])
    # Then only the window since the watermark (less its 15-minute overlap) and the open ones were
    # asked for
    assert (second["created"], second["updated"]) == (1, 2), second
    since_watermark = datetime.fromisoformat(read["watermark"]) - timedelta(minutes=15)
    starts = [datetime.fromisoformat(c["start_date"]) for c in server.calls if "start_date" in c]
    assert starts and min(starts) >= since_watermark
    refreshed = [i for c in server.calls if "service_request_id" in c for i in c["service_request_id"].split(",")]
    assert sorted(refreshed) == sorted(i["source_id"] for i in open_before)
    overdue = {i["source_id"] for i in seeded.get("/departments/sf-dpw/feedback?overdue=true&limit=200",
                                                   token=sf).json["items"]}
    assert not overdue & {r["service_request_id"] for r in closing}
    assert voc_reconcile.reconcile("sf-dpw")["drift"] == {}
    # And the API key lives in Secrets Manager, not in the table
    secret = boto3.client("secretsmanager", region_name="us-east-1").get_secret_value(
        SecretId=f"cxgov/sources/sf-dpw/{source['id']}")
    assert secret["SecretString"] == "sf-key-123"


@pytest.mark.parametrize("mode, named", [("timeout", "timed out"), ("500", "HTTP 500"),
                                         ("html", "HTML"), ("bad_datetime", "requested_datetime")])
def test_a_failing_server_is_named_in_last_sync_and_nothing_is_written(seeded, sf, georeport, mode, named):
    url, server = georeport
    now = clock.now().replace(microsecond=0)
    server.requests = [request(n, now - timedelta(days=2, hours=n)) for n in range(3)]
    server.mode, server.sleep = mode, 1.5
    source = _source(seeded, sf, url)
    outcome = _sync(seeded, sf, source["id"])
    assert outcome["status"] == "error" and named in outcome["error"], outcome
    assert outcome["created"] == 0
    read = seeded.get(f"/departments/sf-dpw/sources/{source['id']}", token=sf).json
    assert read["last_sync"]["status"] == "error" and named in read["last_sync"]["error"]
    assert read["watermark"] is None
    assert seeded.get("/departments/sf-dpw/feedback", token=sf).json["items"] == []
    # And once the server recovers the next pull imports everything
    server.mode = "ok"
    assert _sync(seeded, sf, source["id"])["created"] == 3


def test_bad_sources_are_refused(seeded, sf, tokens, monkeypatch):
    for url, message in [("ftp://example.org/open311", "https"), ("https://user:pw@example.org/x", "credentials"),
                         ("https://example.org/x?api_key=1", "query")]:
        response = seeded.post("/departments/sf-dpw/sources", token=sf, body={"name": "x", "base_url": url})
        assert response.status_code == 400, response.body
        assert response.json["error"]["details"][0]["field"] == "base_url" and message in response.body.decode()
    # With the production rules (no loopback): http and private or loopback addresses are refused
    monkeypatch.setenv("CXGOV_OUTBOUND_ALLOW_LOOPBACK", "false")
    from chalicelib.voc.outbound import OutboundError, check_url

    for url in ("http://example.org/open311", "https://127.0.0.1/open311", "https://10.0.0.8/open311",
                "https://169.254.169.254/latest", "https://[::1]/x", "https://localhost/open311"):
        with pytest.raises(OutboundError):
            check_url(url)
    assert check_url("https://93.184.215.14/open311/v2").address == "93.184.215.14"
    # And the other department's dcxo may neither register nor read this one's sources
    other = seeded.get("/departments/sf-dpw/sources", token=tokens["dcxo-parks"])
    assert other.status_code == 403
    assert seeded.post("/departments/sf-dpw/sources", token=sf,
                       body={"name": "x", "base_url": "https://example.org", "page_size": 5}).status_code == 400


def test_a_source_is_patched_and_a_paused_one_is_not_pulled_by_the_schedule(seeded, sf, georeport, monkeypatch):
    from chalicelib.voc import sources

    monkeypatch.setenv("CXGOV_OUTBOUND_ALLOW_LOOPBACK", "true")  # the local stage's rule, outside a request
    url, server = georeport
    server.requests = [request(1, clock.now() - timedelta(days=1))]
    source = _source(seeded, sf, url)
    paused = seeded.patch(f"/departments/sf-dpw/sources/{source['id']}", token=sf,
                          body={"active": False, "api_key": "new-key", "version": source["version"]})
    assert paused.status_code == 200, paused.body
    assert (paused.json["active"], paused.json["has_api_key"]) == (False, True)
    assert sources.sync_all() == []
    assert server.calls == []
    seeded.patch(f"/departments/sf-dpw/sources/{source['id']}", token=sf, body={"active": True})
    assert sources.sync_all() == [{"department": "sf-dpw", "source_id": source["id"], "status": "ok"}]
    assert server.calls[0]["api_key"] == "new-key"
    stale = seeded.patch(f"/departments/sf-dpw/sources/{source['id']}", token=sf,
                         body={"name": "y", "version": source["version"]})
    assert stale.status_code == 409


def test_a_pull_that_reaches_its_time_budget_stops_between_windows_and_the_next_goes_on(seeded, sf, georeport,
                                                                                       monkeypatch):
    from chalicelib.core.auth import Principal
    from chalicelib.voc import sources_store as dal
    from chalicelib.voc import pull

    url, server = georeport
    now = clock.now().replace(microsecond=0)
    server.requests = [request(n, now - timedelta(days=100 - n)) for n in range(10)]
    source = _source(seeded, sf, url, since=(now - timedelta(days=170)).isoformat())
    principal = Principal(subject="t", role="dcxo", department="sf-dpw")
    monkeypatch.setenv("CXGOV_OUTBOUND_ALLOW_LOOPBACK", "true")  # the local stage's rule, outside a request
    # Given a pull whose budget is spent before its first window
    stopped = pull.run(dal.get("sf-dpw", source["id"]), principal, budget_seconds=0)
    assert (stopped.status, stopped.complete, stopped.created) == ("ok", False, 0)
    assert stopped.watermark is None
    # When the next pull has time, it goes on from the watermark and completes
    done = pull.run(dal.get("sf-dpw", source["id"]), principal)
    assert (done.complete, done.created) == (True, 10), done


def test_a_server_with_chicagos_extension_is_asked_what_changed_since_the_last_pull(seeded, sf, georeport):
    from chalicelib.voc import reconcile as voc_reconcile

    url, server = georeport
    now = clock.now().replace(microsecond=0)
    server.requests = [request(3000 + n, now - timedelta(days=20 - n)) for n in range(6)]
    source = _source(seeded, sf, url, updated_after=True, since=(now - timedelta(days=30)).isoformat())
    assert source["updated_after"] is True
    assert _sync(seeded, sf, source["id"])["created"] == 6
    # When two requests close after the first pull
    server.calls.clear()
    for r in server.requests[:2]:
        r.update(status="closed", updated_datetime=clock.now().replace(microsecond=0).isoformat())
    second = _sync(seeded, sf, source["id"])
    # Then they are found by change time, without any id list
    assert (second["updated"], second["created"]) == (2, 0), second
    assert any("updated_after" in c for c in server.calls)
    assert not any("service_request_id" in c for c in server.calls)
    assert voc_reconcile.reconcile("sf-dpw")["drift"] == {}
