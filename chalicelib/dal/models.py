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
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


class ByOrgIndex(GlobalSecondaryIndex):
    """Org-wide listings (all departments, ...) for the ccxo and auditors: `org_pk` names the
    collection, `org_sk` orders it. Items without `org_pk` stay out of the index."""

    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_pk = UnicodeAttribute(hash_key=True)
    org_sk = UnicodeAttribute(range_key=True)


class CxgovItem(Model):
    """Every item of the `cxgov` table; `kind` says which subclass it is."""

    class Meta:
        table_name = os.environ.get("CXGOV_TABLE", "cxgov")
        region = _region()
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    org_pk = UnicodeAttribute(null=True)
    org_sk = UnicodeAttribute(null=True)
    by_org = ByOrgIndex()
    created_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class VersionedItem(CxgovItem):
    """A record people edit: who changed it, and a version that turns a lost race into a 409."""

    version = VersionAttribute()
    created_by = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)


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


class DepartmentItem(VersionedItem, discriminator="department"):
    """pk `{dept}`, sk `DEPARTMENT`; org_pk `DEPARTMENT`, org_sk `{dept}`."""

    name = UnicodeAttribute()
    dcxo_contact = ContactAttribute()
    response_target_hours = NumberAttribute()
    staffed_hours = StaffedHoursAttribute()
    time_zone = UnicodeAttribute()
    active = BooleanAttribute()


class IdempotencyRecord(Model):
    """Table of Powertools' idempotency layer (which reads and writes it itself). The model exists so
    that the table is created from code and compared with infra/ like every other table."""

    class Meta:
        table_name = os.environ.get("CXGOV_IDEMPOTENCY_TABLE", "cxgov-idempotency")
        region = _region()
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


ALL_TABLES: tuple[type[Model], ...] = (CxgovItem, IdempotencyRecord)


def create_tables() -> None:
    for model in ALL_TABLES:
        if not model.exists():
            model.create_table(wait=True)


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


class FeedbackSourceItem(CxgovItem, discriminator="feedback_source"):
    """pk `{dept}#FBSRC#{sha256(source_system, source_id)}`, sk `SOURCE`: written in the same
    transaction as the record it names, on the condition that it does not exist yet."""

    feedback_id = UnicodeAttribute()
    source_system = UnicodeAttribute()
    source_id = UnicodeAttribute()
