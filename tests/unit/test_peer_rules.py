"""Peer figures' rules without AWS (issue 29), each against an independent computation."""
from __future__ import annotations

import math
import random
import statistics
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.peers import rules

SET = {"kind": "service_requests", "group_column": "Owner", "service_column": "Type", "target_hours": 24,
       "retrieved_on": "2018-01-05"}
UTC = timezone.utc


@pytest.mark.parametrize("n", [1, 2, 3, 10, 11, 999, 1000])
def test_order_statistics_read_the_stream_only_to_the_p90_and_are_exact(n):
    rnd = random.Random(n)
    values = sorted(rnd.randrange(0, 10 ** 7) for _ in range(n))
    consumed = []

    def stream():
        for v in values:
            consumed.append(v)
            yield v

    got = rules.order_statistics(stream(), n)
    assert got["median"] == pytest.approx(statistics.median(values) / 3600, abs=1e-6)
    assert got["p90"] == pytest.approx(values[math.ceil(0.9 * n) - 1] / 3600, abs=1e-6)
    assert len(consumed) == math.ceil(0.9 * n)  # never past the p90's rank


def test_distribution_is_the_inclusive_quartiles_and_percentile_is_direction_aware():
    values = [3.0, 10.5, 7.25, 1.0, 8.0, 12.0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    assert rules.distribution(values) == pytest.approx({"min": 1.0, "p25": q[0], "median": q[1], "p75": q[2], "max": 12.0})
    assert rules.distribution([]) is None
    # 7.5 hours is better (lower) than 10.5, 8 and 12: half of the six peers
    assert rules.percentile(7.5, values, "median_hours_to_close") == 50.0
    # a share of 7.5 is better (higher) than 3, 7.25 and 1
    assert rules.percentile(7.5, values, "within_target_share") == 50.0
    assert rules.percentile(1.0, values, "within_target_share") == 0.0  # ties are not beaten
    assert rules.percentile(None, values, "volume") is None and rules.percentile(1.0, [], "volume") is None


def _row(received, closed=None, due=None, **raw):
    fields = {"source_id": "SR-1", "received_at": received, "first_responded_at": closed, "due_at": due}
    return rules.contribution(SET, {k: v for k, v in fields.items() if v is not None},
                              {"Owner": "BOS", "Type": "Graffiti", **raw}, "America/Los_Angeles")


def test_within_target_uses_the_due_time_else_the_target_and_open_rows_past_it_count_against():
    t0 = datetime(2017, 12, 30, 12, tzinfo=UTC)
    assert _row(t0, t0 + timedelta(hours=23)).within == 1  # target 24 h
    assert _row(t0, t0 + timedelta(hours=25)).within == 0
    assert _row(t0, t0 + timedelta(hours=25), due=t0 + timedelta(hours=48)).within == 1  # its own due time wins
    # open: the snapshot is the end of 2018-01-05 UTC
    assert _row(t0).within == 0  # due 2017-12-31, before the snapshot: against
    late = datetime(2018, 1, 5, 20, tzinfo=UTC)
    assert _row(late).within is None  # due after the snapshot: not judged yet
    assert _row(t0, t0 + timedelta(seconds=5400)).seconds == 5400


def test_a_row_is_counted_in_the_month_of_the_sets_zone_and_closed_before_created_is_refused():
    # 2018-01-01 05:00 UTC is still December 31 in Los Angeles
    assert _row(datetime(2018, 1, 1, 5, tzinfo=UTC)).month == "2017-12"
    with pytest.raises(rules.RowProblem) as refused:
        _row(datetime(2018, 1, 1, 5, tzinfo=UTC), datetime(2018, 1, 1, 4, tzinfo=UTC))
    assert refused.value.field == "first_responded_at"
    with pytest.raises(rules.RowProblem) as empty:
        _row(datetime(2018, 1, 1, 5, tzinfo=UTC), Owner=" ")
    assert empty.value.field == "Owner"


def test_a_rows_places_are_its_groups_and_its_service_types_and_its_digest_follows_its_values():
    row = _row(datetime(2018, 1, 1, 5, tzinfo=UTC), datetime(2018, 1, 1, 6, tzinfo=UTC))
    assert [s for s, _ in row.parts()] == [None, "Graffiti"]
    assert row.sort_key().startswith("C#000000003600#")
    again = _row(datetime(2018, 1, 1, 5, tzinfo=UTC), datetime(2018, 1, 1, 6, tzinfo=UTC))
    later = _row(datetime(2018, 1, 1, 5, tzinfo=UTC), datetime(2018, 1, 1, 7, tzinfo=UTC))
    assert row.digest() == again.digest() != later.digest()
