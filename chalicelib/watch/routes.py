"""The surge watch and its alerts (DESIGN.md "Surge watch and backlog risk"). The hourly job that
opens, mails and resolves the alerts is reminders' (it mails; reminders reads watch, not the reverse)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core import cursors
from chalicelib.core.lazy import lazy
from chalicelib.http.routing import Call, api_route

watch_logic = lazy("chalicelib.watch.watch")
alerts = lazy("chalicelib.watch.service")
Alert, AlertAcknowledge, AlertPage, AlertQuery, Watch, WatchQuery = lazy(
    "chalicelib.watch.schemas", "Alert", "AlertAcknowledge", "AlertPage", "AlertQuery", "Watch", "WatchQuery")

bp = Blueprint(__name__)
TAG = "watch"
READERS = ("dcxo", "ccxo", "auditor")


@api_route(bp, "/departments/{dept}/watch", "GET", summary="Surges and backlog risk at a moment", tag=TAG,
           roles=READERS, query=WatchQuery, response=Watch)
def get_watch(call: Call) -> Watch:
    """Intake in the 24 whole hours before `at` against the same hours of the 8 weeks before, per
    department, channel and category; and the unanswered queue's first-in-first-out forecast at the
    capacity of the last 28 days' staffed hours. A past `at` backtests."""
    return Watch(**watch_logic.watch(call.path["dept"], call.query.at))


@api_route(bp, "/departments/{dept}/alerts", "GET", summary="A department's surge and backlog alerts",
           tag=TAG, roles=READERS, query=AlertQuery, response=AlertPage)
def list_department_alerts(call: Call) -> AlertPage:
    """Newest first."""
    dept = call.path["dept"]
    binding = f"{call.principal.scope_key}|alerts|{dept}|{call.query.status}"
    items, last = alerts.list_alerts(dept, call.query.status, call.query.limit,
                                     cursors.decode(call.query.cursor, binding))
    return AlertPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, "/alerts", "GET", summary="Every department's surge and backlog alerts", tag=TAG,
           roles=("ccxo", "auditor"), query=AlertQuery, response=AlertPage)
def list_alerts(call: Call) -> AlertPage:
    """Newest first, across departments."""
    binding = f"{call.principal.scope_key}|alerts|*|{call.query.status}"
    items, last = alerts.list_alerts(None, call.query.status, call.query.limit,
                                     cursors.decode(call.query.cursor, binding))
    return AlertPage(items=items, next_cursor=cursors.encode(last, binding))


@api_route(bp, "/departments/{dept}/alerts/{alert_id}/acknowledge", "POST", summary="Acknowledge an alert",
           tag=TAG, roles=READERS, body=AlertAcknowledge, response=Alert, idempotent=True)
def acknowledge_alert(call: Call) -> Alert:
    """Records who saw it and what is being done; the hourly job still resolves it when the condition
    ends. Acknowledging again answers the alert as it is (the first acknowledgement stays)."""
    return Alert(**alerts.acknowledge(call.path["dept"], call.path["alert_id"], call.body.note, call.principal))

