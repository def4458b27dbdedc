"""Accessible charts drawn on the server as inline SVG: no JavaScript, nothing fetched.

A chart is `role="img"` labelled by its `<title>` and described by its `<desc>`; the page shows
the same figures in a table next to it, so nothing is known only from the picture. Series are told
apart by line style and marker shape as well as colour, and named in a legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Line styles in the order series take them: colour, dash pattern, marker shape.
STYLES = [
    ("#1d70b8", "", "circle"),  # GOV.UK blue, solid, circles
    ("#d4351c", "8 4", "square"),  # GOV.UK red, dashed, squares
    ("#505a5f", "2 4", "triangle"),  # GOV.UK dark grey, dotted, triangles
    ("#00703c", "12 4 2 4", "diamond"),
]

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40


@dataclass
class Series:
    """One line: its name in the legend and its (x label, value) points; a None value leaves a gap."""

    label: str
    points: list[tuple[str, Decimal | float | int | None]] = field(default_factory=list)


def _marker(shape: str, x: float, y: float, colour: str) -> SafeString:
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="8" height="8" fill="{}"/>', f"{x - 4:.1f}", f"{y - 4:.1f}", colour
        )
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return format_html('<polygon points="{}" fill="{}"/>', points, colour)
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return format_html('<polygon points="{}" fill="{}"/>', points, colour)
    return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', f"{x:.1f}", f"{y:.1f}", colour)


def _nice_step(span: float) -> float:
    """A round step giving about five gridlines over `span`."""
    raw = span / 5 or 1
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def line_chart(
    series: list[Series],
    *,
    chart_id: str,
    title: str,
    description: str,
    value_label=lambda value: f"{value:,.0f}",
) -> SafeString:
    """An SVG line chart of `series` over the x labels they share (in the order first met).

    `chart_id` makes the ids of the title and description unique on the page; `value_label` writes
    a y-axis value (for example in £ millions).
    """
    labels: list[str] = []
    for line in series:
        for x_label, _ in line.points:
            if x_label not in labels:
                labels.append(x_label)
    values = [float(v) for line in series for _, v in line.points if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    step = _nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step) if high > low else low + step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_at(index: int) -> float:
        return LEFT + (plot_w * (index + 0.5) / max(len(labels), 1))

    def y_at(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    parts: list[SafeString] = []
    gridline = low
    while gridline <= high + step / 2:
        y = y_at(gridline)
        weight = "2" if gridline == 0 else "1"
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6" stroke-width="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="#0b0c0c">{}</text>',
                LEFT,
                f"{y:.1f}",
                WIDTH - RIGHT,
                f"{y:.1f}",
                weight,
                LEFT - 6,
                f"{y + 4:.1f}",
                value_label(gridline),
            )
        )
        gridline += step
    for index, x_label in enumerate(labels):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="14" fill="#0b0c0c">{}</text>',
                f"{x_at(index):.1f}",
                HEIGHT - BOTTOM + 18,
                x_label,
            )
        )
    legend: list[SafeString] = []
    for number, line in enumerate(series):
        colour, dash, shape = STYLES[number % len(STYLES)]
        position = {x_label: value for x_label, value in line.points}
        runs: list[list[tuple[float, float]]] = [[]]
        markers = []
        for index, x_label in enumerate(labels):
            value = position.get(x_label)
            if value is None:
                runs.append([])
                continue
            point = (x_at(index), y_at(float(value)))
            runs[-1].append(point)
            markers.append(_marker(shape, *point, colour))
        for run in runs:
            if len(run) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"{}/>',
                        " ".join(f"{x:.1f},{y:.1f}" for x, y in run),
                        colour,
                        format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    )
                )
        parts.extend(markers)
        legend_x = LEFT + 8 + number * 190
        legend.append(
            format_html(
                '<g><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3"{}/>{}'
                '<text x="{}" y="{}" font-size="14" fill="#0b0c0c">{}</text></g>',
                legend_x,
                HEIGHT - 8,
                legend_x + 28,
                HEIGHT - 8,
                colour,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
                _marker(shape, legend_x + 14, HEIGHT - 8, colour),
                legend_x + 34,
                HEIGHT - 4,
                line.label,
            )
        )
    return format_html(
        '<svg class="portal-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc"'
        ' xmlns="http://www.w3.org/2000/svg" focusable="false"'
        ' font-family="&quot;GDS Transport&quot;, arial, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
        format_html_join("", "{}", ((item,) for item in legend)),
    )
