"""The surge watch's hourly job (DESIGN.md "Surge watch and backlog risk"): for every active
department, the watch at the current whole hour opens and resolves its alerts (watch.service), then
each new alert is mailed once to the department's DCXO and to the CCXO contacts (the digests' sender
and SES path, job.send). Here and not in watch because mailing is reminders' (reminders reads watch).

An alert is marked mailed before its messages go (a retried run mails nothing twice); when a send
fails the mark is removed, and the next hour's run tries again."""
from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from chalicelib.core import clock
from chalicelib.core.observability import logger
from chalicelib.reminders import contacts, digest, job
from chalicelib.watch import service as watch

KIND_WORDS = {"surge": "Surge", "backlog_risk": "Backlog at risk"}


def text_of(alert: dict, department_name: str, link: str) -> tuple[str, str]:
    """(subject, plain text) of an alert's mail."""
    f = {"observed": "?", "median": "?", "mad": "?", "z": "?", "at": "?", "at_risk": "?", "unanswered": "?",
         "capacity_per_staffed_hour": "?", "overdue": "?", "next_staffed_at": "?", **alert["figures"]}
    what = KIND_WORDS[alert["kind"]]
    where = department_name if alert["scope"] == "department" else f"{department_name}, {alert['scope']} {alert['key']}"
    subject = f"cxgov alert: {what} - {where}"
    if alert["kind"] == "surge":
        body = (f"{f['observed']} items in the 24 hours before {f['at']}, against a weekly baseline median of "
                f"{f['median']} (MAD {f['mad']}): z = {f['z']}.")
    else:
        first = f.get("first_breach_at") or "now"
        body = (f"{f['at_risk']} of {f['unanswered']} unanswered items will pass their due time before staff "
                f"reach them at {f['capacity_per_staffed_hour']} first responses per staffed hour; the "
                f"first at {first}. {f['overdue']} are overdue already; next staffed at {f['next_staffed_at']}.")
    text = (f"{subject}\n\n{body}\n\nOpened at {alert['opened_at'].isoformat()}. Acknowledge it on the "
            f"dashboard: {link}\n\nThis alert is mailed once; it resolves itself when the condition ends.\n")
    return subject, text


def _message(sender: str, to_name: str, to_email: str, subject: str, text: str, now: datetime) -> bytes:
    name, _, address = sender.rpartition("<")
    address = address.rstrip(">").strip() or sender
    msg = EmailMessage()
    msg["From"] = Address(display_name=name.strip().strip('"'), addr_spec=address)
    msg["To"] = Address(display_name=to_name, addr_spec=to_email)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    return bytes(msg)


def mail_alert(alert: dict, department, ccxo: list, config: dict, now: datetime) -> list[str]:
    """Sends the alert to the DCXO and the CCXO contacts; answers the addresses sent to."""
    link = f"{digest.dashboard_base()}/dashboard/departments/{department.id}"
    subject, text = text_of(alert, department.name, link)
    people = [(department.dcxo_contact.name, department.dcxo_contact.email)]
    people += [(p.name, p.email) for p in ccxo]
    sent = []
    for name, email in people:
        raw = _message(config["sender"], name, email, subject, text, now)
        job.send(raw, config["sender"], email, config["attempts"], config["configuration_set"])
        sent.append(email)
    return sent


def run(now: datetime | None = None) -> dict:
    """One hour's run over every active department: {opened, resolved, mailed, failed}."""
    now = now or clock.now()
    config = job.settings()
    ccxo = contacts.get_contacts().ccxo
    summary = {"opened": 0, "resolved": 0, "mailed": 0, "failed": 0}
    for department in watch.departments():
        if not department.active:
            continue
        try:
            changes = watch.evaluate(department.id, now)
        except Exception:  # noqa: BLE001 - one department's failure never stops the others
            logger.exception("watch failed", extra={"department": department.id})
            summary["failed"] += 1
            continue
        summary["opened"] += len(changes["opened"])
        summary["resolved"] += len(changes["resolved"])
        if not config["sender"]:
            continue
        for alert in watch.to_mail(department.id):
            if not watch.claim_mail(department.id, alert["id"], now):
                continue
            try:
                mail_alert(alert, department, ccxo, config, now)
                summary["mailed"] += 1
            except Exception:  # noqa: BLE001 - tried again next hour
                logger.exception("alert not mailed", extra={"department": department.id, "alert": alert["id"]})
                watch.release_mail(department.id, alert["id"], now)
                summary["failed"] += 1
    logger.info("watch run", extra=summary)
    return summary


def run_scheduled() -> dict:
    return run(clock.now())
