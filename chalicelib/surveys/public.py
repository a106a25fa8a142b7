"""What the public routes do, without a token: a survey's questions (each read counts an offer), and
a response, refused unless it comes from cxgov's own page or an allowed origin, within the client
address's rate, and with every answer valid for its question. A response carrying the honeypot
field is answered like any other, counted and dropped. The client address is never stored: only a
salted hash (a secret and the UTC day) names its rate window, which DynamoDB drops after minutes."""
from __future__ import annotations

import hashlib
import hmac
import os
import urllib.parse
from datetime import datetime
from typing import Any, Mapping

from chalicelib.core import clock, periods
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ApiError, BadRequest, Forbidden, NotFound
from chalicelib.org import service as org
from chalicelib.surveys import questions as rules, store
from chalicelib.surveys.definitions import department_of
from chalicelib.surveys.schemas import ResponseCreate
from chalicelib.voc import service as voc


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


def survey(survey_id: str) -> dict[str, Any]:
    """The active survey, or a 404 that says the same for a missing and an inactive one."""
    dept = department_of(survey_id)
    found = store.get(dept, survey_id) if dept else None
    if found is None or not found["active"]:
        raise NotFound("no survey is collecting answers at this address")
    return found


def _own_origins(host: str | None) -> set[str]:
    """cxgov's own: the host the request was sent to (the hosted page's), and CXGOV_PUBLIC_ORIGINS."""
    own = {o.rstrip("/").lower() for o in os.environ.get("CXGOV_PUBLIC_ORIGINS", "").split() if o}
    if host:
        own |= {f"https://{host.lower()}", f"http://{host.lower()}"}
    return own


def allowed(found: Mapping[str, Any], origin: str | None, host: str | None) -> bool:
    if not origin:
        return False
    origin = origin.strip().rstrip("/").lower()
    return origin in _own_origins(host) or origin in found["allowed_origins"]


def cors_headers(found: Mapping[str, Any], origin: str | None, host: str | None) -> dict[str, str]:
    """An allowed other origin may read the answer (no credentials: the routes use no cookies)."""
    headers = {"Vary": "Origin", "Cache-Control": "no-store"}
    if origin and allowed(found, origin, host) and origin.strip().lower() not in _own_origins(host):
        headers["Access-Control-Allow-Origin"] = origin.strip()
    return headers


def language(found: Mapping[str, Any], accept_language: str | None) -> str:
    """The first of the survey's languages the browser asks for (by weight), else its first."""
    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        wanted.append((-weight, index, tag.strip().lower()[:2]))
    for weight, _, tag in sorted(wanted):
        if weight < 0 and tag in found["languages"]:
            return tag
    return "en" if "en" in found["languages"] else found["languages"][0]


def _month(dept: str, now: datetime) -> str:
    department = org.department(dept)
    zone = department.time_zone if department else "UTC"
    return periods.local_date(now, zone).strftime("%Y-%m")


def questions(found: Mapping[str, Any]) -> dict[str, Any]:
    """The questions as the public reads them; the read counts as an offer of the survey."""
    store.count_view(found, _month(found["department"], clock.now()))
    return {"id": found["id"], "title": found["title"], "kind": found["kind"], "languages": found["languages"],
            "questions": rules.questions_of(found["kind"], found["own"])}


def client_hash(address: str, now: datetime) -> str:
    secret = os.environ.get("CXGOV_SURVEY_SALT", "").encode() or get_settings().cursor_secret
    message = f"{now.strftime('%Y-%m-%d')}|{address}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _page(page: str | None) -> str | None:
    """The page without its query and fragment (they may carry personal data)."""
    if not page:
        return None
    try:
        parts = urllib.parse.urlsplit(page)
    except ValueError:  # not a URL (an unbalanced IPv6 bracket): keep nothing of it
        return None
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))[:2000] or None


def _retry_after(now: datetime) -> dict[str, str]:
    return {"Retry-After": str(60 - now.second)}


def respond(found: Mapping[str, Any], body: ResponseCreate, origin: str | None, host: str | None,
            address: str) -> None:
    """Validates and records one response; raises the refusal the contract gives otherwise."""
    if not allowed(found, origin, host):
        raise Forbidden("responses are accepted from the survey's own page and its allowed origins only",
                        [{"field": "Origin", "message": "missing, or not an allowed origin of this survey"}])
    if body.lang not in found["languages"]:
        raise BadRequest.for_field("lang", f"this survey is offered in {', '.join(found['languages'])}")
    now = clock.now()
    client = client_hash(address or "unknown", now)
    try:
        if body.website:  # the honeypot: answered as accepted, counted, dropped
            store.count_honeypot(found, _month(found["department"], now), client, now)
            return
        asked = rules.questions_of(found["kind"], found["own"])
        answers = rules.validate(asked, body.answers)
        data = rules.feedback_fields(found["kind"], asked, answers)
        data.update(channel=body.channel or "web", category="other", actionable=False, survey_offered=True,
                    journey_id=found["journey_id"], received_at=now)
        own = {qid: value for qid, value in answers.items() if qid.startswith("own_")}
        own = {qid: (voc.redact_text(v) if isinstance(v, str) and _is_text(asked, qid) else v)
               for qid, v in own.items()}
        store.record_response(found, data, own, _page(body.page), body.lang, client, now)
    except store.RateLimited:
        raise TooManyRequests(f"at most {store.RATE_LIMIT} responses a minute from one address; try again later",
                              headers=_retry_after(now))


def _is_text(asked: list[Mapping[str, Any]], qid: str) -> bool:
    return any(q["id"] == qid and q["kind"] == "text" for q in asked)
