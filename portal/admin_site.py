"""The Django admin, opened to DfE officials through the one access policy (not Django's own flags)."""

from django.contrib import admin

from . import access


class PortalAdminSite(admin.AdminSite):
    site_header = "High needs intervention portal: administration"
    site_title = "High needs intervention portal"
    index_title = "Records"

    def has_permission(self, request):
        return access.can(request.user, access.Action.USE_ADMIN)


class PortalModelAdmin(admin.ModelAdmin):
    """Every admin screen asks the access policy what a user may see and do."""

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return access.can(request.user, access.Action.USE_ADMIN)

    def has_view_permission(self, request, obj=None):
        return access.can(request.user, access.Action.USE_ADMIN, obj)

    def has_add_permission(self, request):
        return access.can(request.user, self.manage_action)

    def has_change_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action, obj)

    def has_delete_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action, obj)

    manage_action = access.Action.USE_ADMIN
