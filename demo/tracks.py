"""Demo records for the DSG position pages (SPEC §4.7): ten years of DSG figures for the demo authorities
and two self-assessments. All invented, marked as demo data, the same on every run, and made only where missing.

The demo authorities are those with a demo finance lead account (`la.<LA code>`). Their figures run from
2013-14 to 2022-23, so a trajectory forecasts from 2022-23 exactly as the source document's planning
assumption does. 2019-20 to 2021-22 are demo.accounts's (for every authority); the years made here join
on to those, so each authority's balances add up across all ten years.
"""

from __future__ import annotations

import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from demo.accounts import DEMO_FIGURE_NOTES, DEMO_FIGURE_YEARS, demo_dsg_figures
from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import Role
from programmes.models import FocusArea, Rating, SelfAssessment
from programmes.services.self_assessment import self_assessment_submit
from programmes.trajectory import money

TRACK_YEARS = tuple(FinancialYear(start) for start in range(2013, 2023))
# One DBV and one Safety Valve authority with a demo finance lead.
DEMO_SELF_ASSESSMENT_LA_CODES = ("207", "838")
_DEMO_RATINGS = {
    "207": (Rating.AMBER, Rating.GREEN, Rating.AMBER, Rating.RED, Rating.AMBER),
    "838": (Rating.RED, Rating.AMBER, Rating.RED, Rating.AMBER, Rating.GREEN),
}
_DEMO_ANSWER = "Demo answer (invented, not this authority's view): {area} is rated {rating} in this example."


def _between(rng: random.Random, low: str, high: str) -> Decimal:
    """A random amount from `low` to `high`, to 2 places, made without floats."""
    return Decimal(rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))) / 100


def demo_authorities() -> list[LocalAuthority]:
    """The authorities that have a demo finance lead account `la.<LA code>`, in LA code order."""
    leads = User.objects.filter(
        is_demo=True, role=Role.LA_FINANCE_LEAD, username__startswith="la."
    ).select_related("authority")
    authorities = {
        lead.authority.la_code: lead.authority
        for lead in leads
        if lead.username == f"la.{lead.authority.la_code}"
    }
    return [authorities[code] for code in sorted(authorities)]


def _figure(authority, year, *, total, high_needs, in_year, cumulative, reserves) -> DsgFigure:
    return DsgFigure(
        authority=authority,
        financial_year=year,
        source=FigureSource.DEMO,
        total_dsg_allocation=money(total),
        high_needs_allocation=money(high_needs),
        in_year_balance=money(in_year),
        cumulative_balance=money(cumulative),
        usable_reserves=money(reserves),
        notes=DEMO_FIGURE_NOTES,
    )


def demo_track_figures(authority: LocalAuthority) -> list[DsgFigure]:
    """Invented figures for the years of TRACK_YEARS outside demo.accounts's, joined on to demo.accounts's.

    Going back from 2019-20, allocations shrink and each year adds a little to the deficit (so earlier
    deficits are smaller); 2022-23 follows 2021-22 with high needs funding up sharply, as it was nationally.
    """
    rng = random.Random(f"demo-track-dsg-{authority.la_code}")  # noqa: S311 (invented figures, not security)
    anchors = sorted(demo_dsg_figures(authority), key=lambda figure: figure.financial_year)
    figures = []

    first = anchors[0]
    total, high_needs = first.total_dsg_allocation, first.high_needs_allocation
    cumulative = first.cumulative_balance - first.in_year_balance
    for year in reversed([year for year in TRACK_YEARS if year < first.financial_year]):
        total = money(total / (1 + _between(rng, "2", "5") / 100))
        high_needs = money(high_needs / (1 + _between(rng, "3", "9") / 100))
        in_year = money(-total * _between(rng, "-0.5", "1.5") / 100)
        reserves = _between(rng, "5000000", "60000000")
        figures.append(
            _figure(
                authority,
                year,
                total=total,
                high_needs=high_needs,
                in_year=in_year,
                cumulative=cumulative,
                reserves=reserves,
            )
        )
        cumulative = cumulative - in_year

    last = anchors[-1]
    total, high_needs, cumulative = (
        last.total_dsg_allocation,
        last.high_needs_allocation,
        last.cumulative_balance,
    )
    deficit_percent = -cumulative * 100 / total
    reserves = last.usable_reserves
    for year in [year for year in TRACK_YEARS if year > last.financial_year]:
        total = money(total * (1 + _between(rng, "4", "8") / 100))
        high_needs = money(high_needs * (1 + _between(rng, "8", "13") / 100))
        deficit_percent += _between(rng, "-0.5", "3")
        previous, cumulative = cumulative, money(-total * deficit_percent / 100)
        reserves = money(reserves * (1 + _between(rng, "-10", "5") / 100))
        figures.append(
            _figure(
                authority,
                year,
                total=total,
                high_needs=high_needs,
                in_year=cumulative - previous,
                cumulative=cumulative,
                reserves=reserves,
            )
        )
    return sorted(figures, key=lambda figure: figure.financial_year)


def seed_demo_track_figures(*, actor) -> int:
    authorities = demo_authorities()
    existing = set(
        DsgFigure.objects.filter(
            source=FigureSource.DEMO, authority__in=authorities, financial_year__in=TRACK_YEARS
        ).values_list("authority_id", "financial_year")
    )
    missing = [
        figure
        for authority in authorities
        for figure in demo_track_figures(authority)
        if figure.financial_year not in DEMO_FIGURE_YEARS
        and (authority.pk, figure.financial_year) not in existing
    ]
    bulk_create_with_history(missing, DsgFigure, default_user=actor)
    return len(missing)


def seed_demo_self_assessments() -> int:
    """A self-assessment for two demo authorities, submitted as their demo finance lead (as only they may)."""
    areas = list(FocusArea.objects.order_by("number"))
    created = 0
    for code in DEMO_SELF_ASSESSMENT_LA_CODES:
        lead = (
            User.objects.filter(
                username=f"la.{code}", is_demo=True, is_active=True, role=Role.LA_FINANCE_LEAD
            )
            .select_related("authority")
            .first()
        )
        if lead is None or SelfAssessment.objects.filter(authority=lead.authority, is_demo=True).exists():
            continue
        answers = {
            area.number: (
                rating,
                _DEMO_ANSWER.format(area=area.short_name, rating=Rating(rating).label.lower()),
            )
            for area, rating in zip(areas, _DEMO_RATINGS[code], strict=False)
        }
        self_assessment_submit(actor=lead, authority=lead.authority, answers=answers, is_demo=True)
        created += 1
    return created


def seed(*, actor) -> int:
    """Make the missing demo DSG figures and self-assessments; returns how many records were made."""
    return seed_demo_track_figures(actor=actor) + seed_demo_self_assessments()
