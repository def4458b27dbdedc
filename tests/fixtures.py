"""Shared fixtures: the test database holds the reference data (loaded once); people are made by factories.

No test but those of seed_demo itself (tests/test_seed_demo.py) reads a demo account or record: the
suite never runs seed_demo to set up.
"""

import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from authorities.factories import FinanceLeadFactory
from authorities.models import LocalAuthority
from portal.factories import TEST_PASSWORD, DeliveryPartnerFactory, DfeOfficialFactory, SteeringMemberFactory
from portal.roles import DeliveryPartner
from tests import browser


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=open("/dev/null", "w"))
        _snapshot.extend(_rows_now())


# Every row of every table once the reference data is loaded, to put back after a transactional test
# has emptied the database: loading the reference data again takes seconds, this a fraction of one.
_snapshot: list[tuple[type, list]] = []


def _rows_now() -> list[tuple[type, list]]:
    rows = [(model, list(model._base_manager.all())) for model in apps.get_models(include_auto_created=True)]
    return [(model, objects) for model, objects in rows if objects]


def restore_reference_data() -> None:
    """Put the database back as the session began (reference data only), after a transactional test.

    The rows keep their primary keys, content types included (the deadlines point at them), so the
    content types Django re-created after the flush are replaced by the originals.
    """
    if _snapshot and not LocalAuthority.objects.exists():
        with transaction.atomic():
            ContentType.objects.all().delete()
            for model, objects in _snapshot:
                model._base_manager.bulk_create(objects)
        ContentType.objects.clear_cache()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in _snapshot]):
                cursor.execute(sql)


@pytest.fixture
def reference_data(transactional_db):
    """For a transactional test (which starts from an emptied database): the reference data, as in every other test."""
    restore_reference_data()


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


@pytest.fixture(scope="session")
def browser_thread():
    """One Chromium for the whole session (per xdist worker)."""
    thread = browser.BrowserThread()
    yield thread
    thread.close()


def _journey_session(request, browser_thread, live_server, name: str):
    """A browser session of its own on the live portal, signed out, as a tests.browser.Journey whose methods
    run in the browser's thread; the last page it showed is saved to /tmp/journey-<test><name>.png at the
    end, to look at when a step failed."""
    journey = browser_thread.call(
        lambda chromium: browser.Journey(chromium.new_context(viewport=browser.DESKTOP), live_server.url)
    )
    yield browser.InBrowserThread(browser_thread, journey)
    try:
        shot = Path(tempfile.gettempdir()) / f"journey-{request.node.name}{name}.png"
        browser_thread.call(lambda _browser: journey.screenshot(str(shot)))
    finally:
        browser_thread.call(lambda _browser: journey.close())


@pytest.fixture
def portal(request, browser_thread, live_server, reference_data):
    """A browser journey's session on the live portal (tests/browser.Journey), signed out."""
    yield from _journey_session(request, browser_thread, live_server, "")


@pytest.fixture
def second_portal(request, browser_thread, live_server, reference_data):
    """A second, separate browser session (its own cookies) on the same live portal: a second person in the
    same journey. Its last page is saved to /tmp/journey-<test>-second.png."""
    yield from _journey_session(request, browser_thread, live_server, "-second")


@pytest.fixture
def official(reference_data):
    """A DfE official, for a browser journey (a transactional test, on the reference data)."""
    return DfeOfficialFactory(first_name="Dana", last_name="Official")
