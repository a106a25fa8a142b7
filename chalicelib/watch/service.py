"""The alerts (DESIGN.md "Surge watch and backlog risk"): what other domains and the routes ask of
the watch. The hourly job (reminders/alerts_job.py, which mails) calls `evaluate`, `to_mail`,
`claim_mail` and `release_mail`; the digest and the dashboard call `open_alerts`."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.core import clock
from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.org import service as org
from chalicelib.watch import store, watch

ALERT_ID_LENGTH = 26
_ID_CHARS = set("0123456789abcdefghjkmnpqrstvwxyz")


def conditions(found: dict[str, Any]) -> dict[tuple[str, str, str], dict]:
    """(kind, scope, key) -> figures of every alert condition in the watch's answer `found`: each
    surge, and the backlog when `at_risk` reaches `min_volume`."""
    active: dict[tuple[str, str, str], dict] = {}
    for surge in found["surges"]:
        if surge["surge"]:
            active[("surge", surge["scope"], surge["key"])] = {
                "at": found["at"], "observed": surge["observed"], "median": surge["baseline"]["median"],
                "mad": surge["baseline"]["mad"], "z": surge["z"]}
    backlog = found["backlog"]
    if backlog["at_risk"] >= found["thresholds"]["min_volume"]:
        active[("backlog_risk", "department", found["department"])] = {"at": found["at"], **backlog}
    return active


def evaluate(dept: str, now: datetime) -> dict[str, list[dict]]:
    """Opens an alert for each condition that has none open, resolves each open one whose condition
    ended: {"opened": [...], "resolved": [alert ids]}."""
    found = watch.watch(dept, now)
    active = conditions(found)
    markers = store.open_markers(dept)
    opened, resolved = [], []
    for (kind, scope, key), figures in active.items():
        if (kind, scope, key) not in markers:
            alert = store.open_alert(dept, kind, scope, key, figures, found["at"])
            if alert is not None:
                opened.append(alert)
    for (kind, scope, key), alert_id in markers.items():
        if (kind, scope, key) not in active:
            store.resolve(dept, kind, scope, key, alert_id, {"resolved_at_watch": found["at"]}, found["at"])
            resolved.append(alert_id)
    return {"opened": opened, "resolved": resolved}


def departments() -> list:
    found, start = [], None
    while True:
        page, start = org.departments_page(200, start)
        found += page
        if not start:
            return found


def to_mail(dept: str) -> list[dict]:
    """The department's open alerts not mailed yet."""
    return [alert for alert_id in store.open_markers(dept).values()
            if (alert := store.get(dept, alert_id)) is not None and alert["mailed_at"] is None]


def claim_mail(dept: str, alert_id: str, now: datetime) -> bool:
    return store.claim_mail(dept, alert_id, now)


def release_mail(dept: str, alert_id: str, now: datetime) -> None:
    store.release_mail(dept, alert_id, now)


def open_alerts(dept: str | None) -> list[dict]:
    """Open alerts, newest first (one department's, or every department's)."""
    return [_public(a) for a in store.open_alerts(dept)]


def _public(alert: dict) -> dict:
    return {k: v for k, v in alert.items() if k != "mailed_at"}


def list_alerts(dept: str | None, status: str, limit: int, start_key: dict | None):
    if dept is not None and org.department(dept) is None:
        raise NotFound(f"department {dept!r} not found")
    items, last = store.page(dept, status == "open", limit, start_key)
    return [_public(a) for a in items], last


def acknowledge(dept: str, alert_id: str, note: str, principal: Principal) -> dict:
    if len(alert_id) != ALERT_ID_LENGTH or not set(alert_id) <= _ID_CHARS:
        raise BadRequest.for_field("alert_id", "not an alert id")
    current = store.get(dept, alert_id)
    if current is None:
        raise NotFound(f"alert {alert_id!r} not found")
    if current["acknowledged_by"] is None:
        store.acknowledge(dept, alert_id, principal.subject, note, clock.now())
        current = store.get(dept, alert_id)
    return _public(current)
