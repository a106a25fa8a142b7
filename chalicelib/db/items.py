"""The one data layer: every table and item type as a PynamoDB model.

Single table `cxgov` (see docs/data-model.md): every partition key of tenant data starts with the
department id, so `dynamodb:LeadingKeys` can confine a department-scoped role. Org-wide listings go
through the sparse `by_org` index. Every mutable item carries a version attribute."""
from __future__ import annotations

import os

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE

from chalicelib.db import credentials
from chalicelib.db.connection import SharedConnection
from chalicelib.db.connection import region as _region


class ByOrgIndex(GlobalSecondaryIndex):
    """Org-wide listings (all departments, ...) for the ccxo and auditors: `org_pk` names the
    collection, `org_sk` orders it. Items without `org_pk` stay out of the index."""

    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_pk = UnicodeAttribute(hash_key=True)
    org_sk = UnicodeAttribute(range_key=True)


class CxgovItem(SharedConnection, Model):
    """Every item of the `cxgov` table; `kind` says which subclass it is."""

    class Meta:
        table_name = os.environ.get("CXGOV_TABLE", "cxgov")
        region = _region()
        billing_mode = PAY_PER_REQUEST_BILLING_MODE
        # Fail fast inside Lambda's and API Gateway's time limits; botocore retries throttling.
        # (The local stage allows more: DynamoDB Local on a busy 2-core machine can be slow.)
        connect_timeout_seconds = 2
        read_timeout_seconds = float(os.environ.get("CXGOV_DDB_READ_TIMEOUT_SECONDS", "5"))
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    org_pk = UnicodeAttribute(null=True)
    org_sk = UnicodeAttribute(null=True)
    by_org = ByOrgIndex()
    created_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    # DynamoDB deletes an item some time after this moment (the table's TTL attribute): only
    # short-lived items set it (the public surveys' rate-limit windows, issue 30).
    expires_at = TTLAttribute(null=True)


class VersionedItem(CxgovItem):
    """A record people edit: who changed it, and a version that turns a lost race into a 409."""

    version = VersionAttribute()
    created_by = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    created_request = UnicodeAttribute(null=True)  # fingerprint of the keyed request that created it


class AggregateItem(CxgovItem, discriminator="aggregate"):
    """Pre-aggregated counters, kept in the same transaction as the writes they count.

    pk `{dept}`, sk `AGG#{scope}`; org_pk `AGG#{scope}`, org_sk `{dept}`, so one `by_org` query
    reads a scope for every department. Counters are top-level numbers (DynamoDB's ADD works only on
    top-level attributes), named `family__dimension__...`; they arrive in `counters` when read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counters: dict[str, float] = {}

    @classmethod
    def _instantiate(cls, attribute_values):  # PynamoDB's hook for items read from DynamoDB
        instance = super()._instantiate(attribute_values)
        declared = {attr.attr_name for attr in cls.get_attributes().values()}
        instance.counters = {name: float(value["N"]) for name, value in attribute_values.items()
                             if name not in declared and "N" in value}
        return instance


class ContactAttribute(MapAttribute):
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)


class StaffedHoursAttribute(MapAttribute):
    days = ListAttribute(of=UnicodeAttribute)
    start = UnicodeAttribute()
    end = UnicodeAttribute()


class WatchSettingsAttribute(MapAttribute):
    z = NumberAttribute()
    min_volume = NumberAttribute()


class DepartmentItem(VersionedItem, discriminator="department"):
    """pk `{dept}`, sk `DEPARTMENT`; org_pk `DEPARTMENT`, org_sk `{dept}`."""

    name = UnicodeAttribute()
    dcxo_contact = ContactAttribute()
    response_target_hours = NumberAttribute()
    staffed_hours = StaffedHoursAttribute()
    time_zone = UnicodeAttribute()
    active = BooleanAttribute()
    watch = WatchSettingsAttribute(null=True)  # None: the contract's defaults


class IdempotencyRecord(SharedConnection, Model):
    """Table of Powertools' idempotency layer (which reads and writes it itself). The model exists so
    that the table is created from code and compared with infra/ like every other table."""

    class Meta:
        table_name = os.environ.get("CXGOV_IDEMPOTENCY_TABLE", "cxgov-idempotency")
        region = _region()
        billing_mode = PAY_PER_REQUEST_BILLING_MODE
        connect_timeout_seconds = CxgovItem.Meta.connect_timeout_seconds  # the same shared connection
        read_timeout_seconds = CxgovItem.Meta.read_timeout_seconds
        max_retry_attempts = CxgovItem.Meta.max_retry_attempts

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


ALL_TABLES: tuple[type[Model], ...] = (CxgovItem, IdempotencyRecord)


def create_tables() -> None:
    for model in ALL_TABLES:
        if not model.exists():
            model.create_table(wait=True)


# --- journeys and KPIs ---

class JourneyItem(VersionedItem, discriminator="journey"):
    """pk `{dept}`, sk `JOURNEY#{journey_id}`."""

    journey_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    channels = ListAttribute(of=UnicodeAttribute)
    a11_service = MapAttribute(null=True)  # models.a11.A11Service, as given


class TargetVersionAttribute(MapAttribute):
    """One target version: applies from `effective_from` (None: from the start) on."""

    value = NumberAttribute()
    effective_from = UnicodeAttribute(null=True)  # period label, e.g. 2017-04
    effective_start = UnicodeAttribute(null=True)  # its first day, ISO date, for comparisons
    set_at = UTCDateTimeAttribute()
    set_by = UnicodeAttribute(null=True)


class KpiItem(VersionedItem, discriminator="kpi"):
    """pk `{dept}`, sk `KPI#{kpi_id}`. `latest_*` name the latest measured period and its
    attainment: what the department's `KPI` aggregate item counts for this KPI."""

    kpi_id = UnicodeAttribute()
    journey_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    unit = UnicodeAttribute()
    direction = UnicodeAttribute()
    frequency = UnicodeAttribute()
    standard = UnicodeAttribute()
    catalogue_code = UnicodeAttribute(null=True)
    formula = UnicodeAttribute(null=True)
    derived_from = UnicodeAttribute(null=True)
    targets = ListAttribute(of=TargetVersionAttribute)
    latest_period = UnicodeAttribute(null=True)
    latest_period_start = UnicodeAttribute(null=True)
    latest_attainment = UnicodeAttribute(null=True)


