"""Safety Valve agreements (SPEC §4.5): the only way an agreement and its monitoring reports are written.

Rules enforced here:
- an agreement belongs to a Safety Valve enrolment that is accepted or active, one per enrolment;
- its yearly targets run for consecutive financial years, from the year of signing, up to the
  year the deficit is eliminated (that year's cumulative balance is £0 or more) and no further;
- the DfE contribution is a Grant whose instalments add up exactly to the total contribution;
- monitoring reports fall due every 3 months by default; only the authority's finance lead
  submits one (until DfE has assessed it), only DfE assesses a submitted one; an off-track
  assessment puts the next instalment up for a withhold decision, due within
  OFF_TRACK_DECISION_DAYS, and releasing any instalment while the latest assessment is off track
  needs an override reason (programmes.services.grants);
- every monitoring report and every instalment has a deadline that follows it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from deadlines.models import DeadlineKind, OwnerGroup
from deadlines.services import deadline_sync
from portal import access
from portal.access import Permission
from portal.errors import DomainError, TransitionNotAllowed
from portal.financial_year import FinancialYear
from portal.history import delete_as, save_as

from ..models import (
    Agreement,
    AgreementCondition,
    AgreementTarget,
    AgreementVariation,
    Assessment,
    Enrolment,
    EnrolmentStatus,
    Grant,
    GrantKind,
    MonitoringReport,
    Payment,
    PaymentStatus,
    ProgrammeCode,
)
from ..selectors.agreement import instalments as agreement_instalments
from ..selectors.agreement import off_track_review
from .grants import (
    Eligibility,
    MoneyInput,
    date_checked,
    enrolment_locked,
    grant_with_payments,
    instalments_checked,
    money,
    payment_deadlines_sync,
    positive_money,
    pounds,
)

# Instalment decisions are grant payments, decided in programmes.services.grants; re-exported here
# because Safety Valve pages reach for them with the rest of the agreement's services.
from .grants import payment_release as payment_release
from .grants import payment_reschedule as payment_reschedule
from .grants import payment_withhold as payment_withhold

MONTHS_BETWEEN_REPORTS = 3
SIGNABLE_STATUSES = (EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE)

Target = tuple[FinancialYear, Decimal, Decimal]


@dataclass(frozen=True)
class AssessmentOutcome:
    report: MonitoringReport
    # The instalment an off-track assessment put up for a withhold decision (None otherwise).
    instalment_for_decision: Payment | None


# --- Checking the terms ---------------------------------------------------------------------


def _conditions_checked(conditions: Iterable[str]) -> list[str]:
    if isinstance(conditions, str):
        raise DomainError("Give the conditions as a list, one reform commitment each.", field="conditions")
    texts = [(text or "").strip() for text in conditions]
    if not texts:
        raise DomainError("Give the agreement's conditions (its reform commitments).", field="conditions")
    for number, text in enumerate(texts, start=1):
        if not text:
            raise DomainError(
                f"Condition {number} is empty: write the commitment or remove it.", field="conditions"
            )
    return texts


def _published_url_checked(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as error:
        raise DomainError(
            f"“{url}” is not a web address: give the full address of the published agreement, like "
            "https://www.gov.uk/….",
            field="published_url",
        ) from error
    if len(url) > Agreement._meta.get_field("published_url").max_length:
        raise DomainError("The address of the published agreement is too long.", field="published_url")
    return url


def _financial_year(value, *, position: int) -> FinancialYear:
    try:
        return FinancialYear.parse(value)
    except ValueError as error:
        raise DomainError(f"Target {position}: {error}", field="targets") from error


def _targets_checked(targets: Iterable[tuple], *, signed_on: date) -> list[Target]:
    """The targets in year order, refused unless they run year by year to the year the deficit is eliminated."""
    rows: list[Target] = []
    for position, target in enumerate(targets, start=1):
        try:
            year, in_year, cumulative = target
        except (TypeError, ValueError) as error:
            raise DomainError(
                f"Target {position} must be a financial year, an in-year balance and a cumulative balance.",
                field="targets",
            ) from error
        year = _financial_year(year, position=position)
        rows.append(
            (
                year,
                money(in_year, label=f"{year} in-year balance target", field="targets"),
                money(cumulative, label=f"{year} cumulative balance target", field="targets"),
            )
        )
    if not rows:
        raise DomainError(
            "Give the yearly targets, from the year of signing until the deficit is eliminated.",
            field="targets",
        )
    rows.sort(key=lambda row: row[0])
    signing_year = FinancialYear.containing(signed_on)
    if rows[0][0] < signing_year:
        raise DomainError(
            f"The targets start in {rows[0][0]}, before the agreement was signed (in {signing_year}).",
            field="targets",
        )
    for (previous, _, _), (current, _, _) in pairwise(rows):
        if current == previous:
            raise DomainError(
                f"There are two targets for {current}: give one per financial year.", field="targets"
            )
        if current != previous + 1:
            raise DomainError(
                f"The targets must run year by year: {previous + 1} is missing between {previous} and {current}.",
                field="targets",
            )
    for year, _, cumulative in rows[:-1]:
        if cumulative >= 0:
            raise DomainError(
                f"The deficit is eliminated in {year} (cumulative balance {pounds(cumulative)}), so the targets end "
                f"there: remove the targets after {year}.",
                field="targets",
            )
    last_year, _, last_cumulative = rows[-1]
    if last_cumulative < 0:
        raise DomainError(
            f"The targets must run until the deficit is eliminated: the last one, {last_year}, still has a "
            f"cumulative balance of {pounds(last_cumulative)}. Add targets up to the year the cumulative "
            "balance reaches £0 or more.",
            field="targets",
        )
    return rows


def _months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_due_dates(*, first_due: date, count: int | None, until: date) -> list[date]:
    """Every 3 months from `first_due`: `count` dates, or (without a count) every one up to `until`."""
    dates: list[date] = []
    while count is None or len(dates) < count:
        due = _months_after(first_due, MONTHS_BETWEEN_REPORTS * len(dates))
        if count is None and due > until:
            break
        dates.append(due)
    return dates


# --- Deadlines ------------------------------------------------------------------------------


def _report_deadline_sync(*, actor, report: MonitoringReport, enrolment: Enrolment) -> None:
    deadline_sync(
        source=report,
        kind=DeadlineKind.MONITORING_REPORT,
        title=f"Safety Valve monitoring report: {enrolment.authority.label}",
        due_on=report.due_on,
        is_open=report.submitted_at is None,
        actor=actor,
        authority=enrolment.authority,
        owner_group=OwnerGroup.FINANCE_LEADS,
        responsible=enrolment.responsible_official,
    )


def _report_add(*, actor, agreement: Agreement, due_on: date) -> MonitoringReport:
    if agreement.monitoring_reports.filter(due_on=due_on).exists():
        raise DomainError(f"A monitoring report is already due on {due_on:%-d %B %Y}.", field="due_on")
    report = MonitoringReport(agreement=agreement, due_on=due_on)
    save_as(actor, report)
    _report_deadline_sync(actor=actor, report=report, enrolment=agreement.enrolment)
    return report


# --- Agreements -----------------------------------------------------------------------------


SV_AGREEMENT = Eligibility(
    programme=ProgrammeCode.SAFETY_VALVE,
    programme_label="Safety Valve",
    statuses=SIGNABLE_STATUSES,
    has_one=lambda enrolment: Agreement.objects.filter(enrolment=enrolment).exists(),
    wrong_programme="agreements are for Safety Valve enrolments only.",
    wrong_status="an agreement is made only with an accepted or active enrolment.",
    already="an agreement for this enrolment",
)


@dataclass(frozen=True)
class AgreementTerms:
    """An agreement's terms once checked: exact money, targets in year order, instalments in date order."""

    signed_on: date
    published_url: str
    deficit_at_signing: Decimal
    total_contribution: Decimal
    conditions: list[str]
    targets: list[Target]
    instalments: list[tuple[date, Decimal]]
    report_due_dates: list[date]


