"""The API's app config: it only takes DRF's own Token admin screen away.

DRF's authtoken registers an admin for tokens that asks Django's permission flags; every admin
screen here asks the one access policy instead (portal/admin_site.py), and nobody needs to read
API tokens. Users revoke their own (DELETE /api/v1/auth/token/); deactivating an account stops
its token. Listed after the admin in INSTALLED_APPS, so the admin's autodiscovery has run.
"""

from django.apps import AppConfig
from django.contrib import admin


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "portal_api"
    verbose_name = "REST API"

    def ready(self):
        from rest_framework.authtoken.models import TokenProxy

        if admin.site.is_registered(TokenProxy):
            admin.site.unregister(TokenProxy)
