"""KPI rules: definitions (from the catalogue or custom), versioned targets, and measurements with
attainment against the target in force for their period.

Derived KPIs (`derived_from` a VoC measure) take no typed measurements: their values are computed
from the department's feedback aggregates when read (kpis/derived.py). The rollup's
met/missed counters cover typed measurements; a derived KPI counts there as no_data."""
from __future__ import annotations

from chalicelib.core import clock, periods
from chalicelib.core.auth import Principal
from chalicelib.kpis import store as dal
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.kpis import catalogue, derived as kpi_derived, rules as kpi_rules
from chalicelib.kpis.schemas import CatalogueItem, Kpi, KpiCreate, KpiPatch, Measurement, MeasurementPut

_NO_KPI = "no KPI with this id in this department"


def list_catalogue() -> list[CatalogueItem]:
    return [CatalogueItem(**entry.as_dict()) for entry in catalogue.CATALOGUE]


def create_kpi(dept: str, body: KpiCreate, principal: Principal) -> Kpi:
    definition = kpi_rules.resolve_definition(body.unit, body.direction, body.standard,
                                              body.catalogue_code, body.formula, body.derived_from)
    kpi_rules.check_in_bounds("target", body.target, definition["unit"], definition["catalogue_code"])
    data = {**definition, "journey_id": body.journey_id, "name": body.name,
            "description": body.description, "frequency": body.frequency, "target": body.target}
    return dal.create(dept, data, actor=principal.subject)


def get_kpi(dept: str, kpi_id: str) -> Kpi:
    kpi = dal.get(dept, kpi_id)
    if kpi is None:
        raise NotFound(_NO_KPI)
    return kpi


def list_kpis(dept: str, journey_id: str | None, limit: int,
              start_key: dict | None) -> tuple[list[Kpi], dict | None]:
    return dal.list_for(dept, journey_id, limit, start_key)


def patch_kpi(dept: str, kpi_id: str, body: KpiPatch, principal: Principal) -> Kpi:
    """Renames, re-describes or moves a KPI to another journey of the department; a new target is a
    new version applying from `effective_from` on, never to a period already measured."""
    if (body.target is None) != (body.effective_from is None):
        missing = "effective_from" if body.effective_from is None else "target"
        raise BadRequest.for_field(missing, "a target change takes both target and effective_from")
    current = dal.get_item(dept, kpi_id, consistent=True)
    if current is None:
        raise NotFound(_NO_KPI)
    if body.version is not None and body.version != current.version:
        raise Conflict.for_field("version", f"the KPI is at version {current.version}; "
                                            "read it again before changing it")
    changes = body.changes()
    if "formula" in changes and current.catalogue_code:
        raise BadRequest.for_field("formula", "a catalogue KPI keeps the catalogue's formula")
    new_target = None
    if body.target is not None:
        effective = kpi_rules.parse_period(body.effective_from, current.frequency, "effective_from")
        kpi_rules.check_in_bounds("target", body.target, current.unit, current.catalogue_code)
        kpi_rules.check_new_target(dal.targets_of(current), current.latest_period_start,
                                   current.latest_period, effective)
        new_target = {"value": body.target, "effective_from": effective.label,
                      "effective_start": effective.start.isoformat()}
    return dal.update(current, changes, new_target, actor=principal.subject)


def put_measurement(dept: str, kpi_id: str, period_label: str, body: MeasurementPut,
                    principal: Principal) -> Measurement:
    """Records (or corrects) the KPI's value for one period: idempotent by period, the replaced
    value kept in the measurement's history, and the department's latest-period attainment moved in
    the same transaction."""
    try:
        start = periods.parse(period_label).start.isoformat()
    except ValueError as exc:
        raise BadRequest.for_field("period", str(exc))
    state = dal.read_for_write(dept, kpi_id, start)
    kpi = state.kpi
    if kpi is None:
        raise NotFound(_NO_KPI)
    if kpi.derived_from:
        raise Conflict.for_field(
            "kpi_id", f"this KPI is derived from {kpi.derived_from}: its values are computed from "
                      "the department's feedback, not typed in")
    period = kpi_rules.parse_period(period_label, kpi.frequency, "period")
    if period.start > clock.now().date():
        raise BadRequest.for_field("period", f"{period.label} has not started yet")
    values = kpi_rules.measured_values(kpi.unit, kpi.catalogue_code, body.value, body.numerator,
                                       body.denominator, body.sample_size, body.source)
    existing = state.measurement
    if existing is not None and values.same_as(dal.stored_values(existing)):
        return dal.to_measurement(existing)  # the same PUT again: nothing to write
    if body.version is not None and (existing is None or existing.version != body.version):
        at = f"is at version {existing.version}" if existing else "has no measurement yet"
        raise Conflict.for_field("version", f"{period.label} {at}; read it again before correcting it")
    if existing is not None and len(existing.history) >= kpi_rules.MAX_CORRECTIONS:
        raise Conflict.for_field("period", f"{period.label} has been corrected "
                                           f"{kpi_rules.MAX_CORRECTIONS} times; no more corrections")
    target = kpi_rules.target_in_force(dal.targets_of(kpi), period.start)
    attainment, gap = kpi_rules.attainment(kpi.direction, values.value, target)
    becomes_latest, moves = kpi_rules.latest_moves(kpi.latest_period_start, kpi.latest_attainment,
                                                   period.start.isoformat(), attainment)
    return dal.write_measurement(state, period, values, target, attainment, gap, becomes_latest,
                                 moves, actor=principal.subject)


