"""The reminder rules on a frozen day, around every boundary: a target date today, tomorrow, 30 and
31 days out, yesterday; an action due in 14 and 15 days, today, yesterday; one year reached within
30 days; 90 and 91 days past the target; a month-over-month drop of exactly 10 points."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.audits import attention
from chalicelib.reminders import rules

TODAY = date(2017, 6, 15)


def rec(**overrides) -> attention.RecFacts:
    """A recommendation issued 2017-05-08 (decision due 2017-11-08, one year on 2018-05-08) with an
    agreed decision and no target date, unless overridden."""
    base = dict(department="corp-comms", rec_id="r1", report_id="rep1", report_number="MS-AR-17-006",
                number=1, text="Develop strategies", status="in_progress", issued_on=date(2017, 5, 8),
                has_decision=True, decided_on=date(2017, 6, 1), evaluated=True)
    base.update(overrides)
    return attention.RecFacts(**base)


def action(due: date, status: str = "planned") -> attention.ActionFacts:
    return attention.ActionFacts(department="corp-comms", rec_id="r1", action_id="a1",
                                 report_number="MS-AR-17-006", number=1, description="Staff weekends",
                                 owner="VP", due_date=due, status=status)


def kinds(items) -> list[str]:
    return [item.kind for item in items]


def target_clock(items):
    [item] = [i for i in items if i.kind in ("target_date_approaching", "recommendation_overdue")]
    return next(c for c in item.clocks if c.clock == "target_date")


# --- dcxo: target dates ---
@pytest.mark.parametrize("offset, kind, days_left, days_overdue", [
    (0, "target_date_approaching", 0, None),     # today: due, not yet overdue
    (1, "target_date_approaching", 1, None),     # tomorrow
    (30, "target_date_approaching", 30, None),   # 30 days out: still within 30 days
    (-1, "recommendation_overdue", None, 1),     # yesterday: overdue by one day
])
def test_target_date_within_30_days_or_past(offset, kind, days_left, days_overdue):
    # Given a recommendation whose target date is `offset` days from today
    facts = rec(target_date=TODAY + timedelta(days=offset))
    # When the dcxo's digest is computed
    items = rules.dcxo_rec_items(facts, TODAY)
    # Then it holds the recommendation once, with the target-date clock counted in days
    assert kinds(items) == [kind]
    clock = target_clock(items)
    assert (clock.due_on, clock.days_left, clock.days_overdue) == (facts.target_date, days_left, days_overdue)


def test_target_date_31_days_out_is_not_yet_in_the_digest():
    assert rules.dcxo_rec_items(rec(target_date=TODAY + timedelta(days=31)), TODAY) == []


def test_closed_recommendations_never_show():
    for status in ("closed_implemented", "closed_not_implemented"):
        facts = rec(status=status, target_date=TODAY - timedelta(days=400), has_decision=False)
        assert rules.dcxo_rec_items(facts, TODAY) == []
        assert rules.auditor_items(facts, TODAY) == []
        assert rules.ccxo_items(facts, TODAY) == []
        assert attention.dept_attention(facts) is None and attention.org_attention(facts) is None


def test_every_overdue_clock_is_named_with_its_due_date():
    # Given a recommendation issued 2013-08-01 without a decision, past a 2014-09-30 target
    facts = rec(issued_on=date(2013, 8, 1), has_decision=False, decided_on=None, evaluated=False,
                target_date=date(2014, 9, 30), status="open")
    [item] = rules.dcxo_rec_items(facts, TODAY)
    # Then all three clocks are overdue, each from the day after its due date
    assert item.kind == "recommendation_overdue"
    assert [(c.clock, c.due_on, c.days_overdue) for c in item.clocks] == [
        ("decision", date(2014, 2, 1), (TODAY - date(2014, 2, 1)).days),
        ("final_action", date(2014, 8, 1), (TODAY - date(2014, 8, 1)).days),
        ("target_date", date(2014, 9, 30), (TODAY - date(2014, 9, 30)).days)]
    assert item.age_days == (TODAY - date(2013, 8, 1)).days


@pytest.mark.parametrize("today, overdue", [(date(2017, 11, 8), False), (date(2017, 11, 9), True)])
def test_decision_clock_starts_the_day_after_six_months(today, overdue):
    facts = rec(has_decision=False, decided_on=None, evaluated=False, status="open")
    items = rules.dcxo_rec_items(facts, today)
    assert kinds(items) == (["recommendation_overdue"] if overdue else [])
    # and the index entry is read from exactly that day
    assert attention.dept_attention(facts) == date(2017, 11, 9)


# --- dcxo: corrective actions ---
@pytest.mark.parametrize("offset, kind", [
    (14, "action_due"), (0, "action_due"), (-1, "action_overdue"), (-300, "action_overdue")])
def test_actions_due_within_14_days_or_past_due(offset, kind):
    item = rules.dcxo_action_item(action(TODAY + timedelta(days=offset)), TODAY)
    assert item is not None and item.kind == kind
    clock = item.clocks[0]
    assert clock.clock == "action_due_date"
    assert (clock.days_left, clock.days_overdue) == ((offset, None) if offset >= 0 else (None, -offset))


def test_an_action_due_in_15_days_or_done_is_not_in_the_digest():
    assert rules.dcxo_action_item(action(TODAY + timedelta(days=15)), TODAY) is None
    for status in ("done", "cancelled"):
        assert rules.dcxo_action_item(action(TODAY - timedelta(days=3), status), TODAY) is None
    # An action's entry is read from 14 days before its due date, only while both are open
    assert attention.action_attention(action(date(2017, 7, 1)), rec_open=True) == date(2017, 6, 17)
    assert attention.action_attention(action(date(2017, 7, 1)), rec_open=False) is None
    assert attention.action_attention(action(date(2017, 7, 1), "done"), rec_open=True) is None


# --- dcxo: closure returned ---
def test_a_returned_closure_request_stays_until_the_next_request():
    facts = rec(closure_returned_on=date(2017, 6, 10), closure_return_reason="Evidence covers one platform only")
    [item] = rules.dcxo_rec_items(facts, TODAY)
    assert item.kind == "closure_returned" and item.age_days == 5
    assert item.extra["reason"] == "Evidence covers one platform only"
    assert attention.dept_attention(facts) == date(2017, 6, 10)
    # Once closure is requested again it is the auditor's, no longer the dcxo's
    again = rec(status="closure_requested", closure_requested_on=date(2017, 6, 14))
    assert rules.dcxo_rec_items(again, TODAY) == []


# --- auditor ---
def test_auditor_sees_closure_requests_and_unevaluated_decisions_with_their_age():
    facts = rec(status="closure_requested", closure_requested_on=date(2017, 6, 1), evaluated=False,
                decided_on=date(2017, 5, 20))
    items = rules.auditor_items(facts, TODAY)
    assert [(i.kind, i.age_days) for i in items] == [("closure_request_awaiting", 14),
                                                     ("decision_awaiting_evaluation", 26)]
    assert attention.org_attention(facts) == date(2017, 5, 20)
    # An evaluated decision, or none at all, awaits nothing
    assert rules.auditor_items(rec(), TODAY) == []
    assert rules.auditor_items(rec(has_decision=False, decided_on=None, evaluated=False), TODAY) == []


@pytest.mark.parametrize("today, shown", [
    (date(2018, 4, 7), False),  # 31 days before the first anniversary
    (date(2018, 4, 8), True),   # 30 days before
    (date(2018, 5, 8), True),   # the anniversary itself
    (date(2018, 5, 9), False),  # past it: now overdue on the final-action clock (the dcxo's)
])
def test_one_year_unimplemented_within_30_days(today, shown):
    items = rules.auditor_items(rec(), today)
    assert kinds(items) == (["one_year_approaching"] if shown else [])
    if shown:
        assert items[0].clocks[0].days_left == (date(2018, 5, 8) - today).days
    assert attention.org_attention(rec()) == date(2018, 4, 8)


# --- ccxo ---
@pytest.mark.parametrize("days_past, shown", [(90, False), (91, True), (900, True)])
def test_escalation_only_beyond_90_days_past_the_target(days_past, shown):
    facts = rec(target_date=TODAY - timedelta(days=days_past))
    items = rules.ccxo_items(facts, TODAY)
    assert kinds(items) == (["target_date_escalation"] if shown else [])
    if shown:
        assert items[0].clocks[0].days_overdue == days_past
    assert attention.org_attention(facts) == facts.target_date + timedelta(days=91)


@pytest.mark.parametrize("previous, current, shown", [
    ((80, 100), (70, 100), False),   # exactly 10 points: not more than 10
    ((8, 10), (7, 10), False),       # the same in other counts (float arithmetic would say 10.000000000000009)
    ((80, 100), (699, 1000), True),  # 10.1 points
    ((43, 100), (60, 100), False),   # a rise
    ((0, 0), (10, 100), False),      # nothing due the month before: no comparison
])
def test_within_target_drop_of_more_than_10_points(previous, current, shown):
    item = rules.within_target_drop("corp-comms", ("2017-02", "2017-03"), previous, current)
    assert (item is not None) == shown
    if shown:
        assert item.extra == {"previous_month": "2017-02", "month": "2017-03", "previous_share": 0.8,
                              "share": 0.699, "drop_points": 10.1}


def test_overdue_feedback_gives_count_and_oldest():
    now = datetime(2017, 6, 15, 12, 0, tzinfo=timezone.utc)
    received = datetime(2017, 6, 13, 9, 0, tzinfo=timezone.utc)
    item = rules.feedback_item("corp-comms", 3, received, received + timedelta(hours=6), now)
    assert item.kind == "feedback_overdue"
    assert item.extra["count"] == 3 and item.extra["oldest_received_at"] == received
    assert item.extra["hours_overdue"] == 45.0
    assert rules.feedback_item("corp-comms", 0, None, None, now) is None


def test_facts_round_trip_through_their_json():
    facts = rec(target_date=date(2017, 9, 30), closure_returned_on=date(2017, 6, 1),
                closure_return_reason="more evidence")
    assert attention.RecFacts.from_json(facts.to_json()) == facts
    act = action(date(2017, 7, 1))
    assert attention.ActionFacts.from_json(act.to_json()) == act


def test_an_outbox_file_name_never_leaves_the_outbox(tmp_path):
    from pathlib import Path

    from chalicelib.reminders import job, mail

    # An address is valid with "/" and ".." in its local part; the .eml stays in the day's folder
    recipient = mail.Recipient("dcxo", "Eve", "../../etc/x@evil.example.gov", "parks")
    path = job._write_eml(str(tmp_path), "2017-10-02", recipient, b"raw")
    assert Path(path).resolve().parent == (tmp_path / "2017-10-02").resolve()
    assert Path(path).name == "dcxo-parks-_.._etc_x@evil.example.gov.eml"
