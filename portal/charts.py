"""Accessible charts drawn on the server as inline SVG: no JavaScript, nothing fetched.

A chart is `role="img"` labelled by its `<title>` and described by its `<desc>`; the page shows
the same figures in a table next to it, so nothing is known only from the picture. Series are told
apart by line style and marker shape as well as colour, and named in a legend.

Every marker carries its series, x label and exact value (`data-series`, `data-x`, `data-value`), so a
test can read the figures back out of the picture and compare them with the table. A chart may also
draw a labelled vertical line between two x labels (`Boundary`, e.g. where a rule stops applying) and
ring flagged points (`Series.flagged`), named once in the legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Line styles in the order series take them: colour, dash pattern, marker shape.
STYLES = [
    ("#1d70b8", "", "circle"),  # GOV.UK blue, solid, circles
    ("#d4351c", "8 4", "square"),  # GOV.UK red, dashed, squares
    ("#505a5f", "2 4", "triangle"),  # GOV.UK dark grey, dotted, triangles
    ("#00703c", "12 4 2 4", "diamond"),
]

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40
X_LABEL_WIDTH = 64  # room for a label like "2021-22" at 14px
LEGEND_ITEM_WIDTH, LEGEND_PER_ROW, LEGEND_ROW_HEIGHT = 190, 3, 22
BOUNDARY_COLOUR = "#0b0c0c"
FLAG_COLOUR = "#d4351c"


@dataclass
class Series:
    """One line: its name in the legend and its (x label, value) points; a None value leaves a gap.
    `flagged` holds the x labels whose points are ringed (see `line_chart`'s `flag_label`)."""

    label: str
    points: list[tuple[str, Decimal | float | int | None]] = field(default_factory=list)
    flagged: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Boundary:
    """A labelled vertical line drawn just after the x label `after`."""

    after: str
    label: str


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


def _ring(x: float, y: float) -> SafeString:
    return format_html(
        '<circle cx="{}" cy="{}" r="9" fill="none" stroke="{}" stroke-width="2"/>',
        f"{x:.1f}",
        f"{y:.1f}",
        FLAG_COLOUR,
    )


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
    boundary: Boundary | None = None,
    flag_label: str = "",
) -> SafeString:
    """An SVG line chart of `series` over the x labels they share (in the order first met).

    `chart_id` makes the ids of the title and description unique on the page; `value_label` writes
    a y-axis value (for example in £ millions); `boundary` draws a labelled vertical line after an
    x label; `flag_label` names the ring drawn round flagged points in the legend.
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
    flags_shown = bool(flag_label) and any(
        x_label in line.flagged for line in series for x_label, value in line.points if value is not None
    )
    legend_items = len(series) + (1 if flags_shown else 0)
    legend_rows = max(-(-legend_items // LEGEND_PER_ROW), 1)
    height = HEIGHT + (legend_rows - 1) * LEGEND_ROW_HEIGHT

    def legend_at(number: int) -> tuple[int, int]:
        row, column = divmod(number, LEGEND_PER_ROW)
        return LEFT + 8 + column * LEGEND_ITEM_WIDTH, HEIGHT - 8 + row * LEGEND_ROW_HEIGHT

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
    # Labels that would overlap are thinned to every n-th, counted back from the last.
    label_every = max(-(-len(labels) * X_LABEL_WIDTH // plot_w), 1)
    for index, x_label in enumerate(labels):
        if (len(labels) - 1 - index) % label_every:
            continue
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
            flagged = x_label in line.flagged
            markers.append(
                format_html(
                    '<g class="portal-chart__point" data-series="{}" data-x="{}" data-value="{}"{}>{}{}</g>',
                    line.label,
                    x_label,
                    str(value),
                    mark_safe(' data-flagged="true"') if flagged else "",
                    _marker(shape, *point, colour),
                    _ring(*point) if flagged else "",
                )
            )
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
        legend_x, legend_y = legend_at(number)
        legend.append(
            format_html(
                '<g><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3"{}/>{}'
                '<text x="{}" y="{}" font-size="14" fill="#0b0c0c">{}</text></g>',
                legend_x,
                legend_y,
                legend_x + 28,
                legend_y,
                colour,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
                _marker(shape, legend_x + 14, legend_y, colour),
                legend_x + 34,
                legend_y + 4,
                line.label,
            )
        )
    if flags_shown:
        legend_x, legend_y = legend_at(len(series))
        legend.append(
            format_html(
                '<g>{}<text x="{}" y="{}" font-size="14" fill="#0b0c0c">{}</text></g>',
                _ring(legend_x + 14, legend_y),
                legend_x + 34,
                legend_y + 4,
                flag_label,
            )
        )
    if boundary is not None and boundary.after in labels:
        index = labels.index(boundary.after)
        x = (x_at(index) + x_at(index + 1)) / 2 if index + 1 < len(labels) else WIDTH - RIGHT
        anchor = "end" if x > LEFT + plot_w / 2 else "start"
        parts.append(
            format_html(
                '<g class="portal-chart__boundary" data-after="{}"><line x1="{}" y1="{}" x2="{}" y2="{}"'
                ' stroke="{}" stroke-width="2" stroke-dasharray="6 3"/>'
                '<text x="{}" y="{}" text-anchor="{}" font-size="14" fill="{}">{}</text></g>',
                boundary.after,
                f"{x:.1f}",
                TOP,
                f"{x:.1f}",
                TOP + plot_h,
                BOUNDARY_COLOUR,
                f"{x + (-6 if anchor == 'end' else 6):.1f}",
                TOP + 14,
                anchor,
                BOUNDARY_COLOUR,
                boundary.label,
            )
        )
    return format_html(
        '<svg class="portal-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc"'
        ' xmlns="http://www.w3.org/2000/svg" focusable="false"'
        ' font-family="&quot;GDS Transport&quot;, arial, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
        format_html_join("", "{}", ((item,) for item in legend)),
    )
