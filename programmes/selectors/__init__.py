"""Reads of programmes and their reference definitions, scoped through the access policy."""

from django.db.models import QuerySet

from portal import access

from ..models import Cohort, DiagnosticStageDefinition, FocusArea, Programme


def programme_list(*, user) -> QuerySet:
    return access.visible(user, Programme.objects.prefetch_related("cohorts"))


def cohort_list(*, user) -> QuerySet:
    return access.visible(user, Cohort.objects.select_related("programme"))


def programme_detail(*, user, code: str) -> Programme:
    return access.get_visible_or_404(user, Programme.objects.prefetch_related("cohorts"), code=code.upper())


def diagnostic_stages(*, user) -> QuerySet:
    return access.visible(user, DiagnosticStageDefinition.objects.all())


def focus_areas(*, user) -> QuerySet:
    return access.visible(user, FocusArea.objects.prefetch_related("questions"))
