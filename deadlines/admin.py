from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_site import PortalModelAdmin, ReadOnlyAdminMixin

from .models import Deadline


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, PortalModelAdmin, SimpleHistoryAdmin):
    """Read-only: a deadline moves only with its source record, through that record's service."""

    list_display = [
        "title",
        "kind",
        "authority",
        "due_on",
        "owner",
        "owner_group",
        "responsible",
        "closed_at",
    ]
    list_filter = ["kind", "owner_group"]
    search_fields = ("title", "authority__name")
    list_select_related = ["authority", "owner", "responsible"]