def agreement_terms_checked(
    *,
    signed_on: date,
    published_url: str,
    deficit_at_signing: MoneyInput,
    total_contribution: MoneyInput,
    conditions: list[str],
    targets: list[tuple[FinancialYear, MoneyInput, MoneyInput]],
    instalments: list[tuple[date, MoneyInput]],
    first_report_due: date | None = None,
    report_count: int | None = None,
) -> AgreementTerms:
    """The terms of an agreement as given, checked in the order a reader would; the first fault is refused."""
    signed_on = date_checked(signed_on, label="date the agreement was signed", field="signed_on")
    if signed_on > timezone.localdate():
        raise DomainError(
            f"The signing date ({signed_on:%-d %B %Y}) is in the future: record an agreement once it is signed.",
            field="signed_on",
        )
    deficit = positive_money(deficit_at_signing, label="deficit at signing", field="deficit_at_signing")
    total = positive_money(total_contribution, label="total DfE contribution", field="total_contribution")
    if total > deficit:
        raise DomainError(
            f"The total DfE contribution ({pounds(total)}) is more than the deficit at signing "
            f"({pounds(deficit)}): DfE pays towards the deficit, not beyond it.",
            field="total_contribution",
        )
    published_url = _published_url_checked(published_url)
    condition_texts = _conditions_checked(conditions)
    target_rows = _targets_checked(targets, signed_on=signed_on)
    schedule = instalments_checked(
        instalments, total=total, total_label="total DfE contribution", not_before=signed_on
    )
    first_due = date_checked(
        first_report_due or _months_after(signed_on, MONTHS_BETWEEN_REPORTS),
        label="date the first monitoring report is due",
        field="first_report_due",
    )
    if first_due < signed_on:
        raise DomainError(
            "The first monitoring report cannot be due before the agreement is signed.",
            field="first_report_due",
        )
    if report_count is not None and (
        isinstance(report_count, bool) or not isinstance(report_count, int) or report_count < 1
    ):
        raise DomainError(
            "Give the number of monitoring reports as a whole number, 1 or more.", field="report_count"
        )
    return AgreementTerms(
        signed_on=signed_on,
        published_url=published_url,
        deficit_at_signing=deficit,
        total_contribution=total,
        conditions=condition_texts,
        targets=target_rows,
        instalments=schedule,
        report_due_dates=report_due_dates(
            first_due=first_due, count=report_count, until=target_rows[-1][0].ends_on
        ),
    )


