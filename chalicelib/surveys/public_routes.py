"""The public survey routes, without a token: the hosted page, the embed script, the questions and
the response. In the packaged template they have no authorizer and their own API Gateway throttle
(`throttle` below, devtools/infra_gen.py); the app adds the origin allowlist, the per-address rate
and the body limit (surveys/public.py)."""
from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.core.errors import ApiError
from chalicelib.core.lazy import lazy
from chalicelib.http.routing import PUBLIC, Call, api_route

public = lazy("chalicelib.surveys.public")
PublicQuestions, ResponseCreate, Accepted = lazy(
    "chalicelib.surveys.schemas", "PublicQuestions", "ResponseCreate", "Accepted")

bp = Blueprint(__name__)
TAG = "surveys"
ASSETS = Path(__file__).resolve().parent / "assets"
MAX_BODY = 16 * 1024
THROTTLE = (20, 40)  # API Gateway: steady requests per second and burst, per public route
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
}
_WORDS = {"en": {"skip": "Skip to the survey", "noscript": "This survey needs JavaScript."},
          "es": {"skip": "Ir a la encuesta", "noscript": "Esta encuesta necesita JavaScript."}}
PAGE_EXAMPLE = "<!doctype html><html lang=\"en\"><head><title>How did we do?</title>…</html>"


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text()


def _request_headers() -> dict[str, str]:
    request = bp.current_request
    return {k.lower(): v for k, v in (request.headers or {}).items()} if request else {}


def _client_address() -> str:
    """The caller's address as API Gateway saw it (never a header the caller could forge)."""
    request = bp.current_request
    identity = ((request.context or {}).get("identity") or {}) if request else {}
    return str(identity.get("sourceIp") or "unknown")


@api_route(bp, "/s/{survey_id}", "GET", summary="A survey's hosted page", tag=TAG, roles=PUBLIC,
           response_media_type="text/html", response_example=PAGE_EXAMPLE, throttle=THROTTLE)
def survey_page(call: Call) -> Response:
    """USWDS, Section 508; in the browser's language (Accept-Language) where the survey offers it."""
    found = public.survey(call.path["survey_id"])
    lang = public.language(found, _request_headers().get("accept-language"))
    words = _WORDS[lang]
    page = (_asset("page.html").replace("__LANG__", lang)
            .replace("__TITLE__", html.escape(found["title"].get(lang) or found["title"]["en"]))
            .replace("__DEPARTMENT__", html.escape(found["department"]))
            .replace("__SKIP__", words["skip"]).replace("__NOSCRIPT__", words["noscript"])
            .replace("__SURVEY_ID__", found["id"]))
    return Response(body=page, status_code=200, headers={**PAGE_HEADERS, "Content-Language": lang})


@api_route(bp, "/s/{survey_id}/embed.js", "GET", summary="A survey's embed script", tag=TAG, roles=PUBLIC,
           response_media_type="text/javascript", response_example="(function () { … }());", throttle=THROTTLE)
def survey_embed(call: Call) -> Response:
    """`<script src=".../s/{survey_id}/embed.js" data-mode="inline|modal" data-target="id">` on an
    allowed origin: the form inline, or a button opening it in a dialog."""
    public.survey(call.path["survey_id"])
    return Response(body=_asset("embed.js"), status_code=200, headers={
        "Content-Type": "text/javascript; charset=utf-8", "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "cross-origin"})


@api_route(bp, "/s/{survey_id}/questions", "GET", summary="A survey's questions", tag=TAG, roles=PUBLIC,
           response=PublicQuestions, errors=(503,), throttle=THROTTLE)
def survey_questions(call: Call) -> Response:
    """What the page and the embed show; each read counts as an offer of the survey (the A-11
    collection's `volume_of_customers_provided_survey_opportunity`)."""
    found = public.survey(call.path["survey_id"])
    headers = _request_headers()
    body = public.questions(found)
    return Response(body=json.dumps(body), status_code=200, headers={
        "Content-Type": "application/json", **public.cors_headers(found, headers.get("origin"), headers.get("host"))})


@api_route(bp, "/s/{survey_id}/responses", "POST", summary="Answer a survey", tag=TAG, roles=PUBLIC,
           body=ResponseCreate, response=Accepted, status=202, content_types=("application/json", "text/plain"),
           max_body_bytes=MAX_BODY, errors=(403, 503), throttle=THROTTLE)
def survey_respond(call: Call) -> Response:
    """From the hosted page or an allowed origin (`Origin` required), at most 10 responses a minute
    per client address (429 with `Retry-After`), a body of at most 16 KiB, each answer valid for its
    question (400 naming it). Answered `202 {"accepted": true}`, also when the hidden `website`
    field is filled (that response is counted and dropped). No cookies are read or set."""
    found = public.survey(call.path["survey_id"])
    headers = _request_headers()
    origin, host = headers.get("origin"), headers.get("host")
    cors = public.cors_headers(found, origin, host)
    try:
        public.respond(found, call.body, origin, host, _client_address())
    except ApiError as refused:  # an allowed embed reads why (the answer named, 429)
        refused.headers.update(cors)
        raise
    return Response(body={"accepted": True}, status_code=202, headers={
        "Content-Type": "application/json", **cors})
