"""The demo's peers (issue 29): seeded with the demo year, Public Works and Parks are compared with
five synthetic 311 owner groups of FY2017; every peer figure of a quarter equals this test's own computation from
the seed's rows (Los Angeles wall times, plain datetime arithmetic and `statistics`), and seeding
again writes nothing."""
from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from devtools import issuer, seed_peers
from devtools.seed import seed

LA = ZoneInfo("America/Los_Angeles")
FMT = "%m/%d/%Y %I:%M:%S %p"
Q1 = ("2017-01", "2017-02", "2017-03")  # a quarter of the demo year: on moto each month costs seconds


def _utc(text: str) -> datetime:
    return datetime.strptime(text, FMT).replace(tzinfo=LA).astimezone(timezone.utc)


def _expected() -> dict[str, dict[str, float]]:
    """2017-Q1 (created January-March, Los Angeles time) per owner: median hours to close, and the
    share closed within 72 hours of the rows judged (closed, or open past their due time when the
    set was retrieved on 5 October 2017)."""
    retrieved_end = datetime(2017, 10, 6, tzinfo=LA).astimezone(timezone.utc)
    hours: dict[str, list[float]] = {}
    judged: dict[str, list[int]] = {}
    rows = [r for r in seed_peers.rows() if datetime.strptime(r["CreatedDate"], FMT).strftime("%Y-%m") in Q1]
    for row in rows:
        created = _utc(row["CreatedDate"])
        due = created + timedelta(hours=72)
        if "ClosedDate" in row:
            closed = _utc(row["ClosedDate"])
            hours.setdefault(row["Owner"], []).append((closed - created).total_seconds() / 3600)
            judged.setdefault(row["Owner"], []).append(int(closed <= due))
        elif due < retrieved_end:
            judged.setdefault(row["Owner"], []).append(0)
    return {g: {"median_hours_to_close": statistics.median(hours[g]),
                "within_target_share": sum(judged[g]) / len(judged[g]),
                "volume": sum(1 for r in rows if r["Owner"] == g)} for g in hours}


def test_the_demo_compares_public_works_and_parks_with_peer_groups(api):
    seed()
    assert seed_peers.seed()[0].startswith("peer set")
    assert seed_peers.seed() == []  # a second seed writes nothing
    expected = _expected()
    ccxo, dcxo = issuer.mint("ccxo"), issuer.mint("dcxo", "public-works")
    sets = api.get("/peer-sets", token=ccxo).json["items"]
    peer_set = next(s for s in sets if s["name"] == seed_peers.SET_NAME)
    figures = api.get(f"/peer-sets/{peer_set['id']}/figures?period=2017-Q1", token=ccxo)
    assert figures.status_code == 200, figures.body
    whole = {f["group"]: f for f in figures.json["items"] if f["service_type"] is None}
    assert sorted(whole) == sorted(seed_peers.GROUPS)
    for group, want in expected.items():
        assert whole[group]["volume"] == want["volume"]
        assert abs(whole[group]["hours_to_close"]["median"] - want["median_hours_to_close"]) < 1e-3, group
        assert abs(whole[group]["within_target_share"] - want["within_target_share"]) < 1e-3, group
    # Public Works' page: its four groups, their distribution, as the department page asks
    answer = api.get("/departments/public-works/benchmarks/peers?measure=median_hours_to_close&period=2017-Q1",
                     token=dcxo)
    assert answer.status_code == 200, answer.body
    got = {p["group"]: p["value"] for p in answer.json["peers"]}
    groups = seed_peers.MAPPINGS["public-works"]
    assert list(got) == groups
    assert all(abs(got[g] - expected[g]["median_hours_to_close"]) < 1e-3 for g in groups)
    assert abs(answer.json["distribution"]["median"] -
               statistics.median(expected[g]["median_hours_to_close"] for g in groups)) < 1e-3
    parks = api.get("/departments/parks/peer-mapping", token=ccxo).json
    assert [g["group"] for g in parks["groups"]] == seed_peers.MAPPINGS["parks"]