def _agreement_write(*, actor, enrolment: Enrolment, terms: AgreementTerms) -> Agreement:
    """Write checked terms: the agreement, its conditions and targets, its contribution grant, its reports."""
    agreement = Agreement(
        enrolment=enrolment,
        signed_on=terms.signed_on,
        published_url=terms.published_url,
        deficit_at_signing=terms.deficit_at_signing,
        total_contribution=terms.total_contribution,
    )
    agreement.full_clean()
    save_as(actor, agreement)
    for number, text in enumerate(terms.conditions, start=1):
        save_as(actor, AgreementCondition(agreement=agreement, number=number, text=text))
    for year, in_year, cumulative in terms.targets:
        target = AgreementTarget(
            agreement=agreement, financial_year=year, in_year_balance=in_year, cumulative_balance=cumulative
        )
        save_as(actor, target)
    grant_with_payments(
        actor=actor,
        enrolment=enrolment,
        kind=GrantKind.SV_CONTRIBUTION,
        agreement=agreement,
        amount=terms.total_contribution,
        awarded_on=terms.signed_on,
        schedule=terms.instalments,
    )
    for due_on in terms.report_due_dates:
        _report_add(actor=actor, agreement=agreement, due_on=due_on)
    return agreement


@transaction.atomic
def agreement_create(
    *,
    actor,
    enrolment: Enrolment,
    signed_on: date,
    published_url: str,
    deficit_at_signing: MoneyInput,
    total_contribution: MoneyInput,
    conditions: list[str],
    targets: list[tuple[FinancialYear, MoneyInput, MoneyInput]],
    instalments: list[tuple[date, MoneyInput]],
    first_report_due: date | None = None,
    report_count: int | None = None,
) -> Agreement:
    """Record a signed agreement with its conditions, targets, contribution instalments and report dates.

    Monitoring reports fall due every 3 months from `first_report_due` (by default 3 months after
    signing): `report_count` of them, or by default up to the end of the last target year.
    """
    access.require(actor, Permission.MANAGE_AGREEMENT, enrolment)
    enrolment = enrolment_locked(enrolment, SV_AGREEMENT)
    terms = agreement_terms_checked(
        signed_on=signed_on,
        published_url=published_url,
        deficit_at_signing=deficit_at_signing,
        total_contribution=total_contribution,
        conditions=conditions,
        targets=targets,
        instalments=instalments,
        first_report_due=first_report_due,
        report_count=report_count,
    )
    return _agreement_write(actor=actor, enrolment=enrolment, terms=terms)


