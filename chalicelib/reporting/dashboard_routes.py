"""The CCXO dashboard (v2, on the U.S. Web Design System): its pages (public; the token stays in the
browser tab and every data call carries it), the sign-in's callback page (OpenID Connect, PKCE:
static/signin.js), their scripts and the USWDS files they use, and the server-drawn SVG charts.
Every URL in the pages is relative, so they work under a stage prefix."""
from __future__ import annotations

import json
import os
import re
import urllib.parse
from functools import lru_cache
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.http.routing import ANY_ROLE, PUBLIC, Call, api_route
from chalicelib.core.errors import NotFound
from chalicelib.core.lazy import lazy

rollup = lazy("chalicelib.reporting.rollup")
charts = lazy("chalicelib.reporting.dashboard_charts")
CallbackQuery = lazy("chalicelib.reporting.dashboard_schemas", "CallbackQuery")
RollupQuery = lazy("chalicelib.reporting.rollup_schemas", "RollupQuery")

bp = Blueprint(__name__)
TAG = "dashboard"
ASSETS = Path(__file__).resolve().parent / "dashboard"
STATIC = ASSETS / "static"
USWDS = ASSETS / "uswds"  # copied from npm @uswds/uswds by devtools/dashboard_assets.py
# The page may run no script but its own, fetch nothing but this API (and, with sign-in configured,
# the identity provider: _headers), and be framed by nobody.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# Binary types are registered on the app (app.py) so API Gateway passes them through.
BINARY_TYPES = ("font/woff2",)
MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".svg": "image/svg+xml", ".woff2": "font/woff2"}
_ID_PATTERNS = {"dept": re.compile(r"^[a-z][a-z0-9-]{1,39}$"), "rec_id": re.compile(r"^[a-z0-9]{8,40}$")}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
# page -> the relative path from the page's URL back to /dashboard/ (pages are at different depths)
PAGES = {"overview": "dashboard/", "trends": "", "tracker": "", "assessments": "", "department": "../",
         "recommendation": "../../", "callback": ""}


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text()


def _oidc_config() -> dict | None:
    """Sign-in settings for signin.js (docs/operations.md, "Sign-in, identity providers and roles"): the issuer and the client the
    dashboard signs in with. Without a client id the page offers no sign-in."""
    env = os.environ
    client_id = env.get("CXGOV_OIDC_CLIENT_ID", "")
    issuer = env.get("CXGOV_OIDC_ISSUER") or env.get("CXGOV_ISSUER", "")
    if not client_id or not issuer:
        return None
    extra = dict(urllib.parse.parse_qsl(env.get("CXGOV_OIDC_AUTH_PARAMS", "")))
    return {"issuer": issuer, "client_id": client_id,
            "discovery_url": env.get("CXGOV_OIDC_DISCOVERY_URL") or None,
            "scope": env.get("CXGOV_OIDC_SCOPE") or "openid email profile",
            "bearer": "access_token" if env.get("CXGOV_OIDC_BEARER") == "access_token" else "id_token",
            "logout_url": env.get("CXGOV_OIDC_LOGOUT_URL") or None, "extra_params": extra}


def _origin(url: str | None) -> str | None:
    parts = urllib.parse.urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else None


def _headers(oidc: dict | None) -> dict[str, str]:
    """The page may fetch from this API and, to sign in, from the issuer's discovery and token
    endpoints (their origins: the discovery URL's, and CXGOV_OIDC_ORIGINS, e.g. Cognito's domain)."""
    if not oidc:
        return SECURITY_HEADERS
    origins = {_origin(oidc["discovery_url"] or oidc["issuer"])}
    origins |= {_origin(o) for o in os.environ.get("CXGOV_OIDC_ORIGINS", "").split()}
    extra = " ".join(sorted(o for o in origins if o))
    csp = SECURITY_HEADERS["Content-Security-Policy"].replace("connect-src 'self'", f"connect-src 'self' {extra}")
    return {**SECURITY_HEADERS, "Content-Security-Policy": csp}


def _page_config(page: str, params: dict[str, str], base: str = "", oidc: dict | None = None) -> str:
    """Local runs only: `make run` writes the demo users' tokens to a file and points
    CXGOV_DEMO_USERS_FILE at it (the picker), and CXGOV_DASHBOARD_PERIOD at the demo data's period.
    In AWS neither is set: no picker, and the period defaults to the current fiscal year."""
    path = os.environ.get("CXGOV_DEMO_USERS_FILE")
    users = []
    if path and Path(path).is_file():
        try:
            users = [{"label": str(u["label"]), "token": str(u["token"])} for u in json.loads(Path(path).read_text())]
        except (ValueError, KeyError, TypeError):
            users = []
    config = {"demo_users": users, "default_period": os.environ.get("CXGOV_DASHBOARD_PERIOD") or None,
              "page": page, "params": params, "base": (base or "") + "/", "oidc": oidc}
    # Inside <script type="application/json">: escape "<" so no text can close the element.
    return json.dumps(config).replace("<", "\\u003c")


