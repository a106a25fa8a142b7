"""Following a source over time: a later export of the same requests updates them (closings,
due times), never moves received_at or replaces a first response, and the aggregates follow in
the same transaction (reconcile finds no drift)."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.core import clock
from tests.integration.test_import_profiles import LA_HEAD, Fact, figures, import_csv, la, summary  # noqa: F401

UTC = timezone.utc


def u(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def row(sr: str, created: str, closed: str = "", status: str = "Open", source: str = "Call") -> str:
    return f"{sr},{created},,,BOS,Bulky Items,{status},{source},{closed},\"1 MAIN ST, 90012\"\r\n"


# Monday 5 February 2018, Pacific (UTC-8). The department's target is 48 h.
FIRST = LA_HEAD + "".join([
    row("1-3000001", "02/05/2018 09:00:00 AM"),
    row("1-3000002", "02/05/2018 10:00:00 AM"),
    row("1-3000003", "02/05/2018 11:00:00 AM", "02/05/2018 01:00:00 PM", "Closed"),
    row("1-3000004", "02/06/2018 08:00:00 AM", source="Email"),
])
SECOND = LA_HEAD + "".join([
    row("1-3000001", "02/05/2018 09:00:00 AM", "02/06/2018 09:00:00 AM", "Closed"),  # 24 h: within
    row("1-3000002", "02/05/2018 10:00:00 AM", "02/09/2018 10:00:00 AM", "Closed"),  # 96 h: late
    row("1-3000003", "02/05/2018 11:00:00 AM", "02/05/2018 01:00:00 PM", "Closed"),  # nothing new
    row("1-3000004", "02/06/2018 08:00:00 AM", status="Pending", source="Email"),    # status only
    row("1-3000005", "02/07/2018 08:00:00 AM", source="Mobile App"),                  # new
])


def test_a_later_export_updates_the_requests_that_closed(seeded, la):
    from chalicelib.voc import reconcile as voc_reconcile

    # Given an export in which three requests are still open
    first = import_csv(seeded, la, "la-san", FIRST, "la311").json
    assert first["created"] == 4, first
    before = summary(seeded, la, "la-san", "2018-02")
    assert before["overdue_unanswered"] == 3
    # When a later export of the same requests, two now closed, one pending, one new, is imported
    second = import_csv(seeded, la, "la-san", SECOND, "la311").json
    # Then the closed ones and the pending one are updated, the unchanged one is a duplicate
    assert [r["status"] for r in second["rows"]] == ["updated", "updated", "duplicate", "updated", "created"]
    assert (second["created"], second["updated"], second["duplicates"], second["rejected"]) == (1, 3, 1, 0)
    assert [r["id"] for r in second["rows"][:4]] == [r["id"] for r in first["rows"]]
    # And overdue and within-target move exactly as an independent recount says
    facts = [Fact("phone", u(2018, 2, 5, 17), u(2018, 2, 6, 17)),
             Fact("phone", u(2018, 2, 5, 18), u(2018, 2, 9, 18)),
             Fact("phone", u(2018, 2, 5, 19), u(2018, 2, 5, 21)),
             Fact("email", u(2018, 2, 6, 16)),
             Fact("app_311", u(2018, 2, 7, 16))]
    expected = figures(facts, 48, clock.now(), "America/Los_Angeles")
    after = summary(seeded, la, "la-san", "2018-02")
    assert (after["overdue_unanswered"], after["within_target_share"]) == (
        expected["overdue_unanswered"], expected["within_target_share"])
    assert after["first_response_hours"]["mean"] == expected["mean_hours"]
    pending = seeded.get(f"/departments/la-san/feedback/{second['rows'][3]['id']}", token=la).json
    assert (pending["status"], pending["first_responded_at"]) == ("in_progress", None)
    overdue_ids = {i["id"] for i in seeded.get("/departments/la-san/feedback?overdue=true", token=la).json["items"]}
    assert overdue_ids == {second["rows"][3]["id"], second["rows"][4]["id"]}
    # And a third import of the same export is all duplicates, changing nothing
    third = import_csv(seeded, la, "la-san", SECOND, "la311").json
    assert [r["status"] for r in third["rows"]] == ["duplicate"] * 5
    assert summary(seeded, la, "la-san", "2018-02") == {**after, "as_of": summary(seeded, la, "la-san", "2018-02")["as_of"]}
    # And the aggregates equal a recount from the records
    assert voc_reconcile.reconcile("la-san")["drift"] == {}


def test_an_import_never_replaces_a_first_response_nor_moves_received_at(seeded, la):
    from chalicelib.voc import reconcile as voc_reconcile

    # Given a request answered in cxgov after 2 hours
    created = import_csv(seeded, la, "la-san", LA_HEAD + row("1-4000001", "02/05/2018 09:00:00 AM"), "la311").json
    feedback_id = created["rows"][0]["id"]
    answered = seeded.post(f"/departments/la-san/feedback/{feedback_id}/responses", token=la,
                           body={"responded_at": "2018-02-05T19:00:00Z", "responder": "agent 7", "channel": "phone"})
    assert answered.status_code == 201, answered.body
    # When the source later says it closed a day later, and another row moves its creation
    later = LA_HEAD + row("1-4000001", "02/05/2018 09:00:00 AM", "02/06/2018 09:00:00 AM", "Closed")
    moved = LA_HEAD + row("1-4000001", "02/04/2018 09:00:00 AM", "02/06/2018 09:00:00 AM", "Closed")
    closing = import_csv(seeded, la, "la-san", later, "la311").json["rows"][0]
    moving = import_csv(seeded, la, "la-san", moved, "la311").json["rows"][0]
    # Then the first response stays the earlier one (the status advances to closed)
    record = seeded.get(f"/departments/la-san/feedback/{feedback_id}", token=la).json
    assert closing["status"] == "updated"
    assert (record["first_responded_at"], record["status"]) == ("2018-02-05T19:00:00+00:00", "closed")
    # And the moved creation is rejected, naming the column, with the stored record's id
    assert moving["status"] == "rejected" and moving["id"] == feedback_id
    assert moving["errors"][0]["field"] == "CreatedDate"
    assert "never moves it" in moving["errors"][0]["message"]
    assert record["received_at"] == "2018-02-05T17:00:00+00:00"
    assert voc_reconcile.reconcile("la-san")["drift"] == {}


def test_one_file_holding_a_request_twice_applies_both_rows_in_order(seeded, la):
    from chalicelib.voc import reconcile as voc_reconcile

    text = LA_HEAD + row("1-5000001", "02/05/2018 09:00:00 AM") + row(
        "1-5000001", "02/05/2018 09:00:00 AM", "02/05/2018 11:00:00 AM", "Closed")
    result = import_csv(seeded, la, "la-san", text, "la311").json
    assert [r["status"] for r in result["rows"]] == ["created", "updated"]
    record = seeded.get(f"/departments/la-san/feedback/{result['rows'][0]['id']}", token=la).json
    assert record["response_hours"] == 2.0
    assert voc_reconcile.reconcile("la-san")["drift"] == {}


def test_a_later_due_time_and_scores_fill_what_the_record_lacks(seeded, la):
    from chalicelib.voc import reconcile as voc_reconcile

    # Given a native record without a due time or scores, overdue against the 48 h target
    first = [{"channel": "web", "received_at": "2018-02-05T17:00:00Z", "source_system": "crm", "source_id": "A-1"}]
    made = seeded.post("/departments/la-san/feedback/imports", token=la, body=first).json
    assert made["created"] == 1
    # When the source later sends its own (far later) due time and a CSAT score
    again = [{**first[0], "due_at": "2030-01-01T00:00:00Z", "csat": 5, "nps": 3}]
    result = seeded.post("/departments/la-san/feedback/imports", token=la, body=again).json
    # Then the record is updated, no longer overdue, and counted so in the summary
    assert result["rows"][0]["status"] == "updated"
    record = seeded.get(f"/departments/la-san/feedback/{made['rows'][0]['id']}", token=la).json
    assert (record["due_at"], record["due_source"], record["overdue"], record["csat"]) == (
        "2030-01-01T00:00:00+00:00", "source", False, 5)
    voc = summary(seeded, la, "la-san", "2018-02")
    assert (voc["overdue_unanswered"], voc["csat"], voc["nps"]) == (0, 1.0, -100.0)
    assert voc_reconcile.reconcile("la-san")["drift"] == {}
