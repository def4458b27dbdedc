"""Celery tasks of the portal package."""

from celery import shared_task

from . import health


@shared_task(name="portal.check_database")
def check_database() -> str:
    """Answer whether a worker can reach the database: "ok" or "unreachable".

    For operators: `celery -A portal call portal.check_database` prints a task id;
    `celery -A portal result <id>` then shows the answer of the worker that ran it.
    """
    return health.database_state()