class MeasurementRevisionAttribute(MapAttribute):
    """A value a measurement held before a correction."""

    value = NumberAttribute()
    numerator = NumberAttribute(null=True)
    denominator = NumberAttribute(null=True)
    sample_size = NumberAttribute(null=True)
    source = UnicodeAttribute(null=True)
    target = NumberAttribute()
    attainment = UnicodeAttribute()
    gap = NumberAttribute()
    version = NumberAttribute()
    recorded_at = UTCDateTimeAttribute()
    recorded_by = UnicodeAttribute(null=True)


class MeasurementItem(VersionedItem, discriminator="measurement"):
    """pk `{dept}`, sk `MEAS#{kpi_id}#{period_start}`. `target`, `attainment` and `gap` are
    computed when written, against the target in force for the period (which cannot change once
    the period is measured)."""

    kpi_id = UnicodeAttribute()
    period = UnicodeAttribute()
    period_start = UnicodeAttribute()
    value = NumberAttribute()
    numerator = NumberAttribute(null=True)
    denominator = NumberAttribute(null=True)
    sample_size = NumberAttribute(null=True)
    source = UnicodeAttribute(null=True)
    target = NumberAttribute()
    attainment = UnicodeAttribute()
    gap = NumberAttribute()
    history = ListAttribute(of=MeasurementRevisionAttribute, default=list)
# --- audit follow-up ---
class AuditReportItem(VersionedItem, discriminator="audit_report"):
    """An org-level record, not tenant data: pk `ORG#AUDIT_REPORT#{report_id}`, sk `REPORT`;
    org_pk `AUDIT_REPORT`, org_sk `{issued_on}#{report_id}`."""

    report_id = UnicodeAttribute()
    number = UnicodeAttribute()
    title = UnicodeAttribute()
    issuer = UnicodeAttribute()
    issued_on = UnicodeAttribute()  # ISO date
    category = UnicodeAttribute()
    monetary_impact = UnicodeAttribute()  # decimal string


class UniqueClaimItem(CxgovItem, discriminator="unique_claim"):
    """Claims a unique value (a report number, a recommendation number within its report) in the
    same transaction as the item that owns it."""

    owner = UnicodeAttribute()


class ReportLinkItem(CxgovItem, discriminator="audit_report_link"):
    """pk `{dept}#REC`, sk `REPORT#{report_id}`: the department has recommendations in that report
    (what lets a dcxo read the report, and nothing else of it)."""

    report_id = UnicodeAttribute()