# --- Monitoring reports ---------------------------------------------------------------------


def _lock_report(report: MonitoringReport) -> MonitoringReport:
    return (
        MonitoringReport.objects.select_for_update(of=("self",))
        .select_related(
            "agreement__enrolment__authority",
            "agreement__enrolment__cohort__programme",
            "agreement__enrolment__case_lead",
        )
        .get(pk=report.pk)
    )


def _refuse_if_submitted(report: MonitoringReport, *, verb: str) -> None:
    if report.submitted_at is not None:
        raise TransitionNotAllowed(
            f"The monitoring report due {report.due_on:%-d %B %Y} was submitted on "
            f"{timezone.localdate(report.submitted_at):%-d %B %Y}: a submitted report cannot be {verb}.",
            allowed=[] if report.assessed_at else ["assess"],
        )


@transaction.atomic
def monitoring_report_add(*, actor, agreement: Agreement, due_on: date) -> MonitoringReport:
    """Ask for one more monitoring report, due on `due_on`."""
    access.require(actor, Permission.MANAGE_AGREEMENT, agreement)
    agreement = Agreement.objects.select_related(
        "enrolment__authority", "enrolment__cohort__programme", "enrolment__case_lead"
    ).get(pk=agreement.pk)
    due_on = date_checked(due_on, label="due date", field="due_on")
    return _report_add(actor=actor, agreement=agreement, due_on=due_on)


@transaction.atomic
def monitoring_report_reschedule(*, actor, report: MonitoringReport, due_on: date) -> MonitoringReport:
    """Move a report that has not been submitted yet to a new due date; its deadline moves with it."""
    access.require(actor, Permission.MANAGE_AGREEMENT, report)
    report = _lock_report(report)
    _refuse_if_submitted(report, verb="rescheduled")
    due_on = date_checked(due_on, label="new due date", field="due_on")
    if report.agreement.monitoring_reports.filter(due_on=due_on).exclude(pk=report.pk).exists():
        raise DomainError(f"A monitoring report is already due on {due_on:%-d %B %Y}.", field="due_on")
    report.due_on = due_on
    save_as(actor, report)
    _report_deadline_sync(actor=actor, report=report, enrolment=report.agreement.enrolment)
    return report


@transaction.atomic
def monitoring_report_delete(*, actor, report: MonitoringReport) -> None:
    """Remove a report that has not been submitted, and its deadline."""
    access.require(actor, Permission.MANAGE_AGREEMENT, report)
    report = _lock_report(report)
    _refuse_if_submitted(report, verb="deleted")
    deadline_sync(
        source=report, kind=DeadlineKind.MONITORING_REPORT, title="", due_on=None, is_open=False, actor=actor
    )
    delete_as(actor, report)


@transaction.atomic
def monitoring_report_submit(
    *,
    actor,
    report: MonitoringReport,
    actual_in_year_balance: MoneyInput,
    actual_cumulative_balance: MoneyInput,
    narrative: str,
) -> MonitoringReport:
    """The authority's finance lead submits (or, until it is assessed, resubmits) the actual figures."""
    access.require(actor, Permission.SUBMIT_MONITORING_REPORT, report)
    report = _lock_report(report)
    if report.assessed_at is not None:
        raise TransitionNotAllowed(
            f"The monitoring report due {report.due_on:%-d %B %Y} was assessed on "
            f"{timezone.localdate(report.assessed_at):%-d %B %Y}: it can no longer be changed.",
            allowed=[],
        )
    narrative = (narrative or "").strip()
    if not narrative:
        raise DomainError("Write the narrative: what happened in the period and why.", field="narrative")
    report.actual_in_year_balance = money(
        actual_in_year_balance, label="actual in-year balance", field="actual_in_year_balance"
    )
    report.actual_cumulative_balance = money(
        actual_cumulative_balance, label="actual cumulative balance", field="actual_cumulative_balance"
    )
    report.narrative = narrative
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    save_as(actor, report)
    _report_deadline_sync(actor=actor, report=report, enrolment=report.agreement.enrolment)
    return report


