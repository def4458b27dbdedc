"""Shared fixtures: the test database holds the reference data (loaded once); people are made by factories.

No test but those of seed_demo itself (tests/test_seed_demo.py) reads a demo account or record: the
suite never runs seed_demo to set up.
"""

import pytest
from django.core.management import call_command

from authorities.factories import FinanceLeadFactory
from authorities.models import LocalAuthority
from portal.factories import TEST_PASSWORD, DeliveryPartnerFactory, DfeOfficialFactory, SteeringMemberFactory
from portal.roles import DeliveryPartner


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=open("/dev/null", "w"))


@pytest.fixture
def test_password():
    """The password every factory-made user signs in with."""
    return TEST_PASSWORD


@pytest.fixture
def dfe_official(db):
    return DfeOfficialFactory(first_name="Dana", last_name="Official")


@pytest.fixture
def newton_partner(db):
    """A Newton Europe partner: sees the DBV authorities assigned to Newton (in the reference data, all 55)."""
    return DeliveryPartnerFactory(organisation=DeliveryPartner.NEWTON, first_name="Nia", last_name="Partner")


@pytest.fixture
def cipfa_partner(db):
    return DeliveryPartnerFactory(organisation=DeliveryPartner.CIPFA, first_name="Cai", last_name="Partner")


@pytest.fixture
def steering_member(db):
    return SteeringMemberFactory(first_name="Sam", last_name="Member")


@pytest.fixture
def finance_lead(db):
    """A finance lead of Kensington and Chelsea (207), a DBV tranche 1 authority in the reference data."""
    return FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code="207"))


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
