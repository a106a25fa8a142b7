"""`GET/PUT /settings/contacts`: the ccxo writes the org's digest contacts; bad input is a 400 naming
the field and writes nothing; nobody else writes them."""
from __future__ import annotations

import pytest

GOOD = {"ccxo": [{"name": "Morgan Reyes", "email": "morgan.reyes@cx.example.gov"}],
        "auditors": [{"name": "Priya Natarajan", "email": "priya@oig.example.gov"},
                     {"name": "Internal Audit", "email": "audit@city.example.gov"}]}


def _fields(response) -> list[str]:
    return [d["field"] for d in response.json["error"]["details"]]


def test_the_ccxo_sets_them_and_the_auditor_reads_them(seeded, api, tokens):
    # Given no contacts yet, Then both lists are empty and there is no version
    assert api.get("/settings/contacts", token=tokens["ccxo"]).json == {"ccxo": [], "auditors": [], "version": None}
    # When the ccxo sets them
    put = api.put("/settings/contacts", token=tokens["ccxo"], body=GOOD)
    assert put.status_code == 200, put.body
    # Then the ccxo and the auditors read them back, at version 1
    for role in ("ccxo", "auditor"):
        assert api.get("/settings/contacts", token=tokens[role]).json == {**GOOD, "version": 1}
    # When replaced with the version read, Then it is version 2; with a stale version, a 409
    fewer = {"ccxo": GOOD["ccxo"], "auditors": GOOD["auditors"][:1], "version": 1}
    assert api.put("/settings/contacts", token=tokens["ccxo"], body=fewer).json["version"] == 2
    stale = api.put("/settings/contacts", token=tokens["ccxo"], body={**GOOD, "version": 1})
    assert stale.status_code == 409 and _fields(stale) == ["version"]
    assert api.get("/settings/contacts", token=tokens["auditor"]).json["auditors"] == GOOD["auditors"][:1]


@pytest.mark.parametrize("body, field", [
    ({**GOOD, "auditors": [GOOD["auditors"][0], {"name": "Typo", "email": "audit.city.example.gov"}]},
     "auditors.1.email"),
    ({**GOOD, "ccxo": [{"name": "Morgan", "email": "morgan@cx.example.gov, eve@evil.example"}]}, "ccxo.0.email"),
    ({**GOOD, "ccxo": [{"name": "Morgan\r\nBcc: eve@evil.example", "email": "m@cx.example.gov"}]}, "ccxo.0.name"),
    ({**GOOD, "ccxo": [{"name": "", "email": "m@cx.example.gov"}]}, "ccxo.0.name"),
    ({**GOOD, "ccxo": [{"email": "m@cx.example.gov"}]}, "ccxo.0.name"),
    ({**GOOD, "auditors": GOOD["auditors"] + [{"name": "Again", "email": "PRIYA@oig.example.gov"}]}, "auditors.2.email"),
    ({**GOOD, "auditors": "priya@oig.example.gov"}, "auditors"),
    ({**GOOD, "dcxo": []}, "dcxo"),
    ({**GOOD, "version": 0}, "version"),
])
def test_bad_contacts_are_a_400_naming_the_field_and_write_nothing(seeded, api, tokens, body, field):
    # Given contacts already set
    assert api.put("/settings/contacts", token=tokens["ccxo"], body=GOOD).status_code == 200
    # When a bad list is sent
    response = api.put("/settings/contacts", token=tokens["ccxo"], body=body)
    # Then it is a 400 naming the field, and the stored contacts are unchanged
    assert response.status_code == 400, response.body
    assert field in _fields(response), response.json
    assert api.get("/settings/contacts", token=tokens["ccxo"]).json == {**GOOD, "version": 1}


def test_only_the_ccxo_writes_them(seeded, api, tokens):
    for role in ("auditor", "dcxo-parks"):
        response = api.put("/settings/contacts", token=tokens[role], body=GOOD)
        assert response.status_code == 403, (role, response.body)
    assert api.get("/settings/contacts", token=tokens["dcxo-parks"]).status_code == 403
    assert api.get("/settings/contacts", token=tokens["ccxo"]).json["version"] is None
