"""Reads of the self-assessment pages (SPEC §4.7): the comparison of every authority's latest ratings,
and one self-assessment, scoped through the access policy (the per-authority reads are in trajectory)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from portal import access

from ..models import OPEN_STATUSES, Enrolment, SelfAssessment
from .trajectory import self_assessment_list, self_assessments_latest


def self_assessment_comparison(*, user, programme: str | None = None) -> QuerySet:
    """The latest self-assessment of every authority the user may see, by authority name, each with
    its answers and `programme_code` / `programme_name`: the programme of the authority's open
    enrolment (None when it has none), narrowed to one `programme` (its code) when given."""
    open_enrolment = access.visible(
        user, Enrolment.objects.filter(authority=OuterRef("authority"), status__in=OPEN_STATUSES)
    ).order_by("-created_at", "-pk")
    latest = self_assessments_latest(user=user).annotate(
        programme_code=Subquery(open_enrolment.values("cohort__programme__code")[:1]),
        programme_name=Subquery(open_enrolment.values("cohort__programme__name")[:1]),
    )
    return latest.filter(programme_code=programme) if programme else latest


def self_assessment_detail(*, user, pk: int) -> SelfAssessment:
    """One self-assessment with its authority, who submitted it and its answers (404 out of scope)."""
    return access.get_visible_or_404(user, self_assessment_list(user=user), pk=pk)
