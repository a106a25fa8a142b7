"""The digest job: one message per recipient and day (the CCXO's weekly), sent by Amazon SES v2, only
when the digest holds something; never twice for the same recipient and day.

Each send is claimed first with a conditional write (reminders/store.claim_send): a re-run the same
day, or a retried invocation, finds the claim and sends nothing. A send that SES throttles (or that
fails to connect) is retried with backoff; one it refuses (a rejected address) is not. A failure is
recorded on the claim (a later run that day tries again), logged, counted in the `DigestSendFailed`
metric and reported in the run's result; it never stops the run for the other recipients. A run that
dies between SES's acceptance and the record of it leaves the claim `sending`: it is reported
`in_flight` and not sent again (at most once, never twice)."""
from __future__ import annotations

import os
import random
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chalicelib.core import clock
from chalicelib.org import service as org_service
from chalicelib.reminders import store as dal
from chalicelib.reminders import contacts, digest, mail
from chalicelib.reminders.schemas import DigestItem, DigestRun, DigestRunRecipient, OrgTotals
from chalicelib.core.observability import count, logger

RETRYABLE = {"TooManyRequestsException", "Throttling", "ThrottlingException", "ServiceUnavailable",
             "InternalFailure", "InternalServerError", "RequestTimeout"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _sleep(seconds: float) -> None:  # tests replace it
    time.sleep(seconds)


def settings() -> dict:
    env = os.environ
    return {"sender": env.get("CXGOV_DIGEST_SENDER", ""),
            "hour": int(env.get("CXGOV_DIGEST_HOUR", "7")),
            "ccxo_weekday": env.get("CXGOV_CCXO_DIGEST_WEEKDAY", "mon"),
            "attempts": max(1, int(env.get("CXGOV_DIGEST_SEND_ATTEMPTS", "4"))),
            "retry_hours": max(0, int(env.get("CXGOV_DIGEST_RETRY_HOURS", "3"))),
            "configuration_set": env.get("CXGOV_SES_CONFIGURATION_SET", ""),
            "outbox": env.get("CXGOV_OUTBOX_DIR", "")}


class SendFailed(Exception):
    def __init__(self, message: str, attempts: int):
        super().__init__(message)
        self.attempts = attempts


def _ses():
    from botocore.config import Config

    from chalicelib.db import connection

    # Our loop is the only retry, so attempts are counted and reported exactly.
    return connection.client("sesv2", config=Config(
        retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=15))


def send(raw: bytes, sender: str, to: str, attempts: int, configuration_set: str = "") -> tuple[str, int]:
    """Sends one raw MIME message; answers (SES message id, attempts used) or raises SendFailed."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = _ses()
    request = {"FromEmailAddress": sender, "Destination": {"ToAddresses": [to]},
               "Content": {"Raw": {"Data": raw}}}
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set
    for attempt in range(1, attempts + 1):
        try:
            return client.send_email(**request)["MessageId"], attempt
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, text = error.get("Code", "Unknown"), f"{error.get('Code')}: {error.get('Message')}"
            if code not in RETRYABLE:
                raise SendFailed(text, attempt)
        except BotoCoreError as exc:  # connection errors and timeouts
            text = f"{type(exc).__name__}: {exc}"
        if attempt == attempts:
            raise SendFailed(text, attempt)
        _sleep(min(8.0, 0.5 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2))
    raise AssertionError("unreachable")


def _write_eml(outbox: str, day: str, recipient: mail.Recipient, raw: bytes) -> str:
    folder = Path(outbox) / day
    folder.mkdir(parents=True, exist_ok=True)
    who = recipient.department or "org"
    # An address may hold "/" or "..": the file name keeps only characters safe in a path.
    safe = re.sub(r"[^A-Za-z0-9@._+-]", "_", recipient.email.lower()).lstrip(".")
    path = folder / f"{recipient.role}-{who}-{safe}.eml"
    path.write_bytes(raw)
    return str(path)


def deliver(recipient: mail.Recipient, items: list[DigestItem], totals: OrgTotals | None, day: str,
            now: datetime, config: dict) -> DigestRunRecipient:
    """One recipient's digest: claim, render, send, record. Never raises."""
    result = DigestRunRecipient(role=recipient.role, email=recipient.email, department=recipient.department,
                                items=len(items), status="nothing_due")
    if not items:
        return result
    claim = uuid.uuid4().hex
    try:
        if not dal.claim_send(recipient.department, day, recipient.role, recipient.email, claim, len(items),
                              recipient.name):
            state = dal.recorded_send(recipient.department, day, recipient.role, recipient.email) or \
                {"status": "sent", "message_id": None}
            result.status = "already_sent" if state["status"] == "sent" else "in_flight"
            result.message_id = state.get("message_id")
            return result
        base = digest.dashboard_base()
        home = f"{base}/dashboard/departments/{recipient.department}" if recipient.department else f"{base}/dashboard"
        title, text, rich = mail.render(recipient, items, totals, day, home, shown=digest.max_items())
        raw = bytes(mail.message(recipient, config["sender"], title, text, rich, day, now))
        try:
            message_id, attempts = send(raw, config["sender"], recipient.email, config["attempts"],
                                        config["configuration_set"])
        except SendFailed as failed:
            dal.finish_send(recipient.department, day, recipient.role, recipient.email, claim, error=str(failed))
            result.status, result.error, result.attempts = "failed", str(failed), failed.attempts
            logger.error("digest not sent", extra={"role": recipient.role, "department": recipient.department,
                                                   "error": str(failed), "attempts": failed.attempts})
            return result
        dal.finish_send(recipient.department, day, recipient.role, recipient.email, claim, message_id=message_id)
        result.status, result.message_id, result.attempts = "sent", message_id, attempts
        if config["outbox"]:
            result.eml = _write_eml(config["outbox"], day, recipient, raw)
    except Exception as exc:  # noqa: BLE001 - one recipient's failure never stops the others
        logger.exception("digest failed", extra={"role": recipient.role, "department": recipient.department})
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
    return result


def _departments() -> list:
    found, start = [], None
    while True:
        page, start = org_service.departments_page(200, start)
        found += page
        if not start:
            return found


def run(now: datetime | None = None) -> DigestRun:
    """Sends today's digests (the CCXO's on its weekday only) to every recipient with something due."""
    now = now or clock.now()
    config = settings()
    if not config["sender"]:
        raise RuntimeError("CXGOV_DIGEST_SENDER is not set: the digests have no sender address")
    local = now.astimezone(ZoneInfo(digest.org_zone()))
    day = local.date().isoformat()
    reads = digest.OrgReads(now)
    base = digest.dashboard_base()
    results: list[DigestRunRecipient] = []
    counters = reads.rec_counters
    for department in _departments():
        if not department.active:
            continue
        has_open = bool(counters.get(department.id, {}).get("rec__unclosed", 0))
        items = [digest.to_model(i, base) for i in digest.department_items(department.id, now, read_due=has_open)]
        recipient = mail.Recipient("dcxo", department.dcxo_contact.name, department.dcxo_contact.email,
                                   department.id, department.name)
        results.append(deliver(recipient, items, None, day, now, config))
    org = contacts.get_contacts()
    if org.auditors:
        items = [digest.to_model(i, base) for i in reads.auditor_items()]
        for person in org.auditors:
            results.append(deliver(mail.Recipient("auditor", person.name, person.email), items, None, day,
                                   now, config))
    if org.ccxo and WEEKDAYS[local.weekday()] == config["ccxo_weekday"]:
        found = reads.ccxo_items()
        totals = reads.totals(sum(1 for i in found if i.kind == "target_date_escalation"))
        items = [digest.to_model(i, base) for i in found]
        for person in org.ccxo:
            results.append(deliver(mail.Recipient("ccxo", person.name, person.email), items, totals, day,
                                   now, config))
    run_result = DigestRun(day=local.date(), started_at=now, recipients=results)
    _report(run_result)
    return run_result


def _report(result: DigestRun) -> None:
    summary = {status: result.count(status)
               for status in ("sent", "failed", "already_sent", "in_flight", "nothing_due")}
    logger.info("digest run", extra={"day": result.day.isoformat(), **summary})
    try:
        count("DigestSent", summary["sent"])
        count("DigestSendFailed", summary["failed"])
    except Exception:  # noqa: BLE001 - a metric never breaks the job
        logger.exception("digest metrics not recorded")


def retry_failed(now: datetime | None = None) -> DigestRun:
    """Sends again today's digests whose send failed (each rebuilt as of now), and nothing else."""
    now = now or clock.now()
    config = settings()
    if not config["sender"]:
        raise RuntimeError("CXGOV_DIGEST_SENDER is not set: the digests have no sender address")
    local = now.astimezone(ZoneInfo(digest.org_zone()))
    day = local.date().isoformat()
    reads, base = digest.OrgReads(now), digest.dashboard_base()
    results = []
    for failed in dal.failed_sends(day):
        recipient = mail.Recipient(failed["role"], failed["name"] or failed["email"], failed["email"],
                                   failed["department"])
        totals = None
        if failed["role"] == "dcxo":
            department = org_service.department(failed["department"])
            if department is None or not department.active:
                continue
            recipient = mail.Recipient("dcxo", department.dcxo_contact.name, failed["email"], department.id,
                                       department.name)
            found = digest.department_items(department.id, now)
        elif failed["role"] == "auditor":
            found = reads.auditor_items()
        else:
            found = reads.ccxo_items()
            totals = reads.totals(sum(1 for i in found if i.kind == "target_date_escalation"))
        results.append(deliver(recipient, [digest.to_model(i, base) for i in found], totals, day, now, config))
    result = DigestRun(day=local.date(), started_at=now, recipients=results)
    _report(result)
    return result


def _summary(result: DigestRun) -> dict:
    return {"day": result.day.isoformat(),
            **{s: result.count(s) for s in ("sent", "failed", "already_sent", "in_flight", "nothing_due")},
            "failures": [{"role": r.role, "department": r.department, "error": r.error}
                         for r in result.recipients if r.status == "failed"]}


def run_scheduled() -> dict:
    """The hourly trigger: the digests in the configured hour of the org's zone; in the
    `CXGOV_DIGEST_RETRY_HOURS` hours after it, another try for the day's failed sends only."""
    now = clock.now()
    config = settings()
    local = now.astimezone(ZoneInfo(digest.org_zone()))
    if local.hour == config["hour"]:
        return _summary(run(now))
    if 0 < local.hour - config["hour"] <= config["retry_hours"]:
        return {"retry": True, **_summary(retry_failed(now))}
    return {"skipped": f"digests are sent at {config['hour']:02d}:00 {digest.org_zone()}",
            "local_time": local.isoformat(timespec="minutes")}
