"""Test factories for the register (factory-boy): authorities, their finance leads, figures and contacts.

Made authorities take LA codes no real authority has (100-199, 400-799, 940-999), so a test's own
authority never collides with the reference register loaded into the test database.
"""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from portal.factories import UserFactory
from portal.financial_year import FinancialYear
from portal.roles import Role

from .models import AuthorityType, Contact, ContactRole, DsgFigure, FigureSource, LocalAuthority, Region

# Codes no authority of the register has: not 420 (the Isles of Scilly), nor 940 to 943 (the
# unitaries of 2021 and 2023). tests/test_reference_data.py checks it.
UNUSED_LA_CODES = [*range(100, 200), *range(400, 420), *range(421, 800), *range(950, 1000)]


def _region():
    region = Region.objects.order_by("gss_code").first()
    if region is None:
        region = Region.objects.create(gss_code="E12000007", name="London")
    return region


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("la_code",)

    la_code = factory.Sequence(lambda n: str(UNUSED_LA_CODES[n % len(UNUSED_LA_CODES)]))
    name = factory.LazyAttribute(lambda authority: f"Testshire {authority.la_code}")
    gss_code = factory.LazyAttribute(lambda authority: f"E10900{authority.la_code}")
    region = factory.LazyFunction(_region)
    la_type = AuthorityType.UNITARY_AUTHORITY
    operated_from = date(1998, 4, 1)


class FinanceLeadFactory(UserFactory):
    username = factory.Sequence(lambda n: f"finance.lead.{n}")
    role = Role.LA_FINANCE_LEAD
    authority = factory.SubFactory(LocalAuthorityFactory)


class DsgFigureFactory(DjangoModelFactory):
    """An LA-return figure by default: 2021-22, a £10m deficit on a £200m DSG."""

    class Meta:
        model = DsgFigure

    authority = factory.SubFactory(LocalAuthorityFactory)
    financial_year = FinancialYear(2021)
    source = FigureSource.LA_RETURN
    total_dsg_allocation = Decimal("200000000.00")
    high_needs_allocation = Decimal("40000000.00")
    in_year_balance = Decimal("-2000000.00")
    cumulative_balance = Decimal("-10000000.00")
    usable_reserves = Decimal("5000000.00")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    authority = factory.SubFactory(LocalAuthorityFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact.{n}@example.gov.uk")
    role = ContactRole.FINANCE_LEAD
