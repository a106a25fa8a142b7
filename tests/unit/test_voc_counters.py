"""The VoC rules as pure functions: due times, out-of-hours over DST, counters and the summary."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.voc import counters as vc, facts as vf

UTC = timezone.utc
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def test_due_time_is_the_target_rounded_up_to_the_minute():
    received = datetime(2017, 3, 15, 14, 0, 30, tzinfo=UTC)
    assert vf.due_at(received, 6) == datetime(2017, 3, 15, 20, 1, tzinfo=UTC)
    assert vf.due_at(received.replace(second=0), 6) == datetime(2017, 3, 15, 20, 0, tzinfo=UTC)
    assert vf.due_at(received, 0.5) == datetime(2017, 3, 15, 14, 31, tzinfo=UTC)


def test_out_of_hours_on_the_wall_clock_before_and_after_dst():
    ny = "America/New_York"
    # 12:30 UTC is 07:30 EST on Friday 10 March, 08:30 EDT on Monday 13 March 2017
    assert vf.out_of_hours(datetime(2017, 3, 10, 12, 30, tzinfo=UTC), ny, WEEKDAYS, "08:00", "18:00")
    assert not vf.out_of_hours(datetime(2017, 3, 13, 12, 30, tzinfo=UTC), ny, WEEKDAYS, "08:00", "18:00")
    # November: 22:30 UTC is 18:30 EDT on Friday 3, 17:30 EST on Monday 6
    assert vf.out_of_hours(datetime(2017, 11, 3, 22, 30, tzinfo=UTC), ny, WEEKDAYS, "08:00", "18:00")
    assert not vf.out_of_hours(datetime(2017, 11, 6, 22, 30, tzinfo=UTC), ny, WEEKDAYS, "08:00", "18:00")


def test_a_night_shift_belongs_to_the_day_it_starts():
    zone = "UTC"
    friday_night = datetime(2017, 3, 10, 23, 0, tzinfo=UTC)
    saturday_early = datetime(2017, 3, 11, 2, 0, tzinfo=UTC)
    saturday_night = datetime(2017, 3, 11, 23, 0, tzinfo=UTC)
    assert not vf.out_of_hours(friday_night, zone, ["fri"], "22:00", "06:00")
    assert not vf.out_of_hours(saturday_early, zone, ["fri"], "22:00", "06:00")
    assert vf.out_of_hours(saturday_night, zone, ["fri"], "22:00", "06:00")


def _facts(**kw) -> vf.FeedbackFacts:
    received = kw.pop("received_at", datetime(2017, 3, 15, 14, 0, tzinfo=UTC))
    base = dict(month="2017-03", channel="twitter", category="complaint", actionable=True,
                received_at=received, due_at=vf.due_at(received, 6), out_of_hours=False, ever_actionable=True)
    return vf.FeedbackFacts(**{**base, **kw})


def test_a_response_moves_the_item_out_of_its_due_bucket():
    open_item = _facts()
    answered = _facts(first_responded_at=datetime(2017, 3, 15, 15, 30, tzinfo=UTC))
    assert vc.contributions(open_item)["VOCDUE#2017-03#2017-03-15"] == {"due__twitter__2000": 1}
    change = vc.delta(open_item, answered)
    assert change["VOCDUE#2017-03#2017-03-15"] == {"due__twitter__2000": -1}
    assert change["VOCRT#2017-03#twitter"] == {"rt__m90": 1}
    assert change["VOC#2017-03"] == {"voc__responded": 1, "voc__rt_seconds": 5400, "voc__ch__twitter__responded": 1,
                                     "voc__ch__twitter__rt_seconds": 5400, "voc__due_responded": 1, "voc__within": 1,
                                     "voc__ch__twitter__due_responded": 1, "voc__ch__twitter__within": 1,
                                     # and out of the month item's count by due day
                                     "voc__dueday__twitter__2017-03-15": -1}
    assert vc.merge(vc.contributions(open_item), change) == vc.contributions(answered)


def test_long_response_times_fall_into_hour_buckets():
    assert vc.rt_bucket(59) == "rt__m0" and vc.rt_bucket(10079 * 60) == "rt__m10079"
    assert vc.rt_bucket(10080 * 60 + 59 * 60) == "rt__h168"
    assert vc.bucket_minutes("rt__h168") == 10080


def test_summary_overdue_depends_on_the_moment_and_a_silent_channel_shows_zero():
    items = [_facts(channel="instagram"),
             _facts(first_responded_at=datetime(2017, 3, 15, 21, 0, tzinfo=UTC)),
             _facts(first_responded_at=datetime(2017, 3, 15, 14, 30, tzinfo=UTC), nps=10, csat=5, ces=2),
             _facts(actionable=False, ever_actionable=False, nps=3, csat=3, ces=5)]
    counters = vc.recount(items)
    before = vc.summarize("2017-03", counters, datetime(2017, 3, 15, 19, 59, tzinfo=UTC))
    after = vc.summarize("2017-03", counters, datetime(2017, 3, 15, 20, 0, tzinfo=UTC))
    assert (before["overdue_unanswered"], after["overdue_unanswered"]) == (0, 1)
    assert before["within_target_share"] == 0.5 and after["within_target_share"] == round(1 / 3, 6)
    assert before["by_channel"]["instagram"]["within_target_share"] is None
    assert after["by_channel"]["instagram"]["within_target_share"] == 0
    assert after["first_response_hours"] == {"mean": 3.75, "median": 3.75}
    assert (after["nps"], after["csat"], after["ces"]) == (0.0, 0.5, 3.5)
    assert after["a11"]["trust"] is None and after["volume"] == 4


def test_median_is_exact_to_the_minute():
    hist = {"rt__m10": 1, "rt__m20": 2, "rt__m600": 1}
    assert vc._median_minutes(hist) == 20
    assert vc._median_minutes({"rt__m10": 1, "rt__m20": 1}) == 15
    assert vc._median_minutes({}) is None
    assert vc.summarize("2017-03", {}, datetime(2017, 3, 1, tzinfo=UTC))["first_response_hours"] == \
        {"mean": None, "median": None}
    assert timedelta(minutes=vc.MINUTE_BUCKETS_UP_TO) == timedelta(days=7)


def test_the_fiscal_year_items_repeat_the_month_and_due_items_of_their_federal_year():
    # A post of 30 September 2016 belongs to FY2016, one of 1 October 2016 to FY2017 (Oct-Sep)
    september = _facts(month="2016-09", received_at=datetime(2016, 9, 30, 12, 0, tzinfo=UTC))
    october = _facts(month="2016-10", received_at=datetime(2016, 10, 1, 12, 0, tzinfo=UTC))
    for item, fy, month, day in ((september, "FY2016", "2016-09", "2016-09-30"),
                                 (october, "FY2017", "2016-10", "2016-10-01")):
        counted = vc.contributions(item)
        assert counted[f"VOCFY#{fy}"] == counted[f"VOC#{month}"] and counted[f"VOCFY#{fy}"]["voc__volume"] == 1
        assert counted[f"VOCFYDUE#{fy}#{day}"] == counted[f"VOCDUE#{month}#{day}"] == {"due__twitter__1800": 1}
        assert not [s for s in counted if s.startswith("VOCFY") and fy not in s]
    # A summary from the fiscal-year items alone equals the one from the month items alone
    both = vc.recount([september, october, _facts(nps=10), _facts(first_responded_at=datetime(2017, 3, 15, 16, tzinfo=UTC))])
    now = datetime(2017, 6, 1, tzinfo=UTC)
    months = {s: b for s, b in both.items() if s.startswith(("VOC#", "VOCDUE#", "VOCRT#")) and "2016-09" not in s}
    fiscal = {s: b for s, b in both.items() if s.startswith(("VOCFY#FY2017", "VOCFYDUE#FY2017"))}
    from_months, from_fy = vc.summarize("FY2017", months, now), vc.summarize("FY2017", fiscal, now)
    assert from_fy["volume"] == 3 and from_fy["overdue_unanswered"] == 2 and from_fy["nps"] == 100
    for name in ("volume", "responded", "overdue_unanswered", "within_target_share", "nps", "by_channel"):
        if name == "by_channel":
            assert {c: {k: v for k, v in f.items() if k != "first_response_hours"}
                    for c, f in from_fy[name].items()} == \
                   {c: {k: v for k, v in f.items() if k != "first_response_hours"} for c, f in from_months[name].items()}
        else:
            assert from_fy[name] == from_months[name], name
    # And given both, the months are read and the fiscal year is not counted twice
    assert vc.summarize("FY2017", {**months, **fiscal}, now)["volume"] == 3
