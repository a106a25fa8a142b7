"""Tenant isolation beyond the route matrix: object-level checks (ids of department A under
department B's path are a 404, for every id-bearing route of the OpenAPI document), cursors bound to
the list, department and caller that minted them, CSV exports and `/recommendations` of a dcxo, and
error texts that never name another department."""
from __future__ import annotations

import re

from tests.integration import kpi_helpers
from tests.integration.audit_helpers import make_rec
from tests.integration.test_tenant_isolation import OTHER, OTHER_IDS, OWN, _fill, _operations, _snapshot

MARKER = "secret-marker"


def _leaks(text: str) -> bool:
    return OTHER in text.lower() or MARKER in text


def test_ids_of_another_department_under_this_departments_path_are_404(seeded, api, tokens):
    operations = [(p, m, op) for p, m, op in _operations(api)
                  if "{dept}" in p and re.search(r"{(?!dept})\w+}", p)]
    ids = {name: make(api, tokens) for name, make in OTHER_IDS.items()}
    before = _snapshot(api, tokens, operations, ids)
    kinds = set()
    checked = 0
    for path, method, op in operations:
        roles = [r for r in ("ccxo", "auditor", "dcxo-parks") if r.split("-")[0] in op["x-cxgov-roles"]]
        for role in roles:
            # Harbour's ids (its journey, KPI, feedback, recommendation, action, evidence) under parks
            url = _fill(path, OWN, ids)
            response = api.request(method.upper(), url, token=tokens[role],
                                   body={} if method in ("post", "put", "patch") else None)
            text = response.body.decode(errors="replace")
            where = f"{role} {method.upper()} {url}"
            checked += 1
            if method == "get":
                assert response.status_code == 404, (where, text)
            else:  # a write: refused before or at the lookup, never applied
                assert response.status_code in (400, 404), (where, text)
            assert not _leaks(text), (where, text)
            kinds.update(re.findall(r"{(\w+)}", path))
    assert {"journey_id", "kpi_id", "feedback_id", "rec_id", "action_id", "evidence_id"} <= kinds
    assert checked >= len(operations)
    assert _snapshot(api, tokens, operations, ids) == before


def _cursor(api, token, url) -> str:
    response = api.get(url, token=token)
    assert response.status_code == 200, response.body
    assert response.json["next_cursor"], (url, response.json)
    return response.json["next_cursor"]


def test_a_cursor_is_bound_to_its_list_department_and_caller(seeded, api, tokens):
    for dept in (OWN, OTHER):
        for n in range(3):
            kpi_helpers.make_journey(api, tokens["ccxo"], dept, name=f"journey {n} {MARKER if dept == OTHER else ''}")
        kpi_helpers.make_kpi(api, tokens["ccxo"], dept)
        kpi_helpers.make_kpi(api, tokens["ccxo"], dept)
        for n in range(3):
            make_rec(api, tokens, dept=dept)
        for n in range(3):
            assert api.post(f"/departments/{dept}/feedback", token=tokens[f"dcxo-{dept}"], body={
                "channel": "email", "received_at": f"2017-03-0{n + 1}T12:00:00+00:00"}).status_code == 201
    checked = 0
    for kind in ("journeys", "kpis", "feedback"):
        minted = _cursor(api, tokens["ccxo"], f"/departments/{OWN}/{kind}?limit=1")
        # Another department's list, as the same caller
        other = api.get(f"/departments/{OTHER}/{kind}?limit=1&cursor={minted}", token=tokens["ccxo"])
        assert other.status_code == 400, (kind, other.body)
        assert other.json["error"]["details"][0]["field"] == "cursor" and not _leaks(other.body.decode())
        # The same list, as another caller (another role, another scope)
        for role in ("auditor", "dcxo-parks"):
            replay = api.get(f"/departments/{OWN}/{kind}?limit=1&cursor={minted}", token=tokens[role])
            assert replay.status_code == 400, (kind, role, replay.body)
        checked += 3
    # A cursor of the org-wide recommendation list, replayed by a dcxo or on another filter
    minted = _cursor(api, tokens["ccxo"], "/recommendations?limit=1")
    for url, role in ((f"/recommendations?limit=1&cursor={minted}", "dcxo-parks"),
                      (f"/recommendations?limit=1&cursor={minted}", "auditor"),
                      (f"/recommendations?limit=1&department={OWN}&cursor={minted}", "ccxo")):
        replay = api.get(url, token=tokens[role])
        assert replay.status_code == 400, (url, role, replay.body)
        assert not _leaks(replay.body.decode())
        checked += 1
    assert checked == 12


def test_a_dcxo_export_and_recommendation_list_hold_only_its_department(seeded, api, tokens):
    own = [make_rec(api, tokens, dept=OWN) for _ in range(2)]
    foreign = [make_rec(api, tokens, dept=OTHER, text=f"{MARKER}: staffing of the harbour desk")
               for _ in range(2)]
    dcxo = tokens["dcxo-parks"]
    csv_text = api.get("/exports/recommendations.csv", token=dcxo).body.decode()
    listed = api.get("/recommendations?limit=200", token=dcxo).json["items"]
    for text in (csv_text, str(listed)):
        assert all(rec["id"] not in text for rec in foreign)
        assert not _leaks(text)
    assert {rec["id"] for rec in own} == {item["id"] for item in listed}
    assert all(rec["id"] in csv_text for rec in own)
    # Asking for the other department by filter is refused without a word about it
    for url in ("/exports/recommendations.csv?department=harbour", "/recommendations?department=harbour"):
        refused = api.get(url, token=dcxo)
        assert refused.status_code == 403 and not _leaks(refused.body.decode()), (url, refused.body)
    # The org-wide roles do see both (the filter works, so the absence above is scoping)
    assert all(rec["id"] in api.get("/exports/recommendations.csv", token=tokens["auditor"]).body.decode()
               for rec in own + foreign)


def test_error_texts_never_name_another_department(seeded, api, tokens):
    ids = {name: make(api, tokens) for name, make in OTHER_IDS.items()}
    dcxo = tokens["dcxo-parks"]
    probes = [
        ("GET", f"/departments/{OTHER}", None),
        ("GET", f"/departments/{OTHER}/feedback/{ids['feedback_id']}", None),
        ("GET", f"/departments/{OWN}/feedback/{ids['feedback_id']}", None),
        ("POST", f"/departments/{OWN}/kpis", {"journey_id": ids["journey_id"], "name": "x", "unit": "hours",
                                             "direction": "lower", "target": 6, "frequency": "monthly",
                                             "standard": "custom"}),
        ("GET", f"/departments/{OWN}/recommendations/{ids['rec_id']}/history", None),
        ("GET", f"/audit-reports/{ids['report_id']}", None),
        ("GET", f"/recommendations?report_id={ids['report_id']}", None),
    ]
    for method, url, body in probes:
        response = api.request(method, url, token=dcxo, body=body)
        text = response.body.decode(errors="replace")
        assert response.status_code in (200, 400, 403, 404), (url, text)
        assert not _leaks(text), (url, text)
        if response.status_code == 200:
            assert response.json.get("items", []) == [], (url, text)
