"""Reads of enrolments (SPEC §4.2), scoped through the access policy and prefetched."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from portal import access

from ..models import Enrolment, EnrolmentTransition, PartnerAssignment


def enrolment_list(*, user) -> QuerySet:
    """The enrolments the user may see, each with its authority, cohort, programme, transitions in
    order and delivery partners; `visible_replaces_id` and `visible_replaced_by_id` name the
    enrolment it replaced and the one that replaced it, only where the user may see those too."""
    visible = access.visible(user, Enrolment.objects.all())
    transitions = access.visible(user, EnrolmentTransition.objects.select_related("actor")).order_by(
        "at", "pk"
    )
    return (
        visible.select_related("authority", "cohort__programme")
        .annotate(
            visible_replaces_id=Subquery(visible.filter(pk=OuterRef("replaces_id")).values("pk")[:1]),
            visible_replaced_by_id=Subquery(visible.filter(replaces_id=OuterRef("pk")).values("pk")[:1]),
        )
        .prefetch_related(
            Prefetch("transitions", queryset=transitions),
            Prefetch("partner_assignments", queryset=access.visible(user, PartnerAssignment.objects.all())),
        )
    )


def enrolment_detail(*, user, pk: int) -> Enrolment:
    """One enrolment the user may see (see enrolment_list), with the enrolment that replaced it; a 404 otherwise."""
    return access.get_visible_or_404(user, enrolment_list(user=user), pk=pk)
