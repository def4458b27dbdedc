"""Reads of grants and payments (SPEC §4.6), scoped through the access policy.

National totals are summed by the database, in two queries whatever the number of authorities.
A DfE official's totals are national; everyone else's cover only the grants and payments the
access policy lets them see (a finance lead: their authority's; a delivery partner: their
assigned DBV authorities'; a steering member: none, so zeros).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from portal import access
from portal.financial_year import FinancialYear

from ..models import Grant, GrantKind, Payment, PaymentStatus, ProgrammeCode

ZERO = Decimal("0.00")

PROGRAMME_OF_KIND = {
    GrantKind.SV_CONTRIBUTION: ProgrammeCode.SAFETY_VALVE,
    GrantKind.DBV_IMPLEMENTATION: ProgrammeCode.DBV,
}


@dataclass
class GrantTotals:
    """One programme's money in one financial year.

    `awarded` sums the grants awarded in the year; `released`, `withheld` and `scheduled` sum the
    payments due in the year, by their status.
    """

    programme: str
    financial_year: FinancialYear
    awarded: Decimal = field(default=ZERO)
    released: Decimal = field(default=ZERO)
    withheld: Decimal = field(default=ZERO)
    scheduled: Decimal = field(default=ZERO)


def national_grant_totals(*, user) -> list[GrantTotals]:
    """Awarded, released, withheld and scheduled, per programme (SV, DBV) and financial year, in order."""
    rows: dict[tuple[str, FinancialYear], GrantTotals] = {}

    def row(kind: str, year: FinancialYear) -> GrantTotals:
        key = (PROGRAMME_OF_KIND[kind], year)
        if key not in rows:
            rows[key] = GrantTotals(programme=key[0], financial_year=year)
        return rows[key]

    awarded = (
        access.visible(user, Grant.objects.all())
        .order_by()
        .values("kind", "financial_year")
        .annotate(total=Sum("amount"))
    )
    for entry in awarded:
        row(entry["kind"], entry["financial_year"]).awarded = _exact(entry["total"])

    paid = (
        access.visible(user, Payment.objects.all())
        .order_by()
        .values("grant__kind", "financial_year", "status")
        .annotate(total=Sum("amount"))
    )
    by_status = {
        PaymentStatus.RELEASED: "released",
        PaymentStatus.WITHHELD: "withheld",
        PaymentStatus.SCHEDULED: "scheduled",
    }
    for entry in paid:
        setattr(
            row(entry["grant__kind"], entry["financial_year"]),
            by_status[entry["status"]],
            _exact(entry["total"]),
        )

    order = list(PROGRAMME_OF_KIND.values())
    return sorted(rows.values(), key=lambda totals: (order.index(totals.programme), totals.financial_year))


def _exact(total) -> Decimal:
    # SQLite sums decimals as floating point; the amounts are pence, so rounding to the penny is exact.
    return Decimal(total or 0).quantize(Decimal("0.01"))


def grant_list(*, user) -> QuerySet:
    """The grants the user may see, with their authority, programme, who awarded each and its payments
    in order (with who decided each)."""
    payments = access.visible(user, Payment.objects.select_related("decided_by")).order_by("number")
    return (
        access.visible(user, Grant.objects.all())
        .select_related("enrolment__authority", "enrolment__cohort__programme", "awarded_by")
        .prefetch_related(Prefetch("payments", queryset=payments))
    )


def payment_list(*, user) -> QuerySet:
    """The payments the user may see, with their grant's authority and programme and who decided each."""
    return access.visible(user, Payment.objects.all()).select_related(
        "grant__enrolment__authority", "grant__enrolment__cohort__programme", "decided_by"
    )


# --- The rows behind a total ---------------------------------------------------------------------


def _kinds_of(programme: str | None) -> list[str]:
    return [kind for kind, code in PROGRAMME_OF_KIND.items() if programme in (None, code)]


def payments_behind(
    *,
    user,
    programme: str | None = None,
    financial_year: FinancialYear | None = None,
    status: str | None = None,
) -> QuerySet:
    """The payments the user may see that a total of national_grant_totals sums (any filter left None
    is not applied), in due-date order, with their grant's authority and who decided each."""
    payments = payment_list(user=user).filter(grant__kind__in=_kinds_of(programme))
    if financial_year is not None:
        payments = payments.filter(financial_year=financial_year)
    if status:
        payments = payments.filter(status=status)
    return payments.order_by("due_on", "grant__enrolment__authority__name", "grant_id", "number")


def grants_behind(
    *, user, programme: str | None = None, financial_year: FinancialYear | None = None
) -> QuerySet:
    """The grants the user may see that an "awarded" total sums, in award-date order, with their
    authority and who awarded each."""
    grants = (
        access.visible(user, Grant.objects.all())
        .filter(kind__in=_kinds_of(programme))
        .select_related("enrolment__authority", "enrolment__cohort__programme", "awarded_by")
    )
    if financial_year is not None:
        grants = grants.filter(financial_year=financial_year)
    return grants.order_by("awarded_on", "enrolment__authority__name", "pk")
