"""The trajectory chart (SPEC §4.7): one accessible SVG of an authority's cumulative DSG balance by year
(actuals with their source, the agreement's targets, the forecast) and the table of the same figures.

The authority page, the agreement page and (Step 10) the PDF reports all draw it with `trajectory_figure`
and show it with templates/programmes/_trajectory.html; what it holds is what the trajectory holds, so
the access policy's scope (decision 0013: a partner sees no agreement targets) carries through.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString

from portal.charts import Boundary, Series, line_chart

from .trajectory import Trajectory, TrajectoryYear

ACTUAL, TARGET, FORECAST = "Actual", "Agreement target", "Forecast"
FLAG_LABEL = "Deficit larger than usable reserves"


def millions(value: float) -> str:
    """A y-axis label in £ millions: −£40m, £2.5m."""
    amount = value / 1_000_000
    shown = f"{abs(amount):,.0f}" if amount == round(amount) else f"{abs(amount):,.1f}"
    return f"{'−' if amount < 0 else ''}£{shown}m"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


@dataclass(frozen=True)
class TrajectoryRow:
    """One year of the table: the same figures the chart draws, and the flags."""

    year: TrajectoryYear

    @property
    def kind_label(self) -> str:
        if self.year.is_actual:
            return "Actual"
        if self.year.is_forecast:
            return "Forecast"
        return "No figures"

    @property
    def is_demo(self) -> bool:
        return self.year.source == "demo"


@dataclass(frozen=True)
class TrajectoryFigure:
    chart_id: str
    svg: SafeString  # empty when there is nothing to draw
    title: str
    rows: list[TrajectoryRow]
    has_targets: bool
    assumption: str
    override_note: str
    forecast_unavailable: str
    sources: list[str]


def _assumption(trajectory: Trajectory) -> str:
    assumptions = trajectory.assumptions
    return (
        f"High needs block allocation grows {_percent(assumptions.first_growth_rate)} into "
        f"{assumptions.first_growth_year}, then {_percent(assumptions.later_growth_rate)} a year, from the "
        "last actual year; spending is held at that year's, and usable reserves at its figure"
    )


def trajectory_figure(trajectory: Trajectory, *, chart_id: str) -> TrajectoryFigure:
    """The chart and its table rows for `trajectory`; `chart_id` keeps the SVG's ids unique on the page."""
    assumptions = trajectory.assumptions
    years = trajectory.years
    labels = [str(year.financial_year) for year in years]
    flagged = frozenset(str(year.financial_year) for year in years if year.deficit_exceeds_reserves)
    series = [
        Series(
            ACTUAL,
            [(str(y.financial_year), y.cumulative_balance if y.is_actual else None) for y in years],
            flagged=flagged,
        )
    ]
    if trajectory.has_targets:
        series.append(Series(TARGET, [(str(y.financial_year), y.target_cumulative_balance) for y in years]))
    if trajectory.forecast_years:
        series.append(
            Series(
                FORECAST,
                [(str(y.financial_year), y.cumulative_balance if y.is_forecast else None) for y in years],
                flagged=flagged,
            )
        )
    override = str(assumptions.statutory_override_last_year)
    override_note = (
        f"The statutory override ends after {override}: from then on a deficit must be covered from usable "
        "reserves, and a year whose deficit is larger than them is flagged."
    )
    sources = [label for label in dict.fromkeys(y.source_label for y in trajectory.actual_years)]
    drawable = any(value is not None for line in series for _, value in line.points)
    title = (
        f"{trajectory.authority.name}: cumulative DSG balance, {labels[0]} to {labels[-1]}"
        if labels
        else f"{trajectory.authority.name}: cumulative DSG balance"
    )
    svg = SafeString("")
    if drawable:
        parts = [f"actual figures ({', '.join(sources)})" if sources else "no actual figures"]
        if trajectory.has_targets:
            parts.append("the agreement's targets")
        if trajectory.forecast_years:
            parts.append(f"a forecast ({_assumption(trajectory)})")
        description = (
            f"Cumulative Dedicated Schools Grant balance at the end of each financial year in £ millions, "
            f"one point a year; below zero is a deficit. Lines for {', '.join(parts)}. A vertical line marks "
            f"the end of the statutory override after {override}; a ringed point is a deficit larger than "
            "usable reserves after it. The table below gives the same figures."
        )
        svg = line_chart(
            series,
            chart_id=chart_id,
            title=title,
            description=description,
            value_label=millions,
            boundary=Boundary(after=override, label="Statutory override ends"),
            flag_label=FLAG_LABEL,
        )
    return TrajectoryFigure(
        chart_id=chart_id,
        svg=svg,
        title=title,
        rows=[TrajectoryRow(year) for year in years],
        has_targets=trajectory.has_targets,
        assumption=_assumption(trajectory) if trajectory.forecast_years else "",
        override_note=override_note,
        forecast_unavailable=trajectory.forecast_unavailable,
        sources=sources,
    )