def get_measurement(dept: str, kpi_id: str, period_label: str) -> Measurement:
    try:
        start = periods.parse(period_label).start.isoformat()
    except ValueError as exc:
        raise BadRequest.for_field("period", str(exc))
    found = dal.get_measurement(dept, kpi_id, start)
    if found is None:
        kpi = dal.get(dept, kpi_id)
        if kpi is None:
            raise NotFound(_NO_KPI)
        if kpi.derived_from:
            found = kpi_derived.measurement(kpi, kpi_rules.parse_period(period_label, kpi.frequency, "period"))
        if found is None:
            raise NotFound(f"no measurement for {period_label}")
    return found


def list_measurements(dept: str, kpi_id: str, limit: int,
                      start_key: dict | None) -> tuple[list[Measurement], dict | None]:
    """One Query per page; an empty first page reads the KPI to tell "none yet" from "no such KPI",
    and a derived KPI (which stores no measurement) is computed from its feedback instead."""
    if start_key is not None and "derived_after" in start_key:
        kpi = get_kpi(dept, kpi_id)
        return _derived_page(kpi, start_key["derived_after"], limit)
    items, last_key = dal.list_measurements(dept, kpi_id, limit, start_key)
    if not items and start_key is None:
        kpi = get_kpi(dept, kpi_id)
        if kpi.derived_from:
            return _derived_page(kpi, None, limit)
    return items, last_key


def _derived_page(kpi: Kpi, after: str | None, limit: int) -> tuple[list[Measurement], dict | None]:
    items, last = kpi_derived.measurements(kpi, after, limit)
    return items, ({"derived_after": last} if last else None)


# --- for the counters' reconcile (reporting/reconcile.py): reads of the records, not for requests ---
def latest_attainments(dept: str) -> dict[str, str | None]:
    """kpi_id -> the attainment of its latest measured period (None without a measurement), for
    every KPI of the department, read from the KPI and measurement items themselves."""
    return dal.latest_attainments(dept)


def derived_kpis(dept: str) -> list[Kpi]:
    """The department's derived KPIs (one Query of its KPI items)."""
    return dal.derived(dept)


# --- for the assessments (issue 28) ---
def latest_by_catalogue(dept: str, codes: set[str]) -> dict[str, list[dict]]:
    """code -> the department's KPIs defined from that catalogue code, each with its latest measured
    period (`period`, `value`, `target`, `attainment`; None without a measurement): one Query of the
    department's KPIs and one read per measured KPI. Derived KPIs are computed, as when read."""
    found: dict[str, list[dict]] = {code: [] for code in codes}
    if not codes:
        return found
    for kpi in dal.list_all(dept):
        if kpi.catalogue_code not in found:
            continue
        latest = None
        if kpi.latest is not None:
            latest = dal.get_measurement(dept, kpi.id, periods.parse(kpi.latest.period).start.isoformat())
        elif kpi.derived_from:
            page, _ = kpi_derived.measurements(kpi, None, 200)  # computed from feedback, oldest first
            latest = page[-1] if page else None
        found[kpi.catalogue_code].append({
            "kpi_id": kpi.id, "name": kpi.name, "unit": kpi.unit,
            "period": latest.period if latest else None, "value": latest.value if latest else None,
            "target": latest.target if latest else kpi.target,
            "attainment": latest.attainment if latest else None})
    return found
