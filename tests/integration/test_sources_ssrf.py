"""Issue 25.3 through HTTP: a source's base_url under the production rule (no loopback) is refused
when its host is an IPv6 address carrying a non-public IPv4 one, or site-local; a base_url holding
a control character is a 400 naming base_url and nothing is stored."""
from __future__ import annotations

import pytest

from devtools import issuer
from tests.integration.conftest import department_body

DEPT = "ssrf-dpw"


@pytest.fixture()
def dcxo(seeded, tokens) -> str:
    body = department_body(DEPT, name="SSRF Public Works", time_zone="America/Los_Angeles")
    assert seeded.post("/departments", token=tokens["ccxo"], body=body).status_code == 201
    return issuer.mint("dcxo", DEPT, name="DPW DCXO")


@pytest.fixture()
def production(monkeypatch) -> None:
    # AWS's rule, public addresses only (the test client sets stage local's environment on every request)
    monkeypatch.setattr("chalicelib.voc.outbound._allow_loopback", lambda: False)


def _create(api, token, base_url: str):
    return api.post(f"/departments/{DEPT}/sources", token=token, body={"name": "GeoReport", "base_url": base_url})


def _stored(api, token) -> list[str]:
    return [s["base_url"] for s in api.get(f"/departments/{DEPT}/sources", token=token).json["items"]]


def _refused_on_base_url(response, *words: str) -> None:
    assert response.status_code == 400, response.body
    details = response.json["error"]["details"]
    assert [d["field"] for d in details] == ["base_url"]
    assert all(word in details[0]["message"] for word in words), details


# The IPv6 host and the IPv4 address it reaches.
EMBEDDED = [
    ("64:ff9b::a9fe:a9fe", "169.254.169.254"),   # NAT64 well-known prefix -> instance metadata
    ("64:ff9b::10.0.0.8", "10.0.0.8"),           # NAT64, written with the dotted quad
    ("::ffff:0:10.0.0.8", "10.0.0.8"),           # SIIT, IPv4-translated
    ("::ffff:0:127.0.0.1", "127.0.0.1"),
    ("2002:a00:8::1", "10.0.0.8"),               # 6to4
    ("2002:a9fe:a9fe::", "169.254.169.254"),
    ("::127.0.0.1", "127.0.0.1"),                # IPv4-compatible
    ("::169.254.169.254", "169.254.169.254"),
]


@pytest.mark.parametrize("host, carried", EMBEDDED)
def test_an_ipv6_address_carrying_a_private_ipv4_one_is_refused(dcxo, seeded, production, host, carried):
    # Given the production rule, when a dcxo registers a source at an IPv6 literal carrying `carried`
    response = _create(seeded, dcxo, f"https://[{host}]/open311/v2")
    # Then it is a 400 on base_url naming the IPv4 address it would reach, and nothing is stored
    _refused_on_base_url(response, "non-public", carried)
    assert _stored(seeded, dcxo) == []


@pytest.mark.parametrize("host", ["fec0::1", "fec0:0:0:1::8", "64:ff9b:1::a00:8"])
def test_site_local_and_local_nat64_addresses_are_refused(dcxo, seeded, production, host):
    _refused_on_base_url(_create(seeded, dcxo, f"https://[{host}]/open311/v2"), "non-public")
    assert _stored(seeded, dcxo) == []


def test_a_change_to_such_an_address_is_refused_and_public_ones_still_pass(dcxo, seeded, production):
    # Given a source at a public IPv4 address reached through NAT64, and one at a public 6to4 address
    for url in ("https://[64:ff9b::93.184.215.14]/open311/v2", "https://[2002:5db8:d70e::1]/open311/v2"):
        assert _create(seeded, dcxo, url).status_code == 201
    source = seeded.get(f"/departments/{DEPT}/sources", token=dcxo).json["items"][0]
    # When it is changed to the metadata address behind the NAT64 prefix, then that is a 400
    changed = seeded.patch(f"/departments/{DEPT}/sources/{source['id']}", token=dcxo,
                           body={"base_url": "https://[64:ff9b::169.254.169.254]/latest"})
    _refused_on_base_url(changed, "169.254.169.254")
    assert sorted(_stored(seeded, dcxo)) == ["https://[2002:5db8:d70e::1]/open311/v2",
                                            "https://[64:ff9b::93.184.215.14]/open311/v2"]


@pytest.mark.parametrize("inside", ["\r\nX-Injected: 1", "\n", "\r", "\t", "\x00", "\x1b[2J", "\x7f", "\x85", " "])
def test_a_base_url_with_a_control_character_is_refused_not_stored(dcxo, seeded, inside):
    # Given the local rule (loopback allowed), where this URL without the character is accepted
    clean = "http://127.0.0.1:9/open311/v2"
    # When the base_url carries a control character, then it is a 400 naming base_url
    _refused_on_base_url(_create(seeded, dcxo, f"http://127.0.0.1:9/open311{inside}/v2"), "control characters")
    assert _stored(seeded, dcxo) == []
    # And the same URL without it is stored as sent, and cannot be changed to carry one
    created = _create(seeded, dcxo, clean)
    assert created.status_code == 201 and created.json["base_url"] == clean
    patched = seeded.patch(f"/departments/{DEPT}/sources/{created.json['id']}", token=dcxo,
                           body={"base_url": clean.replace("/v2", inside + "/v2")})
    _refused_on_base_url(patched, "control characters")
    assert _stored(seeded, dcxo) == [clean]