class RecommendationItem(VersionedItem, discriminator="recommendation"):
    """pk `{dept}#REC`, sk `REC#{rec_id}`; org_pk `RECOMMENDATION`,
    org_sk `{issued_on}#{report_id}#{number:04d}`. Report facts are copied in (issuer, category,
    issued_on, due dates) so reads, filters and overdue clocks need no second item. `history_seq`
    and `history_head` are the chain's length and last hash, moved in every change's transaction."""

    rec_id = UnicodeAttribute()
    report_id = UnicodeAttribute()
    report_number = UnicodeAttribute()
    department = UnicodeAttribute()
    number = NumberAttribute()
    text = UnicodeAttribute()
    finding = UnicodeAttribute()  # canonical JSON {criteria, condition, cause, effect}
    priority = UnicodeAttribute()
    significant = BooleanAttribute()
    requires_concurrence = BooleanAttribute()
    questioned_costs = UnicodeAttribute()
    unsupported_costs = UnicodeAttribute()
    funds_put_to_better_use = UnicodeAttribute()
    issuer = UnicodeAttribute()
    category = UnicodeAttribute()
    issued_on = UnicodeAttribute()
    decision_due = UnicodeAttribute()
    final_action_due = UnicodeAttribute()
    status = UnicodeAttribute()
    decision = UnicodeAttribute(null=True)  # JSON of the management decision
    target_date = UnicodeAttribute(null=True)
    original_target_date = UnicodeAttribute(null=True)
    target_date_changes = UnicodeAttribute(null=True)  # JSON list [{from, to, at, by}]
    resolution = UnicodeAttribute(null=True)  # JSON of the auditor's evaluation
    closed_on = UnicodeAttribute(null=True)
    history_seq = NumberAttribute()
    history_head = UnicodeAttribute()
    # reminders: when the current closure request was made, when the auditor last returned one
    closure_requested_on = UnicodeAttribute(null=True)
    closure_returned_on = UnicodeAttribute(null=True)
    closure_return_reason = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)  # JSON {kind, department, assessment_id, ref}: raised from an assessment


class CorrectiveActionItem(VersionedItem, discriminator="corrective_action"):
    """pk `{dept}#REC#{rec_id}`, sk `ACTION#{action_id}`."""

    action_id = UnicodeAttribute()
    rec_id = UnicodeAttribute()
    description = UnicodeAttribute()
    owner = UnicodeAttribute()
    due_date = UnicodeAttribute()
    status = UnicodeAttribute()
    progress_notes = UnicodeAttribute()  # JSON list [{at, by, note}], appended only


class EvidenceItem(VersionedItem, discriminator="evidence"):
    """pk `{dept}#REC#{rec_id}`, sk `EVIDENCE#{evidence_id}`; a file's object key starts with the
    department id too."""

    evidence_id = UnicodeAttribute()
    action_id = UnicodeAttribute()
    rec_id = UnicodeAttribute()
    evidence_kind = UnicodeAttribute()  # file | link
    file_name = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    confirmed = BooleanAttribute()
    confirmed_at = UnicodeAttribute(null=True)


class HistoryItem(CxgovItem, discriminator="history"):
    """pk `{dept}#REC#{rec_id}`, sk `H#{seq:010d}`: append-only, written in the change's transaction
    with `attribute_not_exists`. Values are stored exactly as hashed (`changes` canonical JSON)."""

    seq = NumberAttribute()
    rec_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    actor_name = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    event = UnicodeAttribute()
    changes = UnicodeAttribute()
    prev_hash = UnicodeAttribute()
    hash = UnicodeAttribute()
# --- feedback ---
class FeedbackItem(VersionedItem, discriminator="feedback"):
    """pk `{dept}#FB#{yyyy-mm}` (month of receipt in the department's zone), sk `FB#{ulid}` (ULID of
    the receipt time, so a partition reads in receipt order). While the item is actionable and
    unanswered it sets org_pk `{dept}#FBOPEN`, org_sk `{due_at UTC}#{id}`: the sparse `by_org`
    entries of that partition are exactly the items that are or will become overdue, by due time."""

    feedback_id = UnicodeAttribute()
    department = UnicodeAttribute()
    month = UnicodeAttribute()
    channel = UnicodeAttribute()
    category = UnicodeAttribute()
    actionable = BooleanAttribute()
    status = UnicodeAttribute()
    journey_id = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    redactions = MapAttribute(null=True)
    a11 = MapAttribute(null=True)
    nps = NumberAttribute(null=True)
    csat = NumberAttribute(null=True)
    ces = NumberAttribute(null=True)
    source_system = UnicodeAttribute(null=True)
    source_id = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute()
    first_responded_at = UTCDateTimeAttribute(null=True)
    response_target_hours = NumberAttribute()
    out_of_hours = BooleanAttribute()
    ever_actionable = BooleanAttribute(default=False)
    reclassified_not_actionable = BooleanAttribute(default=False)
    reclassification_changes = NumberAttribute(default=0)
    responses = ListAttribute(null=True)
    classifications = ListAttribute(null=True)
    due_source = UnicodeAttribute(null=True)  # "source" when the source gave the due time (issue 12)
    survey_offered = BooleanAttribute(null=True)  # offered a survey (None: when answered one)
    survey = MapAttribute(null=True)  # the Touchpoints answer columns as written (voc/touchpoints.py)


