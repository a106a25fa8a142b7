"""Server-rendered SVG charts for the dashboard: no script and no CDN. Each chart is an accessible
image (`role="img"`, a title and a description that states every figure), its bars carry their
value as a tooltip and a visible label, and colours come from the Okabe-Ito palette, readable by
colour-blind viewers, with a text legend."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
TEXT = "#1a1a1a"
GRID = "#767676"  # 4.5:1 against white


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value * 100:.0f}%"
    return f"{value:g}{unit}"


def bar_chart(chart_id: str, title: str, categories: list[str], series: list[Series], *,
              stacked: bool = False, unit: str = "", max_value: float | None = None,
              skip_missing: bool = False, width: int = 720, row_height: int = 26) -> str:
    """Horizontal bars, one group per category; several series stack or sit side by side.
    `skip_missing` leaves out a side-by-side bar that has no data (the description still says so)."""
    label_width, top, legend_height = 190, 8, 28
    # Side-by-side bars carry their series' name after the value: leave room for it.
    right_pad = 60 if stacked or len(series) < 2 else 60 + 7 * max(len(s.name) for s in series)
    plot = width - label_width - right_pad

    def shown(i: int) -> list[int]:
        if stacked:
            return list(range(len(series)))
        return [j for j, s in enumerate(series) if not (skip_missing and s.values[i] is None)] or [0]

    totals = [sum(s.values[i] or 0 for s in series) if stacked else max((s.values[i] or 0) for s in series)
              for i in range(len(categories))] or [0]
    top_value = max_value if max_value is not None else (max(totals) or 1)
    scale = plot / top_value if top_value else 0
    bands = [row_height * (1 if stacked else len(shown(i))) + 10 for i in range(len(categories))] or [row_height]
    axis_y = top + sum(bands)
    height = axis_y + legend_height + 24
    described = "; ".join(
        f"{cat}: " + ", ".join(f"{s.name} {_fmt(s.values[i], unit)}" for s in series)
        for i, cat in enumerate(categories)) or "no data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}</desc>',
    ]
    y0 = top
    for i, category in enumerate(categories):
        band = bands[i]
        parts.append(f'<text x="{label_width - 8}" y="{y0 + band / 2}" text-anchor="end" '
                     f'dominant-baseline="middle" fill="{TEXT}">{escape(category)}</text>')
        offset = 0.0
        for row, j in enumerate(shown(i)):
            s = series[j]
            value = s.values[i]
            y = y0 + (0 if stacked else row * row_height) + 4
            length = (value or 0) * scale
            x = label_width + (offset if stacked else 0)
            label = f"{category}, {s.name}: {_fmt(value, unit)}"
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{length:.1f}" height="{row_height - 6}" '
                f'fill="{PALETTE[j % len(PALETTE)]}" data-category="{escape(category)}" '
                f'data-series="{escape(s.name)}" data-value="{"" if value is None else value}">'
                f'<title>{escape(label)}</title></rect>')
            if not stacked:
                text = _fmt(value, unit) + (f" {s.name}" if len(series) > 1 else "")
                parts.append(f'<text x="{x + length + 4:.1f}" y="{y + (row_height - 6) / 2}" '
                             f'dominant-baseline="middle" fill="{TEXT}">{escape(text)}</text>')
            offset += length
        if stacked:
            parts.append(f'<text x="{label_width + offset + 4:.1f}" y="{y0 + band / 2}" '
                         f'dominant-baseline="middle" fill="{TEXT}">{escape(_fmt(totals[i], unit))}</text>')
        y0 += band
    parts.append(f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{axis_y}" stroke="{GRID}"/>')
    legend_y = axis_y + 18
    x = label_width
    for j, s in enumerate(series):
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="{legend_y}" fill="{TEXT}">{escape(s.name)}</text>')
        x += 24 + 8 * len(s.name)
    parts.append("</svg>")
    return "".join(parts)
