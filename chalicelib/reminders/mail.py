"""A digest as one MIME message, text and HTML, rendered from the templates in
chalicelib/reminders/templates/digest/ (`string.Template`; every value is HTML-escaped in the HTML part)."""
from __future__ import annotations

import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from string import Template

from chalicelib.reminders.schemas import DigestItem, OrgTotals

TEMPLATES = Path(__file__).resolve().parent / "templates" / "digest"
KIND_WORDS = {
    "recommendation_overdue": "overdue", "target_date_approaching": "target date coming up",
    "closure_returned": "closure request returned", "action_due": "corrective action due soon",
    "action_overdue": "corrective action past due", "feedback_overdue": "feedback unanswered",
    "closure_request_awaiting": "closure request awaiting you",
    "decision_awaiting_evaluation": "management decision awaiting evaluation",
    "one_year_approaching": "one year unimplemented soon", "target_date_escalation": "escalation",
    "within_target_drop": "response performance fell",
    "review_sample_awaiting": "second-look sample awaiting your verdicts",
    "watch_alert": "surge watch alert open",
}
ROLE_WORDS = {"dcxo": "the Department CX Officer", "auditor": "an auditor", "ccxo": "the Chief CX Officer"}


@lru_cache(maxsize=None)
def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Recipient:
    role: str  # dcxo | auditor | ccxo
    name: str
    email: str
    department: str | None = None
    department_name: str | None = None


def subject(recipient: Recipient, items: list[DigestItem], day: str) -> str:
    count = f"{len(items)} item" + ("" if len(items) == 1 else "s")
    if recipient.role == "dcxo":
        return f"cxgov daily digest, {recipient.department_name or recipient.department}: {count} ({day})"
    if recipient.role == "auditor":
        return f"cxgov auditor digest: {count} awaiting attention ({day})"
    return f"cxgov weekly escalations: {count} ({day})"


def _dates(item: DigestItem) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value.isoformat()}" for name, value in item.dates.items())


def _values(item: DigestItem, escape, dates_prefix: str = "") -> dict[str, str]:
    dates = _dates(item)
    return {"title": escape(item.title), "kind_words": escape(KIND_WORDS[item.kind]),
            "summary": escape(item.summary), "dates": dates_prefix + escape(dates) if dates else "",
            "dashboard_link": escape(item.dashboard_link)}


def _totals(totals: OrgTotals | None, name: str, escape) -> str:
    if totals is None:
        return ""
    r = totals.recommendations
    return template(name).substitute({k: escape(f"{v:,}") for k, v in {
        "departments": totals.departments, "open": r.open, "overdue_decision": r.overdue["decision"],
        "overdue_final_action": r.overdue["final_action"], "overdue_target_date": r.overdue["target_date"],
        "closure_requested": r.closure_requested, "closed_this_fy": r.closed_this_fy,
        "escalations": totals.escalations}.items()})


def render(recipient: Recipient, items: list[DigestItem], totals: OrgTotals | None, day: str,
           dashboard_url: str, shown: int | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of one digest; only the first `shown` items are listed (all by default)."""
    title = subject(recipient, items, day)
    total = len(items)
    items = items[:shown] if shown else items
    more = (f"Showing the {len(items)} most urgent of {total} items; the dashboard has them all."
            if len(items) < total else "")
    where = f" for {recipient.department_name or recipient.department}" if recipient.role == "dcxo" else ""
    common = {
        "subject": title, "greeting": f"Dear {recipient.name},",
        "intro": f"{total} thing{'' if total == 1 else 's'} need{'s' if total == 1 else ''} "
                 f"attention{where} today, {day}:", "more": more,
        "dashboard_url": dashboard_url, "role_words": ROLE_WORDS[recipient.role],
        "cadence": "weekly" if recipient.role == "ccxo" else "daily",
        "cadence_unit": "week" if recipient.role == "ccxo" else "day",
    }
    plain = template("message.txt").substitute(
        common, items="\n".join(template("item.txt").substitute(_values(i, str, "\n  ")) for i in items),
        totals=_totals(totals, "totals.txt", str))
    rich = template("message.html").substitute(
        {k: html.escape(v) for k, v in common.items()},
        items="\n".join(template("item.html").substitute(_values(i, html.escape)) for i in items),
        totals=_totals(totals, "totals.html", html.escape))
    return title, plain, rich


def message(recipient: Recipient, sender: str, title: str, text: str, rich: str, day: str,
            now) -> EmailMessage:
    """The MIME message (multipart/alternative); header values are encoded by the email package,
    which refuses line breaks in them."""
    sender_name, _, sender_address = sender.rpartition("<")
    sender_address = sender_address.rstrip(">").strip() or sender
    msg = EmailMessage()
    msg["From"] = Address(display_name=sender_name.strip().strip('"'), addr_spec=sender_address)
    msg["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
    msg["Subject"] = title
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a digest
    msg["X-Cxgov-Digest"] = f"{day}; {recipient.role}" + (f"; {recipient.department}" if recipient.department else "")
    msg.set_content(text)
    msg.add_alternative(rich, subtype="html")
    return msg
