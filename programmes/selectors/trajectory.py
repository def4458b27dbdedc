"""Reads of an authority's DSG position (SPEC §4.7): its trajectory and its self-assessments, scoped.

Every read goes through the access policy: an authority the user may not see is a 404, and each part
of the answer holds only the rows the user may see (a delivery partner sees an assigned authority's
DSG figures, but not its Safety Valve targets; a steering member sees no single authority's figures).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When

from authorities.models import DsgFigure, LocalAuthority
from portal import access

from ..models import (
    OPEN_STATUSES,
    Agreement,
    AgreementTarget,
    FocusArea,
    FocusAreaQuestion,
    SelfAssessment,
    SelfAssessmentAnswer,
)
from ..trajectory import DEFAULT_FORECAST_YEARS, Trajectory, trajectory_build


def _visible_authority(user, authority: LocalAuthority) -> LocalAuthority:
    return access.get_visible_or_404(user, LocalAuthority.objects.all(), pk=authority.pk)


def authority_agreement(*, user, authority: LocalAuthority) -> Agreement | None:
    """The authority's Safety Valve agreement the user may see: the open enrolment's, else the latest signed."""
    agreements = access.visible(user, Agreement.objects.filter(enrolment__authority=authority))
    return (
        agreements.select_related("enrolment__cohort__programme")
        .annotate(
            is_current=Case(
                When(enrolment__status__in=OPEN_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-is_current", "-signed_on", "-pk")
        .first()
    )


def authority_trajectory(
    *, user, authority: LocalAuthority, forecast_for: int = DEFAULT_FORECAST_YEARS
) -> Trajectory:
    """The authority's actual DSG figures, its agreement's targets and the forecast (services.trajectory)."""
    authority = _visible_authority(user, authority)
    agreement = authority_agreement(user=user, authority=authority)
    return _trajectory(user, authority, agreement, forecast_for)


def agreement_trajectory(
    *, user, agreement: Agreement, forecast_for: int = DEFAULT_FORECAST_YEARS
) -> Trajectory:
    """The trajectory of an agreement's authority with that agreement's targets (the agreement page's chart),
    for an agreement already read through a scoped selector: 3 queries."""
    authority = _visible_authority(user, agreement.enrolment.authority)
    return _trajectory(user, authority, agreement, forecast_for)


def _trajectory(
    user, authority: LocalAuthority, agreement: Agreement | None, forecast_for: int
) -> Trajectory:
    figures = access.visible(user, DsgFigure.objects.filter(authority=authority))
    targets = access.visible(user, AgreementTarget.objects.filter(agreement=agreement)) if agreement else []
    return trajectory_build(
        authority=authority,
        figures=list(figures),
        targets=list(targets),
        agreement=agreement,
        forecast_for=forecast_for,
    )


# --- Self-assessment against the five focus areas ----------------------------------------------


@dataclass(frozen=True)
class FocusAreaAssessment:
    """One focus area with the source document's questions to consider, and the authority's answer."""

    focus_area: FocusArea
    questions: list[FocusAreaQuestion]
    answer: SelfAssessmentAnswer | None


@dataclass(frozen=True)
class SelfAssessmentView:
    authority: LocalAuthority
    self_assessment: SelfAssessment | None
    areas: list[FocusAreaAssessment]


def self_assessment_list(*, user) -> QuerySet:
    """The self-assessments the user may see, with their authority, who submitted each and the answers
    by focus area number."""
    answers = access.visible(user, SelfAssessmentAnswer.objects.select_related("focus_area")).order_by(
        "focus_area__number"
    )
    return (
        access.visible(user, SelfAssessment.objects.all())
        .select_related("authority", "submitted_by")
        .prefetch_related(Prefetch("answers", queryset=answers))
    )


def self_assessment_latest(*, user, authority: LocalAuthority) -> SelfAssessmentView:
    """The authority's latest self-assessment (None before its first) with every focus area and its questions."""
    authority = _visible_authority(user, authority)
    latest = (
        self_assessment_list(user=user).filter(authority=authority).order_by("-submitted_at", "-pk").first()
    )
    answers = {answer.focus_area_id: answer for answer in latest.answers.all()} if latest else {}
    areas = access.visible(user, FocusArea.objects.prefetch_related("questions").order_by("number"))
    return SelfAssessmentView(
        authority=authority,
        self_assessment=latest,
        areas=[
            FocusAreaAssessment(
                focus_area=area, questions=list(area.questions.all()), answer=answers.get(area.pk)
            )
            for area in areas
        ],
    )


def self_assessments_latest(*, user) -> QuerySet:
    """The latest self-assessment of every authority the user may see, with its answers, by authority name."""
    visible = access.visible(user, SelfAssessment.objects.all())
    newest = visible.filter(authority=OuterRef("authority")).order_by("-submitted_at", "-pk").values("pk")[:1]
    return self_assessment_list(user=user).filter(pk=Subquery(newest)).order_by("authority__name")
