from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.access import Action
from portal.admin_site import PortalModelAdmin

from .models import Cohort, DiagnosticStageDefinition, FocusArea, FocusAreaQuestion, Programme


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Action.MANAGE_ENROLMENT
    list_display = ["code", "name"]
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Action.MANAGE_ENROLMENT
    list_display = ["name", "programme", "financial_year", "tranche"]
    list_filter = ["programme"]
    list_select_related = ["programme"]


@admin.register(DiagnosticStageDefinition)
class DiagnosticStageDefinitionAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["number", "name"]


class QuestionInline(admin.TabularInline):
    model = FocusAreaQuestion
    extra = 0


@admin.register(FocusArea)
class FocusAreaAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["number", "title"]
    inlines = [QuestionInline]
