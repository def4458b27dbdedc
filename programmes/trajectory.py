"""An authority's DSG trajectory (SPEC §4.7): actuals, its agreement's targets and a forecast, with flags.

The forecast model, stated once:

- The base is the last financial year with an actual figure (its high needs block allocation `H`,
  in-year balance `B` and cumulative balance `C`; balances negative for a deficit).
- High needs block allocation grows by `HNB_GROWTH_FIRST_RATE` into `HNB_GROWTH_FIRST_YEAR` and by
  `HNB_GROWTH_LATER_RATE` into every later year (the source document's March 2022 planning
  assumption: 5 % from 2022-23 to 2023-24, then 3 % a year). A year before the first growth year
  (a base older than the assumption) grows by the first rate, the nearest the document states.
  Each year compounds from the previous year's figure rounded to the penny, so every figure shown
  can be worked by hand from the one before it.
- Spending is held flat: the base year's expenditure is `E = H − B`, and each forecast year's
  in-year balance is `forecast H − E`; its cumulative balance is the previous cumulative balance plus
  that in-year balance. The model treats the whole in-year balance as arising in the high needs block.
- Usable reserves are held at the base year's figure (the forecast does not model them).
- Money is rounded to the penny, half up.

Flags on each year:
- `target_missed`: an actual cumulative balance below (a larger deficit than) the agreement's target.
- `deficit_exceeds_reserves`: a year after `STATUTORY_OVERRIDE_LAST_YEAR` (when deficits must be covered
  from reserves) whose deficit (−cumulative balance) is larger than its usable reserves.

Settings are read when the trajectory is worked out, never copied, so a change of assumption shows at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from authorities.models import DsgFigure, FigureSource
from portal.financial_year import FinancialYear
from portal.money import to_pennies

DEFAULT_FORECAST_YEARS = 5
# When a year has figures from several sources, the first of these is the actual shown: the
# authority's own return is its latest account, DfE's published figures come next, demo figures last.
SOURCE_PREFERENCE = (FigureSource.LA_RETURN, FigureSource.PUBLISHED, FigureSource.DEMO)


class YearKind:
    ACTUAL = "actual"
    FORECAST = "forecast"
    # A year with neither an actual figure nor a forecast: a gap in the figures, or a target year alone.
    NO_FIGURES = "no_figures"


def money(amount: Decimal) -> Decimal:
    """A computed amount to the penny, half up (portal.money.to_pennies)."""
    return to_pennies(amount)


@dataclass(frozen=True)
class Assumptions:
    """The planning assumptions the forecast and flags used, as read from the settings."""

    first_growth_year: FinancialYear
    first_growth_rate: Decimal
    later_growth_rate: Decimal
    statutory_override_last_year: FinancialYear

    @classmethod
    def from_settings(cls) -> Assumptions:
        return cls(
            first_growth_year=FinancialYear.parse(settings.HNB_GROWTH_FIRST_YEAR),
            first_growth_rate=Decimal(settings.HNB_GROWTH_FIRST_RATE),
            later_growth_rate=Decimal(settings.HNB_GROWTH_LATER_RATE),
            statutory_override_last_year=FinancialYear.parse(settings.STATUTORY_OVERRIDE_LAST_YEAR),
        )

    def growth_rate_into(self, year: FinancialYear) -> Decimal:
        """The high needs block growth from the year before `year` into `year`."""
        return self.later_growth_rate if year > self.first_growth_year else self.first_growth_rate


@dataclass
class TrajectoryYear:
    financial_year: FinancialYear
    kind: str
    # Actual years: where the figures came from (FigureSource value and label), and the other sources
    # that also had figures for the year but were not used.
    source: str = ""
    source_label: str = ""
    other_sources: tuple[str, ...] = ()
    total_dsg_allocation: Decimal | None = None
    high_needs_allocation: Decimal | None = None
    in_year_balance: Decimal | None = None
    cumulative_balance: Decimal | None = None
    usable_reserves: Decimal | None = None
    target_in_year_balance: Decimal | None = None
    target_cumulative_balance: Decimal | None = None
    target_missed: bool = False
    deficit_exceeds_reserves: bool = False

    @property
    def is_actual(self) -> bool:
        return self.kind == YearKind.ACTUAL

    @property
    def is_forecast(self) -> bool:
        return self.kind == YearKind.FORECAST

    @property
    def deficit(self) -> Decimal | None:
        """The cumulative deficit as a positive amount (0 for a surplus)."""
        if self.cumulative_balance is None:
            return None
        return max(-self.cumulative_balance, Decimal("0.00"))


@dataclass
class Trajectory:
    authority: object
    assumptions: Assumptions
    years: list[TrajectoryYear] = field(default_factory=list)
    # The agreement the targets come from, when the authority has one the user may see.
    agreement: object | None = None
    # Why there is no forecast, when there is none.
    forecast_unavailable: str = ""

    @property
    def actual_years(self) -> list[TrajectoryYear]:
        return [year for year in self.years if year.is_actual]

    @property
    def forecast_years(self) -> list[TrajectoryYear]:
        return [year for year in self.years if year.is_forecast]

    @property
    def sources_used(self) -> list[str]:
        """The sources of the actual figures, in preference order: more than one means they are mixed."""
        used = {year.source for year in self.actual_years}
        return [source for source in SOURCE_PREFERENCE if source in used]

    @property
    def mixes_sources(self) -> bool:
        return len(self.sources_used) > 1

    @property
    def has_targets(self) -> bool:
        return any(year.target_cumulative_balance is not None for year in self.years)


def preferred_figures(figures: Iterable[DsgFigure]) -> dict[FinancialYear, tuple[DsgFigure, tuple[str, ...]]]:
    """Per year, the figure from the most preferred source, with the other sources that had one."""
    by_year: dict[FinancialYear, list[DsgFigure]] = {}
    for figure in figures:
        if figure.source in SOURCE_PREFERENCE:
            by_year.setdefault(figure.financial_year, []).append(figure)
    chosen = {}
    for year, candidates in by_year.items():
        candidates.sort(key=lambda figure: SOURCE_PREFERENCE.index(figure.source))
        chosen[year] = (candidates[0], tuple(figure.source for figure in candidates[1:]))
    return chosen


def _actual_year(figure: DsgFigure, others: tuple[str, ...]) -> TrajectoryYear:
    return TrajectoryYear(
        financial_year=figure.financial_year,
        kind=YearKind.ACTUAL,
        source=figure.source,
        source_label=FigureSource(figure.source).label,
        other_sources=others,
        total_dsg_allocation=figure.total_dsg_allocation,
        high_needs_allocation=figure.high_needs_allocation,
        in_year_balance=figure.in_year_balance,
        cumulative_balance=figure.cumulative_balance,
        usable_reserves=figure.usable_reserves,
    )


def forecast_years(base: TrajectoryYear, *, years: int, assumptions: Assumptions) -> list[TrajectoryYear]:
    """The `years` years after `base` by the model in this module's docstring."""
    high_needs = base.high_needs_allocation
    expenditure = money(base.high_needs_allocation - base.in_year_balance)
    cumulative = base.cumulative_balance
    forecast = []
    for offset in range(1, years + 1):
        year = base.financial_year + offset
        high_needs = money(high_needs * (1 + assumptions.growth_rate_into(year)))
        in_year = money(high_needs - expenditure)
        cumulative = money(cumulative + in_year)
        forecast.append(
            TrajectoryYear(
                financial_year=year,
                kind=YearKind.FORECAST,
                high_needs_allocation=high_needs,
                in_year_balance=in_year,
                cumulative_balance=cumulative,
                usable_reserves=base.usable_reserves,
            )
        )
    return forecast


