"""/healthz: the state of the database and of the Celery broker, read at request time."""

import time

import pytest
from django.db import connections
from django.db.utils import OperationalError, load_backend
from django.urls import reverse

DEAD_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def get_healthz(client):
    response = client.get(reverse("portal:healthz"))
    assert response["Content-Type"] == "application/json"
    return response


@pytest.mark.django_db
def test_broker_not_configured(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = get_healthz(client)

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "not configured"}


@pytest.mark.redis
@pytest.mark.django_db
def test_configured_broker_is_ok(client):
    response = get_healthz(client)

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_dead_broker_is_unreachable_and_answers_quickly(client, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER_URL

    started = time.monotonic()
    response = get_healthz(client)
    elapsed = time.monotonic() - started

    # The database still works, so the portal is up: 200, with the broker reported.
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unreachable"}
    assert elapsed < 5, f"/healthz took {elapsed:.1f}s with a dead broker"


@pytest.fixture
def unreachable_database(tmp_path, django_db_blocker):
    """Make the default connection, for this test only, one to a database that cannot be reached.

    The test database and its connection are left alone: a second connection object, with the
    same settings but a dead address, stands in for "default" and is put back afterwards.
    """
    real = connections["default"]
    dead_settings = {**real.settings_dict}
    if real.vendor == "postgresql":
        dead_settings.update(HOST="127.0.0.1", PORT="1")  # nothing listens on port 1
    elif real.vendor == "sqlite":
        dead_settings.update(NAME=str(tmp_path / "no-such-folder" / "db.sqlite3"))
    else:
        pytest.skip(f"no unreachable address known for {real.vendor}")
    dead = load_backend(dead_settings["ENGINE"]).DatabaseWrapper(dead_settings, "default")

    # Unblocked so that the failure below is the database's, not pytest-django's guard.
    with django_db_blocker.unblock():
        with pytest.raises(OperationalError):
            dead.ensure_connection()
        connections["default"] = dead
        try:
            yield
        finally:
            connections["default"] = real
            dead.close()


def test_unreachable_database_answers_503(client, settings, unreachable_database):
    settings.CELERY_BROKER_URL = ""

    response = get_healthz(client)

    assert response.status_code == 503
    assert response.json() == {"database": "unreachable", "broker": "not configured"}
