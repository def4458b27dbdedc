"""Shared fixtures: the test database holds the reference data and the demo accounts, loaded once."""

import pytest
from django.core.management import call_command

from demo.accounts import DEMO_PASSWORD
from portal.models import User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=open("/dev/null", "w"))
        call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def dfe_official(db):
    return User.objects.get(username="dfe.official")


@pytest.fixture
def newton_partner(db):
    return User.objects.get(username="newton.partner")


@pytest.fixture
def steering_member(db):
    return User.objects.get(username="ssg.member")


@pytest.fixture
def finance_lead(db):
    """The demo finance lead of Kensington and Chelsea (207), a DBV tranche 1 authority."""
    return User.objects.get(username="la.207")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
