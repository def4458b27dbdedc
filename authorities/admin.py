from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.access import Permission
from portal.admin_site import PortalImportExportMixin, PortalInline, PortalModelAdmin

from .models import AuthorityAlias, Contact, DsgFigure, GssCode, LocalAuthority, Region, Succession
from .resources import ContactResource, DsgFigureResource, LocalAuthorityResource


class GssCodeInline(PortalInline):
    model = GssCode
    manage_action = Permission.MANAGE_AUTHORITIES


class AliasInline(PortalInline):
    model = AuthorityAlias
    manage_action = Permission.MANAGE_AUTHORITIES
    fields = ["name", "source"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(PortalImportExportMixin, PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_AUTHORITIES
    resource_classes = [LocalAuthorityResource]
    list_display = ["name", "la_code", "gss_code", "region", "la_type", "operated_from", "operated_until"]
    list_filter = ["region", "la_type"]
    list_select_related = ["region"]
    search_fields = ["name", "la_code", "gss_codes__code", "aliases__name"]
    inlines = [GssCodeInline, AliasInline]


@admin.register(Region)
class RegionAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_AUTHORITIES
    list_display = ["name", "gss_code"]


@admin.register(Succession)
class SuccessionAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_AUTHORITIES
    list_display = ["predecessor", "successor", "effective_on"]
    list_select_related = ["predecessor", "successor"]


@admin.register(Contact)
class ContactAdmin(PortalImportExportMixin, PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_AUTHORITIES
    resource_classes = [ContactResource]
    list_display = ["name", "role", "email", "authority", "user"]
    list_filter = ["role"]
    list_select_related = ["authority", "user"]
    search_fields = ["name", "email", "authority__name", "authority__la_code"]
    autocomplete_fields = ["authority", "user"]


@admin.register(DsgFigure)
class DsgFigureAdmin(PortalImportExportMixin, PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_AUTHORITIES
    resource_classes = [DsgFigureResource]
    list_display = [
        "authority",
        "financial_year",
        "source",
        "total_dsg_allocation",
        "high_needs_allocation",
        "cumulative_balance",
        "deficit_percent",
    ]
    list_filter = ["source", "financial_year"]
    list_select_related = ["authority"]
    search_fields = ["authority__name", "authority__la_code"]
    autocomplete_fields = ["authority"]

    @admin.display(description="deficit %")
    def deficit_percent(self, figure: DsgFigure):
        return figure.deficit_percent
