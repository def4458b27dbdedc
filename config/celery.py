"""The Celery app. Without CELERY_BROKER_URL, settings make tasks run in-process (eager)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_without_secret_key(**kwargs):
    from portal.startup import secret_key_required

    secret_key_required()
