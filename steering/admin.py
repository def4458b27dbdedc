from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.access import Permission
from portal.admin_site import PortalModelAdmin, ReadOnlyAdminMixin

from .models import Action, Meeting, Member, Organisation, RemitItem, SteeringGroup


class RemitInline(admin.TabularInline):
    model = RemitItem
    extra = 0


@admin.register(SteeringGroup)
class SteeringGroupAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_STEERING_GROUP
    inlines = [RemitInline]


@admin.register(Member)
class MemberAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_STEERING_GROUP
    list_display = ["number", "name", "role", "job_title", "organisation", "vacant", "job_share"]
    list_filter = ["role", "vacant", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "job_title", "organisation__name"]


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_STEERING_GROUP
    list_display = ["name", "abbreviation"]
    search_fields = ["name", "abbreviation"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["title", "held_on", "is_demo"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdminMixin, PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["description", "owner", "due_on", "status", "is_demo"]
    list_filter = ["status"]
    list_select_related = ["owner"]