@transaction.atomic
def monitoring_report_assess(
    *, actor, report: MonitoringReport, assessment: str, notes: str
) -> AssessmentOutcome:
    """DfE assesses a submitted report on track, at risk or off track (once).

    Off track puts the next scheduled instalment up for a withhold decision: it is returned, and
    its "instalment decision due" deadline is brought forward to OFF_TRACK_DECISION_DAYS after
    the assessment (or kept at its due date, if that is sooner).
    """
    access.require(actor, Permission.ASSESS_MONITORING_REPORT, report)
    report = _lock_report(report)
    if report.submitted_at is None:
        raise TransitionNotAllowed(
            f"The monitoring report due {report.due_on:%-d %B %Y} has not been submitted: only a submitted "
            "report can be assessed.",
            allowed=["submit"],
        )
    if report.assessed_at is not None:
        raise TransitionNotAllowed(
            f"The monitoring report due {report.due_on:%-d %B %Y} was already assessed "
            f"({report.get_assessment_display().lower()}).",
            allowed=[],
        )
    if assessment not in Assessment.values:
        choices = ", ".join(label.lower() for label in Assessment.labels)
        raise DomainError(f"Assess the report as one of: {choices}.", field="assessment")
    notes = (notes or "").strip()
    if assessment != Assessment.ON_TRACK and not notes:
        raise DomainError(
            f"Say why the report is {Assessment(assessment).label.lower()}: the authority and the instalment "
            "decision rely on it.",
            field="notes",
        )
    report.assessment = assessment
    report.assessment_notes = notes
    report.assessed_at = timezone.now()
    report.assessed_by = actor
    save_as(actor, report)

    agreement = Agreement.objects.get(pk=report.agreement_id)
    grant = Grant.objects.filter(agreement=agreement).first()
    if grant is None:
        return AssessmentOutcome(report=report, instalment_for_decision=None)
    payment_deadlines_sync(actor=actor, grant=grant)
    review = off_track_review(agreement)
    flagged = review.payment if review and review.report.pk == report.pk else None
    return AssessmentOutcome(report=report, instalment_for_decision=flagged)


# --- Variations and corrections ---------------------------------------------------------------


def _condition_changes(agreement: Agreement, texts: list[str]) -> tuple[list[str], list]:
    """The lines saying what changes, and the writes that make it so, for the new condition texts."""
    current = {condition.number: condition for condition in agreement.conditions.all()}
    lines, writes = [], []
    for number, text in enumerate(texts, start=1):
        condition = current.get(number)
        if condition is None:
            lines.append(f"Condition {number} added: “{text}”")
            writes.append(("save", AgreementCondition(agreement=agreement, number=number, text=text)))
        elif condition.text != text:
            lines.append(f"Condition {number} changed from “{condition.text}” to “{text}”")
            condition.text = text
            writes.append(("save", condition))
    for number in sorted(current):
        if number > len(texts):
            lines.append(f"Condition {number} removed: “{current[number].text}”")
            writes.append(("delete", current[number]))
    return lines, writes


def _target_changes(agreement: Agreement, rows: list[Target]) -> tuple[list[str], list]:
    current = {target.financial_year: target for target in agreement.targets.all()}
    lines, writes = [], []
    wanted = {year for year, _, _ in rows}
    for year, in_year, cumulative in rows:
        target = current.get(year)
        if target is None:
            lines.append(
                f"Target for {year} added: in-year balance {pounds(in_year)}, cumulative balance {pounds(cumulative)}"
            )
            writes.append(
                (
                    "save",
                    AgreementTarget(
                        agreement=agreement,
                        financial_year=year,
                        in_year_balance=in_year,
                        cumulative_balance=cumulative,
                    ),
                )
            )
            continue
        moved = []
        if target.in_year_balance != in_year:
            moved.append(f"in-year balance from {pounds(target.in_year_balance)} to {pounds(in_year)}")
        if target.cumulative_balance != cumulative:
            moved.append(
                f"cumulative balance from {pounds(target.cumulative_balance)} to {pounds(cumulative)}"
            )
        if moved:
            lines.append(f"Target for {year} changed: " + "; ".join(moved))
            target.in_year_balance, target.cumulative_balance = in_year, cumulative
            writes.append(("save", target))
    for year in sorted(current):
        if year not in wanted:
            lines.append(f"Target for {year} removed")
            writes.append(("delete", current[year]))
    return lines, writes