class FeedbackSourceItem(CxgovItem, discriminator="feedback_source"):
    """pk `{dept}#FBSRC#{sha256(source_system, source_id)}`, sk `SOURCE`: written in the same
    transaction as the record it names, on the condition that it does not exist yet."""

    feedback_id = UnicodeAttribute()
    source_system = UnicodeAttribute()
    source_id = UnicodeAttribute()


# --- the ledger (issue 15): the org-wide RFC 6962 log of history entries, docs/ledger.md ---
# The main table's stream carries every history entry to the ledger's consumer (chalicelib/ledger/
# routes.py: append_to_ledger). Old and new images: a modified or removed history item is reported too.
CxgovItem.Meta.stream_view_type = "NEW_AND_OLD_IMAGES"


class LedgerItem(SharedConnection, Model):
    """Table `cxgov-ledger`, written only by the stream consumer (tree) and the tree-head signer.
    Its own table, so the log's writes never re-enter the main table's stream, and so IAM can give
    the consumer this table and nothing else to write."""

    class Meta:
        table_name = os.environ.get("CXGOV_LEDGER_TABLE", "cxgov-ledger")
        region = _region()
        billing_mode = PAY_PER_REQUEST_BILLING_MODE
        connect_timeout_seconds = 2
        read_timeout_seconds = float(os.environ.get("CXGOV_DDB_READ_TIMEOUT_SECONDS", "5"))
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()


class LedgerStateItem(LedgerItem, discriminator="ledger_state"):
    """pk `ORG#LEDGER`, sk `STATE`: the tree's size and its right edge (the complete subtrees whose
    fold is the root, largest first), moved only on the condition that the size is the one read."""

    tree_size = NumberAttribute()
    frontier = ListAttribute(of=UnicodeAttribute)
    updated_at = UTCDateTimeAttribute()


class LedgerNodeItem(LedgerItem, discriminator="ledger_node"):
    """pk `ORG#LEDGER#N#{level}#{index}`, sk `NODE`: one complete subtree's hash (level 0: a leaf,
    with the leaf's canonical JSON)."""

    hash = UnicodeAttribute()
    leaf = UnicodeAttribute(null=True)


class LedgerEntryItem(LedgerItem, discriminator="ledger_entry"):
    """pk `{dept}#REC#{rec_id}`, sk `LEAF#{seq:010d}`: where a history entry sits in the log. Put on
    `attribute_not_exists` with the leaf, so a repeated stream delivery appends nothing."""

    leaf_index = NumberAttribute()
    entry_hash = UnicodeAttribute()
    appended_at = UTCDateTimeAttribute()


class TreeHeadItem(LedgerItem, discriminator="tree_head"):
    """pk `ORG#LEDGER#TREE_HEAD`, sk `{timestamp}#{tree_size:012d}`: a signed tree head."""

    tree_size = NumberAttribute()
    root_hash = UnicodeAttribute()
    timestamp = UnicodeAttribute()
    log_id = UnicodeAttribute()
    signature = UnicodeAttribute()
    key_id = UnicodeAttribute()
    algorithm = UnicodeAttribute()


class SigningKeyItem(LedgerItem, discriminator="signing_key"):
    """pk `ORG#LEDGER#KEY`, sk `{key_id}`: every key that signed a tree head, with its public key,
    so heads signed before a rotation stay verifiable."""

    public_key = UnicodeAttribute()
    first_used_at = UTCDateTimeAttribute()


ALL_TABLES = (*ALL_TABLES, LedgerItem)
# The ledger is org-wide: even in a dcxo's request its calls keep the function role (docs/security.md).
credentials.register_org_table(LedgerItem.Meta.table_name)
# --- reminders and digests ---
class DueEntryItem(CxgovItem, discriminator="due_entry"):
    """The due-date index of reminders, kept in the same transaction as the recommendation or action
    it describes. pk `{dept}#DUE`, sk `REC#{rec_id}` (what the department must act on),
    `ORG#{rec_id}` (what the auditors and the ccxo must act on) or `ACT#{rec_id}#{action_id}`.
    by_org: org_pk `{dept}#DUE` for the department's entries, `DUE` for the org's; org_sk
    `{attention_on}#{dept}#{sk}`, so a query up to today reads exactly what needs attention.
    `facts` is the canonical JSON of what the reminder rules read (chalicelib/reminders)."""

    department = UnicodeAttribute()
    rec_id = UnicodeAttribute()
    action_id = UnicodeAttribute(null=True)
    attention_on = UnicodeAttribute()  # ISO date from which the entry shows up in digests
    facts = UnicodeAttribute()


