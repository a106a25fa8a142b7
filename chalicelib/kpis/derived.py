"""Measurements of derived KPIs (`derived_from` a VoC measure): computed when read, from the
department's feedback aggregates, never typed in. A period has a measurement once feedback was
received in it (or, for shares and means, once the measure has data)."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from chalicelib.core import clock, periods
from chalicelib.kpis import rules as kpi_rules
from chalicelib.kpis.schemas import Kpi, Measurement
from chalicelib.reviews import service as reviews
from chalicelib.voc import counters as voc_counters, service as voc

ACCURACY = "reviews.classification_accuracy"

PERCENT_SHARES = {"voc.within_target_share": "within_target_share",
                  "voc.out_of_hours_share": "out_of_hours_share", "voc.csat": "csat"}


def value_of(measure: str, figures: Mapping[str, Any]) -> float | None:
    """The measure's value in the KPI's unit (shares as percentages) from a VoC summary."""
    if measure in PERCENT_SHARES:
        share = figures[PERCENT_SHARES[measure]]
    elif measure == "voc.reclassified_not_actionable_share":
        share = figures["reclassified_not_actionable"]["share"]
    elif measure.startswith("voc.a11."):
        share = figures["a11"].get(measure.rsplit(".", 1)[1])
    else:
        share = None
        value = {
            "voc.first_response_hours_mean": figures["first_response_hours"]["mean"],
            "voc.first_response_hours_median": figures["first_response_hours"]["median"],
            "voc.overdue_unanswered": figures["overdue_unanswered"],
            "voc.volume": figures["volume"],
            "voc.nps": figures["nps"],
            "voc.ces": figures["ces"],
        }[measure]
        return None if value is None else float(value)
    return None if share is None else round(share * 100, 6)


def _measurement(kpi: Kpi, period: periods.Period, aggregates: Mapping[str, Mapping[str, float]]) -> Measurement | None:
    months = {m.label for m in period.months()}
    items = {scope: bag for scope, bag in aggregates.items() if scope.split("#")[1] in months}
    now = clock.now()
    figures = voc_counters.summarize(period.label, items, now)
    if not figures["volume"]:
        return None
    value = value_of(kpi.derived_from, figures)
    if value is None:
        return None
    target = kpi_rules.target_in_force([t.model_dump() | {"effective_start": _start(t.effective_from)}
                                        for t in kpi.targets], period.start)
    attainment, gap = kpi_rules.attainment(kpi.direction, value, target)
    return Measurement(
        department=kpi.department, kpi_id=kpi.id, period=period.label, period_start=period.start.isoformat(),
        value=value, numerator=None, denominator=None, sample_size=figures["volume"],
        source=f"computed from feedback ({kpi.derived_from})", target=target, attainment=attainment,
        gap=gap, version=0, history=[], recorded_at=now, recorded_by=None, created_at=now)


def _start(effective_from: str | None) -> str:
    return periods.parse(effective_from).start.isoformat() if effective_from else date.min.isoformat()


def _accuracy(kpi: Kpi, period: periods.Period, closed: list[dict[str, Any]]) -> Measurement | None:
    """1 − rate of the closed samples whose period lies in `period` (pooled), in percent."""
    inside = [s for s in closed if period.start <= periods.parse(s["period"]).start
              and periods.parse(s["period"]).end <= period.end]
    reviewed = sum(s["reviewed"] for s in inside)
    if not reviewed:
        return None
    wrong = sum(s["misclassified"] for s in inside)
    value = round((1 - wrong / reviewed) * 100, 6)
    now = clock.now()
    target = kpi_rules.target_in_force([t.model_dump() | {"effective_start": _start(t.effective_from)}
                                        for t in kpi.targets], period.start)
    attainment, gap = kpi_rules.attainment(kpi.direction, value, target)
    return Measurement(
        department=kpi.department, kpi_id=kpi.id, period=period.label, period_start=period.start.isoformat(),
        value=value, numerator=reviewed - wrong, denominator=reviewed, sample_size=reviewed,
        source=f"computed from {len(inside)} closed second-look sample(s)", target=target,
        attainment=attainment, gap=gap, version=0, history=[], recorded_at=now, recorded_by=None, created_at=now)


def _accuracy_periods(kpi: Kpi, closed: list[dict[str, Any]]) -> list[periods.Period]:
    return sorted({periods.containing(periods.parse(s["period"]).start, kpi.frequency) for s in closed})


def measurement(kpi: Kpi, period: periods.Period) -> Measurement | None:
    if kpi.derived_from == ACCURACY:
        return _accuracy(kpi, period, reviews.closed_samples(kpi.department))
    months = period.months()
    aggregates = voc.voc_aggregates(kpi.department, months[0].label, months[-1].label)
    return _measurement(kpi, period, aggregates)


def measurements(kpi: Kpi, after: str | None, limit: int) -> tuple[list[Measurement], str | None]:
    """The KPI's periods that have feedback, oldest first, from the period starting after `after`
    (an ISO date); answers a page and the start of its last period when more may follow."""
    if kpi.derived_from == ACCURACY:
        closed = reviews.closed_samples(kpi.department)
        found = [p for p in _accuracy_periods(kpi, closed) if after is None or p.start.isoformat() > after]
        page = [m for m in (_accuracy(kpi, p, closed) for p in found[:limit]) if m is not None]
        return page, (found[limit - 1].start.isoformat() if len(found) > limit else None)
    aggregates = voc.all_voc_aggregates(kpi.department)
    months = sorted({scope.split("#")[1] for scope in aggregates if scope.startswith("VOC#")})
    found = sorted({periods.containing(date.fromisoformat(f"{m}-01"), kpi.frequency) for m in months})
    found = [p for p in found if after is None or p.start.isoformat() > after]
    page = [m for m in (_measurement(kpi, p, aggregates) for p in found[:limit]) if m is not None]
    more = len(found) > limit
    return page, (found[limit - 1].start.isoformat() if more else None)
