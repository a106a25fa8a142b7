"""A digest run (the scheduled job, all recipients) at 10 and at 1,000 departments on DynamoDB Local,
in one process: the DynamoDB calls (by operation) and the items they read, for the first run of a
day and for a re-run the same day (which sends nothing). Goal: no Scan, and items read that follow
what is due (index entries, aggregates, department items), not the records.

Each department holds one recommendation overdue on the final-action clock, two recent ones with
nothing due and one closed one; every second department one with a target date 10 days out and an
action due in 5 days; every tenth department an unanswered feedback item past its target. SES is
replaced by a stub (the figures are DynamoDB's); its sends are counted apart."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

from devtools import callcount, localstack

SCALES = tuple(int(n) for n in os.environ.get("BENCH_DIGEST_SCALES", "10,1000").split(","))
# Mondays, 12:00 UTC = 07:00 in New York (EST): the digest hour; the CCXO's day.
DAYS = (datetime(2017, 11, 6, 12, 0, tzinfo=timezone.utc), datetime(2017, 11, 13, 12, 0, tzinfo=timezone.utc))


class _StubSes:
    def __init__(self):
        self.sent = 0

    def send_email(self, **request):
        self.sent += 1
        return {"MessageId": f"stub-{self.sent}"}


def _populate(first: int, last: int, now: datetime) -> None:
    from chalicelib.core import clock
    from chalicelib.core.auth import Principal
    from chalicelib.audits import service as audits
    from chalicelib.org import departments
    from chalicelib.voc import ingest
    from chalicelib.audits.actions_schemas import ActionCreate
    from chalicelib.audits.recommendations_schemas import (
        ManagementDecisionPut,
        RecommendationCreate,
        TransitionCreate,
    )
    from chalicelib.audits.schemas import AuditReportCreate
    from chalicelib.org.departments_schemas import DepartmentCreate

    ccxo = Principal(subject="bench", role="ccxo", department=None)
    auditor = Principal(subject="bench", role="auditor", department=None)
    real_now = clock.now
    clock.now = lambda: now - timedelta(days=3)  # the records are written before the run's day
    try:
        finding = {"criteria": "c", "condition": "c", "cause": "c", "effect": "e"}
        reports = {}
        for name, issued in (("old", "2016-01-15"), ("recent", (now - timedelta(days=20)).date().isoformat())):
            number = f"BENCH-{name}-{first}"
            reports[name] = audits.create_report(AuditReportCreate.model_validate({
                "number": number, "title": "Bench audit", "issuer": "internal", "issued_on": issued,
                "category": "operations_management"}, strict=False), auditor).id
        number = 0
        for n in range(first, last):
            dept = f"bench-{n:04d}"
            departments.create_department(DepartmentCreate.model_validate({
                "id": dept, "name": f"Bench {n}", "time_zone": "America/New_York",
                "dcxo_contact": {"name": f"DCXO {n}", "email": f"dcxo@{dept}.example.gov"}}, strict=False),
                ccxo, request_key=f"bench-{dept}")
            dcxo = Principal(subject=f"bench-{dept}", role="dcxo", department=dept)

            def rec(report: str):
                nonlocal number
                number += 1
                return audits.create_recommendation(reports[report], RecommendationCreate.model_validate({
                    "department": dept, "number": number, "text": "Fix it", "finding": finding},
                    strict=False), auditor)

            rec("old")  # overdue: decision and final action
            rec("recent"), rec("recent")  # nothing due yet
            closed = rec("old")
            audits.transition(dept, closed.id, TransitionCreate(to="closed_not_implemented", reason="bench"), auditor)
            if n % 2 == 0:
                soon = rec("recent")
                audits.put_management_decision(dept, soon.id, ManagementDecisionPut.model_validate({
                    "decision": "agree", "action_plan": "Do it", "responsible_officials": ["VP"],
                    "target_date": (now + timedelta(days=10)).date().isoformat()}, strict=False), dcxo)
                audits.create_action(dept, soon.id, ActionCreate.model_validate({
                    "description": "Step one", "owner": "VP",
                    "due_date": (now + timedelta(days=5)).date().isoformat()}, strict=False), dcxo)
            if n % 10 == 0:
                ingest.import_feedback(dept, [("json", {
                    "channel": "email", "received_at": (now - timedelta(days=4)).isoformat(),
                    "category": "complaint", "source_system": "bench", "source_id": f"{dept}-1"})], ccxo)
    finally:
        clock.now = real_now


def _measure(now: datetime, stub: _StubSes) -> tuple[dict, int, int, float]:
    from chalicelib.reminders import job

    before = stub.sent
    with callcount.counting() as calls:
        started = time.perf_counter()
        result = job.run(now)
        seconds = time.perf_counter() - started
    assert not result.count("failed"), [r.error for r in result.recipients if r.error][:3]
    return dict(calls), calls.items_read, stub.sent - before, seconds


def run() -> None:
    os.environ.update({"CXGOV_DIGEST_SENDER": "cxgov <digests@bench.example.gov>",
                       "CXGOV_ORG_TIME_ZONE": "America/New_York", "CXGOV_DASHBOARD_BASE_URL": "https://cx.example.gov"})
    callcount.install()
    with localstack.in_process_api():
        from chalicelib.core.auth import Principal
        from chalicelib.reminders import contacts, job
        from chalicelib.reminders.schemas import ContactsPut

        stub = _StubSes()
        job._ses = lambda: stub
        contacts.put_contacts(ContactsPut.model_validate({
            "ccxo": [{"name": "CCXO", "email": "ccxo@bench.example.gov"}],
            "auditors": [{"name": "OIG", "email": "oig@bench.example.gov"},
                         {"name": "Internal audit", "email": "ia@bench.example.gov"}]}),
            Principal(subject="bench", role="ccxo", department=None))
        print("Digest run (the scheduled job, every recipient), DynamoDB Local, counted at botocore:")
        made = 0
        for scale, now in zip(SCALES, DAYS):
            started = time.perf_counter()
            _populate(made, scale, now)
            made = scale
            loading = time.perf_counter() - started
            for label in ("first run", "re-run  "):
                calls, items, sent, seconds = _measure(now, stub)
                detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
                print(f"  {scale:>5,} departments, {label}: {sum(calls.values()):>5,} calls ({detail}), "
                      f"{items:>6,} items read, {sent:>5,} messages sent, {seconds:.1f} s"
                      + (f"  (loading took {loading:.0f} s)" if label == "first run" else ""))
        print("  Scan: never. Per department: its due entries (1 Query) and its oldest overdue feedback "
              "(1 Query, +1 COUNT when there is one); per recipient with mail: 1 UpdateItem (the "
              "claim) + 1 UpdateItem (the outcome); a re-run: the claim refused + 1 GetItem.")


if __name__ == "__main__":
    run()
