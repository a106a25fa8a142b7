"""The import worker's hook for jobs that fill another domain (issue 29): kinds registered by name."""
from __future__ import annotations

import pytest

from chalicelib.imports import kinds


def test_a_feedback_job_has_no_handler_a_registered_kind_has_its_module_and_an_unknown_one_raises():
    assert kinds.handler(None) is None
    import app  # noqa: F401 - app.py registers the peer sets' kind, as in the Lambda

    module = kinds.handler("peer_set")
    assert module.__name__ == "chalicelib.peers.ingest"
    assert callable(module.header_problems) and callable(module.import_rows)
    with pytest.raises(LookupError):
        kinds.handler("no-such-kind")  # the message goes back to the queue, never imported as feedback
