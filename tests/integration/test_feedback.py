"""Voice of the customer through HTTP: records, redaction, never-flush overdue, responses,
reclassifications, imports (JSON and CSV) and out-of-hours across a DST change."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core import clock
from devtools import issuer
from tests.integration.conftest import department_body

T0 = datetime(2017, 3, 15, 14, 0, tzinfo=timezone.utc)  # a Wednesday, 10:00 in New York (EDT)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def frozen(monkeypatch) -> Clock:
    moving = Clock(T0 + timedelta(hours=1))
    monkeypatch.setattr(clock, "now", lambda: moving.now)
    return moving


@pytest.fixture()
def smoc(seeded, tokens) -> str:
    """The SMOC of MS-AR-17-006: Mon-Fri 08:00-18:00 Eastern, a six-hour target."""
    body = department_body("smoc", name="Social Media Operations Center", time_zone="America/New_York")
    assert seeded.post("/departments", token=tokens["ccxo"], body=body).status_code == 201
    return issuer.mint("dcxo", "smoc", name="SMOC DCXO")


def post(api, token, dept="smoc", **fields):
    body = {"channel": "twitter", "received_at": T0.isoformat(), "category": "request_for_help",
            "comment": "@USPS where is my package?", **fields}
    return api.post(f"/departments/{dept}/feedback", token=token, body=body)


def test_a_post_is_stored_redacted_with_its_measures(seeded, smoc, frozen):
    # Given a tweet carrying an email, a phone number and a USPS tracking number
    comment = ("@USPS package 9400 1118 9922 3100 0123 45 never came, call me at (202) 555-0173 "
               "or write to jane.doe@example.com. ZIP 20260, sent 12/23/2016.")
    # When the DCXO records it
    created = post(seeded, smoc, comment=comment, nps=3, csat=2, ces=6, a11={"trust": 2, "ease": 4},
                   source_system="sprinklr", source_id="tw-8812")
    # Then the stored comment keeps no personal data, only the counts per kind
    assert created.status_code == 201, created.body
    record = created.json
    assert record["comment"] == ("@USPS package [tracking] never came, call me at [phone] "
                                 "or write to [email]. ZIP 20260, sent 12/23/2016.")
    assert record["redactions"] == {"tracking": 1, "phone": 1, "email": 1}
    assert b"jane.doe" not in created.body and b"555-0173" not in created.body
    # And the read adds the department, the overdue flag, response time and out-of-hours
    read = seeded.get(f"/departments/smoc/feedback/{record['id']}", token=smoc).json
    assert read == record
    assert (read["department"], read["overdue"], read["response_hours"], read["out_of_hours"]) == \
        ("smoc", False, None, False)
    assert read["received_at"] == "2017-03-15T14:00:00+00:00"
    assert read["due_at"] == "2017-03-15T20:00:00+00:00"
    assert read["a11"]["trust"] == 2 and read["a11"]["satisfaction"] is None
    # And the same source again is refused, naming the id it was recorded as
    again = post(seeded, smoc, source_system="sprinklr", source_id="tw-8812")
    assert again.status_code == 409
    assert again.json["error"]["details"] == [{"field": "source_id", "message": f"already recorded as {record['id']}"}]


@pytest.mark.parametrize("field, value, named", [
    ("channel", "myspace", "channel"), ("nps", 11, "nps"), ("csat", 0, "csat"), ("ces", 8, "ces"),
    ("a11", {"trust": 6}, "a11.trust"), ("a11", {"mood": 3}, "a11.mood"),
    ("received_at", "2017-03-15 14:00", "received_at"), ("received_at", "2017-03-15T14:00:00", "received_at"),
    ("received_at", "2030-01-01T00:00:00Z", "received_at"), ("actionable", "yes", "actionable"),
    ("category", "rant", "category"), ("source_id", "only-the-id", "source_system"),
    ("colour", "red", "colour"), ("first_responded_at", "2017-03-15T13:00:00Z", "first_responded_at"),
])
def test_bad_fields_are_named_and_nothing_is_written(seeded, smoc, frozen, field, value, named):
    response = post(seeded, smoc, **{field: value})
    assert response.status_code == 400, response.body
    assert [d["field"] for d in response.json["error"]["details"]] == [named], response.json
    assert seeded.get("/departments/smoc/feedback", token=smoc).json["items"] == []
    assert seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json["volume"] == 0


def test_an_unanswered_post_turns_overdue_as_the_clock_passes_the_target(seeded, smoc, frozen, tokens):
    # Given an actionable post received at T0 (target six hours), and a non-actionable one
    item = post(seeded, smoc).json
    post(seeded, smoc, actionable=False, category="compliment")
    # When the clock is one minute before the due time
    frozen.now = T0 + timedelta(hours=5, minutes=59)
    # Then it is not overdue yet, anywhere
    assert seeded.get(f"/departments/smoc/feedback/{item['id']}", token=smoc).json["overdue"] is False
    assert seeded.get("/departments/smoc/feedback?overdue=true", token=smoc).json["items"] == []
    assert seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json["overdue_unanswered"] == 0
    # When the clock reaches the target
    frozen.now = T0 + timedelta(hours=6)
    # Then it is overdue on the record, in the filter and in the counts - and never flushed
    assert seeded.get(f"/departments/smoc/feedback/{item['id']}", token=smoc).json["overdue"] is True
    listed = seeded.get("/departments/smoc/feedback?overdue=true", token=smoc).json["items"]
    assert [f["id"] for f in listed] == [item["id"]]
    not_overdue = seeded.get("/departments/smoc/feedback?overdue=false", token=smoc).json["items"]
    assert item["id"] not in [f["id"] for f in not_overdue] and len(not_overdue) == 1
    summary = seeded.get("/departments/smoc/voc-summary?period=2017-03", token=tokens["ccxo"]).json
    assert summary["overdue_unanswered"] == 1
    assert summary["within_target_share"] == 0
    assert summary["by_channel"]["twitter"]["within_target_share"] == 0
    # A year later it is still there, still overdue
    frozen.now = T0 + timedelta(days=400)
    assert seeded.get(f"/departments/smoc/feedback/{item['id']}", token=smoc).json["overdue"] is True
    # When it is finally answered, it leaves the overdue list and counts as answered late
    answered = seeded.post(f"/departments/smoc/feedback/{item['id']}/responses", token=smoc,
                           body={"responder": "agent 7", "channel": "twitter"})
    assert answered.status_code == 201, answered.body
    assert answered.json["overdue"] is False and answered.json["response_hours"] == 400 * 24
    assert seeded.get("/departments/smoc/feedback?overdue=true", token=smoc).json["items"] == []
    summary = seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json
    assert (summary["overdue_unanswered"], summary["within_target_share"], summary["responded"]) == (0, 0, 1)


def test_the_first_response_sets_the_time_and_later_ones_are_kept(seeded, smoc, frozen):
    item = post(seeded, smoc).json
    frozen.now = T0 + timedelta(hours=3)
    url = f"/departments/smoc/feedback/{item['id']}/responses"
    first = seeded.post(url, token=smoc, body={"responded_at": (T0 + timedelta(minutes=90)).isoformat(),
                                                "responder": "agent 7", "channel": "twitter"})
    assert first.status_code == 201, first.body
    later = seeded.post(url, token=smoc, body={"responded_at": (T0 + timedelta(minutes=100)).isoformat(),
                                                "responder": "agent 9", "channel": "email"})
    record = later.json
    assert record["first_responded_at"] == "2017-03-15T15:30:00+00:00"
    assert record["response_hours"] == 1.5 and record["status"] == "responded"
    assert [(r["responder"], r["first"]) for r in record["responses"]] == [("agent 7", True), ("agent 9", False)]
    early = seeded.post(url, token=smoc, body={"responded_at": (T0 - timedelta(minutes=1)).isoformat(),
                                                "responder": "x", "channel": "twitter"})
    assert early.status_code == 400 and early.json["error"]["details"][0]["field"] == "responded_at"


def test_concurrent_first_responses_set_it_exactly_once(seeded, smoc, frozen):
    # Given two writers who both read the post while it was unanswered
    from chalicelib.voc import store as dal
    from chalicelib.voc import counters as voc_counters
    from chalicelib.voc.records import facts

    item = post(seeded, smoc).json
    stale = dal.get("smoc", item["id"])
    results = []
    for minutes, who in ((30, "agent 1"), (45, "agent 2")):
        at = T0 + timedelta(minutes=minutes)
        new = {**stale, "first_responded_at": at, "status": "responded"}
        entry = {"responded_at": at.isoformat(), "responder": who, "channel": "twitter",
                 "recorded_at": at.isoformat(), "recorded_by": who, "first": True}
        results.append(dal.first_response(stale, entry, "responded",
                                          voc_counters.delta(facts(stale), facts(new)), who, at))
    # Then exactly one set it, and the counters saw one response
    assert results == [True, False]
    record = seeded.get(f"/departments/smoc/feedback/{item['id']}", token=smoc).json
    assert record["first_responded_at"] == "2017-03-15T14:30:00+00:00" and len(record["responses"]) == 1
    assert seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json["responded"] == 1


def test_reclassifications_are_kept_and_counted(seeded, smoc, frozen):
    # Given four actionable posts, like the audit's sample of inquiries closed as not actionable
    ids = [post(seeded, smoc, source_system="smoc", source_id=f"p{n}").json["id"] for n in range(4)]
    url = "/departments/smoc/feedback/{}/classifications"
    # When one is closed as not actionable, another recategorised, a third flipped and flipped back
    changed = seeded.post(url.format(ids[0]), token=smoc,
                          body={"actionable": False, "reason": "agent: no action needed", "version": 1})
    assert changed.status_code == 201, changed.body
    seeded.post(url.format(ids[1]), token=smoc, body={"category": "complaint", "reason": "it is a complaint"})
    seeded.post(url.format(ids[2]), token=smoc, body={"actionable": False, "reason": "spam?"})
    back = seeded.post(url.format(ids[2]), token=smoc, body={"actionable": True, "reason": "not spam"})
    # Then every change is kept with who, when and why
    trail = back.json["classifications"]
    assert [(c["from_actionable"], c["to_actionable"], c["reason"]) for c in trail] == \
        [(True, False, "spam?"), (False, True, "not spam")]
    assert all(c["by"] and c["at"] for c in trail)
    # And the summary counts the items closed as not actionable and their share
    summary = seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json
    assert summary["reclassified_not_actionable"] == {"count": 2, "share": 0.5, "changes": 2}
    assert summary["by_category"] == {"request_for_help": 3, "complaint": 1}
    assert summary["actionable"] == 3
    # A stale version is a 409, a no-op a 400, a missing reason a 400
    stale = seeded.post(url.format(ids[0]), token=smoc, body={"category": "other", "reason": "x", "version": 1})
    assert stale.status_code == 409
    same = seeded.post(url.format(ids[3]), token=smoc, body={"actionable": True, "reason": "x"})
    assert same.status_code == 400 and same.json["error"]["details"][0]["field"] == "actionable"
    assert seeded.post(url.format(ids[3]), token=smoc, body={"actionable": False}).status_code == 400


def test_out_of_hours_follows_the_wall_clock_across_a_dst_change(seeded, smoc, frozen):
    # Given the SMOC staffed Mon-Fri 08:00-18:00 New York time; DST began Sunday 12 March 2017.
    cases = {
        "2017-03-10T12:30:00Z": True,    # Fri 07:30 EST (UTC-5): before opening
        "2017-03-10T13:30:00Z": False,   # Fri 08:30 EST
        "2017-03-13T12:30:00Z": False,   # Mon 08:30 EDT (UTC-4): the same UTC time is now inside
        "2017-03-13T11:30:00Z": True,    # Mon 07:30 EDT
        "2017-03-13T22:30:00Z": True,    # Mon 18:30 EDT
        "2017-03-10T22:30:00Z": False,   # Fri 17:30 EST
        "2017-03-11T15:00:00Z": True,    # Saturday
    }
    frozen.now = datetime(2017, 3, 20, tzinfo=timezone.utc)
    for received, expected in cases.items():
        record = post(seeded, smoc, received_at=received).json
        assert record["out_of_hours"] is expected, (received, record)
    summary = seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json
    assert summary["out_of_hours_share"] == round(4 / 7, 6)


def test_a_post_at_local_new_year_belongs_to_december(seeded, tokens, frozen):
    # Harbour is in Los Angeles: 23:59 on 31 December there is already January in UTC.
    harbour = tokens["dcxo-harbour"]
    frozen.now = datetime(2018, 1, 2, tzinfo=timezone.utc)
    post(seeded, harbour, dept="harbour", received_at="2017-12-31T23:59:00-08:00")
    assert seeded.get("/departments/harbour/voc-summary?period=2017-12", token=harbour).json["volume"] == 1
    assert seeded.get("/departments/harbour/voc-summary?period=2018-01", token=harbour).json["volume"] == 0
    assert seeded.get("/departments/harbour/voc-summary?period=FY2018", token=harbour).json["volume"] == 1


def test_list_filters_and_pages(seeded, smoc, frozen):
    frozen.now = datetime(2017, 5, 1, tzinfo=timezone.utc)
    for n, (channel, when) in enumerate([("twitter", "2017-03-02T10:00:00Z"), ("facebook", "2017-03-20T10:00:00Z"),
                                         ("instagram", "2017-04-02T10:00:00Z"), ("twitter", "2017-04-20T10:00:00Z"),
                                         ("twitter", "2017-02-27T10:00:00Z")]):
        post(seeded, smoc, channel=channel, received_at=when, source_system="x", source_id=str(n))
    seen, cursor = [], None
    while True:
        url = "/departments/smoc/feedback?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = seeded.get(url, token=smoc).json
        seen += [f["received_at"][:10] for f in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["2017-04-20", "2017-04-02", "2017-03-20", "2017-03-02", "2017-02-27"]
    twitter = seeded.get("/departments/smoc/feedback?channel=twitter", token=smoc).json["items"]
    assert [f["received_at"][:10] for f in twitter] == ["2017-04-20", "2017-03-02", "2017-02-27"]
    ranged = seeded.get("/departments/smoc/feedback?received_from=2017-03-01T00:00:00Z"
                        "&received_to=2017-03-31T00:00:00Z", token=smoc).json["items"]
    assert [f["received_at"][:10] for f in ranged] == ["2017-03-20", "2017-03-02"]
    responded = seeded.get("/departments/smoc/feedback?status=responded", token=smoc).json["items"]
    assert responded == []
    bad = seeded.get("/departments/smoc/feedback?overdue=maybe", token=smoc)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "overdue"
    tampered = seeded.get("/departments/smoc/feedback?limit=2&cursor=abc.def", token=smoc)
    assert tampered.status_code == 400
    first = seeded.get("/departments/smoc/feedback?limit=1", token=smoc).json["next_cursor"]
    other = seeded.get(f"/departments/smoc/feedback?limit=1&channel=twitter&cursor={first}", token=smoc)
    assert other.status_code == 400 and other.json["error"]["details"][0]["field"] == "cursor"


def test_unknown_feedback_is_a_404_and_a_bad_period_a_400(seeded, smoc):
    assert seeded.get("/departments/smoc/feedback/nope", token=smoc).status_code == 404
    assert seeded.get("/departments/smoc/feedback/20170301234567890abcdefghjkmnpqrs", token=smoc).status_code == 404
    bad = seeded.get("/departments/smoc/voc-summary?period=2017-13", token=smoc)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "period"
    assert seeded.get("/departments/smoc/voc-summary", token=smoc).status_code == 400


# --- imports ----------------------------------------------------------------------------------------

def _rows(count: int, **extra) -> list[dict]:
    return [{"channel": "facebook", "received_at": (T0 - timedelta(hours=n)).isoformat(),
             "source_system": "sprout", "source_id": f"fb-{n}", "comment": f"post {n}", **extra}
            for n in range(count)]


def test_a_mixed_import_keeps_the_good_rows_and_names_each_bad_rows_fields(seeded, smoc, frozen):
    rows = _rows(5)
    rows[1]["nps"] = 12
    rows[3] = {"channel": "fax", "received_at": "yesterday", "source_system": "sprout", "source_id": "fb-3"}
    rows.append("not an object")
    rows.append({**rows[0], "comment": "the same source twice in one file"})
    response = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=rows)
    assert response.status_code == 200, response.body
    result = response.json
    assert (result["created"], result["duplicates"], result["rejected"]) == (3, 1, 3)
    by_row = {r["row"]: r for r in result["rows"]}
    assert [r["row"] for r in result["rows"]] == list(range(1, 8))
    assert by_row[2]["status"] == "rejected" and [e["field"] for e in by_row[2]["errors"]] == ["nps"]
    assert sorted(e["field"] for e in by_row[4]["errors"]) == ["channel", "received_at"]
    assert by_row[6]["errors"][0]["field"] == "row"
    assert by_row[7]["status"] == "duplicate" and by_row[7]["id"] == by_row[1]["id"]
    created = [r["id"] for r in result["rows"] if r["status"] == "created"]
    listed = seeded.get("/departments/smoc/feedback", token=smoc).json["items"]
    assert sorted(f["id"] for f in listed) == sorted(created)


def test_a_reimport_creates_nothing(seeded, smoc, frozen):
    rows = _rows(30) + [{"channel": "instagram", "received_at": T0.isoformat(), "comment": "no source id"}]
    first = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=rows).json
    assert first["created"] == 31
    before = seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json
    again = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=rows).json
    assert (again["created"], again["duplicates"], again["rejected"]) == (0, 31, 0)
    assert [r["id"] for r in again["rows"]] == [r["id"] for r in first["rows"]]
    assert seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json == before
    # A retry with the same Idempotency-Key replays the first answer
    key = {"Idempotency-Key": "import-2017-03-15"}
    more = _rows(33)[30:]
    one = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=more, headers=key)
    two = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=more, headers=key)
    assert one.json == two.json and one.json["created"] == 3
    assert seeded.get("/departments/smoc/voc-summary?period=2017-03", token=smoc).json["volume"] == 34


def test_a_csv_import(seeded, smoc, frozen):
    csv_body = (
        "channel,received_at,category,actionable,nps,a11.trust,comment,source_system,source_id\r\n"
        "twitter,2017-03-15T09:00:00-04:00,complaint,true,2,1,\"Lost parcel, SSN 078-05-1120\",ct,1\r\n"
        "facebook,2017-03-15T09:30:00-04:00,compliment,false,10,,great job,ct,2\r\n"
        "instagram,not a time,question,true,,,,ct,3\r\n"
    )
    response = seeded.post("/departments/smoc/feedback/imports", token=smoc, raw=csv_body,
                           headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.body
    result = response.json
    assert (result["created"], result["rejected"]) == (2, 1)
    assert result["rows"][2]["errors"][0]["field"] == "received_at"
    record = seeded.get(f"/departments/smoc/feedback/{result['rows'][0]['id']}", token=smoc).json
    assert record["comment"] == "Lost parcel, SSN [ssn]" and record["a11"]["trust"] == 1 and record["nps"] == 2
    unknown = seeded.post("/departments/smoc/feedback/imports", token=smoc, raw="channel,colour\r\ntwitter,red\r\n",
                          headers={"Content-Type": "text/csv"})
    assert unknown.status_code == 400 and unknown.json["error"]["details"][0]["field"] == "colour"


@pytest.mark.parametrize("raw, field", [
    ("{}", "body"), ("[]", "body"), ("[{", "body"), ('"rows"', "body"),
])
def test_a_bad_import_body_is_a_400(seeded, smoc, raw, field):
    response = seeded.post("/departments/smoc/feedback/imports", token=smoc, raw=raw)
    assert response.status_code == 400 and response.json["error"]["details"][0]["field"] == field


def test_an_import_of_more_than_10000_rows_is_refused(seeded, smoc):
    rows = json.dumps([{"channel": "sms"}] * 10_001)
    response = seeded.post("/departments/smoc/feedback/imports", token=smoc, raw=rows)
    assert response.status_code == 400 and "10000" in response.json["error"]["message"]


def test_an_import_answer_too_large_to_keep_is_answered_and_a_retry_creates_nothing(seeded, smoc, frozen,
                                                                                    monkeypatch):
    # Given answers above the idempotency store's limit (lowered here; 10,000 rows exceed the real one)
    from chalicelib.http import idempotency

    monkeypatch.setattr(idempotency, "MAX_KEPT_ANSWER_BYTES", 500)
    key = {"Idempotency-Key": "import-large-0001"}
    # When an import is sent twice with the same key
    one = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=_rows(12), headers=key)
    two = seeded.post("/departments/smoc/feedback/imports", token=smoc, body=_rows(12), headers=key)
    # Then both are answered, and the retry created nothing (it ran again and found every source)
    assert one.status_code == two.status_code == 200
    assert (one.json["created"], two.json["created"], two.json["duplicates"]) == (12, 0, 12)
    assert [r["id"] for r in one.json["rows"]] == [r["id"] for r in two.json["rows"]]