class OrgSettingsItem(VersionedItem, discriminator="org_settings"):
    """Org-level settings, not tenant data: pk `ORG#SETTINGS`, sk `CONTACTS` (the CCXO's and the
    auditors' addresses for digests, canonical JSON)."""

    contacts = UnicodeAttribute()


class DigestSendItem(CxgovItem, discriminator="digest_send"):
    """One digest to one recipient on one day: pk `{dept}#DIGEST` for a department's DCXO, `ORG#DIGEST`
    for the org's recipients; sk `{day}#{role}#{email}`. Claimed with a conditional write before the
    send (a re-run or a retried invocation finds it and sends nothing), then marked sent or failed.
    A failed one is in `by_org` (org_pk `DIGEST_FAILED#{day}`) until a later run sends it."""

    day = UnicodeAttribute()
    role = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # sending | sent | failed
    claim = UnicodeAttribute()  # the claiming run's token: only it may mark the outcome
    attempts = NumberAttribute(default=0)
    items = NumberAttribute(default=0)
    message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
# --- import profiles and pulled sources (issue 12) ---
class ImportProfileItem(VersionedItem, discriminator="import_profile"):
    """pk `{dept}`, sk `PROFILE#{profile_id}`: a department's own import profile; `rules` holds the
    ProfileRules fields as JSON."""

    profile_id = UnicodeAttribute()
    department = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    rules = UnicodeAttribute()


class PulledSourceItem(VersionedItem, discriminator="pulled_source"):
    """pk `{dept}`, sk `PULL#{source_id}`: an Open311 endpoint the scheduler pulls. While active it
    sets org_pk `PULLSOURCE`, org_sk `{dept}#{source_id}` (the scheduler's one Query for all
    departments). The API key is not here: `secret_name` names it in Secrets Manager."""

    source_id = UnicodeAttribute()
    department = UnicodeAttribute()
    name = UnicodeAttribute()
    source_kind = UnicodeAttribute()
    base_url = UnicodeAttribute()
    jurisdiction_id = UnicodeAttribute(null=True)
    service_codes = ListAttribute(of=UnicodeAttribute, null=True)
    page_size = NumberAttribute()
    since = UTCDateTimeAttribute()
    active = BooleanAttribute()
    secret_name = UnicodeAttribute(null=True)
    updated_after = BooleanAttribute(null=True)  # the server offers Chicago's updated_after extension


class PulledSourceStateItem(CxgovItem, discriminator="pulled_source_state"):
    """pk `{dept}`, sk `PULLSTATE#{source_id}`: the pulls' own bookkeeping, apart from the source so
    that a pull never changes the version a DCXO's PATCH is checked against."""

    watermark = UTCDateTimeAttribute(null=True)
    last_sync = UnicodeAttribute(null=True)  # JSON of the last pull's outcome
    sync_lease = UTCDateTimeAttribute(null=True)  # a pull in progress holds the source until then
# --- role directory (issue 19): roles for identity-only providers, every change kept ---

class DirectoryUserItem(CxgovItem, discriminator="directory_user"):
    """pk `ORG#USER#{subject}`, sk `USER`; org_pk `USER`, org_sk `{subject}`. `role` None: revoked.
    `version` counts the changes and conditions each one (a plain number: it travels in the same
    transaction as the change it counts)."""

    subject = UnicodeAttribute()
    role = UnicodeAttribute(null=True)
    department = UnicodeAttribute(null=True)
    label = UnicodeAttribute(null=True)
    version = NumberAttribute()
    updated_by = UnicodeAttribute(null=True)


class DirectoryChangeItem(CxgovItem, discriminator="directory_change"):
    """pk `ORG#USER#{subject}`, sk `CHANGE#{seq:08d}`; org_pk `USER_CHANGE`, org_sk `{at}#{subject}#{seq}`:
    who changed whose role when, from what to what. Written once, never changed."""

    subject = UnicodeAttribute()
    seq = NumberAttribute()
    at = UTCDateTimeAttribute()
    by = UnicodeAttribute()
    by_name = UnicodeAttribute(null=True)
    before_role = UnicodeAttribute(null=True)
    before_department = UnicodeAttribute(null=True)
    after_role = UnicodeAttribute(null=True)
    after_department = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
