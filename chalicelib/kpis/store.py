"""KPI and measurement items, and the department's `KPI` aggregate kept with them.

Calls: create a KPI = 1 TransactWriteItems (the KPI, a check that the journey exists in this
department, the aggregate's `kpi__defined`); change one = GetItem + 1 TransactWriteItems; write a
measurement = 1 BatchGetItem (the KPI and the period's measurement, consistent) + 1
TransactWriteItems (the measurement conditioned on its version, the KPI's latest period conditioned
on its version, the aggregate's counters); a page of measurements = 1 Query."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.core import clock
from chalicelib.db import aggregates, keys
from chalicelib.db.items import (
    CxgovItem,
    JourneyItem,
    KpiItem,
    MeasurementItem,
    MeasurementRevisionAttribute,
    TargetVersionAttribute,
)
from chalicelib.db.transactions import cancellation_codes, transaction
from chalicelib.core.errors import BadRequest, Conflict, ServiceUnavailable
from chalicelib.kpis import rules as kpi_rules
from chalicelib.kpis.schemas import Kpi, Measurement

_NO_JOURNEY = "no journey with this id in this department"


def _map(value: Any) -> dict[str, Any]:
    """A MapAttribute's declared attributes as a dict, None for those not stored (as_dict omits them)."""
    return {name: getattr(value, name) for name in type(value).get_attributes()}


def targets_of(item: KpiItem) -> list[dict[str, Any]]:
    return [_map(t) for t in item.targets]


def _to_kpi(item: KpiItem) -> Kpi:
    targets = targets_of(item)
    latest = ({"period": item.latest_period, "attainment": item.latest_attainment}
              if item.latest_period else None)
    return Kpi(id=item.kpi_id, department=item.pk, journey_id=item.journey_id, name=item.name,
               description=item.description or "", unit=item.unit, direction=item.direction,
               target=targets[-1]["value"], targets=targets, frequency=item.frequency,
               standard=item.standard, catalogue_code=item.catalogue_code, formula=item.formula,
               derived_from=item.derived_from, latest=latest, version=item.version,
               created_at=item.created_at, updated_at=item.updated_at)


def _revision(item: MeasurementItem) -> dict[str, Any]:
    return {"value": item.value, "numerator": item.numerator, "denominator": item.denominator,
            "sample_size": int(item.sample_size) if item.sample_size is not None else None,
            "source": item.source, "target": item.target, "attainment": item.attainment,
            "gap": item.gap, "version": item.version, "recorded_at": item.updated_at,
            "recorded_by": item.updated_by}


def stored_values(item: MeasurementItem) -> dict[str, Any]:
    """The typed part of a stored measurement, to compare with a new PUT."""
    return {name: getattr(item, name)
            for name in ("value", "numerator", "denominator", "sample_size", "source")}


def to_measurement(item: MeasurementItem) -> Measurement:
    history = []
    for entry in item.history:
        data = _map(entry)
        data["sample_size"] = int(data["sample_size"]) if data.get("sample_size") is not None else None
        data["version"] = int(data["version"])
        history.append(data)
    return Measurement(department=item.pk, kpi_id=item.kpi_id, period=item.period,
                       period_start=item.period_start, history=history,
                       created_at=item.created_at, **_revision(item))


def _busy_or_raise(error: TransactWriteError) -> None:
    """Another transaction held one of the items (DynamoDB's TransactionConflict): nothing was
    written and a retry will do, so a 503 with Retry-After; anything else is unexpected."""
    if "TransactionConflict" in cancellation_codes(error):
        raise ServiceUnavailable("another write touched the same items; retry shortly",
                                 headers={"Retry-After": "1"})
    raise error


def _conflict_or_raise(error: TransactWriteError, field: str, message: str) -> None:
    """A failed condition is a lost race on a version: a 409 naming `field`."""
    if "ConditionalCheckFailed" in cancellation_codes(error):
        raise Conflict.for_field(field, message)
    _busy_or_raise(error)


# --- KPIs -----------------------------------------------------------------------------------------

