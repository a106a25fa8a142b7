"""Digests: what each role's digest holds now, read from the due-date index, the feedback's
open-items index and the aggregates only (never a scan of records):

- a department: one Query of its due entries up to today, one Query for its oldest overdue
  unanswered feedback item and, when there is one, one COUNT Query of the same index;
- the auditors: one Query of the org's due entries;
- the ccxo: the same Query, the `REC` aggregates of every department (one `by_org` Query) and the
  two months' `VOC` aggregates (one `by_org` Query each).

`OrgReads` shares these reads between the recipients of one scheduled run. The v1.2 kinds (second-look
samples awaiting a verdict, open watch alerts) are read and worded in digest_reviews_watch.py."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from typing import Mapping

from chalicelib.core import clock, periods
from chalicelib.core.auth import Principal
from chalicelib.db import aggregates
from chalicelib.audits import overdue
from chalicelib.audits import service as audits
from chalicelib.audits.attention import ActionFacts, RecFacts
from chalicelib.voc import counters as voc_counters
from chalicelib.voc import service as voc_service
from chalicelib.audits.rollup import recommendation_figures
from chalicelib.reminders import rules
from chalicelib.reminders import digest_reviews_watch as v12
from chalicelib.reminders.schemas import Digest, DigestClock, DigestItem, OrgTotals, RecommendationTotals

DCXO_ORDER = ("watch_alert", "recommendation_overdue", "closure_returned", "target_date_approaching",
              "action_overdue", "action_due", "feedback_overdue", "review_sample_awaiting")
AUDITOR_ORDER = ("closure_request_awaiting", "decision_awaiting_evaluation", "one_year_approaching",
                 "review_sample_awaiting")
CCXO_ORDER = ("watch_alert", "target_date_escalation", "within_target_drop", "review_sample_awaiting")


def dashboard_base() -> str:
    """Where the dashboard is served (`CXGOV_DASHBOARD_BASE_URL`, e.g. https://cx.example.gov/v1);
    without it the links are relative."""
    return os.environ.get("CXGOV_DASHBOARD_BASE_URL", "").rstrip("/")


def max_items() -> int:
    """How many items a digest shows (the API's answer and a message stay readable and small)."""
    return max(1, int(os.environ.get("CXGOV_DIGEST_MAX_ITEMS", "200")))


def counts(items: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in items:
        found[item.kind] = found.get(item.kind, 0) + 1
    return found


def org_zone() -> str:
    return os.environ.get("CXGOV_ORG_TIME_ZONE", "America/New_York")


# --- items as the API and the mail show them ---
def _clocks(item: rules.Item) -> list[DigestClock]:
    return [DigestClock(clock=c.clock, due_on=c.due_on, overdue=c.days_overdue is not None,
                        days_overdue=c.days_overdue, days_left=c.days_left, days_since=c.days_since)
            for c in item.clocks]


def _days(n: int) -> str:
    return f"{n:,} day" + ("" if n == 1 else "s")


_CLOCK_WORDS = {"decision": "management decision", "final_action": "final action (one year)",
                "target_date": "target date"}


def _summary(item: rules.Item) -> str:
    extra = item.extra
    if item.kind in ("recommendation_overdue", "target_date_approaching"):
        late = [f"{_CLOCK_WORDS[c.clock]} due {c.due_on} ({_days(c.days_overdue)} ago)"
                for c in item.clocks if c.days_overdue]
        soon = [f"{_CLOCK_WORDS[c.clock]} {c.due_on} (in {_days(c.days_left)})" if c.days_left
                else f"{_CLOCK_WORDS[c.clock]} {c.due_on} (today)"
                for c in item.clocks if c.days_overdue is None]
        return "; ".join(([f"Overdue: {', '.join(late)}"] if late else []) +
                         ([f"Coming up: {', '.join(soon)}"] if soon else []))
    if item.kind == "closure_returned":
        return (f"The auditor returned the closure request on {item.rec.closure_returned_on} "
                f"({_days(item.age_days)} ago): {extra.get('reason') or 'no reason given'}")
    if item.kind in ("action_due", "action_overdue"):
        c = item.clocks[0]
        when = f"past due since {c.due_on} ({_days(c.days_overdue)})" if c.days_overdue else \
            (f"due {c.due_on} (in {_days(c.days_left)})" if c.days_left else f"due today ({c.due_on})")
        return f"{item.action.description}: {when}; owner {item.action.owner}"
    if item.kind == "feedback_overdue":
        oldest = extra["oldest_received_at"]
        text = f"{extra['count']:,} unanswered past the response target"
        if oldest is not None:
            late = extra["hours_overdue"]
            text += (f"; the oldest received {oldest.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC, "
                     + (f"{late:,} hours past due" if late < 48 else f"{_days(int(late // 24))} past due"))
        return text
    if item.kind == "closure_request_awaiting":
        return f"Closure requested on {item.rec.closure_requested_on}, awaiting your decision for {_days(item.age_days)}"
    if item.kind == "decision_awaiting_evaluation":
        return f"Management decision of {item.rec.decided_on} awaiting your evaluation for {_days(item.age_days)}"
    if item.kind == "one_year_approaching":
        c = item.clocks[0]
        return f"One year unimplemented on {c.due_on} ({'today' if not c.days_left else 'in ' + _days(c.days_left)})"
    if item.kind == "target_date_escalation":
        c = item.clocks[0]
        return f"Target date {c.due_on} passed {_days(c.days_overdue)} ago (more than 90)"
    if item.kind in v12.KINDS:
        return v12.summary(item)
    if item.kind == "within_target_drop":
        return (f"Responses within target fell from {extra['previous_share']:.1%} in {extra['previous_month']} "
                f"to {extra['share']:.1%} in {extra['month']} ({extra['drop_points']} points)")
    raise ValueError(item.kind)


def _title(item: rules.Item) -> str:
    if item.rec is not None:
        return f"{item.rec.report_number} recommendation {item.rec.number}"
    if item.action is not None:
        return f"Corrective action, {item.action.report_number} recommendation {item.action.number}"
    if item.kind == "feedback_overdue":
        return "Overdue unanswered feedback"
    if item.kind in v12.KINDS:
        return v12.title(item)
    return "Responses within target fell"


def to_model(item: rules.Item, base: str) -> DigestItem:
    dept = item.department
    fields: dict = {}
    if item.rec is not None or item.action is not None:
        rec_id = item.rec.rec_id if item.rec is not None else item.action.rec_id
        link = f"/departments/{dept}/recommendations/{rec_id}"
        if item.action is not None:
            link += f"/actions/{item.action.action_id}"
            fields.update(action_id=item.action.action_id, report_number=item.action.report_number,
                          recommendation_number=item.action.number, status=item.action.status)
        else:
            fields.update(report_number=item.rec.report_number, recommendation_number=item.rec.number,
                          status=item.rec.status)
        fields["recommendation_id"] = rec_id
        dashboard = f"{base}/dashboard/recommendations/{dept}/{rec_id}"
    elif item.kind == "feedback_overdue":
        link, dashboard = f"/departments/{dept}/feedback?overdue=true", f"{base}/dashboard/departments/{dept}"
        fields.update(count=item.extra["count"], oldest_received_at=item.extra["oldest_received_at"])
    elif item.kind in v12.KINDS:
        link, dashboard, own = v12.links(item, base)
        fields.update(own)
    else:
        link = f"/departments/{dept}/voc-summary?period={item.extra['month']}"
        dashboard = f"{base}/dashboard/departments/{dept}"
        fields.update({k: item.extra[k] for k in ("previous_month", "month", "previous_share", "share",
                                                  "drop_points")})
    if "reason" in item.extra:
        fields["reason"] = item.extra["reason"]
    return DigestItem(kind=item.kind, department=dept, title=_title(item), summary=_summary(item),
                      clocks=_clocks(item), dates=item.dates, age_days=item.age_days, link=link,
                      dashboard_link=dashboard, **fields)


def _ordered(items: list[rules.Item], order: tuple[str, ...]) -> list[rules.Item]:
    def key(item: rules.Item):
        ref = item.rec or item.action
        return (order.index(item.kind), item.first_due, -(item.age_days or 0), item.department,
                getattr(ref, "report_number", ""), getattr(ref, "number", 0),
                getattr(item.action, "action_id", ""))
    return sorted(items, key=key)


# --- the reads ---
def _facts(entry: Mapping) -> RecFacts | ActionFacts:
    return (ActionFacts if entry["action_id"] else RecFacts).from_json(entry["facts"])


def department_items(dept: str, now: datetime, read_due: bool = True) -> list[rules.Item]:
    """`read_due` False skips the due entries (a run knows from the aggregates that the department
    has no open recommendation, hence no entry)."""
    today = overdue.utc_day(now)
    items: list[rules.Item] = []
    for entry in audits.department_due(dept, today) if read_due else []:
        facts = _facts(entry)
        if isinstance(facts, ActionFacts):
            found = rules.dcxo_action_item(facts, today)
            items += [found] if found else []
        else:
            items += rules.dcxo_rec_items(facts, today)
    count, oldest = voc_service.overdue_feedback(dept, now)
    if oldest is not None:
        found = rules.feedback_item(dept, count, oldest["received_at"], oldest["due_at"], now)
        items += [found] if found else []
    items += v12.review_items("dcxo", dept) + v12.alert_items(dept, today)
    return _ordered(items, DCXO_ORDER)


@dataclass
class OrgReads:
    """The org-wide reads, made once per run and shared by its recipients."""

    now: datetime

    @property
    def today(self) -> date:
        return overdue.utc_day(self.now)

    @cached_property
    def org_facts(self) -> list[RecFacts]:
        return [RecFacts.from_json(entry["facts"]) for entry in audits.org_due(self.today)]

    @cached_property
    def rec_counters(self) -> dict[str, dict[str, float]]:
        return aggregates.read_scope_for_all("REC")

    def auditor_items(self) -> list[rules.Item]:
        return _ordered([i for facts in self.org_facts for i in rules.auditor_items(facts, self.today)]
                        + v12.review_items("auditor", None), AUDITOR_ORDER)

    def ccxo_items(self) -> list[rules.Item]:
        items = [i for facts in self.org_facts for i in rules.ccxo_items(facts, self.today)]
        items += self.within_target_drops() + v12.review_items("ccxo", None) + v12.alert_items(None, self.today)
        return _ordered(items, CCXO_ORDER)

    def months(self) -> tuple[str, str]:
        """The last complete month in the org's zone and the month before it."""
        local = periods.local_date(self.now, org_zone())
        last = periods.containing(local.replace(day=1) - timedelta(days=1), "monthly")
        before = periods.containing(last.start - timedelta(days=1), "monthly")
        return before.label, last.label

    def within_target_drops(self) -> list[rules.Item]:
        previous, current = self.months()
        bags = {m: aggregates.read_scope_for_all(f"VOC#{m}") for m in (previous, current)}
        found = []
        for dept in sorted(set(bags[previous]) & set(bags[current])):
            counts = [_within_counts(dept, m, bags[m][dept], self.now) for m in (previous, current)]
            item = rules.within_target_drop(dept, (previous, current), counts[0], counts[1])
            found += [item] if item else []
        return found

    def totals(self, escalations: int) -> OrgTotals:
        summed: dict[str, float] = {}
        for bag in self.rec_counters.values():
            for name, value in bag.items():
                summed[name] = summed.get(name, 0) + value
        figures = recommendation_figures(summed, self.today)
        return OrgTotals(departments=len(self.rec_counters), escalations=escalations,
                         recommendations=RecommendationTotals(
                             open=figures["open"], overdue=figures["overdue"],
                             closure_requested=figures["closure_requested"],
                             closed_this_fy=figures["closed_this_fy"]))


def _within_counts(dept: str, month: str, main: Mapping[str, float], now: datetime) -> tuple[int, int]:
    """(answered within target, due a response) of one month's items at `now`: the VoC summary's
    `within_target_share` as exact counts (an unanswered item counts once its due time has passed)."""
    due_items = {}
    if voc_counters.overdue_today_needed(main, now):
        scope = voc_counters.due_scope(month, now.astimezone(timezone.utc).strftime("%Y-%m-%d"))
        due_items = {scope: aggregates.read(dept, [scope])[scope]}
    late = sum(voc_counters._overdue_by_channel(main, due_items, now).values())
    return int(main.get("voc__within", 0)), int(main.get("voc__due_responded", 0)) + late


# --- GET /me/digest ---
def for_principal(principal: Principal) -> Digest:
    now = clock.now()
    base = dashboard_base()
    if principal.role == "dcxo":
        items, totals = department_items(principal.department, now), None
    else:
        reads = OrgReads(now)
        if principal.role == "auditor":
            items, totals = reads.auditor_items(), None
        else:
            items = reads.ccxo_items()
            totals = reads.totals(sum(1 for i in items if i.kind == "target_date_escalation"))
    limit = max_items()
    return Digest(role=principal.role, department=principal.department, as_of=now,
                  day=overdue.utc_day(now), items=[to_model(i, base) for i in items[:limit]],
                  counts=counts(items), truncated=len(items) > limit, totals=totals)
