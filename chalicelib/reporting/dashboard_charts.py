"""The dashboard's charts, drawn from a rollup (the same figures as its tables)."""
from __future__ import annotations

from chalicelib.core.charts import Series, bar_chart
from chalicelib.reporting.rollup_schemas import Rollup
from chalicelib.audits.rollup import BUCKETS

CHARTS = ("recommendations", "voc", "channels", "kpis")


def draw(chart: str, rollup: Rollup) -> str:
    rows = rollup.departments
    names = [row.department for row in rows]
    if chart == "recommendations":
        return bar_chart("chart-recommendations", f"Open audit recommendations by age, as of {rollup.as_of.date()}",
                         names, [Series(f"{b} days", [row.recommendations.aging[b] for row in rows])
                                 for b in BUCKETS], stacked=True)
    if chart == "voc":
        return bar_chart("chart-voc", f"Feedback answered within the target, {rollup.period}", names,
                         [Series("within target", [row.voc.within_target_share for row in rows])],
                         unit="%", max_value=1)
    if chart == "channels":
        channels = sorted({c for row in rows for c in row.voc.by_channel})
        return bar_chart("chart-channels", f"Answered within the target by channel, {rollup.period}", channels,
                         [Series(row.department, [row.voc.by_channel[c].within_target_share
                                                  if c in row.voc.by_channel else None for c in channels])
                          for row in rows], unit="%", max_value=1, skip_missing=True)
    return bar_chart("chart-kpis", "KPI attainment, latest period of each KPI", names,
                     [Series("met", [row.kpis.met for row in rows]),
                      Series("missed", [row.kpis.missed for row in rows]),
                      Series("no data", [row.kpis.no_data for row in rows])], stacked=True)