# --- import jobs (issue 14) ---
class ImportJobItem(CxgovItem, discriminator="import_job"):
    """pk `{dept}#IMPORTJOB`, sk `JOB#{job_id}` (job ids sort by creation time). The upload's object
    key is `imports/{dept}/{job_id}`. A worker holds the job by a lease (`lease_owner`,
    `lease_until` epoch seconds) and checkpoints after every chunk: `offset` is the byte offset (in
    the decompressed file) where the next unread row starts, `rows_done` the rows read before it."""

    job_id = UnicodeAttribute()
    department = UnicodeAttribute()
    status = UnicodeAttribute()  # awaiting_upload | queued | running | completed | failed
    profile = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    object_key = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_by_role = UnicodeAttribute()
    created_by_name = UnicodeAttribute(null=True)
    object_size = NumberAttribute(null=True)
    object_etag = UnicodeAttribute(null=True)
    file_format = UnicodeAttribute(null=True)  # csv | json | ndjson, `+gzip` when compressed
    header = UnicodeAttribute(null=True)  # the CSV header row, JSON list
    offset = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)
    created = NumberAttribute(default=0)
    updated = NumberAttribute(default=0)
    duplicates = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    error_parts = NumberSetAttribute(null=True)  # first rows of the chunks that rejected rows
    report_key = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    runs = NumberAttribute(default=0)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    checkpoint_at = UTCDateTimeAttribute(null=True)
    queued_at = UTCDateTimeAttribute(null=True)
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    job_kind = UnicodeAttribute(null=True)  # absent: feedback; `peer_set`: rows of a peer set (issue 29)
    target = UnicodeAttribute(null=True)  # what a non-feedback job fills (the peer set's id)


# --- peers outside the organisation (issue 29): never tenant data, every pk starts with `PEER#` ---
class PeerSetItem(VersionedItem, discriminator="peer_set"):
    """pk `PEER#SET#{id}`, sk `SET`; org_pk `PEER_SET`, org_sk `{created_at}#{id}` (the listing)."""

    peer_set_id = UnicodeAttribute()
    name = UnicodeAttribute()
    publisher = UnicodeAttribute()
    source_url = UnicodeAttribute(null=True)
    retrieved_on = UnicodeAttribute()  # ISO date: the snapshot's day ("open past its due" is as of then)
    set_kind = UnicodeAttribute()  # service_requests | a11_responses
    profile = UnicodeAttribute()
    group_column = UnicodeAttribute()
    service_column = UnicodeAttribute(null=True)
    target_hours = NumberAttribute(null=True)
    uploads = NumberAttribute(default=0)


class PeerRowItem(CxgovItem, discriminator="peer_row"):
    """The guard of one source row: pk `PEER#{set}#SRC#{sha256(source id)}`, sk `ROW`. `places`
    are the value items the row has now (its group's and its service type's), `digest` what they
    hold: an upload of the same row again writes nothing, a changed one moves them."""

    places = ListAttribute(of=UnicodeAttribute)  # "pk|sk" of each value item
    digest = UnicodeAttribute()


class PeerPartItem(CxgovItem, discriminator="peer_part"):
    """pk `PEER#{set}#PARTS`, sk `{month}#{part}`: a value partition exists (what figures read)."""

    group = UnicodeAttribute()
    service_type = UnicodeAttribute(null=True)  # null: all of the group


class PeerValueItem(CxgovItem, discriminator="peer_value"):
    """One row in one partition `PEER#{set}#V#{month}#{part}`: sk `C#{seconds to close:012d}#{row}`
    (closed; sorted, so exact medians stream), `O#{row}` (open), `R#{row}` (an A-11 response).
    `w`: 1 within target, 0 against, absent not judged; `agree`/`asked`: A-11 drivers. A row that
    moves leaves `gone` in its old place (the worker's role deletes nothing; a later upload that moves
    it back overwrites it)."""

    w = NumberAttribute(null=True)
    gone = NumberAttribute(null=True)  # 1: the row moved (a later upload changed it); reads skip it
    agree = ListAttribute(of=UnicodeAttribute, null=True)
    asked = ListAttribute(of=UnicodeAttribute, null=True)


class PeerMappingItem(VersionedItem, discriminator="peer_mapping"):
    """A department's peer groups: pk `{dept}#PEERMAP`, sk `PEERMAP` (tenant data of that department)."""

    department = UnicodeAttribute()
    groups = UnicodeAttribute()  # JSON list of {peer_set_id, group, service_type}


# --- surge watch (issue 27) ---
class AlertEventAttribute(MapAttribute):
    at = UnicodeAttribute()
    event = UnicodeAttribute()  # opened | mailed | mail_failed | acknowledged | resolved
    actor = UnicodeAttribute()


