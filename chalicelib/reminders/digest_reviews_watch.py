"""The digest's v1.2 kinds (digest.py keeps the audits' and the feedback's): second-look samples
awaiting a role's verdicts (reviews, issue 26) and the open surge-watch alerts (watch) — what is read
of them and how an item of these kinds reads in the API and the mail (title, summary, links)."""
from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.reminders import rules
from chalicelib.reviews import service as reviews
from chalicelib.watch import service as watch_service

KINDS = ("review_sample_awaiting", "watch_alert")


# --- the reads ---
def review_items(role: str, dept: str | None) -> list[rules.Item]:
    """The open second-look samples awaiting `role`'s verdicts (issue 26)."""
    return [rules.Item(kind="review_sample_awaiting", department=s["department"], extra=s)
            for s in reviews.awaiting(role, dept)]


def alert_items(dept: str | None, today: date) -> list[rules.Item]:
    """The open watch alerts of a department (None: of every department)."""
    return [rules.alert_item(alert, today) for alert in watch_service.open_alerts(dept)]


# --- items as the API and the mail show them ---
def summary(item: rules.Item) -> str:
    extra = item.extra
    if item.kind == "review_sample_awaiting":
        return (f"{extra['remaining']:,} of {extra['sample_size']:,} items of the {extra['period']} sample "
                "still need your verdict")
    return _alert_summary(extra["alert"])


def _alert_summary(alert: dict) -> str:
    f, since = alert["figures"], f"open since {alert['opened_at']:%Y-%m-%d %H:%M} UTC"
    if alert["kind"] == "surge":
        return (f"Surge ({alert['scope']} {alert['key']}): {f.get('observed')} in 24 hours against a median "
                f"of {f.get('median')}, z {f.get('z')}; {since}")
    return (f"Backlog at risk: {f.get('at_risk')} of {f.get('unanswered')} unanswered will pass their due "
            f"time before staff reach them; {since}")


def title(item: rules.Item) -> str:
    if item.kind == "review_sample_awaiting":
        return f"Second look {item.extra['period']}"
    return "Surge watch alert" + ("" if item.extra["alert"]["acknowledged_by"] else " (not acknowledged)")


def links(item: rules.Item, base: str) -> tuple[str, str, dict[str, Any]]:
    """(API link, dashboard link, the item's own fields)."""
    dept = item.department
    dashboard = f"{base}/dashboard/departments/{dept}"
    if item.kind == "review_sample_awaiting":
        link = f"/departments/{dept}/review-plans/{item.extra['plan_id']}/samples/{item.extra['sample_id']}"
        return link, dashboard, {k: item.extra[k] for k in ("plan_id", "sample_id", "period", "remaining")}
    return f"/departments/{dept}/alerts?status=open", dashboard, {"alert_id": item.extra["alert"]["id"]}
