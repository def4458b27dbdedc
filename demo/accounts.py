"""Demo accounts and demo DSG figures for trying the portal. Everything made here is invented and marked
as demo data (`is_demo` accounts, DSG figures with source "demo")."""

from __future__ import annotations

import csv
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from simple_history.utils import bulk_create_with_history

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import DeliveryPartner, Role

DEMO_PASSWORD = "portal-demo"
_PROGRAMME_DATA = Path(__file__).resolve().parent.parent / "programmes" / "data"

# Two DBV authorities from each tranche have a demo finance lead.
DEMO_DBV_PER_TRANCHE = 2


def demo_finance_lead_authorities() -> list[LocalAuthority]:
    """Authorities with a demo finance lead: two per DBV tranche and every Safety Valve authority."""
    with open(_PROGRAMME_DATA / "dbv_participants.csv", newline="", encoding="utf-8") as handle:
        dbv = list(csv.DictReader(handle))
    codes = []
    for tranche in ("1", "2", "3"):
        codes += [row["la_code"] for row in dbv if row["tranche"] == tranche][:DEMO_DBV_PER_TRANCHE]
    with open(_PROGRAMME_DATA / "safety_valve_2021_22.csv", newline="", encoding="utf-8") as handle:
        codes += [row["la_code"] for row in csv.DictReader(handle)]
    by_code = LocalAuthority.objects.in_bulk(codes, field_name="la_code")
    return [by_code[code] for code in codes]


def demo_accounts() -> list[dict]:
    accounts = [
        {
            "username": "dfe.official",
            "first_name": "Dana",
            "last_name": "Official (demo)",
            "role": Role.DFE_OFFICIAL,
        },
        {
            "username": "newton.partner",
            "first_name": "Nia",
            "last_name": "Partner (demo)",
            "role": Role.DELIVERY_PARTNER,
            "organisation": DeliveryPartner.NEWTON,
        },
        {
            "username": "cipfa.partner",
            "first_name": "Cai",
            "last_name": "Partner (demo)",
            "role": Role.DELIVERY_PARTNER,
            "organisation": DeliveryPartner.CIPFA,
        },
        {
            "username": "ssg.member",
            "first_name": "Sam",
            "last_name": "Member (demo)",
            "role": Role.STEERING_MEMBER,
        },
    ]
    for authority in demo_finance_lead_authorities():
        accounts.append(
            {
                "username": f"la.{authority.la_code}",
                "first_name": "Finance lead",
                "last_name": f"{authority.name} (demo)",
                "role": Role.LA_FINANCE_LEAD,
                "authority": authority,
            }
        )
    return accounts


DEMO_FIGURE_YEARS = (FinancialYear(2019), FinancialYear(2020), FinancialYear(2021))
DEMO_FIGURE_NOTES = "Demo figures: invented"
# Every authority operating at the end of 2020-21 (the default reference year of a tiering proposal).
DEMO_FIGURES_FOR_AUTHORITIES_ON = date(2021, 3, 31)
PENNY = Decimal("0.01")


def _between(rng: random.Random, low: int | str, high: int | str) -> Decimal:
    """A random amount from `low` to `high`, to 2 places, made without floats."""
    return Decimal(rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))) / 100


def demo_dsg_figures(authority: LocalAuthority) -> list[DsgFigure]:
    """Invented DSG figures for 2019-20 to 2021-22, the same on every run (seeded by the LA code).

    Most authorities run a small deficit or surplus; about one in eight a large one, so a tiering
    proposal on them has Safety Valve, DBV and ESFA tiers. Balances are negative for a deficit.
    """
    rng = random.Random(f"demo-dsg-{authority.la_code}")  # noqa: S311 (invented figures, not security)
    allocation = _between(rng, 120_000_000, 900_000_000)
    deficit_percent = _between(rng, -3, 6) + (_between(rng, 8, 22) if rng.randint(1, 8) == 1 else 0)
    previous_balance = (-allocation * (deficit_percent - _between(rng, 0, 2)) / 100).quantize(PENNY)
    figures = []
    for year in DEMO_FIGURE_YEARS:
        balance = (-allocation * deficit_percent / 100).quantize(PENNY)
        figures.append(
            DsgFigure(
                authority=authority,
                financial_year=year,
                source=FigureSource.DEMO,
                total_dsg_allocation=allocation,
                high_needs_allocation=(allocation * _between(rng, 17, 24) / 100).quantize(PENNY),
                in_year_balance=balance - previous_balance,
                cumulative_balance=balance,
                usable_reserves=_between(rng, 2_000_000, 60_000_000),
                notes=DEMO_FIGURE_NOTES,
            )
        )
        previous_balance = balance
        allocation = (allocation * (100 + _between(rng, 3, 7)) / 100).quantize(PENNY)
        deficit_percent += _between(rng, "-0.5", 3)
    return figures


def seed_demo_dsg_figures(*, user) -> int:
    """Create the demo figures that are missing; existing ones (even if edited) are left alone."""
    existing = set(
        DsgFigure.objects.filter(source=FigureSource.DEMO, financial_year__in=DEMO_FIGURE_YEARS).values_list(
            "authority_id", "financial_year"
        )
    )
    authorities = LocalAuthority.objects.operating_on(DEMO_FIGURES_FOR_AUTHORITIES_ON).order_by("la_code")
    missing = [
        figure
        for authority in authorities
        for figure in demo_dsg_figures(authority)
        if (authority.pk, figure.financial_year) not in existing
    ]
    bulk_create_with_history(missing, DsgFigure, default_user=user)
    return len(missing)


def seed_demo(*, password: str = DEMO_PASSWORD, reset_passwords: bool = False) -> int:
    """Create the demo accounts and DSG figures that are missing. Returns the number of accounts created."""
    system = User.objects.system_user()
    seed_demo_dsg_figures(user=system)
    created_count = 0
    for account in demo_accounts():
        username = account.pop("username")
        user = User.objects.filter(username=username).first()
        created = user is None
        if not created and not reset_passwords:
            continue
        if created:
            user = User(username=username, is_demo=True, **account)
        user.set_password(password)
        user._history_user = system
        user.full_clean()
        user.save()
        created_count += created
    _assign_demo_officials(system=system)
    _seed_demo_records(system=system)
    return created_count


def _assign_demo_officials(*, system) -> None:
    """The demo DfE official leads every programme and runs the steering group, so deadlines escalate to someone."""
    from programmes.models import Programme
    from steering.models import SteeringGroup

    official = User.objects.get(username="dfe.official")
    for record, field in [
        (p, "lead_official") for p in Programme.objects.filter(lead_official__isnull=True)
    ] + [(g, "secretariat") for g in SteeringGroup.objects.filter(secretariat__isnull=True)]:
        setattr(record, field, official)
        record._history_user = system
        record.save(update_fields=[field])


def _seed_demo_records(*, system) -> None:
    """Each area's demo records, through its own services; each seeder is idempotent."""
    from demo import agreements, diagnostics, steering, tracks

    for seeder in (diagnostics, agreements, tracks, steering):
        seeder.seed(actor=system)