def create(dept: str, data: Mapping[str, Any], actor: str) -> Kpi:
    """The KPI, a check that its journey is one of `dept`'s (a 400 on `journey_id` otherwise: the
    same answer for a journey of another department as for none), and `kpi__defined` + 1."""
    if not keys.is_id(data["journey_id"]):
        raise BadRequest.for_field("journey_id", _NO_JOURNEY)
    now, kpi_id = clock.now(), keys.new_id()
    pk = keys.department_pk(dept)
    item = KpiItem(
        pk, keys.kpi_sk(kpi_id), kpi_id=kpi_id, journey_id=data["journey_id"], name=data["name"],
        description=data["description"], unit=data["unit"], direction=data["direction"],
        frequency=data["frequency"], standard=data["standard"], catalogue_code=data["catalogue_code"],
        formula=data["formula"], derived_from=data["derived_from"],
        targets=[TargetVersionAttribute(value=data["target"], effective_from=None, effective_start=None,
                                        set_at=now, set_by=actor)],
        created_at=now, created_by=actor, updated_at=now, updated_by=actor)
    try:
        with transaction() as tx:
            tx.condition_check(JourneyItem, pk, keys.journey_sk(data["journey_id"]),
                               condition=JourneyItem.pk.exists())
            tx.save(item, condition=KpiItem.pk.does_not_exist())
            aggregates.add_counters(tx, dept, kpi_rules.KPI_SCOPE, {kpi_rules.DEFINED: 1, **(
                {kpi_rules.DERIVED: 1} if data["derived_from"] else {})})
    except TransactWriteError as error:
        if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
            raise BadRequest.for_field("journey_id", _NO_JOURNEY)
        _busy_or_raise(error)
    return _to_kpi(item)


def get_item(dept: str, kpi_id: str, consistent: bool = False) -> KpiItem | None:
    if not keys.is_id(kpi_id):
        return None
    try:
        return KpiItem.get(keys.department_pk(dept), keys.kpi_sk(kpi_id), consistent_read=consistent)
    except DoesNotExist:
        return None


def get(dept: str, kpi_id: str) -> Kpi | None:
    item = get_item(dept, kpi_id)
    return _to_kpi(item) if item else None


def list_for(dept: str, journey_id: str | None, limit: int,
             start_key: dict | None) -> tuple[list[Kpi], dict | None]:
    result = KpiItem.query(keys.department_pk(dept), KpiItem.sk.startswith(keys.KPI_PREFIX),
                           filter_condition=(KpiItem.journey_id == journey_id) if journey_id else None,
                           limit=limit, last_evaluated_key=start_key)
    items = [_to_kpi(item) for item in result]
    return items, result.last_evaluated_key


def update(current: KpiItem, changes: Mapping[str, Any], new_target: dict[str, Any] | None,
           actor: str) -> Kpi:
    """Sets `changes` and appends `new_target` (a target version), conditioned on the version read;
    a new `journey_id` must be a journey of the same department."""
    dept = current.pk
    item = KpiItem(dept, current.sk)
    item.version = current.version
    now = clock.now()
    actions = [getattr(KpiItem, name).set(value) for name, value in changes.items()]
    targets = list(current.targets)
    if new_target is not None:
        targets.append(TargetVersionAttribute(
            value=new_target["value"], effective_from=new_target["effective_from"],
            effective_start=new_target["effective_start"], set_at=now, set_by=actor))
        actions.append(KpiItem.targets.set(targets))
    actions += [KpiItem.updated_at.set(now), KpiItem.updated_by.set(actor)]
    checks_journey = "journey_id" in changes and changes["journey_id"] != current.journey_id
    if checks_journey and not keys.is_id(changes["journey_id"]):
        raise BadRequest.for_field("journey_id", _NO_JOURNEY)
    try:
        with transaction() as tx:
            if checks_journey:
                tx.condition_check(JourneyItem, dept, keys.journey_sk(changes["journey_id"]),
                                   condition=JourneyItem.pk.exists())
            tx.update(item, actions=actions, condition=KpiItem.pk.exists())
    except TransactWriteError as error:
        codes = cancellation_codes(error)
        if checks_journey and codes[:1] == ["ConditionalCheckFailed"]:
            raise BadRequest.for_field("journey_id", _NO_JOURNEY)
        _conflict_or_raise(error, "version", "the KPI was changed meanwhile; read it again")
    # What was written, without reading it back.
    for name, value in changes.items():
        setattr(current, name, value)
    current.targets, current.updated_at, current.updated_by = targets, now, actor
    current.version += 1
    return _to_kpi(current)


# --- measurements ---------------------------------------------------------------------------------

@dataclass
class WriteState:
    """What a measurement write needs to know, read in one consistent BatchGetItem."""

    kpi: KpiItem | None
    measurement: MeasurementItem | None


def read_for_write(dept: str, kpi_id: str, period_start: str) -> WriteState:
    if not keys.is_id(kpi_id):
        return WriteState(None, None)
    pk = keys.department_pk(dept)
    wanted = [(pk, keys.kpi_sk(kpi_id)), (pk, keys.measurement_sk(kpi_id, period_start))]
    found = {item.sk: item for item in CxgovItem.batch_get(wanted, consistent_read=True)}
    kpi = found.get(keys.kpi_sk(kpi_id))
    measurement = found.get(keys.measurement_sk(kpi_id, period_start))
    return WriteState(kpi if isinstance(kpi, KpiItem) else None,
                      measurement if isinstance(measurement, MeasurementItem) else None)