def _why_no_forecast(base: TrajectoryYear | None) -> str:
    if base is None:
        return "There are no DSG figures for this authority, so there is nothing to forecast from."
    missing = [
        label
        for label, value in (
            ("high needs block allocation", base.high_needs_allocation),
            ("in-year balance", base.in_year_balance),
            ("cumulative balance", base.cumulative_balance),
        )
        if value is None
    ]
    if missing:
        return f"The {base.financial_year} figures have no {' or '.join(missing)}, so there is no forecast."
    return ""


def _flag(year: TrajectoryYear, assumptions: Assumptions) -> None:
    if year.is_actual and year.cumulative_balance is not None and year.target_cumulative_balance is not None:
        year.target_missed = year.cumulative_balance < year.target_cumulative_balance
    if (
        year.financial_year > assumptions.statutory_override_last_year
        and year.cumulative_balance is not None
        and year.usable_reserves is not None
    ):
        year.deficit_exceeds_reserves = -year.cumulative_balance > year.usable_reserves


def trajectory_build(
    *,
    authority,
    figures: Iterable[DsgFigure],
    targets: Iterable = (),
    agreement=None,
    forecast_for: int = DEFAULT_FORECAST_YEARS,
    assumptions: Assumptions | None = None,
) -> Trajectory:
    """Work out the trajectory from the figures and targets given (already narrowed to what the user may see)."""
    if forecast_for < 0:
        raise ValueError("The number of years to forecast cannot be negative.")
    assumptions = assumptions or Assumptions.from_settings()
    actual = [_actual_year(figure, others) for figure, others in preferred_figures(figures).values()]
    actual.sort(key=lambda year: year.financial_year)
    base = actual[-1] if actual else None
    reason = _why_no_forecast(base)
    forecast = [] if reason else forecast_years(base, years=forecast_for, assumptions=assumptions)
    rows = {year.financial_year: year for year in actual + forecast}
    for target in targets:
        row = rows.setdefault(
            target.financial_year,
            TrajectoryYear(financial_year=target.financial_year, kind=YearKind.NO_FIGURES),
        )
        row.target_in_year_balance = target.in_year_balance
        row.target_cumulative_balance = target.cumulative_balance
    if rows:
        # Every year from the first to the last is listed, so a gap in the figures shows as a gap.
        first, last = min(rows), max(rows)
        for start_year in range(first.start_year, last.start_year + 1):
            gap = FinancialYear(start_year)
            rows.setdefault(gap, TrajectoryYear(financial_year=gap, kind=YearKind.NO_FIGURES))
    years = [rows[year] for year in sorted(rows)]
    for year in years:
        _flag(year, assumptions)
    return Trajectory(
        authority=authority,
        assumptions=assumptions,
        years=years,
        agreement=agreement,
        forecast_unavailable=reason if forecast_for else "",
    )
