"""Voice of the customer: record, import, answer and reclassify feedback. Nothing is ever deleted:
an actionable item without a response becomes overdue at its due time, computed from the clock at
read time. Personal data is redacted here (records.py builds the record), before anything reaches the
data layer or a log. The import lives in ingest.py."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from chalicelib.core import clock, cursors
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.org import service as org
from chalicelib.org.departments_schemas import Department
from chalicelib.voc import counters as voc_counters, store as dal
from chalicelib.voc.counters import A11_DRIVERS
from chalicelib.voc.counters_store import months as feedback_months
from chalicelib.voc.records import build_record, facts, utc
from chalicelib.core.redaction import redact
from chalicelib.voc.schemas import (
    ClassificationCreate,
    Feedback,
    FeedbackCreate,
    FeedbackPage,
    FeedbackQuery,
    ResponseCreate,
)

MAX_LIST_QUERIES = 10  # a filtered page stops early (with a cursor) rather than read without bound
ZONE_MARGIN = timedelta(hours=15)  # a local month spills at most this far past the UTC month


def department(dept: str) -> Department:
    """The department a feedback route names, or 404."""
    found = org.department(dept)
    if found is None:
        raise NotFound(f"department {dept!r} not found")
    return found


def present(record: Mapping[str, Any], now: datetime) -> Feedback:
    f = facts(record)
    seconds = f.response_seconds
    return Feedback(
        **{name: record[name] for name in (
            "id", "department", "channel", "received_at", "first_responded_at", "category",
            "actionable", "status", "journey_id", "comment", "nps", "csat", "ces", "source_system",
            "source_id", "out_of_hours", "redactions", "due_at", "due_source", "response_target_hours", "responses",
            "classifications", "version", "created_at")},
        survey_offered=record.get("survey_offered"), survey=record.get("survey"),
        a11={d: record["a11"].get(d) for d in A11_DRIVERS},
        overdue=f.overdue(now),
        response_hours=round(seconds / 3600, 6) if seconds is not None else None,
    )


# --- create ---------------------------------------------------------------------------------------

def create_feedback(dept: str, body: FeedbackCreate, principal: Principal) -> Feedback:
    now = clock.now()
    record = build_record(department(dept), body, now)
    try:
        stored = dal.create(record, voc_counters.contributions(facts(record)), actor=principal.subject)
    except dal.DuplicateSource as dup:
        raise Conflict("this source record was already recorded",
                       [{"field": "source_id", "message": f"already recorded as {dup.feedback_id}"}])
    return present(stored, now)


# --- read -----------------------------------------------------------------------------------------

def get_record(dept: str, feedback_id: str) -> dict[str, Any]:
    record = dal.get(dept, feedback_id)
    if record is None:
        raise NotFound(f"feedback {feedback_id!r} not found")
    return record


def get_feedback(dept: str, feedback_id: str) -> Feedback:
    return present(get_record(dept, feedback_id), clock.now())


def _matches(record: Mapping[str, Any], query: FeedbackQuery, now: datetime) -> bool:
    if query.status and record["status"] != query.status:
        return False
    if query.channel and record["channel"] != query.channel:
        return False
    if query.received_from and record["received_at"] < query.received_from:
        return False
    if query.received_to and record["received_at"] > query.received_to:
        return False
    if query.overdue is not None and facts(record).overdue(now) != query.overdue:
        return False
    return True


def list_feedback(dept: str, query: FeedbackQuery, principal: Principal) -> FeedbackPage:
    """Newest first by receipt; `overdue=true` reads the sparse index of unanswered actionable items
    instead (oldest due first), so it never walks answered records."""
    filters = {k: v for k, v in query.model_dump(mode="json", exclude={"limit", "cursor"}).items() if v is not None}
    binding = f"{principal.scope_key}|feedback:{dept}|{json.dumps(filters, sort_keys=True)}"
    position = cursors.decode(query.cursor, binding) or {}
    now = clock.now()
    department(dept)
    found: list[dict[str, Any]] = []
    if query.overdue:
        records, last = dal.query_open(dept, due_by=now, limit=query.limit, start_key=position.get("k"))
        found = [r for r in records if _matches(r, query, now)]
        next_position = {"k": last} if last else None
        return FeedbackPage(items=[present(r, now) for r in found],
                            next_cursor=cursors.encode(next_position, binding))
    months = feedback_months(dept)
    if query.received_from:
        low = (query.received_from - ZONE_MARGIN).strftime("%Y-%m")
        months = [m for m in months if m >= low]
    if query.received_to:
        high = (query.received_to + ZONE_MARGIN).strftime("%Y-%m")
        months = [m for m in months if m <= high]
    if "m" in position:
        months = [m for m in months if m <= position["m"]]
    start_key = position.get("k")
    next_position = None
    calls = 0
    for index, month in enumerate(months):
        remaining = query.limit - len(found)
        records, last = dal.query_month(dept, month, received_from=query.received_from,
                                        received_to=query.received_to, status=query.status,
                                        channel=query.channel, limit=remaining, start_key=start_key)
        start_key = None
        calls += 1
        found += [r for r in records if _matches(r, query, now)]
        if last:
            next_position = {"m": month, "k": last}
        elif index + 1 < len(months):
            next_position = {"m": months[index + 1]}
        else:
            next_position = None
        if len(found) >= query.limit or calls >= MAX_LIST_QUERIES:
            break
    return FeedbackPage(items=[present(r, now) for r in found[:query.limit]],
                        next_cursor=cursors.encode(next_position, binding))


# --- responses and reclassifications --------------------------------------------------------------

def _own(entries: list[dict[str, Any]], request_key: str) -> bool:
    """Whether one of `entries` was written by this request (an earlier attempt of it whose answer
    was lost): its retry must answer the record, not append the entry a second time."""
    return bool(request_key) and any(e.get("request") == request_key for e in entries)


def respond(dept: str, feedback_id: str, body: ResponseCreate, principal: Principal,
            request_key: str = "") -> Feedback:
    """The first response sets `first_responded_at` (exactly one of concurrent first responses
    does, by a conditional write); later ones are kept in `responses`. Each entry keeps the key of
    the request that wrote it, so a retry (same Idempotency-Key) of one that landed is answered
    with the record as it is, never appended twice."""
    now = clock.now()
    record = get_record(dept, feedback_id)
    if _own(record["responses"], request_key):
        return present(record, now)
    responded_at = utc(body.responded_at or now)
    if responded_at < record["received_at"]:
        raise BadRequest.for_field("responded_at", "must not be before the feedback was received")
    entry = {"responded_at": responded_at.isoformat(), "responder": redact(body.responder).text,
             "channel": body.channel, "recorded_at": utc(now).isoformat(),
             "recorded_by": principal.subject}
    if request_key:
        entry["request"] = request_key
    for _ in range(3):
        if record["first_responded_at"] is None:
            status = "responded" if record["status"] in ("open", "in_progress") else record["status"]
            new = {**record, "first_responded_at": responded_at, "status": status}
            first = {**entry, "first": True}
            counters = voc_counters.delta(facts(record), facts(new))
            if dal.first_response(record, first, status, counters, principal.subject, now):
                new.update(responses=record["responses"] + [first], version=record["version"] + 1)
                return present(new, now)
            record = get_record(dept, feedback_id)
            if _own(record["responses"], request_key):
                return present(record, now)
            continue
        later = {**entry, "first": False}
        dal.later_response(record, later, principal.subject, now)
        return present(get_record(dept, feedback_id), now)
    raise Conflict.for_field("version", "the feedback keeps changing; retry")


def reclassify(dept: str, feedback_id: str, body: ClassificationCreate, principal: Principal,
               request_key: str = "") -> Feedback:
    """Changes the actionable flag and/or category; every change is kept with who, when and why, and
    actionable -> not actionable changes are counted. A retry of a change that landed (same
    Idempotency-Key) answers the record as it is."""
    now = clock.now()
    record = get_record(dept, feedback_id)
    if _own(record["classifications"], request_key):
        return present(record, now)
    if body.version is not None and body.version != record["version"]:
        raise Conflict.for_field("version", f"the feedback is at version {record['version']}; read it again")
    actionable = record["actionable"] if body.actionable is None else body.actionable
    category = record["category"] if body.category is None else body.category
    if actionable == record["actionable"] and category == record["category"]:
        field = "actionable" if body.actionable is not None else "category"
        raise BadRequest.for_field(field, "this is already the classification; nothing changes")
    new, entry, counters = reclassification(record, actionable, category, body.reason, principal.subject,
                                            now, request_key)
    dal.reclassify(record, new, entry, counters, principal.subject, now)
    new.update(classifications=record["classifications"] + [entry], version=record["version"] + 1)
    return present(new, now)


def reclassification(record: Mapping[str, Any], actionable: bool, category: str, reason: str, actor: str,
                     now: datetime, request_key: str = "") -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(the record after the change, its classification-trail entry, the counters' delta): what a
    reclassification writes, by whoever's transaction carries it."""
    dropped = record["actionable"] and not actionable
    new = {**record, "actionable": actionable, "category": category,
           "ever_actionable": record["ever_actionable"] or actionable,
           "reclassified_not_actionable": record["reclassified_not_actionable"] or dropped,
           "reclassification_changes": record["reclassification_changes"] + int(dropped)}
    # to the microsecond: a second look re-derives its population by undoing the entries after its
    # draw, and a verdict's reclassification often falls in the draw's own second
    entry = {"at": now.astimezone(timezone.utc).isoformat(), "by": actor, "reason": redact(reason).text,
             "from_actionable": record["actionable"], "to_actionable": actionable,
             "from_category": record["category"], "to_category": category}
    if request_key:
        entry["request"] = request_key
    return new, entry, voc_counters.delta(facts(record), facts(new))
