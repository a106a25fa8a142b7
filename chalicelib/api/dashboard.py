"""The CCXO dashboard: a page (public; the token stays in the browser tab) and its SVG charts."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.api.routing import ANY_ROLE, PUBLIC, Call, api_route
from chalicelib.errors import NotFound
from chalicelib.logic import rollup
from chalicelib.logic.dashboard_charts import CHARTS, draw
from chalicelib.models.rollup import RollupQuery

bp = Blueprint(__name__)
TAG = "dashboard"
ASSETS = Path(__file__).resolve().parent.parent / "dashboard"
# The page may run no script but its own, fetch nothing but this API, and be framed by nobody.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=2)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text()


def _page_config() -> str:
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
    config = {"demo_users": users, "default_period": os.environ.get("CXGOV_DASHBOARD_PERIOD") or None}
    # Inside <script type="application/json">: escape "<" so no text can close the element.
    return json.dumps(config).replace("<", "\\u003c")


@api_route(bp, "/dashboard", "GET", summary="The Chief CX Officer's dashboard page", tag=TAG,
           roles=PUBLIC, response_media_type="text/html")
def dashboard_page(call: Call) -> Response:
    html = _asset("index.html").replace("__CONFIG__", _page_config())
    return Response(body=html, status_code=200,
                    headers={"Content-Type": "text/html; charset=utf-8", **SECURITY_HEADERS})


@api_route(bp, "/dashboard/app.js", "GET", summary="The dashboard's script", tag=TAG, roles=PUBLIC,
           response_media_type="text/javascript")
def dashboard_script(call: Call) -> Response:
    return Response(body=_asset("app.js"), status_code=200,
                    headers={"Content-Type": "text/javascript; charset=utf-8", **SECURITY_HEADERS})


@api_route(bp, "/dashboard/charts/{chart}", "GET", summary="A dashboard chart as SVG", tag=TAG,
           roles=ANY_ROLE, query=RollupQuery, response_media_type="image/svg+xml")
def dashboard_chart(call: Call) -> Response:
    """`recommendations`, `voc`, `channels` or `kpis`, drawn from the caller's rollup: every
    department for the ccxo and auditors, its own for a dcxo."""
    chart = call.path["chart"]
    if chart not in CHARTS:
        raise NotFound(f"no chart named {chart!r}; charts: {', '.join(CHARTS)}")
    svg = draw(chart, rollup.build(call.principal, call.query.period))
    return Response(body=svg, status_code=200,
                    headers={"Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store"})