def decided_instalments(agreement: Agreement) -> list[Payment]:
    """The instalments already released or withheld: a variation cannot change them."""
    return [
        payment for payment in agreement_instalments(agreement) if payment.status != PaymentStatus.SCHEDULED
    ]


def scheduled_instalments(agreement: Agreement) -> list[Payment]:
    """The instalments still waiting for a decision, in number order: a variation may change these."""
    return [
        payment for payment in agreement_instalments(agreement) if payment.status == PaymentStatus.SCHEDULED
    ]


def _instalment_changes(agreement: Agreement, schedule: list[tuple[date, Decimal]]) -> tuple[list[str], list]:
    """Match the new schedule, in date order, to the scheduled instalments in number order."""
    scheduled = scheduled_instalments(agreement)
    next_number = max((payment.number for payment in agreement_instalments(agreement)), default=0) + 1
    lines, writes = [], []
    for position, (due_on, amount) in enumerate(schedule):
        if position < len(scheduled):
            payment = scheduled[position]
            if (payment.due_on, payment.amount) == (due_on, amount):
                continue
            lines.append(
                f"Instalment {payment.number} changed from {pounds(payment.amount)} due {payment.due_on:%-d %B %Y} "
                f"to {pounds(amount)} due {due_on:%-d %B %Y}"
            )
            payment.due_on, payment.amount = due_on, amount
            payment.financial_year = FinancialYear.containing(due_on)
            writes.append(("save", payment))
        else:
            payment = Payment(
                grant=agreement.contribution,
                number=next_number,
                due_on=due_on,
                financial_year=FinancialYear.containing(due_on),
                amount=amount,
            )
            next_number += 1
            lines.append(f"Instalment {payment.number} added: {pounds(amount)} due {due_on:%-d %B %Y}")
            writes.append(("save", payment))
    for payment in scheduled[len(schedule) :]:
        lines.append(
            f"Instalment {payment.number} removed: {pounds(payment.amount)} due {payment.due_on:%-d %B %Y}"
        )
        writes.append(("delete", payment))
    return lines, writes


@dataclass(frozen=True)
class VariationProposal:
    """A variation once checked, before it is written: what it changes, line by line."""

    varied_on: date
    reason: str
    lines: list[str]
    writes: list


def _agreement_locked(agreement: Agreement) -> Agreement:
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    return (
        Agreement.objects.select_related(
            "enrolment__authority", "enrolment__cohort__programme", "enrolment__case_lead", "contribution"
        )
        .prefetch_related("conditions", "targets", "contribution__payments")
        .get(pk=agreement.pk)
    )


