"""An LA finance lead's home page: their authority's programmes and status, and the latest decisions
about it (assessments of its monitoring reports, instalments released or withheld with the reason).
Every part is read through the access policy and is a fixed number of queries however many rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When

from portal import access

from ..models import (
    OPEN_STATUSES,
    Agreement,
    Enrolment,
    MonitoringReport,
    Payment,
    PaymentStatus,
    ReportStatus,
)

DECISIONS_SHOWN = 5


@dataclass(frozen=True)
class EnrolmentLine:
    enrolment: Enrolment
    agreement_id: int | None  # its Safety Valve agreement, when it has one the user may see


@dataclass(frozen=True)
class LaHome:
    enrolments: list[EnrolmentLine] = field(default_factory=list)
    assessments: list[MonitoringReport] = field(default_factory=list)
    instalment_decisions: list[Payment] = field(default_factory=list)


def la_home(*, user, limit: int = DECISIONS_SHOWN) -> LaHome:
    """For a user who acts for one authority: its enrolments (open first, then the latest), the last
    `limit` assessments of its monitoring reports and the last `limit` instalment decisions: 4 queries."""
    if not user.authority_id:
        return LaHome()
    enrolments = list(
        access.visible(user, Enrolment.objects.filter(authority_id=user.authority_id))
        .select_related("cohort__programme")
        .annotate(
            is_current=Case(
                When(status__in=OPEN_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-is_current", "-updated_at", "-pk")
    )
    agreements = dict(
        access.visible(user, Agreement.objects.filter(enrolment__authority_id=user.authority_id)).values_list(
            "enrolment_id", "pk"
        )
    )
    assessments = (
        access.visible(user, MonitoringReport.objects.with_status(ReportStatus.ASSESSED))
        .filter(agreement__enrolment__authority_id=user.authority_id)
        .select_related("agreement__enrolment__cohort")
        .order_by("-assessed_at", "-pk")
    )
    decisions = (
        access.visible(
            user, Payment.objects.filter(status__in=[PaymentStatus.RELEASED, PaymentStatus.WITHHELD])
        )
        .filter(grant__enrolment__authority_id=user.authority_id, decided_at__isnull=False)
        .select_related("grant__enrolment__cohort__programme")
        .order_by("-decided_at", "-pk")
    )
    return LaHome(
        enrolments=[EnrolmentLine(enrolment, agreements.get(enrolment.pk)) for enrolment in enrolments],
        assessments=list(assessments[:limit]),
        instalment_decisions=list(decisions[:limit]),
    )
