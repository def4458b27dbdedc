"""A DfE official's workload for the home page: enrolments by programme and status, and the work
waiting for a decision (invitations, submitted monitoring reports, instalments). Each part is a
fixed number of queries however many rows there are; the lists hold the first few, with a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, DateField, F, Q, Value, When

from portal import access

from ..models import (
    Agreement,
    Assessment,
    Enrolment,
    EnrolmentStatus,
    MonitoringReport,
    Payment,
    PaymentStatus,
    Programme,
    ProgrammeCode,
    ReportStatus,
)
from .agreement import agreement_list, off_track_review

# The programmes in the order DfE speaks of them, with the names used in short.
PROGRAMME_ORDER = [ProgrammeCode.SAFETY_VALVE, ProgrammeCode.DBV, ProgrammeCode.ESFA]
SHORT_NAMES = {
    ProgrammeCode.SAFETY_VALVE: "Safety Valve",
    ProgrammeCode.DBV: "DBV",
    ProgrammeCode.ESFA: "ESFA",
}
STATUS_ORDER = [
    EnrolmentStatus.INVITED,
    EnrolmentStatus.ACCEPTED,
    EnrolmentStatus.ACTIVE,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.DECLINED,
    EnrolmentStatus.WITHDRAWN,
    EnrolmentStatus.REPLACED,
]
ITEMS_SHOWN = 5


# --- Enrolments by programme and status -----------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    status: EnrolmentStatus
    counts: list[tuple[Programme, int]]  # one per programme, in PROGRAMME_ORDER


@dataclass(frozen=True)
class ProgrammeCounts:
    programmes: list[Programme]  # each with `short_name` and `total`
    rows: list[StatusRow]


def programme_status_counts(*, user) -> ProgrammeCounts:
    """Per programme the user may see, how many of the enrolments they may see are in each status,
    and in all: one query."""
    enrolments = access.visible(user, Enrolment.objects.all()).values("pk")
    in_scope = Q(cohorts__enrolments__in=enrolments)
    counts = {
        status.value: Count("cohorts__enrolments", filter=in_scope & Q(cohorts__enrolments__status=status))
        for status in STATUS_ORDER
    }
    programmes = list(
        access.visible(user, Programme.objects.all()).annotate(
            total=Count("cohorts__enrolments", filter=in_scope), **counts
        )
    )
    rank = {code: position for position, code in enumerate(PROGRAMME_ORDER)}
    programmes.sort(key=lambda programme: (rank.get(programme.code, len(rank)), programme.code))
    for programme in programmes:
        programme.short_name = SHORT_NAMES.get(programme.code, programme.name)
    rows = [
        StatusRow(
            status=status, counts=[(programme, getattr(programme, status.value)) for programme in programmes]
        )
        for status in STATUS_ORDER
    ]
    return ProgrammeCounts(programmes=programmes, rows=rows)


# --- Work waiting for a decision ------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """The first few items of a list of work (`items`) and how many there are in all (`total`)."""

    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def enrolments_awaiting_decision(*, user, limit: int = ITEMS_SHOWN) -> Waiting:
    """Invitations not yet accepted or declined, the longest waiting first: 2 queries."""
    invited = (
        access.visible(user, Enrolment.objects.filter(status=EnrolmentStatus.INVITED))
        .select_related("authority", "cohort__programme")
        .order_by("created_at", "pk")
    )
    return Waiting(items=list(invited[:limit]), total=invited.count())


def monitoring_reports_to_assess(*, user, limit: int = ITEMS_SHOWN) -> Waiting:
    """Monitoring reports submitted and not yet assessed, the longest waiting first: 2 queries."""
    submitted = (
        access.visible(user, MonitoringReport.objects.with_status(ReportStatus.SUBMITTED))
        .select_related("agreement__enrolment__authority")
        .order_by("submitted_at", "pk")
    )
    return Waiting(items=list(submitted[:limit]), total=submitted.count())


@dataclass(frozen=True)
class InstalmentToDecide:
    payment: Payment
    decide_by: date  # its due date, or sooner when an off-track assessment put it up
    off_track_report: MonitoringReport | None  # the off-track report that put it up, if one did

    @property
    def authority(self):
        return self.payment.grant.enrolment.authority

    @property
    def agreement_id(self) -> int | None:
        return self.payment.grant.agreement_id


def instalments_to_decide(*, user, today: date, limit: int = ITEMS_SHOWN) -> Waiting:
    """Scheduled payments whose decision is due (due today or before), and the instalments an
    off-track latest assessment put up for a withhold decision (selectors.agreement.off_track_review),
    by the date they are to be decided by: 7 queries however many."""
    # Agreements whose instalments an off-track assessment may have put up, read whole (5 queries).
    off_track = agreement_list(user=user).filter(
        pk__in=Agreement.objects.filter(
            monitoring_reports__assessment=Assessment.OFF_TRACK,
            contribution__payments__status=PaymentStatus.SCHEDULED,
        ).values("pk")
    )
    flagged = {}
    for agreement in off_track:
        review = off_track_review(agreement)
        if review is not None and review.payment is not None:
            flagged[review.payment.pk] = review
    decide_by = Case(
        *(When(pk=pk, then=Value(min(r.payment.due_on, r.decide_by))) for pk, r in flagged.items()),
        default=F("due_on"),
        output_field=DateField(),
    )
    waiting = (
        access.visible(user, Payment.objects.filter(status=PaymentStatus.SCHEDULED))
        .filter(Q(due_on__lte=today) | Q(pk__in=list(flagged)))
        .select_related("grant__enrolment__authority", "grant__enrolment__cohort__programme")
        .annotate(decide_by=decide_by)
        .order_by("decide_by", "due_on", "pk")
    )
    items = [
        InstalmentToDecide(
            payment=payment,
            decide_by=payment.decide_by,
            off_track_report=flagged[payment.pk].report if payment.pk in flagged else None,
        )
        for payment in waiting[:limit]
    ]
    return Waiting(items=items, total=waiting.count())
