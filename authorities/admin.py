from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.access import Action
from portal.admin_site import PortalModelAdmin

from .models import AuthorityAlias, GssCode, LocalAuthority, Region, Succession


class GssCodeInline(admin.TabularInline):
    model = GssCode
    extra = 0


class AliasInline(admin.TabularInline):
    model = AuthorityAlias
    extra = 0
    fields = ["name", "source"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Action.MANAGE_AUTHORITIES
    list_display = ["name", "la_code", "gss_code", "region", "la_type", "operated_from", "operated_until"]
    list_filter = ["region", "la_type"]
    list_select_related = ["region"]
    search_fields = ["name", "la_code", "gss_codes__code", "aliases__name"]
    inlines = [GssCodeInline, AliasInline]


@admin.register(Region)
class RegionAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Action.MANAGE_AUTHORITIES
    list_display = ["name", "gss_code"]


@admin.register(Succession)
class SuccessionAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Action.MANAGE_AUTHORITIES
    list_display = ["predecessor", "successor", "effective_on"]
    list_select_related = ["predecessor", "successor"]
