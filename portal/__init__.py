"""The portal's project package: settings, URLs, the Celery app, users, roles and the access policy."""

from .celery import app as celery_app

__all__ = ("celery_app",)
