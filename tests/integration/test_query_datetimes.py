"""A date-time query parameter is RFC 3339 text: lax parsing would read `to=157` as 1970."""
from __future__ import annotations


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json["error"]["details"]}


def test_numbers_are_not_date_times(seeded, api, tokens):
    for path, field in (("/ledger/tree-heads?to=157", "to"), ("/ledger/tree-heads?from=1700000000", "from"),
                        ("/departments/parks/feedback?received_from=157", "received_from"),
                        ("/departments/parks/feedback?received_to=2017", "received_to")):
        response = api.get(path, token=tokens["auditor"] if path.startswith("/ledger") else tokens["ccxo"])
        assert response.status_code == 400, (path, response.body)
        assert _fields(response) == {field}, response.json
    ok = api.get("/departments/parks/feedback?received_from=2017-03-01T00:00:00Z", token=tokens["ccxo"])
    assert ok.status_code == 200, ok.body
    heads = api.get("/ledger/tree-heads?from=2017-03-01T00:00:00%2B00:00", token=tokens["auditor"])
    assert heads.status_code == 200, heads.body
