"""The wiring: settings, root URLs, the API router, the Celery app, the home page and the commands
that load everything. It may import every app; no app imports it (docs/decisions/0017-layers.md)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