def write_measurement(state: WriteState, period: Any, values: kpi_rules.Values, target: float,
                      attainment: str, gap: float, becomes_latest: bool,
                      counter_moves: Mapping[str, int], actor: str) -> Measurement:
    """One TransactWriteItems: the measurement (conditioned on the version read, or on not existing),
    the KPI (its latest period when this is it, else a check that it did not change since it was
    read: a new target could otherwise slip in between) and the department's counters."""
    kpi, existing = state.kpi, state.measurement
    dept, now = kpi.pk, clock.now()
    history = list(existing.history) if existing else []
    if existing:
        history.append(MeasurementRevisionAttribute(**_revision(existing)))
    item = MeasurementItem(
        dept, keys.measurement_sk(kpi.kpi_id, period.start.isoformat()), kpi_id=kpi.kpi_id,
        period=period.label, period_start=period.start.isoformat(), value=values.value,
        numerator=values.numerator, denominator=values.denominator, sample_size=values.sample_size,
        source=values.source, target=target, attainment=attainment, gap=gap, history=history,
        created_at=existing.created_at if existing else now,
        created_by=existing.created_by if existing else actor, updated_at=now, updated_by=actor)
    if existing:
        item.version = existing.version  # save() conditions on it (on its absence for a new item)
    kpi_ref = KpiItem(dept, kpi.sk)
    kpi_ref.version = kpi.version
    try:
        with transaction() as tx:
            if not becomes_latest:
                tx.condition_check(KpiItem, dept, kpi.sk, condition=KpiItem.version == kpi.version)
            tx.save(item)
            if becomes_latest:
                tx.update(kpi_ref, condition=KpiItem.pk.exists(), actions=[
                    KpiItem.latest_period.set(period.label),
                    KpiItem.latest_period_start.set(period.start.isoformat()),
                    KpiItem.latest_attainment.set(attainment)])
            if counter_moves:
                aggregates.add_counters(tx, dept, kpi_rules.KPI_SCOPE, counter_moves)
    except TransactWriteError as error:
        _conflict_or_raise(error, "version", f"{period.label} of this KPI was written meanwhile; "
                                             "read it again and retry")
    return to_measurement(item)


def get_measurement(dept: str, kpi_id: str, period_start: str) -> Measurement | None:
    if not keys.is_id(kpi_id):
        return None
    try:
        return to_measurement(MeasurementItem.get(keys.department_pk(dept),
                                                   keys.measurement_sk(kpi_id, period_start)))
    except DoesNotExist:
        return None


def list_measurements(dept: str, kpi_id: str, limit: int,
                      start_key: dict | None) -> tuple[list[Measurement], dict | None]:
    if not keys.is_id(kpi_id):
        return [], None
    result = MeasurementItem.query(keys.department_pk(dept),
                                   MeasurementItem.sk.startswith(keys.measurements_prefix(kpi_id)),
                                   limit=limit, last_evaluated_key=start_key)
    items = [to_measurement(item) for item in result]
    return items, result.last_evaluated_key


def derived(dept: str) -> list[Kpi]:
    """The department's derived KPIs (one Query of its KPI items, filtered on `derived_from`): what
    the rollup evaluates for departments whose `KPI` aggregate counts any (`kpi__derived`)."""
    return [_to_kpi(item) for item in KpiItem.query(keys.department_pk(dept), KpiItem.sk.startswith(keys.KPI_PREFIX),
                                                    filter_condition=KpiItem.derived_from.exists())]


def latest_attainments(dept: str) -> dict[str, str | None]:
    """kpi_id -> the attainment of its latest measured period (None without a measurement), for
    every KPI of the department, read from the KPI and measurement items themselves (one consistent
    Query of each prefix, paged by PynamoDB): for the reconcile command, not for requests."""
    pk = keys.department_pk(dept)
    found: dict[str, str | None] = {
        item.kpi_id: None
        for item in KpiItem.query(pk, KpiItem.sk.startswith(keys.KPI_PREFIX), consistent_read=True)}
    latest: dict[str, str] = {}
    for item in MeasurementItem.query(pk, MeasurementItem.sk.startswith(keys.MEASUREMENT_PREFIX),
                                      consistent_read=True):
        if item.kpi_id in found and item.period_start >= latest.get(item.kpi_id, ""):
            latest[item.kpi_id] = item.period_start
            found[item.kpi_id] = item.attainment
    return found


def list_all(dept: str) -> list[Kpi]:
    """Every KPI of the department (one Query, paged by PynamoDB): what an assessment shows."""
    return [_to_kpi(item) for item in KpiItem.query(keys.department_pk(dept),
                                                    KpiItem.sk.startswith(keys.KPI_PREFIX))]
