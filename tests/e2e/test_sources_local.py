"""End to end over HTTP: `chalice local` on DynamoDB Local, Secrets Manager on a moto server, and
the tests' own GeoReport v2 server on loopback. A MyLA311 file imported with its profile and then
followed over time; an Open311 source pulled across pages and windows, then only what changed;
failing servers named in last_sync with nothing written; reconcile finds no drift."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from devtools import issuer, localstack
from tests.e2e.conftest import Http
from tests.georeport_server import request, serve
from tests.integration.test_import_profiles import LA_FACTS, SAMPLES
from tests.integration.voc_expect import Fact, figures

DEPT = "e2e-sf"


@pytest.fixture(scope="module")
def sources_stack(stack, tmp_path_factory) -> Iterator[Http]:
    """A chalice local with Secrets Manager and short outbound timeouts, on the session's database
    (this module's department, DEPT, is its own)."""
    logs = tmp_path_factory.mktemp("sources-logs")
    with localstack.moto_server(localstack.free_port()) as moto:
        env = {**stack.env, "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto,
               "CXGOV_OUTBOUND_TIMEOUT_SECONDS": "1", "CXGOV_OUTBOUND_RETRIES": "1",
               "CXGOV_OUTBOUND_BACKOFF_SECONDS": "0.05"}
        with localstack.chalice_local(localstack.free_port(), env, log=logs / "chalice.log") as (url, _):
            yield Http(url, env)


@pytest.fixture(scope="module")
def dcxo(sources_stack) -> str:
    status, _, body = sources_stack.request("POST", "/departments", token=issuer.mint("ccxo"), body={
        "id": DEPT, "name": "SF Public Works", "time_zone": "America/Los_Angeles", "response_target_hours": 48,
        "dcxo_contact": {"name": "DPW DCXO", "email": "dcxo@sfdpw.example.gov"},
        "staffed_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}})
    assert status == 201, body
    return issuer.mint("dcxo", DEPT)


def _csv(stack: Http, token: str, text: str, profile: str) -> dict:
    req = urllib.request.Request(f"{stack.base}/departments/{DEPT}/feedback/imports?profile={profile}",
                                 data=text.encode(), method="POST",
                                 headers={"Content-Type": "text/csv", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=60) as response:
        return json.loads(response.read())


def _reconcile(stack: Http) -> dict:
    out = subprocess.run([sys.executable, "-m", "devtools.reconcile", "--dept", DEPT], cwd=localstack.ROOT,
                         env={**os.environ, **stack.env}, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_myla311_file_over_http_matches_an_independent_recount(sources_stack, dcxo):
    result = _csv(sources_stack, dcxo, (SAMPLES / "la311_2017q4.csv").read_text(), "la311")
    assert (result["created"], result["rejected"]) == (9, 1)
    status, _, summary = sources_stack.request("GET", f"/departments/{DEPT}/voc-summary?period=2017-Q4", token=dcxo)
    assert status == 200
    expected = figures(list(LA_FACTS.values()), 48, datetime.now(timezone.utc), "America/Los_Angeles")
    assert (summary["volume"], summary["responded"], summary["within_target_share"],
            summary["overdue_unanswered"], summary["first_response_hours"]["mean"]) == (
        expected["volume"], expected["responded"], expected["within_target_share"],
        expected["overdue_unanswered"], expected["mean_hours"])
    again = _csv(sources_stack, dcxo, (SAMPLES / "la311_2017q4.csv").read_text(), "la311")
    assert (again["created"], again["updated"], again["duplicates"]) == (0, 0, 9)


def test_an_open311_source_is_pulled_then_followed_and_failures_are_named(sources_stack, dcxo):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    since = now - timedelta(days=120)
    with serve() as (url, server):
        # Given 30 requests over 120 days on a server that pages (page_size 10): two 90-day windows
        server.requests = [request(5000 + n, since + timedelta(days=4 * n, hours=2),
                                   status="closed" if n % 3 == 0 else "open",
                                   updated=since + timedelta(days=4 * n, hours=9),
                                   expected=since + timedelta(days=4 * n + 2)) for n in range(30)]
        status, _, source = sources_stack.request("POST", f"/departments/{DEPT}/sources", token=dcxo, body={
            "name": "SF311", "base_url": url, "since": since.isoformat(), "page_size": 10, "api_key": "e2e-key"})
        assert status == 201, source
        assert "api_key" not in source and source["has_api_key"]
        # When the DCXO pulls it
        status, _, first = sources_stack.request("POST", f"/departments/{DEPT}/sources/{source['id']}/sync",
                                                 token=dcxo)
        # Then all 30 arrive over several pages of two windows, each with its own due time
        assert status == 200 and (first["status"], first["fetched"], first["created"]) == ("ok", 30, 30), first
        assert len({(c["start_date"], c["end_date"]) for c in server.calls if "start_date" in c}) == 2
        assert {c["page"] for c in server.calls if "page" in c} >= {"1", "2", "3"}
        assert {c.get("api_key") for c in server.calls} == {"e2e-key"}
        facts = [Fact("other", datetime.fromisoformat(r["requested_datetime"]),
                      datetime.fromisoformat(r["updated_datetime"]) if r["status"] == "closed" else None,
                      due=datetime.fromisoformat(r["expected_datetime"])) for r in server.requests]
        status, _, voc = sources_stack.request("GET", f"/departments/{DEPT}/voc-summary?period="
                                               f"{_fy(now)}", token=dcxo)
        in_fy = [f for f in facts if f.received >= _fy_start(now)]
        expected = figures(in_fy, 48, datetime.now(timezone.utc), "America/Los_Angeles")
        assert (voc["volume"], voc["overdue_unanswered"], voc["within_target_share"]) == (
            expected["volume"], expected["overdue_unanswered"], expected["within_target_share"])
        # When three open requests close and it is pulled again
        server.calls.clear()
        for r in [r for r in server.requests if r["status"] == "open"][:3]:
            r.update(status="closed", updated_datetime=(now - timedelta(hours=2)).isoformat())
        status, _, second = sources_stack.request("POST", f"/departments/{DEPT}/sources/{source['id']}/sync",
                                                  token=dcxo)
        # Then exactly those are updated and nothing older than the watermark's overlap is re-read
        assert (second["created"], second["updated"], second["status"]) == (0, 3, "ok"), second
        watermark = datetime.fromisoformat(first["watermark"])
        assert all(datetime.fromisoformat(c["start_date"]) >= watermark - timedelta(minutes=15)
                   for c in server.calls if "start_date" in c)
        # When the server times out, fails, answers HTML or a malformed datetime
        server.requests.append(request(9999, now - timedelta(minutes=5)))
        for mode, named in (("timeout", "timed out"), ("500", "HTTP 500"), ("html", "HTML"),
                            ("bad_datetime", "requested_datetime")):
            server.mode, server.sleep = mode, 2.5
            status, _, failed = sources_stack.request("POST", f"/departments/{DEPT}/sources/{source['id']}/sync",
                                                      token=dcxo)
            # Then last_sync names it and the new request is not half-imported
            assert status == 200 and failed["status"] == "error" and named in failed["error"], (mode, failed)
            assert failed["created"] == 0
            status, _, read = sources_stack.request("GET", f"/departments/{DEPT}/sources/{source['id']}", token=dcxo)
            assert read["last_sync"]["error"] == failed["error"]
        server.mode = "ok"
        status, _, recovered = sources_stack.request("POST", f"/departments/{DEPT}/sources/{source['id']}/sync",
                                                     token=dcxo)
        assert (recovered["status"], recovered["created"]) == ("ok", 1), recovered
    # And the aggregates equal a recount from the records
    assert _reconcile(sources_stack)["drift"] == {}


def _fy_start(now: datetime) -> datetime:
    year = now.year + 1 if now.month >= 10 else now.year
    return datetime(year - 1, 10, 1, 7, tzinfo=timezone.utc)  # 1 October, 00:00 Pacific (PDT)


def _fy(now: datetime) -> str:
    return f"FY{now.year + 1 if now.month >= 10 else now.year}"
