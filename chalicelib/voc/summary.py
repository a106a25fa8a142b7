"""The VoC summary of one department and period, from the pre-aggregated items only: its cost
depends on the period's months, channels and due days, never on the number of records.

`summary(dept, period)` is the plain function other measures (derived KPIs, the CCXO rollup) call."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import clock, periods
from chalicelib.voc import counters as voc_counters, counters_store
from chalicelib.voc.feedback import department
from chalicelib.voc.summary_schemas import VocSummary


def summary(dept: str, period: str | periods.Period, now: datetime | None = None) -> VocSummary:
    """Every figure covers the items received in the period (months in the department's zone,
    wherever their responses fall); overdue and within-target use `now` (default: the clock)."""
    department(dept)
    chosen = periods.parse(period) if isinstance(period, str) else period
    months = [m.label for m in chosen.months()]
    items = counters_store.read_voc_aggregates(dept, months[0], months[-1])
    figures = voc_counters.summarize(chosen.label, items, now or clock.now())
    return VocSummary(department=dept, **figures)
