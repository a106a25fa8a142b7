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
    version = VersionAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class ContactAttribute(MapAttribute):
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)


class StaffedHoursAttribute(MapAttribute):
    days = ListAttribute(of=UnicodeAttribute)
    start = UnicodeAttribute()
    end = UnicodeAttribute()


class DepartmentItem(CxgovItem, discriminator="department"):
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