def _page(call: Call, page: str, **params: str) -> Response:
    """A page of the dashboard (index.html, or callback.html for the sign-in's redirect), with its
    configuration, and a CSP that lets it reach the identity provider when sign-in is configured."""
    oidc = _oidc_config()
    html = (_asset("callback.html" if page == "callback" else "index.html")
            .replace("__CONFIG__", _page_config(page, params, call.base_path, oidc))
            .replace("__BASE__", PAGES[page]).replace("__PAGE__", page))
    return Response(body=html, status_code=200,
                    headers={"Content-Type": "text/html; charset=utf-8", **_headers(oidc)})


@api_route(bp, "/dashboard", "GET", summary="The dashboard: overview", tag=TAG,
           roles=PUBLIC, response_media_type="text/html")
def dashboard_page(call: Call) -> Response:
    """Totals, the departments that need attention first, recommendations, VoC, KPIs, benchmark."""
    return _page(call, "overview")


@api_route(bp, "/dashboard/trends", "GET", summary="The dashboard: trends over 24 months", tag=TAG,
           roles=PUBLIC, response_media_type="text/html")
def dashboard_trends(call: Call) -> Response:
    return _page(call, "trends")


@api_route(bp, "/dashboard/tracker", "GET", summary="The dashboard: the auditor's tracker", tag=TAG,
           roles=PUBLIC, response_media_type="text/html")
def dashboard_tracker(call: Call) -> Response:
    return _page(call, "tracker")


@api_route(bp, "/dashboard/assessments", "GET", summary="The dashboard: assessments across departments",
           tag=TAG, roles=PUBLIC, response_media_type="text/html")
def dashboard_assessments(call: Call) -> Response:
    """Each department's latest approved assessment against a framework, ranked (a dcxo: its own)."""
    return _page(call, "assessments")


def _ids(call: Call, *names: str) -> dict[str, str]:
    """A deep link's ids, checked as the API checks them (a malformed one is a 404, not a page)."""
    found = {name: call.path[name] for name in names}
    if not all(_ID_PATTERNS[name].match(value) for name, value in found.items()):
        raise NotFound("no such page: the link's ids are malformed")
    return found


@api_route(bp, "/dashboard/departments/{dept}", "GET", summary="The dashboard: one department", tag=TAG,
           roles=PUBLIC, response_media_type="text/html")
def dashboard_department(call: Call) -> Response:
    """The page is public; its data calls carry the token, so a dcxo sees only its own department."""
    return _page(call, "department", **_ids(call, "dept"))


@api_route(bp, "/dashboard/recommendations/{dept}/{rec_id}", "GET", summary="The dashboard: one recommendation",
           tag=TAG, roles=PUBLIC, response_media_type="text/html")
def dashboard_recommendation(call: Call) -> Response:
    return _page(call, "recommendation", **_ids(call, "dept", "rec_id"))


@api_route(bp, "/dashboard/callback", "GET", summary="Where the identity provider returns after sign-in",
           tag=TAG, roles=PUBLIC, query=CallbackQuery, response_media_type="text/html")
def dashboard_callback(call: Call) -> Response:
    """The OIDC redirect URI: static/signin.js checks `state` and redeems `code` with its PKCE verifier."""
    return _page(call, "callback")


def _file(root: Path, *parts: str) -> Response:
    if not all(_NAME.match(part) for part in parts):
        raise NotFound("no such dashboard file")
    path = root.joinpath(*parts)
    media = MEDIA_TYPES.get(path.suffix)
    if media is None or not path.is_file():
        raise NotFound("no such dashboard file")
    body = path.read_bytes() if media in BINARY_TYPES else path.read_text()
    return Response(body=body, status_code=200, headers={
        "Content-Type": media, "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"})


@api_route(bp, "/dashboard/static/{name}", "GET", summary="The dashboard's own scripts and styles", tag=TAG,
           roles=PUBLIC, response_media_type="text/javascript")
def dashboard_static(call: Call) -> Response:
    return _file(STATIC, call.path["name"])


@api_route(bp, "/dashboard/uswds/{kind}/{name}", "GET", summary="USWDS compiled CSS and JS", tag=TAG,
           roles=PUBLIC, response_media_type="text/css")
def dashboard_uswds(call: Call) -> Response:
    return _file(USWDS, call.path["kind"], call.path["name"])


@api_route(bp, "/dashboard/uswds/{kind}/{family}/{name}", "GET", summary="USWDS fonts and icons", tag=TAG,
           roles=PUBLIC, response_media_type="font/woff2")
def dashboard_uswds_nested(call: Call) -> Response:
    return _file(USWDS, call.path["kind"], call.path["family"], call.path["name"])


@api_route(bp, "/dashboard/charts/{chart}", "GET", summary="A dashboard chart as SVG", tag=TAG,
           roles=ANY_ROLE, query=RollupQuery, response_media_type="image/svg+xml")
def dashboard_chart(call: Call) -> Response:
    """`recommendations`, `voc`, `channels` or `kpis`, drawn from the caller's rollup (its first
    page of departments): every department for the ccxo and auditors, its own for a dcxo."""
    chart = call.path["chart"]
    if chart not in charts.CHARTS:
        raise NotFound(f"no chart named {chart!r}; charts: {', '.join(charts.CHARTS)}")
    svg = charts.draw(chart, rollup.build(call.principal, call.query.period))
    return Response(body=svg, status_code=200,
                    headers={"Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store"})
