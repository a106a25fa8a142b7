"""The demo's second look (issue 26): the SMOC's posts of September 2016 closed as not actionable,
an OIG review plan over them, and its closed sample, as MS-AR-17-006 did (the OIG found 48 of 205
such posts actionable). Goes through the same rules as the API; repeatable: an existing plan is
left as it is. September 2016 is the last month of FY2016, outside the demo's FY2017 figures."""
from __future__ import annotations

import uuid

from chalicelib.core.auth import Principal

DEPT = "corp-comms"
PERIOD = "2016-09"
PLAN_NAME = "OIG second look: posts closed as not actionable"
AUDITOR = Principal(subject="seed-auditor", role="auditor", department=None, name="Priya Natarajan")
# 60 posts closed as not actionable; those of the first two categories were actionable after all
# (16 of 60, about the OIG's 23%): the reviewer's verdict finds them so.
_KINDS = [("complaint", "Package marked delivered, never arrived"),
          ("request_for_help", "How do I file a claim for a damaged parcel?"),
          ("compliment", "Thanks to our carrier for the great service"),
          ("other", "Happy to see the new stamps"),
          ("other", "Retweeting the holiday shipping dates"),
          ("compliment", "The clerk at Main St was very kind"),
          ("other", "Nice photo of the mail truck"),
          ("other", "Good morning USPS!")]
ACTIONABLE_AFTER_ALL = {"complaint", "request_for_help"}
COUNT = 60


def _rows() -> list[tuple[str, dict]]:
    rows = []
    for n in range(COUNT):
        category, comment = _KINDS[n % len(_KINDS)]
        rows.append(("json", {"channel": ("twitter", "facebook", "instagram")[n % 3],
                              "received_at": f"{PERIOD}-{1 + n % 29:02d}T{13 + n % 9:02d}:{n % 60:02d}:00Z",
                              "category": category, "actionable": False, "comment": comment,
                              "source_system": "demo-seed", "source_id": f"{DEPT}-second-look-{n}"}))
    return rows


def seed() -> list[str]:
    from chalicelib.reviews import plans, samples
    from chalicelib.reviews.schemas import PlanCreate, SampleCreate, VerdictPut
    from chalicelib.voc import ingest, service as voc

    existing, _ = plans.list_plans(DEPT, 200, None)
    if any(plan.name == PLAN_NAME for plan in existing):
        return []
    ingest.import_feedback(DEPT, _rows(), AUDITOR)
    plan = plans.create_plan(DEPT, PlanCreate.model_validate({
        "name": PLAN_NAME, "population": {"actionable": False, "channels": ["twitter", "facebook", "instagram"]},
        "frequency": "monthly", "confidence": 0.95, "margin": 0.15, "reviewer_role": "auditor"}, strict=False),
        AUDITOR, uuid.uuid4().hex)
    sample = samples.draw(DEPT, plan.id, SampleCreate(period=PERIOD), AUDITOR)
    for item in sample.items or []:
        record = voc.feedback_record(DEPT, item.feedback_id)
        found = record["category"] in ACTIONABLE_AFTER_ALL
        samples.give_verdict(DEPT, plan.id, sample.id, item.feedback_id, VerdictPut(
            actionable=found, note="asks for help: should have been answered" if found else ""), AUDITOR)
    closed = samples.close(DEPT, plan.id, sample.id, AUDITOR)
    result = closed.result
    return [f"{DEPT}: second look {PERIOD}, {result.misclassified} of {result.reviewed} misclassified"]
