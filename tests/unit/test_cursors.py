"""Cursors are opaque, signed and bound: a changed byte, scope or query is refused."""
from __future__ import annotations

import pytest

from chalicelib.core import cursors
from chalicelib.core.errors import BadRequest, ServiceUnavailable

KEY = {"pk": {"S": "parks"}, "sk": {"S": "DEPARTMENT"}}


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CXGOV_CURSOR_SECRET", "unit-test-secret-0123456789")


def test_round_trip():
    token = cursors.encode(KEY, "ccxo:*|departments")
    assert cursors.decode(token, "ccxo:*|departments") == KEY


def test_no_key_means_no_cursor():
    assert cursors.encode(None, "x") is None
    assert cursors.decode(None, "x") is None


def test_other_binding_is_refused():
    token = cursors.encode(KEY, "dcxo:parks|departments")
    with pytest.raises(BadRequest) as caught:
        cursors.decode(token, "dcxo:harbour|departments")
    assert caught.value.details[0]["field"] == "cursor"


@pytest.mark.parametrize("mutate", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
    lambda t: "A" + t[1:] if t[0] != "A" else "B" + t[1:],
    lambda t: t.replace(".", ""),
    lambda t: t + ".x",
    lambda t: "",
    lambda t: "%%%.%%%",
])
def test_any_change_is_refused(mutate):
    token = cursors.encode(KEY, "ccxo:*|departments")
    with pytest.raises(BadRequest):
        cursors.decode(mutate(token), "ccxo:*|departments")


def test_a_missing_secret_refuses_to_page(monkeypatch):
    monkeypatch.setenv("CXGOV_CURSOR_SECRET", "short")
    with pytest.raises(ServiceUnavailable):
        cursors.encode(KEY, "x")
