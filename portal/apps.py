from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Portal: users and roles"

    def ready(self):
        from . import audit, startup  # noqa: F401 - the sign-in audit receivers and the SECRET_KEY check


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "portal.admin_site.PortalAdminSite"
