"""Writes of the register: an authority's own DSG return (SPEC §4.7), through the access policy.

An LA finance lead returns their authority's yearly DSG figures. They are kept as LA-return figures,
beside (never over) the figures DfE published for the same year; returning a year again updates that
year's LA return, the change history keeping what it said before (decision 0030).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import access
from portal.access import Permission
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from portal.history import save_as
from portal.money import MoneyError, MoneyInput, format_pounds, parse_money

from .models import DsgFigure, FigureSource, LocalAuthority

# The Dedicated Schools Grant was first paid in 2006-07: no authority has a DSG figure before it.
FIRST_DSG_YEAR = FinancialYear(2006)

# The figures of a return, in the order the pages ask for them, each with what it means.
DSG_RETURN_FIGURES = (
    ("total_dsg_allocation", "Total DSG allocation"),
    ("high_needs_allocation", "High needs block allocation"),
    ("in_year_balance", "In-year DSG balance"),
    ("cumulative_balance", "Cumulative DSG balance"),
    ("usable_reserves", "Usable reserves"),
)


@dataclass(frozen=True)
class DsgReturnFigures:
    """A return's figures, read and checked (pounds, exact to the penny)."""

    financial_year: FinancialYear
    total_dsg_allocation: Decimal
    high_needs_allocation: Decimal
    in_year_balance: Decimal
    cumulative_balance: Decimal
    usable_reserves: Decimal
    notes: str


def _financial_year(value, *, authority: LocalAuthority) -> FinancialYear:
    try:
        year = FinancialYear.parse(value)
    except ValueError as wrong:
        raise DomainError(str(wrong), field="financial_year") from wrong
    current = FinancialYear.containing(timezone.localdate())
    if year > current:
        raise DomainError(
            f"{year} has not started: return figures for {current} or an earlier year.",
            field="financial_year",
        )
    if year < FIRST_DSG_YEAR:
        raise DomainError(
            f"The Dedicated Schools Grant began in {FIRST_DSG_YEAR}: return figures for that year or later.",
            field="financial_year",
        )
    if authority.operated_until and year.starts_on > authority.operated_until:
        raise DomainError(
            f"{authority.name} stopped operating on {authority.operated_until:%-d %B %Y}, before {year} began.",
            field="financial_year",
        )
    if authority.operated_from and year.ends_on < authority.operated_from:
        raise DomainError(
            f"{authority.name} began operating on {authority.operated_from:%-d %B %Y}, after {year} ended.",
            field="financial_year",
        )
    return year


def _pounds(value: MoneyInput | None, *, field: str, label: str) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(f"Enter the {label[:1].lower()}{label[1:]}, in pounds.", field=field)
    try:
        return parse_money(value)
    except MoneyError as wrong:
        raise DomainError(wrong.message, field=field) from wrong


def dsg_return_checked(
    *,
    authority: LocalAuthority,
    financial_year: FinancialYear | str,
    total_dsg_allocation: MoneyInput | None,
    high_needs_allocation: MoneyInput | None,
    in_year_balance: MoneyInput | None,
    cumulative_balance: MoneyInput | None,
    usable_reserves: MoneyInput | None,
    notes: str = "",
) -> DsgReturnFigures:
    """The return's figures read and checked, or a DomainError naming the field at fault (pages check
    the answers with it before the check-your-answers page)."""
    year = _financial_year(financial_year, authority=authority)
    given = {
        "total_dsg_allocation": total_dsg_allocation,
        "high_needs_allocation": high_needs_allocation,
        "in_year_balance": in_year_balance,
        "cumulative_balance": cumulative_balance,
        "usable_reserves": usable_reserves,
    }
    amounts = {field: _pounds(given[field], field=field, label=label) for field, label in DSG_RETURN_FIGURES}
    if amounts["total_dsg_allocation"] <= 0:
        raise DomainError(
            "The total DSG allocation must be more than £0: it is the grant the authority was allocated.",
            field="total_dsg_allocation",
        )
    if amounts["high_needs_allocation"] <= 0:
        raise DomainError(
            "The high needs block allocation must be more than £0.", field="high_needs_allocation"
        )
    if amounts["high_needs_allocation"] > amounts["total_dsg_allocation"]:
        raise DomainError(
            f"The high needs block allocation ({format_pounds(amounts['high_needs_allocation'])}) is part of "
            f"the total DSG allocation ({format_pounds(amounts['total_dsg_allocation'])}): it cannot be more.",
            field="high_needs_allocation",
        )
    if amounts["usable_reserves"] < 0:
        raise DomainError(
            "Usable reserves cannot be below £0: enter £0 if the authority has none.", field="usable_reserves"
        )
    return DsgReturnFigures(financial_year=year, notes=(notes or "").strip(), **amounts)


def dsg_return_current(*, authority: LocalAuthority, financial_year: FinancialYear) -> DsgFigure | None:
    """The authority's LA return for the year, if it has one (a return of the year again updates it)."""
    return DsgFigure.objects.filter(
        authority=authority, financial_year=financial_year, source=FigureSource.LA_RETURN
    ).first()


def dsg_return_submit(
    *,
    actor,
    authority: LocalAuthority,
    financial_year: FinancialYear | str,
    total_dsg_allocation: MoneyInput | None,
    high_needs_allocation: MoneyInput | None,
    in_year_balance: MoneyInput | None,
    cumulative_balance: MoneyInput | None,
    usable_reserves: MoneyInput | None,
    notes: str = "",
) -> DsgFigure:
    """Record the authority's DSG figures for a year as its LA return: the year's LA-return row is
    created, or updated (its history keeping the figures it replaces). DfE's published figures for
    the year are never touched. `.created` on the answer says which happened."""
    access.require(actor, Permission.SUBMIT_DSG_RETURN, authority)
    figures = dsg_return_checked(
        authority=authority,
        financial_year=financial_year,
        total_dsg_allocation=total_dsg_allocation,
        high_needs_allocation=high_needs_allocation,
        in_year_balance=in_year_balance,
        cumulative_balance=cumulative_balance,
        usable_reserves=usable_reserves,
        notes=notes,
    )
    try:
        return _write(actor, authority, figures)
    except IntegrityError:
        # Another return of the same year was created at the same moment: update that one instead.
        return _write(actor, authority, figures)


@transaction.atomic
def _write(actor, authority: LocalAuthority, figures: DsgReturnFigures) -> DsgFigure:
    figure = (
        DsgFigure.objects.select_for_update()
        .filter(authority=authority, financial_year=figures.financial_year, source=FigureSource.LA_RETURN)
        .first()
    )
    created = figure is None
    if created:
        figure = DsgFigure(
            authority=authority, financial_year=figures.financial_year, source=FigureSource.LA_RETURN
        )
    for field, _label in DSG_RETURN_FIGURES:
        setattr(figure, field, getattr(figures, field))
    figure.notes = figures.notes
    # An LA return states pounds; a percentage is only ever DfE's published one.
    figure.published_balance_percent = None
    save_as(actor, figure)
    figure.created = created
    return figure