def agreement_variation_checked(
    *,
    agreement: Agreement,
    varied_on: date,
    reason: str,
    conditions: list[str],
    targets: list[tuple[FinancialYear, MoneyInput, MoneyInput]],
    instalments: list[tuple[date, MoneyInput]],
) -> VariationProposal:
    """The agreement's new terms checked as its first terms were, and what they change: refused when nothing does.

    The instalments given are the ones still scheduled; with those already released or withheld they
    must add up to the total DfE contribution exactly.
    """
    varied_on = date_checked(varied_on, label="date of the variation", field="varied_on")
    if varied_on < agreement.signed_on:
        raise DomainError(
            f"The variation is dated {varied_on:%-d %B %Y}, before the agreement was signed "
            f"({agreement.signed_on:%-d %B %Y}).",
            field="varied_on",
        )
    if varied_on > timezone.localdate():
        raise DomainError(
            f"The variation is dated {varied_on:%-d %B %Y}, in the future: record it once it is agreed.",
            field="varied_on",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for the variation: it is kept with the agreement.", field="reason")
    texts = _conditions_checked(conditions)
    rows = _targets_checked(targets, signed_on=agreement.signed_on)
    decided = decided_instalments(agreement)
    decided_total = sum((payment.amount for payment in decided), Decimal("0.00"))
    remaining = agreement.total_contribution - decided_total
    if remaining == 0 and not list(instalments):
        schedule = []
    else:
        schedule = instalments_checked(
            instalments,
            total=remaining,
            total_label=(
                "total DfE contribution less the instalments already decided"
                if decided
                else "total DfE contribution"
            ),
            not_before=agreement.signed_on,
        )
    lines, writes = [], []
    for changed, written in (
        _condition_changes(agreement, texts),
        _target_changes(agreement, rows),
        _instalment_changes(agreement, schedule),
    ):
        lines += changed
        writes += written
    if not lines:
        raise DomainError(
            "Nothing in the conditions, targets or instalments has changed: change at least one term to record a "
            "variation."
        )
    return VariationProposal(varied_on=varied_on, reason=reason, lines=lines, writes=writes)


@transaction.atomic
def agreement_vary(
    *,
    actor,
    agreement: Agreement,
    varied_on: date,
    reason: str,
    conditions: list[str],
    targets: list[tuple[FinancialYear, MoneyInput, MoneyInput]],
    instalments: list[tuple[date, MoneyInput]],
) -> AgreementVariation:
    """Record a variation of a signed agreement: its new conditions, targets and scheduled instalments.

    Each is given in full, as it stands after the variation (unchanged ones as they were). The
    agreement then holds the new terms, and the numbered variation says what changed, when and why.
    """
    access.require(actor, Permission.MANAGE_AGREEMENT, agreement)
    agreement = _agreement_locked(agreement)
    proposal = agreement_variation_checked(
        agreement=agreement,
        varied_on=varied_on,
        reason=reason,
        conditions=conditions,
        targets=targets,
        instalments=instalments,
    )
    # Deletions first, so that a number or year freed by one is free for the next.
    for action, record in sorted(proposal.writes, key=lambda write: write[0] != "delete"):
        if action == "delete":
            if isinstance(record, Payment):
                deadline_sync(
                    source=record,
                    kind=DeadlineKind.INSTALMENT_DECISION,
                    title="",
                    due_on=None,
                    is_open=False,
                    actor=actor,
                )
            delete_as(actor, record)
        else:
            record.full_clean(validate_unique=False)
            save_as(actor, record)
    payment_deadlines_sync(actor=actor, grant=agreement.contribution)
    number = (agreement.variations.aggregate(last=Max("number"))["last"] or 0) + 1
    variation = AgreementVariation(
        agreement=agreement,
        number=number,
        varied_on=proposal.varied_on,
        reason=proposal.reason,
        changes="\n".join(proposal.lines),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    variation.full_clean()
    save_as(actor, variation)
    return variation


@transaction.atomic
def agreement_details_correct(
    *, actor, agreement: Agreement, signed_on: date, published_url: str, deficit_at_signing: MoneyInput
) -> Agreement:
    """Correct what was recorded of the agreement as signed (its date, published address, deficit at signing).

    A correction puts right what the record got wrong; a change of terms is a variation. Kept in history.
    """
    access.require(actor, Permission.MANAGE_AGREEMENT, agreement)
    agreement = _agreement_locked(agreement)
    signed_on = date_checked(signed_on, label="date the agreement was signed", field="signed_on")
    if signed_on > timezone.localdate():
        raise DomainError(
            f"The signing date ({signed_on:%-d %B %Y}) is in the future: give the date it was signed.",
            field="signed_on",
        )
    deficit = positive_money(deficit_at_signing, label="deficit at signing", field="deficit_at_signing")
    if agreement.total_contribution > deficit:
        raise DomainError(
            f"The deficit at signing ({pounds(deficit)}) is less than the total DfE contribution "
            f"({pounds(agreement.total_contribution)}): DfE pays towards the deficit, not beyond it.",
            field="deficit_at_signing",
        )
    first_target = min((target.financial_year for target in agreement.targets.all()), default=None)
    if first_target is not None and first_target < FinancialYear.containing(signed_on):
        raise DomainError(
            f"The targets start in {first_target}, before a signing on {signed_on:%-d %B %Y}: vary the targets "
            "first, or give the right date.",
            field="signed_on",
        )
    first_instalment = min((payment.due_on for payment in agreement_instalments(agreement)), default=None)
    if first_instalment is not None and first_instalment < signed_on:
        raise DomainError(
            f"Instalment 1 is due on {first_instalment:%-d %B %Y}, before a signing on {signed_on:%-d %B %Y}.",
            field="signed_on",
        )
    agreement.signed_on = signed_on
    agreement.published_url = _published_url_checked(published_url)
    agreement.deficit_at_signing = deficit
    agreement.full_clean()
    save_as(actor, agreement)
    grant = agreement.contribution
    if grant.awarded_on != signed_on:
        grant.awarded_on = signed_on
        grant.financial_year = FinancialYear.containing(signed_on)
        save_as(actor, grant)
    return agreement
