"""Reads of DSG management plans (SPEC §4.7, §4.8), scoped through the access policy and prefetched."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from portal import access

from ..models import ManagementPlan, ManagementPlanForecast


def management_plan_list(*, user) -> QuerySet:
    """The plans the user may see, with their authority, who submitted and reviewed each, and the
    forecasts by financial year."""
    forecasts = access.visible(user, ManagementPlanForecast.objects.order_by("financial_year"))
    return (
        access.visible(user, ManagementPlan.objects.all())
        .select_related("enrolment__authority", "submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("forecasts", queryset=forecasts))
    )
