"""Survey items (one conditional PutItem to create, one GetItem to read, one conditional UpdateItem
to change, one Query per page), and what a public request writes: a view (one transaction adding to
the month's survey counters) and a response (one transaction, opened by voc: the feedback record and
its counters, the survey's counters, the response's answers and the client's rate window)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping, TypeVar

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, ServiceUnavailable
from chalicelib.db import aggregates
from chalicelib.db import keys_v12
from chalicelib.db.items import SurveyItem, SurveyRateItem, SurveyResponseItem
from chalicelib.db.transactions import cancellation_codes, transaction
from chalicelib.voc import service as voc

RATE_LIMIT = 10  # responses per client address, department and UTC minute
RATE_WINDOW_TTL = timedelta(minutes=5)
ATTEMPTS = 3  # a transaction another one held an item of (TransactionConflict) is tried again
T = TypeVar("T")


class RateLimited(Exception):
    """The client address already sent RATE_LIMIT responses this minute: nothing was written."""


def scope(month: str) -> str:
    """The month's survey counters (views, responses, honeypot drops) per survey and journey."""
    return f"SRV#{month}"


def _view(item: SurveyItem) -> dict[str, Any]:
    return {"id": item.survey_id, "department": item.department, "journey_id": item.journey_id,
            "title": {k: v for k, v in item.title.as_dict().items() if v}, "kind": item.survey_kind,
            "languages": list(item.languages), "own": json.loads(item.questions),
            "allowed_origins": list(item.allowed_origins or []), "active": item.active,
            "version": item.version, "created_at": item.created_at, "updated_at": item.updated_at}


def create(dept: str, survey_id: str, data: Mapping[str, Any], actor: str) -> dict[str, Any]:
    now = clock.now()
    item = SurveyItem(keys_v12.surveys_pk(dept), keys_v12.survey_sk(survey_id), survey_id=survey_id, department=dept,
                      journey_id=data["journey_id"], title=data["title"], survey_kind=data["kind"],
                      languages=data["languages"], questions=json.dumps(data["questions"]),
                      allowed_origins=data["allowed_origins"], active=data["active"],
                      created_at=now, created_by=actor, updated_at=now, updated_by=actor)
    item.save(condition=SurveyItem.pk.does_not_exist())
    return _view(item)


def get(dept: str, survey_id: str) -> dict[str, Any] | None:
    try:
        return _view(SurveyItem.get(keys_v12.surveys_pk(dept), keys_v12.survey_sk(survey_id)))
    except DoesNotExist:
        return None


def list_for(dept: str, limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    result = SurveyItem.query(keys_v12.surveys_pk(dept), limit=limit, last_evaluated_key=start_key)
    return [_view(item) for item in result], result.last_evaluated_key


def update(dept: str, survey_id: str, changes: Mapping[str, Any], expected_version: int,
           actor: str) -> dict[str, Any]:
    item = SurveyItem(keys_v12.surveys_pk(dept), keys_v12.survey_sk(survey_id))
    item.version = expected_version
    values = {**changes}
    if "questions" in values:
        values["questions"] = json.dumps(values["questions"])
    actions = [getattr(SurveyItem, name).set(value) for name, value in values.items()]
    actions += [SurveyItem.updated_at.set(clock.now()), SurveyItem.updated_by.set(actor)]
    try:
        item.update(actions=actions, condition=SurveyItem.pk.exists())
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise Conflict.for_field("version", "the survey was changed by someone else; read it again")
        raise
    return get(dept, survey_id)  # type: ignore[return-value]


# --- public writes ---------------------------------------------------------------------------------

def _rate_limited(exc: TransactWriteError) -> bool:
    return "ConditionalCheckFailed" in cancellation_codes(exc)


def _written(write: Callable[[], T]) -> T:
    """`write()` (one transaction), again while another transaction holds one of its items: every
    response of a department adds to the same month items, so busy surveys meet that in DynamoDB.
    A full rate window raises RateLimited; still held after ATTEMPTS, a 503 with Retry-After."""
    for attempt in range(ATTEMPTS):
        try:
            return write()
        except TransactWriteError as exc:
            if _rate_limited(exc):
                raise RateLimited() from exc
            if "TransactionConflict" not in cancellation_codes(exc):
                raise
    raise ServiceUnavailable("other responses are being written; try again", headers={"Retry-After": "1"})


def count_view(survey: Mapping[str, Any], month: str) -> None:
    """One offer of the survey (its questions shown), in a transaction so a retry never adds twice."""
    def write() -> None:
        with transaction() as tx:
            aggregates.add_counters(tx, survey["department"], scope(month), {
                f"srv__survey__{survey['id']}__views": 1, f"srv__journey__{survey['journey_id']}__views": 1})

    _written(write)


def _rate_window(tx: Any, dept: str, client: str, now: datetime) -> None:
    """The client's count of this minute, added on the condition that it is below the limit."""
    item = SurveyRateItem(keys_v12.survey_rate_pk(dept, client), now.strftime("%Y%m%d%H%M"))
    tx.update(item, actions=[SurveyRateItem.count.add(1), SurveyRateItem.kind.set(SurveyRateItem),
                             SurveyRateItem.expires_at.set(now + RATE_WINDOW_TTL)],
              condition=SurveyRateItem.count.does_not_exist() | (SurveyRateItem.count < RATE_LIMIT))


def count_honeypot(survey: Mapping[str, Any], month: str, client: str, now: datetime) -> None:
    """A dropped bot response: counted (and within the client's rate window), nothing else stored."""
    def write() -> None:
        with transaction() as tx:
            aggregates.add_counters(tx, survey["department"], scope(month),
                                    {f"srv__survey__{survey['id']}__honeypot": 1})
            _rate_window(tx, survey["department"], client, now)

    _written(write)


def record_response(survey: Mapping[str, Any], data: dict[str, Any], own: dict[str, Any],
                    page: str | None, lang: str, client: str, now: datetime) -> str:
    """The response as a feedback record of the survey's journey, with everything it adds, in one
    transaction; RateLimited (nothing written) when the client's window is full."""
    dept = survey["department"]

    def extra(tx: Any, record: dict[str, Any]) -> None:
        aggregates.add_counters(tx, dept, scope(record["month"]), {
            f"srv__survey__{survey['id']}__responses": 1,
            f"srv__journey__{survey['journey_id']}__responses": 1})
        response = SurveyResponseItem(keys_v12.survey_response_pk(dept, survey["id"], record["month"]), record["id"],
                                      feedback_id=record["id"], answers=json.dumps(own, ensure_ascii=False),
                                      page=page, lang=lang, created_at=now)
        tx.save(response, condition=SurveyResponseItem.pk.does_not_exist())
        _rate_window(tx, dept, client, now)

    return _written(lambda: voc.record_survey_response(dept, data, now, actor=f"survey:{survey['id']}",
                                                       extra=extra))["id"]


# --- reads for the A-11 collection and tests --------------------------------------------------------

def counters(dept: str, first_month: str, last_month: str) -> dict[str, float]:
    """The survey counters of those months, summed."""
    total: dict[str, float] = {}
    for bag in aggregates.read_range(dept, scope(first_month), scope(last_month)).values():
        for name, value in bag.items():
            total[name] = total.get(name, 0) + value
    return total


def responses(dept: str, survey_id: str, month: str) -> list[dict[str, Any]]:
    return [{"feedback_id": item.feedback_id, "answers": json.loads(item.answers), "page": item.page,
             "lang": item.lang}
            for item in SurveyResponseItem.query(keys_v12.survey_response_pk(dept, survey_id, month))]