class AlertItem(CxgovItem, discriminator="watch_alert"):
    """pk `{dept}#ALERT`, sk `ALERT#{alert_id}` (a ULID of its opening: newest last); org_pk `ALERT`,
    org_sk `{alert_id}#{dept}` (the org-wide list). `figures` is JSON; `mailed_at` is set once the
    DCXO and the CCXO were mailed (the job mails an alert without it). Changed by conditions on
    its own fields (one acknowledgement, one resolution, one mail), so it carries no version."""

    created_by = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    alert_id = UnicodeAttribute()
    department = UnicodeAttribute()
    alert_kind = UnicodeAttribute()  # surge | backlog_risk
    scope = UnicodeAttribute()
    key = UnicodeAttribute()
    opened_at = UTCDateTimeAttribute()
    resolved_at = UTCDateTimeAttribute(null=True)
    acknowledged_by = UnicodeAttribute(null=True)
    acknowledged_at = UTCDateTimeAttribute(null=True)
    acknowledged_note = UnicodeAttribute(null=True)
    figures = UnicodeAttribute()
    mailed_at = UTCDateTimeAttribute(null=True)
    history = ListAttribute(of=AlertEventAttribute, null=True)  # appended by every change, in its write


class AlertOpenItem(CxgovItem, discriminator="watch_alert_open"):
    """pk `{dept}#ALERT`, sk `OPEN#{kind}#{scope}#{key}`: the open alert of one condition, put with
    `attribute_not_exists` in the alert's own transaction and deleted in the one that resolves it;
    org_pk `ALERT_OPEN`, org_sk `{alert_id}#{dept}`: every open alert of the org in one Query."""

    alert_id = UnicodeAttribute()


# --- surveys collected first-hand (issue 30) ---
class SurveyItem(VersionedItem, discriminator="survey"):
    """pk `{dept}#SURVEY`, sk `SURVEY#{survey_id}`; the survey id starts with the department
    (`parks_5f2c9a0b1d3e4f60`), so the public routes find the item without an index."""

    survey_id = UnicodeAttribute()
    department = UnicodeAttribute()
    journey_id = UnicodeAttribute()
    title = MapAttribute()  # {en, es}
    survey_kind = UnicodeAttribute()  # a11_thumbs | a11_likert | csat | nps | ces
    languages = ListAttribute(of=UnicodeAttribute)
    questions = UnicodeAttribute()  # the department's own questions, JSON (the kind's set is code)
    allowed_origins = ListAttribute(of=UnicodeAttribute, null=True)
    active = BooleanAttribute(default=True)


class SurveyRateItem(CxgovItem, discriminator="survey_rate"):
    """pk `{dept}#SRVRATE#{salted hash of the client address}`, sk `{yyyymmddHHMM}` (UTC minute):
    the responses that address sent the department in that minute, added in each response's own
    transaction on the condition that it is below the limit; `expires_at` lets DynamoDB drop it."""

    count = NumberAttribute(default=0)


class SurveyResponseItem(CxgovItem, discriminator="survey_response"):
    """pk `{dept}#SRVRESP#{survey_id}#{yyyy-mm}`, sk `{feedback_id}`: a response's answers as
    given (free text redacted), its page (no query or fragment) and language, written in the same
    transaction as its feedback record."""

    feedback_id = UnicodeAttribute()
    answers = UnicodeAttribute()  # JSON
    page = UnicodeAttribute(null=True)
    lang = UnicodeAttribute()
# --- assessments (issue 28) ---
class FrameworkItem(VersionedItem, discriminator="assessment_framework"):
    """An uploaded framework library, org-level: pk `ORG#FRAMEWORK#{framework_id}`, sk
    `V#{framework_version}`; org_pk `FRAMEWORK`, org_sk `{framework_id}#{framework_version}`.
    `document` is the library as canonical JSON, as validated."""

    framework_id = UnicodeAttribute()
    framework_version = UnicodeAttribute()
    name = UnicodeAttribute()
    document = UnicodeAttribute()


class AssessmentItem(VersionedItem, discriminator="assessment"):
    """pk `{dept}#ASMT`, sk `ASMT#{assessment_id}`; org_pk `ASMT#{framework_id}`, org_sk
    `{dept}#{as_of}#{assessment_id}`. `score` (JSON) is recomputed from the answers in the
    transaction of every answer; `findings` (JSON {ref: rec_id}) links the gaps raised as
    recommendations of the internal report `findings_report_id`. `history_seq`/`history_head`
    are the chain's length and last hash, as a recommendation's."""

    assessment_id = UnicodeAttribute()
    department = UnicodeAttribute()
    framework_id = UnicodeAttribute()
    framework_version = UnicodeAttribute()
    title = UnicodeAttribute()
    as_of = UnicodeAttribute()  # ISO date
    status = UnicodeAttribute()  # draft | submitted | approved
    copy_from = UnicodeAttribute(null=True)
    score = UnicodeAttribute()
    findings_report_id = UnicodeAttribute(null=True)
    findings = UnicodeAttribute(null=True)
    submitted_at = UnicodeAttribute(null=True)
    submitted_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    return_reason = UnicodeAttribute(null=True)
    history_seq = NumberAttribute()
    history_head = UnicodeAttribute()


