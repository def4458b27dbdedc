"""Reads of Safety Valve agreements (SPEC §4.5), scoped through the access policy and prefetched.

Also the two readings the services and pages share: which instalment an off-track monitoring
report puts up for a withhold decision, and the targets set against the actual figures reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal import access
from portal.financial_year import FinancialYear

from ..models import (
    Agreement,
    AgreementCondition,
    AgreementTarget,
    AgreementVariation,
    Assessment,
    MonitoringReport,
    Payment,
    PaymentStatus,
)

# How long DfE has to decide the instalment an off-track assessment puts up for a withhold decision
# (or until the instalment's own due date, if that is sooner).
OFF_TRACK_DECISION_DAYS = 14


def agreement_list(*, user) -> QuerySet:
    """The agreements the user may see, each with its enrolment, authority, contribution and, in order,
    its conditions, targets, monitoring reports (with who submitted and assessed each), instalments
    (with who decided each) and variations (with who recorded each): 6 queries however many."""
    reports = MonitoringReport.objects.select_related("submitted_by", "assessed_by").order_by("due_on")
    payments = Payment.objects.select_related("decided_by").order_by("number")
    variations = AgreementVariation.objects.select_related("recorded_by").order_by("number")
    return (
        access.visible(user, Agreement.objects.all())
        .select_related("enrolment__authority", "enrolment__cohort__programme", "contribution__awarded_by")
        .prefetch_related(
            Prefetch(
                "conditions", queryset=access.visible(user, AgreementCondition.objects.order_by("number"))
            ),
            Prefetch(
                "targets", queryset=access.visible(user, AgreementTarget.objects.order_by("financial_year"))
            ),
            Prefetch("monitoring_reports", queryset=access.visible(user, reports)),
            Prefetch("contribution__payments", queryset=access.visible(user, payments)),
            Prefetch("variations", queryset=access.visible(user, variations)),
        )
    )


def agreement_detail(*, user, pk: int) -> Agreement:
    """One agreement with its conditions, targets, instalments, monitoring reports and variations, in 6 queries."""
    return get_object_or_404(agreement_list(user=user), pk=pk)


def monitoring_report_list(*, user) -> QuerySet:
    """The monitoring reports the user may see, with their authority and who submitted and assessed each."""
    return access.visible(user, MonitoringReport.objects.all()).select_related(
        "agreement__enrolment__authority", "submitted_by", "assessed_by"
    )


def instalments(agreement: Agreement) -> list[Payment]:
    """The agreement's instalments in number order (from the prefetch, when there is one)."""
    try:
        grant = agreement.contribution
    except ObjectDoesNotExist:
        return []
    return sorted(grant.payments.all(), key=lambda payment: payment.number)


# --- Off track: the instalment up for a withhold decision -----------------------------------


@dataclass(frozen=True)
class WithholdReview:
    """The agreement's latest assessed monitoring report is off track.

    `payment` is the instalment that report put up for a withhold decision while it is still
    scheduled (None once decided); `decide_by` is when the decision is due at the latest.
    """

    report: MonitoringReport
    payment: Payment | None
    decide_by: date


def latest_assessed_report(agreement: Agreement) -> MonitoringReport | None:
    """The assessed report covering the latest period (latest due date; then latest assessed)."""
    assessed = [
        report for report in agreement.monitoring_reports.all() if report.assessment and report.assessed_at
    ]
    return max(assessed, key=lambda report: (report.due_on, report.assessed_at), default=None)


def instalment_for_decision(report: MonitoringReport, payments: list[Payment]) -> Payment | None:
    """The instalment an off-track `report` puts up for a withhold decision.

    The earliest instalment due on or after the report's due date that was still scheduled when
    the report was assessed, else the earliest such instalment. It stays the same instalment after
    it is decided, so deciding it does not pass the flag on to the next one.
    """
    open_then = sorted(
        (
            payment
            for payment in payments
            if payment.status == PaymentStatus.SCHEDULED
            or (payment.decided_at is not None and payment.decided_at >= report.assessed_at)
        ),
        key=lambda payment: (payment.due_on, payment.number),
    )
    after = [payment for payment in open_then if payment.due_on >= report.due_on]
    return (after or open_then or [None])[0]


def off_track_review(agreement: Agreement) -> WithholdReview | None:
    """What an off-track latest assessment asks of DfE now, or None when it is not off track."""
    report = latest_assessed_report(agreement)
    if report is None or report.assessment != Assessment.OFF_TRACK:
        return None
    payment = instalment_for_decision(report, instalments(agreement))
    if payment is not None and payment.status != PaymentStatus.SCHEDULED:
        payment = None
    decide_by = timezone.localdate(report.assessed_at) + timedelta(days=OFF_TRACK_DECISION_DAYS)
    return WithholdReview(report=report, payment=payment, decide_by=decide_by)


# --- Targets against actuals ----------------------------------------------------------------


@dataclass(frozen=True)
class TargetAgainstActual:
    financial_year: FinancialYear
    target_in_year_balance: Decimal
    target_cumulative_balance: Decimal
    report: MonitoringReport | None
    actual_in_year_balance: Decimal | None
    actual_cumulative_balance: Decimal | None

    @property
    def cumulative_difference(self) -> Decimal | None:
        """Actual minus target: negative when the authority is behind its target."""
        if self.actual_cumulative_balance is None:
            return None
        return self.actual_cumulative_balance - self.target_cumulative_balance

    @property
    def missed(self) -> bool | None:
        difference = self.cumulative_difference
        return None if difference is None else difference < 0


def targets_against_actuals(agreement: Agreement) -> list[TargetAgainstActual]:
    """Per target year, the target and the actuals of the latest submitted report due in that year.

    Reads the agreement's targets and reports as loaded (prefetched by `agreement_detail`).
    """
    latest: dict[FinancialYear, MonitoringReport] = {}
    for report in sorted(agreement.monitoring_reports.all(), key=lambda report: report.due_on):
        if report.submitted_at is not None:
            latest[FinancialYear.containing(report.due_on)] = report
    rows = []
    for target in sorted(agreement.targets.all(), key=lambda target: target.financial_year):
        report = latest.get(target.financial_year)
        rows.append(
            TargetAgainstActual(
                financial_year=target.financial_year,
                target_in_year_balance=target.in_year_balance,
                target_cumulative_balance=target.cumulative_balance,
                report=report,
                actual_in_year_balance=report.actual_in_year_balance if report else None,
                actual_cumulative_balance=report.actual_cumulative_balance if report else None,
            )
        )
    return rows


def agreement_variations(agreement: Agreement) -> list[AgreementVariation]:
    """The agreement's variations, newest first (from agreement_list's prefetch)."""
    return sorted(agreement.variations.all(), key=lambda variation: variation.number, reverse=True)
