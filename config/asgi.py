"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from portal.startup import secret_key_required  # noqa: E402 - needs the settings loaded above

secret_key_required()
