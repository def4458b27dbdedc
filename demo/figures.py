"""Demo DSG figures for the DSG position pages (SPEC §4.7), sized from each authority's published figures.

Only the authorities with a demo finance lead (`la.<LA code>`) get them, and only for the years DfE has
published no figure for that authority: from 2013-14 to the year before its first published one, and
from the year after its last published one to the last financial year that has ended. So a demo figure
never sits beside a published one for the same authority and year. The amounts carry on from the
published ones: allocations grow a few per cent a year, deficits shrink going back from the first
published deficit and follow the published trend (or, for a Safety Valve authority, its demo
agreement's story) going forward. The same on every run; made only where missing.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from demo.agreements import agreement_plans
from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import Role
from programmes.trajectory import money

FIRST_YEAR = FinancialYear(2013)
DEMO_FIGURE_NOTES = "Demo figures: invented, carried on from DfE's published figures"


def _between(rng: random.Random, low: str, high: str) -> Decimal:
    """A random amount from `low` to `high`, to 2 places, made without floats."""
    return Decimal(rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))) / 100


def last_complete_year(today=None) -> FinancialYear:
    return FinancialYear.containing(today or timezone.localdate()) - 1


def demo_years(today=None) -> list[FinancialYear]:
    """Every year a demo figure may be made for: 2013-14 to the last financial year that has ended."""
    last = last_complete_year(today)
    return [FinancialYear(start) for start in range(FIRST_YEAR.start_year, last.start_year + 1)]


def demo_authorities() -> list[LocalAuthority]:
    """The authorities that have a demo finance lead account `la.<LA code>`, in LA code order."""
    leads = User.objects.filter(
        is_demo=True, role=Role.LA_FINANCE_LEAD, username__startswith="la."
    ).select_related("authority")
    authorities = {
        lead.authority.la_code: lead.authority
        for lead in leads
        if lead.authority and lead.username == f"la.{lead.authority.la_code}"
    }
    return [authorities[code] for code in sorted(authorities)]


def demo_figures(authority: LocalAuthority, *, plans=None, today=None) -> list[DsgFigure]:
    """Invented figures for the years without a published one, carried on from the published ones."""
    today = today or timezone.localdate()
    years = demo_years(today)
    published = {
        figure.financial_year: figure
        for figure in DsgFigure.objects.filter(authority=authority, source=FigureSource.PUBLISHED)
    }
    totals = {year: f.total_dsg_allocation for year, f in published.items() if f.total_dsg_allocation}
    cumulatives = {
        year: f.cumulative_balance for year, f in published.items() if f.cumulative_balance is not None
    }
    if not totals or not cumulatives:
        return []  # nothing published to carry on from: nothing is invented
    rng = random.Random(f"demo-dsg-{authority.la_code}")  # noqa: S311 (invented figures, not security)
    plan = (plans if plans is not None else agreement_plans(today=today)).get(authority.la_code)

    # Allocations: back from the first published total, forward from the last.
    total = dict(totals)
    first, last = min(totals), max(totals)
    for start in range(first.start_year - 1, FIRST_YEAR.start_year - 2, -1):
        year = FinancialYear(start)
        total[year] = money(total[year + 1] / (1 + _between(rng, "2", "5") / 100))
    for start in range(last.start_year + 1, years[-1].start_year + 1):
        year = FinancialYear(start)
        total[year] = money(total[year - 1] * (1 + _between(rng, "4", "7") / 100))
    for start in range(first.start_year, last.start_year):
        year = FinancialYear(start)
        total.setdefault(year, money(total[year - 1] * (1 + _between(rng, "3", "6") / 100)))

    # Cumulative balances: deficits shrink going back from the first published one; going forward
    # they follow the agreement's story, or the published trend.
    cumulative = dict(cumulatives)
    first_cum, last_cum = min(cumulatives), max(cumulatives)
    for start in range(first_cum.start_year - 1, FIRST_YEAR.start_year - 2, -1):
        year = FinancialYear(start)
        later = cumulative[year + 1]
        if later < 0:
            cumulative[year] = money(later * (1 - _between(rng, "0.15", "0.35")))
        else:
            cumulative[year] = money(later - total[year + 1] * _between(rng, "-0.3", "0.5") / 100)
    percent = -cumulatives[last_cum] * 100 / total[last_cum]
    trend = (percent - (-cumulatives[first_cum] * 100 / total[first_cum])) / max(
        last_cum.start_year - first_cum.start_year, 1
    )
    for start in range(last_cum.start_year + 1, years[-1].start_year + 1):
        year = FinancialYear(start)
        if plan is not None:
            _, target = plan.target_for(year)
            cumulative[year] = money(target - plan.shortfall(year.ends_on, today=today) * plan.deficit)
        else:
            percent += max(min(trend, Decimal(3)), Decimal(-1)) + _between(rng, "-0.5", "0.5")
            cumulative[year] = money(-total[year] * percent / 100)

    share = _between(rng, "18", "24")
    figures = []
    for year in years:
        if year in published:
            continue
        high_needs = money(
            total[year] * (share + _between(rng, "-1", "1") + Decimal(year.start_year - 2019) / 2) / 100
        )
        figures.append(
            DsgFigure(
                authority=authority,
                financial_year=year,
                source=FigureSource.DEMO,
                total_dsg_allocation=total[year],
                high_needs_allocation=high_needs,
                in_year_balance=cumulative[year] - cumulative[year - 1],
                cumulative_balance=cumulative[year],
                usable_reserves=money(total[year] * _between(rng, "2", "10") / 100),
                notes=DEMO_FIGURE_NOTES,
            )
        )
    return figures


def seed(*, actor) -> int:
    """Make the missing demo DSG figures; returns how many were made. An edited one is left alone."""
    today = timezone.localdate()
    authorities = demo_authorities()
    plans = agreement_plans(today=today)
    taken = set(
        DsgFigure.objects.filter(
            authority__in=authorities, source__in=(FigureSource.DEMO, FigureSource.PUBLISHED)
        ).values_list("authority_id", "financial_year")
    )
    missing = [
        figure
        for authority in authorities
        for figure in demo_figures(authority, plans=plans, today=today)
        if (authority.pk, figure.financial_year) not in taken
    ]
    bulk_create_with_history(missing, DsgFigure, default_user=actor)
    return len(missing)
