"""What other domains ask of the voice of the customer. They call these, never voc's stores:
- imports (jobs of any size): a job's rows go through the synchronous import's own profiles, header
  check and `import_feedback`, so both import a row the same way;
- kpis (derived KPIs): the months that hold feedback and their aggregate items;
- a11 (the OMB A-11 exports): a quarter's month counters and the respondents on its journeys;
- reminders (the digests): a department's overdue unanswered feedback;
- surveys (collected first-hand): a response written as a feedback record, free text redacted."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterator

from chalicelib.core.auth import Principal
from chalicelib.core.errors import BadRequest
from chalicelib.voc import counters as voc_counters, counters_store, feedback, hourly, ingest, profiles, store, touchpoints
from chalicelib.voc.feedback import department
from chalicelib.voc.ingest_schemas import ImportResult
from chalicelib.voc.profile_mapper import NATIVE, Mapper
from chalicelib.voc.records import build_record, facts
from chalicelib.core.redaction import redact
from chalicelib.voc.schemas import FeedbackCreate

# --- imports -------------------------------------------------------------------------------------

DEFAULT_PROFILE = NATIVE
# Needs a journey and a date the job does not carry: a Touchpoints file goes through the sync import.
SYNC_ONLY = ("touchpoints",)


def check_profile(dept: str, profile: str | None) -> None:
    """400 on `profile` for one that does not exist (built-in or the department's) or that a job
    cannot run."""
    if profile in SYNC_ONLY:
        raise BadRequest.for_field("profile", f"a {profile} file needs ?journey_id= (and received_at): "
                                              "import it with POST …/feedback/imports")
    profiles.resolve(dept, profile)


def _mapper(dept: str, profile: str | None) -> Mapper | None:
    chosen = profiles.resolve(dept, profile)
    if chosen.native:
        return None
    return Mapper(chosen, department(dept).time_zone)


def csv_header_problems(dept: str, profile: str | None, header: list[str]) -> list[str]:
    """The header's problems for the profile (the sync path refuses the same ones): unknown native
    fields, or the columns a profile reads that the header lacks."""
    mapper = _mapper(dept, profile)
    if mapper is None:
        return [name or "(empty)" for name in header if name not in ingest.NATIVE_COLUMNS]
    return [f"{d['field']} (missing)" for d in mapper.header_errors(header)]


def source_id_of(dept: str, profile: str | None, row: Any) -> str:
    """The row's source id, from the column the profile reads it from."""
    mapper = _mapper(dept, profile)
    column = "source_id" if mapper is None else mapper.column("source_id")
    value = row.get(column) if isinstance(row, dict) else None
    return str(value) if value is not None else ""


def import_chunk(dept: str, rows: list[tuple[str, Any]], principal: Principal,
                 profile: str | None) -> ImportResult:
    """`rows` are (kind, raw source row): kind "csv" (a dict keyed by the file's columns) or "json"."""
    return ingest.import_feedback(dept, rows, principal, profile=profile)


def created_at(dept: str, feedback_id: str) -> datetime | None:
    """When the record was written (None: there is no such record)."""
    record = store.get(dept, feedback_id)
    return record["created_at"] if record else None


# --- kpis ----------------------------------------------------------------------------------------

def months(dept: str) -> list[str]:
    """Months that hold feedback, newest first."""
    return counters_store.months(dept)


def voc_aggregates(dept: str, first_month: str, last_month: str) -> dict[str, dict[str, float]]:
    """Every VoC aggregate item of those months (scope -> counters), what `counters.summarize` reads."""
    return counters_store.read_voc_aggregates(dept, first_month, last_month)


def all_voc_aggregates(dept: str) -> dict[str, dict[str, float]]:
    return counters_store.read_all_voc_aggregates(dept)


# --- a11 -----------------------------------------------------------------------------------------

def month_counters(dept: str, first_month: str, last_month: str) -> dict[str, float]:
    """The month items of those months summed, counter by counter (`voc__journey__{id}__...`)."""
    return counters_store.month_counters(dept, first_month, last_month)


def journey_respondents(dept: str, month: str, journey_ids: list[str]) -> Iterator[dict[str, Any]]:
    """A month's records on those journeys that answered a survey, in receipt order."""
    return (record for record in store.journey_records(dept, month, journey_ids) if facts(record).respondent)


# --- reminders -----------------------------------------------------------------------------------

def overdue_feedback(dept: str, now: datetime) -> tuple[int, dict[str, Any] | None]:
    """How many unanswered actionable feedback items are past their due time, and the oldest due:
    the sparse `{dept}#FBOPEN` partition of `by_org` (one Query with Limit 1, then a COUNT Query of
    the index entries only when there is one)."""
    oldest, _ = store.query_open(dept, due_by=now, limit=1, start_key=None)
    if not oldest:
        return 0, None
    return store.count_open(dept, due_by=now), oldest[0]


# --- watch ---------------------------------------------------------------------------------------

def hourly_counters(dept: str, spans: list[tuple[datetime, datetime]]) -> tuple[dict[datetime, dict[str, float]], int]:
    """The hourly items (voc/hourly.py) of each span of whole UTC hours [first, last] (one Query a
    span), hour -> counters, and how many items were read. Spans that overlap are read once."""
    found: dict[datetime, dict[str, float]] = {}
    read = 0
    for first, last in spans:
        items = counters_store.read_hourly(dept, hourly.scope(first), hourly.scope(last))
        read += len(items)
        for scope_name, counters in items.items():
            found[hourly.hour_of_scope(scope_name)] = counters
    return found, read


# --- surveys -------------------------------------------------------------------------------------

def redact_text(text: str) -> str:
    """Free text with personal data redacted, as every feedback comment is."""
    return redact(text).text


def record_survey_response(dept: str, data: dict[str, Any], now: datetime, actor: str,
                           extra: Callable[[Any, dict[str, Any]], None]) -> dict[str, Any]:
    """A survey response as a feedback record (`data`: FeedbackCreate's fields), written in one
    transaction with its counters and the items `extra(tx, record)` adds (the survey's own). The
    record's month and id are fixed before the transaction, so `extra` can key by them."""
    body = FeedbackCreate.model_validate(data)
    record = build_record(department(dept), body, now)
    store.create(record, voc_counters.contributions(facts(record)), actor=actor,
                 extra=lambda tx: extra(tx, record))
    return record


# --- peers (issue 29): other governments' published rows, read with the built-in profiles ---------

PEER_PROFILES = ("la311", "nyc311", "open311", "touchpoints")


class PeerRowReader:
    """A built-in profile's column mapping applied to a peer's row (no department: times without an
    offset are in the profile's zone, else UTC): `map(row)` -> (fields, errors) as a feedback import
    reads them; `zone` is where a row's month is counted."""

    def __init__(self, profile: str):
        if profile not in PEER_PROFILES:
            raise BadRequest.for_field("profile", f"a peer set reads one of {', '.join(PEER_PROFILES)}")
        chosen = profiles.resolve("", profile)
        self.touchpoints = profile == "touchpoints"
        self.zone = chosen.rules.get("time_zone") or "UTC"
        self._mapper = Mapper(chosen, self.zone)

    def header_problems(self, header: list[str], extra: list[str]) -> list[str]:
        wanted = ["source_id", "received_at"] + ([] if self.touchpoints else ["first_responded_at"])
        missing = [self._mapper.column(t) for t in wanted if self._mapper.column(t) not in header]
        if self.touchpoints:
            missing += [c for c in touchpoints.ANSWER_COLUMNS[1:] if c not in header]
        missing += [c for c in extra if c and c not in header]
        return [f"{c} (missing)" for c in dict.fromkeys(missing)]

    def column(self, target: str) -> str:
        return self._mapper.column(target)

    def map(self, row: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
        data, errors = self._mapper.map(row)
        if self.touchpoints:
            data.pop("a11", None)  # joined driver columns: read as flags below instead
            try:
                data["drivers"] = {d: (touchpoints._flag(row, f"positive_{d}"), touchpoints._flag(row, f"negative_{d}"))
                                   for d in touchpoints.DRIVERS}
            except touchpoints.RowError as exc:
                errors.append({"field": exc.field, "message": exc.message})
        return data, errors


def department_summary(dept: str, period: str) -> Any:
    """The VoC summary of a department's period (what a peer comparison sets the peers against)."""
    from chalicelib.voc import summary

    return summary.summary(dept, period)


# --- reviews (second look) -----------------------------------------------------------------------

def population(dept: str, months: list[str], actionable: bool, categories: list[str] | None,
               channels: list[str] | None, stats: dict[str, int]) -> Iterator[tuple[str, bool, str]]:
    """(feedback_id, actionable, category) of the records of those months (partitions in the
    department's zone) classified as `actionable` now, in those categories and channels, streamed."""
    for month in months:
        yield from store.population(dept, month, actionable, categories, channels, stats)


def feedback_record(dept: str, feedback_id: str) -> dict[str, Any] | None:
    return store.get(dept, feedback_id)


def add_reclassification(tx: Any, record: dict[str, Any], actionable: bool, category: str, reason: str,
                         actor: str, now: datetime) -> dict[str, Any]:
    """Adds to the caller's transaction the reclassification of `record` (as read, version
    conditioned) with its classification-trail entry and counters; answers the record after it."""
    new, entry, counters = feedback.reclassification(record, actionable, category, reason, actor, now)
    store.add_reclassification(tx, record, new, entry, counters, actor, now)
    return new


def records_page(dept: str, month: str, limit: int, start_key: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    """One page of a month's records (newest first)."""
    return store.query_month(dept, month, received_from=None, received_to=None, status=None, channel=None,
                             limit=limit, start_key=start_key)


def classification_at(record: dict[str, Any], moment: datetime) -> tuple[bool, str] | None:
    """(actionable, category) the record had at `moment`, from its classification trail (None: it
    was not recorded yet). The trail's entries after `moment` are undone, newest first."""
    if record["created_at"] > moment:
        return None
    actionable, category = record["actionable"], record["category"]
    for entry in reversed(record["classifications"]):
        if datetime.fromisoformat(entry["at"]) <= moment:
            break
        actionable, category = entry["from_actionable"], entry["from_category"]
    return actionable, category
