"""Health of the services the portal depends on, for /healthz and for operators."""

from django.conf import settings
from django.db import connection

OK = "ok"
NOT_CONFIGURED = "not configured"
UNREACHABLE = "unreachable"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return UNREACHABLE
    return OK


BROKER_TIMEOUT_SECONDS = 2


def broker_state() -> str:
    # Read the URL at call time (not the Celery app's copy, fixed when it was configured),
    # and try once with a short timeout so a dead broker answers quickly.
    url = settings.CELERY_BROKER_URL
    if not url:
        return NOT_CONFIGURED
    from celery import current_app as app

    try:
        with app.connection_for_write(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        return UNREACHABLE
    return OK
