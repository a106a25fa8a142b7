"""The org's digest contacts: the CCXO's and the auditors' addresses (a DCXO's digest goes to its
department's `dcxo_contact`)."""
from __future__ import annotations

from chalicelib.core.auth import Principal
from chalicelib.reminders import store as dal
from chalicelib.core.errors import BadRequest
from chalicelib.reminders.schemas import Contacts, ContactsPut


def get_contacts() -> Contacts:
    found = dal.get_contacts()
    if found is None:
        return Contacts(ccxo=[], auditors=[], version=None)
    contacts, version = found
    return Contacts(**contacts, version=version)


def put_contacts(body: ContactsPut, principal: Principal) -> Contacts:
    for group in ("ccxo", "auditors"):
        seen: set[str] = set()
        for index, contact in enumerate(getattr(body, group)):
            address = contact.email.lower()
            if address in seen:
                raise BadRequest.for_field(f"{group}.{index}.email", "this address is already in the list")
            seen.add(address)
    contacts = body.model_dump(mode="json", exclude={"version"})
    version = dal.put_contacts(contacts, body.version, principal.subject)
    return Contacts(**contacts, version=version)
