"""The demo seed's feedback: repeatable, redacted, and showing the audit's findings."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.core import clock
from devtools import issuer
from devtools.seed import seed, seed_feedback


def test_the_demo_feedback_is_repeatable_and_shows_the_findings(api, monkeypatch):
    seed()  # on today's clock: the demo audits include recent reports
    # Read back as of 1 April 2017, within FY2017
    monkeypatch.setattr(clock, "now", lambda: datetime(2017, 4, 1, tzinfo=timezone.utc))
    # Seeding again creates nothing
    assert seed_feedback() == {"corp-comms": 0, "customer-care": 0, "public-works": 0, "parks": 0}
    token = issuer.mint("dcxo", "corp-comms")
    summary = api.get("/departments/corp-comms/voc-summary?period=FY2017", token=token).json
    assert summary["volume"] == 13
    assert summary["by_channel"]["instagram"]["responded"] == 0
    assert summary["by_channel"]["instagram"]["within_target_share"] == 0
    assert summary["overdue_unanswered"] > 0 and 0 < summary["out_of_hours_share"] < 1
    listed = api.get("/departments/corp-comms/feedback?limit=200", token=token).json["items"]
    assert all("202-555" not in (f["comment"] or "") and "@example.com" not in (f["comment"] or "") for f in listed)
