"""Shared test set-up: markers for tests that need real services, and faster test settings.

`@pytest.mark.postgres` needs DATABASE_URL to point at PostgreSQL; `@pytest.mark.redis` needs
CELERY_BROKER_URL (a Redis broker; such tests may start their own Celery worker);
`@pytest.mark.browser` needs Chromium at /usr/bin/chromium and the playwright package. Locally, a
test whose service is not there is skipped with the reason. With CI=true it fails instead: CI
provides all of them, so a missing one is a broken pipeline, never a silent skip.
"""

import os

import pytest

# Its helpers assert as they check pages: have pytest explain a failed assert there too.
pytest.register_assert_rewrite("tests.browser")

from django.conf import settings as django_settings  # noqa: E402
from django.core.cache import cache  # noqa: E402

from tests.browser import missing_browser  # noqa: E402

# The shared fixtures: reference data and demo accounts in the test database, signed-in clients.
pytest_plugins = ["tests.fixtures"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _missing_services(item: pytest.Item) -> list[str]:
    missing = []
    if item.get_closest_marker("postgres") and (
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        missing.append("PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not django_settings.CELERY_BROKER_URL:
        missing.append("a Redis broker (set CELERY_BROKER_URL=redis://...)")
    if item.get_closest_marker("browser"):
        missing += missing_browser()
    return missing


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = _missing_services(item)
    if not missing:
        return
    reason = "needs " + " and ".join(missing)
    if _in_ci():
        pytest.fail(f"{reason}, which CI must provide (CI=true)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _celery_app_configured():
    # The Celery app reads the settings once, on first use, and keeps them. Read them now, so
    # that a test overriding CELERY_BROKER_URL (e.g. for /healthz) is never the first to use it.
    from config.celery import app

    app.conf.broker_url  # noqa: B018


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uploaded files go to a folder of the test's own; API throttles count from zero for each test.
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    # A fast hasher: the real ones are deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render {% static %} without a collectstatic manifest (production builds one).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