class AssessmentAnswerItem(CxgovItem, discriminator="assessment_answer"):
    """pk `{dept}#ASMT#{assessment_id}`, sk `ANS#{ref}`: one requirement's answer, written in the
    transaction that moves the assessment's version, score and history."""

    ref = UnicodeAttribute()
    result = UnicodeAttribute()
    maturity = NumberAttribute(null=True)
    observation = UnicodeAttribute(null=True)
    evidence_ids = ListAttribute(of=UnicodeAttribute, default=list)
    links = ListAttribute(of=UnicodeAttribute, default=list)
    answered_by = UnicodeAttribute(null=True)


class AssessmentEvidenceItem(CxgovItem, discriminator="assessment_evidence"):
    """pk `{dept}#ASMT#{assessment_id}`, sk `EVID#{evidence_id}`: a file uploaded through the
    evidence bucket's presigned PUT (object `{dept}/assessments/{assessment_id}/{evidence_id}`),
    confirmed once its stored bytes hash to the declared SHA-256."""

    evidence_id = UnicodeAttribute()
    file_name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    object_key = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    confirmed = BooleanAttribute()
    confirmed_at = UnicodeAttribute(null=True)


# --- second look: review plans and samples (issue 26) ---
class ReviewPlanItem(VersionedItem, discriminator="review_plan"):
    """pk `{dept}#REVIEW`, sk `PLAN#{plan_id}`. Holds the head of the plan's history chain
    (`{dept}#REVIEWPLAN#{plan_id}`, HistoryItem entries): every step of its samples is chained there."""

    plan_id = UnicodeAttribute()
    department = UnicodeAttribute()
    name = UnicodeAttribute()
    population = UnicodeAttribute()  # canonical JSON {actionable, categories, channels}
    frequency = UnicodeAttribute()
    confidence = NumberAttribute()
    margin = NumberAttribute()
    expected_rate = NumberAttribute()
    reviewer_role = UnicodeAttribute()
    active = BooleanAttribute()
    history_seq = NumberAttribute(default=0)
    history_head = UnicodeAttribute()


class ReviewSampleItem(VersionedItem, discriminator="review_sample"):
    """pk `{dept}#REVIEW`, sk `SAMPLE#{plan_id}#{sample_id}`; one per plan and period, guarded by the
    ReviewPeriodItem written in the same transaction. While open: org_pk `REVIEWOPEN#{reviewer_role}`,
    org_sk `{dept}#{period}#{sample_id}` (the reviewers' queue); closing removes them."""

    sample_id = UnicodeAttribute()
    plan_id = UnicodeAttribute()
    department = UnicodeAttribute()
    period = UnicodeAttribute()
    population_size = NumberAttribute()
    sample_size = NumberAttribute()
    seed = UnicodeAttribute()
    population = UnicodeAttribute()  # the plan's settings at the draw: its population (JSON), ...
    confidence = NumberAttribute()
    margin = NumberAttribute()
    expected_rate = NumberAttribute()
    status = UnicodeAttribute()  # open | closed
    reviewer_role = UnicodeAttribute()
    reviewed = NumberAttribute(default=0)
    misclassified = NumberAttribute(default=0)
    result = UnicodeAttribute(null=True)  # canonical JSON of the close's result
    closed_at = UTCDateTimeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)


class ReviewPeriodItem(CxgovItem, discriminator="review_period"):
    """pk `{dept}#REVIEW`, sk `PERIOD#{plan_id}#{period}`: the one sample of a plan and period,
    written with `attribute_not_exists` (a second draw is a 409)."""

    sample_id = UnicodeAttribute()


class ReviewEntryItem(CxgovItem, discriminator="review_entry"):
    """pk `{dept}#RVS#{sample_id}`, sk `I#{feedback_id}`: one drawn item, its rank (hex of the
    SHA-256), its classification at the draw and, once given, the verdict."""

    feedback_id = UnicodeAttribute()
    rank = UnicodeAttribute()
    actionable_at_draw = BooleanAttribute()
    category_at_draw = UnicodeAttribute()
    verdict = UnicodeAttribute(null=True)  # canonical JSON {actionable, category, note, misclassified, by, role, at}


class ReviewLatestItem(CxgovItem, discriminator="review_latest"):
    """pk `{dept}`, sk `REVIEW#LATEST`; org_pk `REVIEWLATEST`, org_sk `{dept}`: the department's
    latest closed sample (period, rate, interval), written by the close's transaction, so the
    rollup reads one item per department."""

    sample_id = UnicodeAttribute()
    plan_id = UnicodeAttribute()
    plan_name = UnicodeAttribute()
    period = UnicodeAttribute()
    closed_at = UTCDateTimeAttribute()
    result = UnicodeAttribute()  # canonical JSON of the close's result
