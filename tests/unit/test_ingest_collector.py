"""The import pauses Python's cycle collector while it builds and writes its rows, and leaves it as
it found it: on after an import (also one that fails), still off if it was off before."""
from __future__ import annotations

import gc

import pytest

from chalicelib.voc import ingest


def test_the_collector_is_off_during_an_import_and_on_after_it(monkeypatch):
    seen = []
    monkeypatch.setattr(ingest, "_import", lambda *args, **kwargs: seen.append(gc.isenabled()) or "result")
    assert gc.isenabled()
    assert ingest.import_feedback("parks", [], principal=None) == "result"
    assert seen == [False] and gc.isenabled()


def test_a_failing_import_turns_it_on_again(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("DynamoDB unavailable")

    monkeypatch.setattr(ingest, "_import", fail)
    with pytest.raises(RuntimeError):
        ingest.import_feedback("parks", [], principal=None)
    assert gc.isenabled()


def test_it_stays_off_when_it_was_off(monkeypatch):
    monkeypatch.setattr(ingest, "_import", lambda *args, **kwargs: None)
    gc.disable()
    try:
        ingest.import_feedback("parks", [], principal=None)
        assert not gc.isenabled()
    finally:
        gc.enable()
