"""Reads of programmes and their reference definitions, scoped through the access policy."""

from django.db.models import QuerySet

from portal import access

from ..models import DiagnosticStageDefinition, FocusArea, Programme


def programme_list(*, user) -> QuerySet:
    return access.visible(user, Programme.objects.prefetch_related("cohorts"))


def programme_detail(*, user, code: str) -> Programme:
    return access.get_visible_or_404(user, Programme.objects.prefetch_related("cohorts"), code=code.upper())


def diagnostic_stages(*, user) -> QuerySet:
    return access.visible(user, DiagnosticStageDefinition.objects.all())


def focus_areas(*, user) -> QuerySet:
    return access.visible(user, FocusArea.objects.prefetch_related("questions"))
