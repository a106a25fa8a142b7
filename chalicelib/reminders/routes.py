"""Reminders: the org's digest contacts, the caller's digest, and the scheduled job that mails the
digests (hourly trigger; it sends at the configured hour of the org's zone)."""
from __future__ import annotations

from chalice import Blueprint, Cron

from chalicelib.http.routing import ANY_ROLE, Call, api_route
from chalicelib.core.lazy import lazy

contacts = lazy("chalicelib.reminders.contacts")
digest = lazy("chalicelib.reminders.digest")
Contacts, ContactsPut, Digest = lazy("chalicelib.reminders.schemas", "Contacts", "ContactsPut", "Digest")

bp = Blueprint(__name__)
TAG = "reminders"


@api_route(bp, "/settings/contacts", "GET", summary="Read the org's digest contacts", tag=TAG,
           roles=("ccxo", "auditor"), response=Contacts)
def get_contacts(call: Call) -> Contacts:
    return contacts.get_contacts()


@api_route(bp, "/settings/contacts", "PUT", summary="Set the org's digest contacts", tag=TAG,
           roles=("ccxo",), body=ContactsPut, response=Contacts)
def put_contacts(call: Call) -> Contacts:
    """Replaces both lists; an invalid or repeated address is a 400 naming it (`auditors.1.email`)."""
    return contacts.put_contacts(call.body, call.principal)


@api_route(bp, "/me/digest", "GET", summary="What the caller's digest holds now", tag=TAG,
           roles=ANY_ROLE, response=Digest)
def my_digest(call: Call) -> Digest:
    """A dcxo: its department's overdue recommendations (any clock), target dates within 30 days,
    actions due within 14 days or past due, closure requests the auditor returned, overdue
    unanswered feedback. An auditor: closure requests and management decisions awaiting it (with
    their age), recommendations reaching one year unimplemented within 30 days. The ccxo:
    recommendations more than 90 days past their target date, departments whose within-target share
    fell by more than 10 points from one month to the next, and the org totals. Each item has its
    dates, its clocks and links to its resource."""
    return digest.for_principal(call.principal)


@bp.schedule(Cron(0, "*", "*", "*", "?", "*"), name="send_digests")
def send_digests(event) -> dict:
    """Hourly; sends only in the hour `CXGOV_DIGEST_HOUR` of `CXGOV_ORG_TIME_ZONE` (so the hour stays
    put across daylight saving time). A retried invocation sends nothing twice."""
    from chalicelib.reminders import job

    return job.run_scheduled()


@bp.schedule(Cron(5, "*", "*", "*", "?", "*"), name="watch_alerts")
def watch_alerts(event) -> dict:
    """Hourly, five past: the surge watch opens and resolves every department's alerts and mails
    each new one once to its DCXO and the CCXO (reminders/alerts_job.py)."""
    from chalicelib.reminders import alerts_job

    return alerts_job.run_scheduled()
