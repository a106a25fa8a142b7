"""Issue 25, item 6 through HTTP: a synchronous import's answer stays under Lambda's 6 MB however
many rows it rejects, and says which rejected rows it lists without their errors."""
from __future__ import annotations

from chalicelib.voc.counters import A11_DRIVERS

LAMBDA_ANSWER_LIMIT = 6 * 1024 * 1024
COLUMNS = ["channel", "received_at", "category", "actionable", "nps", "csat", "ces", "due_at",
           *(f"a11.{d}" for d in A11_DRIVERS)]


def test_an_import_rejecting_every_row_answers_under_6_mb(seeded, tokens):
    rows = 10_000
    bad = ",".join(["x"] * len(COLUMNS))  # every cell invalid: one error per column and row
    body = ",".join(COLUMNS) + "\n" + "\n".join([bad] * rows) + "\n"
    assert len(body) < 1_000_000
    response = seeded.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"],
                           raw=body.encode(), headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.body[:300]
    assert len(response.body) < LAMBDA_ANSWER_LIMIT, len(response.body)
    answer = response.json
    assert (answer["rejected"], answer["created"], len(answer["rows"])) == (rows, 0, rows)
    detailed = [r for r in answer["rows"] if r["errors"]]
    assert [r["row"] for r in detailed] == list(range(1, 101))  # the first 100, in order
    assert all(r["status"] == "rejected" for r in answer["rows"])
    assert answer["rejected_details_omitted"] == rows - 100
    fields = {e["field"] for e in detailed[0]["errors"]}
    assert {"channel", "received_at", "nps"} <= fields


def test_a_small_import_lists_every_error(seeded, tokens):
    body = "channel,received_at\nweb,2017-03-14T21:05:00-04:00\nfax,yesterday\n"
    response = seeded.post("/departments/parks/feedback/imports", token=tokens["dcxo-parks"],
                           raw=body.encode(), headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.body
    answer = response.json
    assert (answer["created"], answer["rejected"], answer["rejected_details_omitted"]) == (1, 1, 0)
    assert {e["field"] for e in answer["rows"][1]["errors"]} == {"channel", "received_at"}
