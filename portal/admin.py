from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from .admin_site import PortalModelAdmin
from .models import User


@admin.register(User)
class PortalUserAdmin(PortalModelAdmin, UserAdmin, SimpleHistoryAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "organisation",
        "authority",
        "is_active",
        "is_demo",
    ]
    list_filter = ["role", "organisation", "is_active", "is_demo"]
    list_select_related = ["authority"]
    search_fields = ["username", "first_name", "last_name", "email", "authority__name"]
    autocomplete_fields = ["authority"]
    fieldsets = UserAdmin.fieldsets + (
        ("Role", {"fields": ["role", "organisation", "authority", "is_demo"]}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (("Role", {"fields": ["role", "organisation", "authority"]}),)


# Roles, not Django groups or permission flags, decide access (portal/access.py): no groups to manage.
admin.site.unregister(Group)
