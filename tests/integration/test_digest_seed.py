"""The demo seed (MS-AR-17-006 and whatever else devtools/seed.py holds): each demo user's digest and
the messages the job sends hold exactly what an independent reading of the seeded records says.

The expectation is derived here from the records read back through the API (recommendations, their
actions and history, overdue feedback, VoC summaries), with the contract's rules restated below, so
it follows the seed as it grows; nothing is hard-coded but the rules."""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.core import clock
from devtools import issuer
from devtools.digests import DEMO_CONTACTS
from devtools.seed import DEMO_DEPARTMENTS, seed
from tests.integration.reminder_helpers import job_env, parts, sent_messages, ses_identity

CLOSED = ("closed_implemented", "closed_not_implemented")


def _months_later(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _all(api, path: str, token: str) -> list[dict]:
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        page = api.get(f"{path}{sep}limit=200" + (f"&cursor={cursor}" if cursor else ""), token=token)
        assert page.status_code == 200, (path, page.body)
        items += page.json["items"]
        cursor = page.json["next_cursor"]
        if not cursor:
            return items


def _returned_by_auditor(api, rec: dict, token: str) -> bool:
    """In progress because the auditor's last status change sent a closure request back."""
    if rec["status"] != "in_progress":
        return False
    history = _all(api, f"/departments/{rec['department']}/recommendations/{rec['id']}/history", token)
    moves = [h for h in history if isinstance(h["changes"].get("status"), dict)]
    last = moves[-1] if moves else None
    return bool(last and last["role"] == "auditor" and last["changes"]["status"]["from"] == "closure_requested")


def expected(api, token: str, today: date, now) -> dict[str, set]:
    """Per demo user (dcxo-{dept}, auditor, ccxo): {(kind, department, rec_id, action_id)}."""
    out: dict[str, set] = {f"dcxo-{d['id']}": set() for d in DEMO_DEPARTMENTS}
    out["auditor"], out["ccxo"] = set(), set()
    for rec in _all(api, "/recommendations", token):
        if rec["status"] in CLOSED:
            continue
        dept, rid, res = rec["department"], rec["id"], rec["resolution"]
        issued = date.fromisoformat(rec["issued_on"])
        target = date.fromisoformat(res["target_date"]) if res["target_date"] else None
        late = ((res["decision"] is None and today > _months_later(issued, 6))
                or today > _months_later(issued, 12) or (target is not None and today > target))
        soon = target is not None and 0 <= (target - today).days <= 30
        mine = out.setdefault(f"dcxo-{dept}", set())
        if late or soon:
            mine.add(("recommendation_overdue" if late else "target_date_approaching", dept, rid, None))
        if _returned_by_auditor(api, rec, token):
            mine.add(("closure_returned", dept, rid, None))
        for action in _all(api, f"/departments/{dept}/recommendations/{rid}/actions", token):
            due = date.fromisoformat(action["due_date"])
            if action["status"] in ("planned", "in_progress") and (due - today).days <= 14:
                mine.add(("action_overdue" if today > due else "action_due", dept, rid, action["id"]))
        if rec["status"] == "closure_requested":
            out["auditor"].add(("closure_request_awaiting", dept, rid, None))
        if res["decision"] is not None and res["resolved"] is None:
            out["auditor"].add(("decision_awaiting_evaluation", dept, rid, None))
        if 0 <= (_months_later(issued, 12) - today).days <= 30:
            out["auditor"].add(("one_year_approaching", dept, rid, None))
        if target is not None and (today - target).days > 90:
            out["ccxo"].add(("target_date_escalation", dept, rid, None))
    local = now.astimezone(ZoneInfo("America/New_York")).date().replace(day=1)
    last = (local - timedelta(days=1)).strftime("%Y-%m")
    before = (local.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    before = before.strftime("%Y-%m")
    for department in _all(api, "/departments", token):
        dept = department["id"]
        if _all(api, f"/departments/{dept}/feedback?overdue=true", token):
            out.setdefault(f"dcxo-{dept}", set()).add(("feedback_overdue", dept, None, None))
        shares = [api.get(f"/departments/{dept}/voc-summary?period={m}", token=token).json["within_target_share"]
                  for m in (before, last)]
        if None not in shares and (shares[0] - shares[1]) * 100 > 10 + 1e-9:
            out["ccxo"].add(("within_target_drop", dept, None, None))
    return out


def _found(items: list[dict]) -> set:
    return {(i["kind"], i["department"], i["recommendation_id"], i["action_id"]) for i in items}


@pytest.fixture()
def demo(aws, api, tokens, monkeypatch, tmp_path):
    frozen = clock.now()  # one moment for the whole test (no midnight in between)
    monkeypatch.setattr(clock, "now", lambda: frozen)
    seed()
    job_env(monkeypatch, tmp_path / "outbox")
    users = {f"dcxo-{d['id']}": issuer.mint("dcxo", d["id"]) for d in DEMO_DEPARTMENTS}
    users.update(auditor=tokens["auditor"], ccxo=tokens["ccxo"])
    return frozen, users


def test_each_demo_users_digest_holds_what_the_seed_says(demo, api, tokens):
    now, users = demo
    want = expected(api, tokens["auditor"], now.date(), now)
    for user, token in users.items():
        answer = api.get("/me/digest", token=token)
        assert answer.status_code == 200, answer.body
        assert _found(answer.json["items"]) == want[user], user
    # MS-AR-17-006 recommendation 1 (corp-comms, target 30 Sep 2017) is overdue in its dcxo's digest
    # and escalated to the ccxo; recommendation 2 (closed not implemented) is in nobody's
    report = next(r for r in _all(api, "/audit-reports", tokens["auditor"]) if r["number"] == "MS-AR-17-006")
    recs = {r["number"]: r for r in _all(api, f"/recommendations?report_id={report['id']}", tokens["auditor"])}
    assert ("recommendation_overdue", "corp-comms", recs[1]["id"], None) in want["dcxo-corp-comms"]
    assert ("target_date_escalation", "corp-comms", recs[1]["id"], None) in want["ccxo"]
    assert not any(recs[2]["id"] in key for found in want.values() for key in found)


def test_the_job_sends_each_demo_user_what_its_digest_holds_once(demo, api, tokens):
    from chalicelib.reminders import job

    now, users = demo
    ses_identity()
    assert api.put("/settings/contacts", token=tokens["ccxo"], body=DEMO_CONTACTS).status_code == 200
    monday = now.astimezone(ZoneInfo("America/New_York")).weekday() == 0
    run = job.run(now)
    messages = {m["To"].addresses[0].addr_spec: m for m in sent_messages()}
    emails = {f"dcxo-{d['id']}": d["dcxo_contact"]["email"] for d in DEMO_DEPARTMENTS}
    emails.update(auditor=DEMO_CONTACTS["auditors"][0]["email"], ccxo=DEMO_CONTACTS["ccxo"][0]["email"])
    for user, token in users.items():
        items = api.get("/me/digest", token=token).json["items"]
        email = emails[user]
        if not items or (user == "ccxo" and not monday):
            # Nothing due (or not the ccxo's day): no message
            assert email not in messages, user
            continue
        text, html = parts(messages[email])
        for item in items:
            assert item["summary"] in text and f'href="{item["dashboard_link"]}"' in html, (user, item["kind"])
    assert len(messages) == sum(1 for r in run.recipients if r.status == "sent")
    # A second run the same day writes nothing
    again = job.run(now)
    assert {r.status for r in again.recipients} <= {"already_sent", "nothing_due"}
    assert len(sent_messages()) == len(messages)
