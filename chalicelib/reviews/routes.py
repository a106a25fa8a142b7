"""Second look: review plans, their seeded samples, verdicts, the close's estimate, the reviewers'
queue and each plan's history chain (docs/reviews.md)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.core.lazy import lazy
from chalicelib.http.routing import Call, api_route

plans = lazy("chalicelib.reviews.plans")
samples = lazy("chalicelib.reviews.samples")
history = lazy("chalicelib.reviews.history")
population = lazy("chalicelib.reviews.population")
PageQuery = lazy("chalicelib.core.schemas", "PageQuery")
(Plan, PlanCreate, PlanPage, PlanPatch, PopulationQuery, ReviewHistoryPage, ReviewHistoryVerification, ReviewQuery,
 Sample, SampleCreate, SamplePage, SamplePopulation, VerdictPut) = lazy(
    "chalicelib.reviews.schemas", "Plan", "PlanCreate", "PlanPage", "PlanPatch", "PopulationQuery",
    "ReviewHistoryPage", "ReviewHistoryVerification", "ReviewQuery", "Sample", "SampleCreate", "SamplePage",
    "SamplePopulation", "VerdictPut")

bp = Blueprint(__name__)
TAG = "reviews"
ROLES = ("dcxo", "ccxo", "auditor")
PLANS = "/departments/{dept}/review-plans"
PLAN = PLANS + "/{plan_id}"
SAMPLES = PLAN + "/samples"
SAMPLE = SAMPLES + "/{sample_id}"


def _binding(call: Call, route: str) -> str:
    return f"{call.principal.scope_key}|{route}|{'|'.join(call.path.get(k, '') for k in ('dept', 'plan_id'))}"


@api_route(bp, PLANS, "POST", summary="Create a review plan", tag=TAG, roles=ROLES, body=PlanCreate,
           response=Plan, status=201, idempotent=True)
def create_plan(call: Call) -> Plan:
    """A standing control: which classification of the department's feedback is reviewed (by
    default the items closed as not actionable), how often, at what confidence and margin, and by
    which role."""
    return plans.create_plan(call.path["dept"], call.body, call.principal, call.request_key)


@api_route(bp, PLANS, "GET", summary="List a department's review plans", tag=TAG, roles=ROLES,
           query=PageQuery, response=PlanPage)
def list_plans(call: Call) -> PlanPage:
    binding = _binding(call, "review-plans")
    items, last = plans.list_plans(call.path["dept"], call.query.limit, cursors.decode(call.query.cursor, binding))
    return PlanPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, PLAN, "GET", summary="Read a review plan", tag=TAG, roles=ROLES, response=Plan)
def get_plan(call: Call) -> Plan:
    return plans.get_plan(call.path["dept"], call.path["plan_id"])


@api_route(bp, PLAN, "PATCH", summary="Change a review plan", tag=TAG, roles=ROLES, body=PlanPatch, response=Plan)
def patch_plan(call: Call) -> Plan:
    """A dcxo changes only plans its own role reviews. Samples already drawn keep their figures."""
    return plans.patch_plan(call.path["dept"], call.path["plan_id"], call.body, call.principal)


@api_route(bp, PLAN + "/history", "GET", summary="A review plan's chained history", tag=TAG, roles=ROLES,
           query=PageQuery, response=ReviewHistoryPage)
def plan_history(call: Call) -> ReviewHistoryPage:
    """Every step: the plan created or changed, each sample drawn (with its seed), each verdict,
    each close. Entries are chained by SHA-256 and appended to the ledger."""
    binding = _binding(call, "review-history")
    items, last = history.page(call.path["dept"], call.path["plan_id"], call.query.limit,
                               cursors.decode(call.query.cursor, binding))
    return ReviewHistoryPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, PLAN + "/history/verify", "GET", summary="Verify a review plan's history chain", tag=TAG,
           roles=ROLES, response=ReviewHistoryVerification)
def verify_plan_history(call: Call) -> ReviewHistoryVerification:
    return history.verify(call.path["dept"], call.path["plan_id"])


@api_route(bp, SAMPLES, "POST", summary="Draw a period's sample", tag=TAG, roles=ROLES, body=SampleCreate,
           response=Sample, status=201)
def draw_sample(call: Call) -> Sample:
    """The plan's reviewer role draws once per period: a fresh seed, each item ranked by
    SHA-256("{seed}:{feedback_id}"), the n of smallest rank (Cochran with the finite-population
    correction). A second draw of the period is a 409."""
    return samples.draw(call.path["dept"], call.path["plan_id"], call.body, call.principal)


@api_route(bp, SAMPLES, "GET", summary="List a plan's samples", tag=TAG, roles=ROLES, query=PageQuery,
           response=SamplePage)
def list_samples(call: Call) -> SamplePage:
    binding = _binding(call, "review-samples")
    items, last = samples.list_samples(call.path["dept"], call.path["plan_id"], call.query.limit,
                                       cursors.decode(call.query.cursor, binding))
    return SamplePage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, SAMPLE, "GET", summary="Read a sample with its items", tag=TAG, roles=ROLES, response=Sample)
def get_sample(call: Call) -> Sample:
    return samples.get_sample(call.path["dept"], call.path["plan_id"], call.path["sample_id"])


@api_route(bp, SAMPLE + "/population", "GET", summary="A sample's population as classified at the draw",
           tag=TAG, roles=ROLES, query=PopulationQuery, response=SamplePopulation)
def sample_population(call: Call) -> SamplePopulation:
    """The feedback ids the sample was drawn from (up to 5,000 a page): with the seed, anyone
    re-derives the sample (`cxgov sample verify`). A record counts if it existed at the draw and its
    classification then, its trail's later changes undone, matched the plan's population."""
    return population.page(call.path["dept"], call.path["plan_id"], call.path["sample_id"], call.query.limit,
                           call.query.cursor, call.principal)


@api_route(bp, SAMPLE + "/items/{feedback_id}", "PUT", summary="Give an item's verdict", tag=TAG, roles=ROLES,
           body=VerdictPut, response=Sample)
def give_verdict(call: Call) -> Sample:
    """The sample's reviewer role only (the plan's at the draw). A verdict whose `actionable` differs from the classification
    at draw reclassifies the record in the same transaction (its classification trail names the
    plan and period): an item found actionable becomes due a response. A verdict is final; the
    same verdict again answers the sample. Answers the sample's counts (without its items)."""
    return samples.give_verdict(call.path["dept"], call.path["plan_id"], call.path["sample_id"],
                                call.path["feedback_id"], call.body, call.principal)


@api_route(bp, SAMPLE + "/close", "POST", summary="Close a sample with its estimate", tag=TAG, roles=ROLES,
           response=Sample)
def close_sample(call: Call) -> Sample:
    """Every item needs its verdict (409 naming how many are left). `result`: rate = misclassified ÷
    reviewed, its Wilson score interval at the plan's confidence, and the projection onto the
    population."""
    return samples.close(call.path["dept"], call.path["plan_id"], call.path["sample_id"], call.principal)


@api_route(bp, "/reviews", "GET", summary="The caller's review queue", tag=TAG, roles=ROLES, query=ReviewQuery,
           response=SamplePage)
def review_queue(call: Call) -> SamplePage:
    """Open samples awaiting the caller's role's verdicts, across the departments in scope."""
    binding = f"{call.principal.scope_key}|reviews|{call.query.status}"
    items, last = samples.queue(call.principal, call.query.limit, cursors.decode(call.query.cursor, binding))
    return SamplePage(items=items, next_cursor=cursors.encode(last, binding))
