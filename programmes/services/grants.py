"""Grants and their payments (SPEC §4.6): the only way a grant is awarded or a payment decided.

Rules enforced here:
- money is exact: a Decimal (or int, or text), never a float, and never more than 2 decimal places;
- a grant's payments add up exactly to the amount awarded (the refusal says by how much they differ);
- a payment is decided once, by a DfE official, from scheduled to released or withheld, with a
  reason; releasing a Safety Valve instalment while the agreement's latest assessed monitoring
  report is off track needs an override reason as well;
- a DBV implementation grant goes to an open DBV enrolment whose Diagnostic has "Grant application
  submitted" complete, once per enrolment, and completes "Grant awarded; implementation started"
  (through the Diagnostic service) on the award date;
- every scheduled payment has an "instalment decision due" deadline, closed once it is decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deadlines.models import DeadlineKind
from deadlines.services import deadline_sync
from portal import access
from portal.access import Permission
from portal.errors import DomainError, TransitionNotAllowed
from portal.financial_year import FinancialYear
from portal.history import save_as
from portal.money import MoneyError, format_pounds, parse_money

from ..models import (
    OPEN_STATUSES,
    DiagnosticStage,
    Enrolment,
    Grant,
    GrantKind,
    Payment,
    PaymentStatus,
    ProgrammeCode,
    StageStatus,
)
from ..selectors.agreement import off_track_review
from .diagnostic import diagnostic_stage_update

# An amount as given: a Decimal, whole pounds, or text such as "1250000.00" (never a float).
MoneyInput = Decimal | int | str

APPLICATION_SUBMITTED_STAGE = 11
GRANT_AWARDED_STAGE = 12


# --- Money ----------------------------------------------------------------------------------


def pounds(amount: Decimal) -> str:
    """£1,250,000.00, with a minus sign for a negative amount (a deficit)."""
    return format_pounds(amount)


def money(value: MoneyInput, *, label: str, field: str | None = None) -> Decimal:
    """`value` as exact pounds and pence (portal.money.parse_money), or a DomainError naming the amount."""
    try:
        return parse_money(value)
    except MoneyError as error:
        raise DomainError(f"{label[:1].upper()}{label[1:]}: {error.message}", field=field) from None


def positive_money(value: MoneyInput, *, label: str, field: str | None = None) -> Decimal:
    amount = money(value, label=label, field=field)
    if amount <= 0:
        raise DomainError(f"The {label} must be more than £0 (it is {pounds(amount)}).", field=field)
    return amount


def date_checked(value, *, label: str, field: str) -> date:
    # A datetime is a date too, in Python; a due date is a day, so refuse one.
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise DomainError(f"Give the {label} as a date.", field=field)
    return value


# --- The enrolment a grant is written for ---------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Which enrolments may have a grant (or an agreement) written for them, and how each refusal ends."""

    programme: str  # a ProgrammeCode
    programme_label: str  # as a refusal names it: "DBV", "Safety Valve"
    statuses: tuple[str, ...]
    has_one: Callable[[Enrolment], bool]  # the enrolment already has what is being written
    wrong_programme: str
    wrong_status: str
    already: str


def enrolment_locked(enrolment: Enrolment, eligibility: Eligibility) -> Enrolment:
    """The enrolment, locked for this transaction, once it is checked against `eligibility`.

    Locking the enrolment keeps two writes made at the same moment from both succeeding.
    """
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("authority", "cohort__programme", "case_lead")
        .get(pk=enrolment.pk)
    )
    label = enrolment.authority.label
    if enrolment.cohort.programme.code != eligibility.programme:
        raise DomainError(
            f"{label}'s enrolment is in {enrolment.cohort.programme.name}: {eligibility.wrong_programme}",
            field="enrolment",
        )
    if enrolment.status not in eligibility.statuses:
        raise DomainError(
            f"{label}'s {eligibility.programme_label} enrolment is {enrolment.get_status_display().lower()}: "
            f"{eligibility.wrong_status}",
            field="enrolment",
        )
    if eligibility.has_one(enrolment):
        raise DomainError(f"{label} already has {eligibility.already}.", field="enrolment")
    return enrolment


# --- Payment schedules ----------------------------------------------------------------------


def instalments_checked(
    instalments: Iterable[tuple[date, MoneyInput]], *, total: Decimal, total_label: str, not_before: date
) -> list[tuple[date, Decimal]]:
    """The instalments in due-date order, each a (due_on, amount), refused unless they add up exactly to `total`."""
    schedule = []
    for position, instalment in enumerate(instalments, start=1):
        try:
            due_on, amount = instalment
        except (TypeError, ValueError) as error:
            raise DomainError(
                f"Instalment {position} must be a due date and an amount.", field="instalments"
            ) from error
        due_on = date_checked(due_on, label=f"due date of instalment {position}", field="instalments")
        amount = positive_money(amount, label=f"amount of instalment {position}", field="instalments")
        if due_on < not_before:
            raise DomainError(
                f"Instalment {position} is due on {due_on:%-d %B %Y}, before the grant was awarded "
                f"({not_before:%-d %B %Y}).",
                field="instalments",
            )
        schedule.append((due_on, amount))
    if not schedule:
        raise DomainError("Give at least one instalment (a due date and an amount).", field="instalments")
    scheduled = sum((amount for _, amount in schedule), Decimal("0.00"))
    difference = total - scheduled
    if difference:
        direction = "less" if difference > 0 else "more"
        raise DomainError(
            f"The instalments add up to {pounds(scheduled)}, {pounds(abs(difference))} {direction} than the "
            f"{total_label} of {pounds(total)}: they must add up to it exactly.",
            field="instalments",
        )
    return sorted(schedule, key=lambda instalment: instalment[0])


def payments_schedule(*, actor, grant: Grant, schedule: list[tuple[date, Decimal]]) -> list[Payment]:
    """Create the grant's payments, numbered 1..n in due-date order, each with its decision deadline."""
    payments = []
    for number, (due_on, amount) in enumerate(schedule, start=1):
        payment = Payment(
            grant=grant,
            number=number,
            due_on=due_on,
            financial_year=FinancialYear.containing(due_on),
            amount=amount,
        )
        payment.full_clean()
        save_as(actor, payment)
        payments.append(payment)
    payment_deadlines_sync(actor=actor, grant=grant)
    return payments


# --- Instalment decision deadlines ----------------------------------------------------------


def grant_with_payments(
    *,
    actor,
    enrolment: Enrolment,
    kind: str,
    amount: Decimal,
    awarded_on: date,
    schedule: list[tuple[date, Decimal]],
    agreement=None,
) -> Grant:
    """Record a grant and its scheduled payments (already checked to sum to the amount)."""
    grant = Grant(
        enrolment=enrolment,
        kind=kind,
        agreement=agreement,
        amount=amount,
        awarded_on=awarded_on,
        financial_year=FinancialYear.containing(awarded_on),
        awarded_by=actor,
    )
    grant.full_clean()
    save_as(actor, grant)
    payments_schedule(actor=actor, grant=grant, schedule=schedule)
    return grant


def payment_deadlines_sync(*, actor, grant: Grant) -> None:
    """Keep every payment's "instalment decision due" deadline in step with the payment.

    A scheduled payment's decision is due on its due date; the instalment an off-track monitoring
    report puts up for a withhold decision is due sooner (see selectors.agreement.off_track_review).
    A decided payment's deadline is closed.
    """
    grant = Grant.objects.select_related(
        "enrolment__authority", "enrolment__cohort__programme", "awarded_by"
    ).get(pk=grant.pk)
    review = off_track_review(grant.agreement) if grant.agreement_id else None
    responsible = grant.enrolment.responsible_official
    # Without a case lead or programme lead, the official who awarded the grant owns its decisions.
    owner = responsible or (grant.awarded_by if access.is_dfe(grant.awarded_by) else None)
    authority = grant.enrolment.authority
    for payment in grant.payments.order_by("number"):
        due_on = payment.due_on
        instalment = f"instalment {payment.number} ({pounds(payment.amount)})"
        title = f"Decide {instalment} of the {grant.get_kind_display()}: {authority.label}"
        if review and review.payment and review.payment.pk == payment.pk:
            due_on = min(due_on, review.decide_by)
            title = (
                f"Withhold or release {instalment}: {authority.label}'s monitoring report due "
                f"{review.report.due_on:%-d %B %Y} was assessed off track"
            )
        deadline_sync(
            source=payment,
            kind=DeadlineKind.INSTALMENT_DECISION,
            title=title,
            due_on=due_on,
            is_open=payment.status == PaymentStatus.SCHEDULED,
            actor=actor,
            authority=authority,
            owner=owner,
            responsible=responsible,
        )


# --- Decisions ------------------------------------------------------------------------------


def _lock_scheduled(payment: Payment, *, verb: str) -> Payment:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("grant__enrolment__authority", "grant__agreement", "decided_by")
        .get(pk=payment.pk)
    )
    if payment.status != PaymentStatus.SCHEDULED:
        decided = f" on {timezone.localdate(payment.decided_at):%-d %B %Y}" if payment.decided_at else ""
        raise TransitionNotAllowed(
            f"Payment {payment.number} was already {payment.get_status_display().lower()}{decided}: "
            f"only a scheduled payment can be {verb}.",
            allowed=[],
        )
    return payment


def _reason(reason: str, *, message: str, field: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(message, field=field)
    return reason


def _decide(*, actor, payment: Payment, status: str, reason: str, override_reason: str = "") -> Payment:
    payment.status = status
    payment.decided_by = actor
    payment.decided_at = timezone.now()
    payment.decision_reason = reason
    payment.override_reason = override_reason
    save_as(actor, payment)
    payment_deadlines_sync(actor=actor, grant=payment.grant)
    return payment


def release_override_checked(payment: Payment, override_reason: str) -> str:
    """The override reason, refused when it is missing and the agreement's latest report was assessed off track.

    Run by payment_release, and by the decision page before its check page, so the refusal shows there.
    """
    override_reason = (override_reason or "").strip()
    review = off_track_review(payment.grant.agreement) if payment.grant.agreement_id else None
    if review and not override_reason:
        raise DomainError(
            f"The latest monitoring report (due {review.report.due_on:%-d %B %Y}) was assessed off track: "
            "give an override reason to release this payment anyway, or withhold it.",
            field="override_reason",
        )
    return override_reason


@transaction.atomic
def payment_release(*, actor, payment: Payment, reason: str, override_reason: str = "") -> Payment:
    """Release a scheduled payment. After an off-track assessment, only with an override reason."""
    access.require(actor, Permission.DECIDE_PAYMENT, payment)
    payment = _lock_scheduled(payment, verb="released")
    reason = _reason(reason, message="Give the reason for releasing this payment.", field="reason")
    override_reason = release_override_checked(payment, override_reason)
    return _decide(
        actor=actor,
        payment=payment,
        status=PaymentStatus.RELEASED,
        reason=reason,
        override_reason=override_reason,
    )


@transaction.atomic
def payment_withhold(*, actor, payment: Payment, reason: str) -> Payment:
    """Withhold a scheduled payment, saying why (the condition or target not met)."""
    access.require(actor, Permission.DECIDE_PAYMENT, payment)
    payment = _lock_scheduled(payment, verb="withheld")
    reason = _reason(reason, message="Give the reason for withholding this payment.", field="reason")
    return _decide(actor=actor, payment=payment, status=PaymentStatus.WITHHELD, reason=reason)


@transaction.atomic
def payment_reschedule(*, actor, payment: Payment, due_on: date) -> Payment:
    """Move a scheduled payment's due date (and so its financial year and its decision deadline)."""
    access.require(actor, Permission.DECIDE_PAYMENT, payment)
    payment = _lock_scheduled(payment, verb="rescheduled")
    due_on = date_checked(due_on, label="new due date", field="due_on")
    if due_on < payment.grant.awarded_on:
        raise DomainError(
            f"A payment cannot fall due before its grant was awarded ({payment.grant.awarded_on:%-d %B %Y}).",
            field="due_on",
        )
    payment.due_on = due_on
    payment.financial_year = FinancialYear.containing(due_on)
    save_as(actor, payment)
    payment_deadlines_sync(actor=actor, grant=payment.grant)
    return payment


# --- DBV implementation grants --------------------------------------------------------------


def _stage(enrolment: Enrolment, number: int) -> DiagnosticStage | None:
    return (
        DiagnosticStage.objects.select_related("definition")
        .filter(diagnostic__enrolment=enrolment, definition__number=number)
        .first()
    )


DBV_GRANT = Eligibility(
    programme=ProgrammeCode.DBV,
    programme_label="DBV",
    statuses=OPEN_STATUSES,
    has_one=lambda enrolment: Grant.objects.filter(
        enrolment=enrolment, kind=GrantKind.DBV_IMPLEMENTATION
    ).exists(),
    wrong_programme="DBV implementation grants go to DBV enrolments only.",
    wrong_status="a grant goes only to an open enrolment (invited, accepted or active).",
    already="a DBV implementation grant",
)


@transaction.atomic
def dbv_grant_award(
    *,
    actor,
    enrolment: Enrolment,
    amount: MoneyInput,
    awarded_on: date,
    payments: list[tuple[date, MoneyInput]],
) -> Grant:
    """Award a DBV implementation grant at the end of the Diagnostic, with its payment schedule."""
    access.require(actor, Permission.AWARD_GRANT, enrolment)
    enrolment = enrolment_locked(enrolment, DBV_GRANT)
    label = enrolment.authority.label
    application = _stage(enrolment, APPLICATION_SUBMITTED_STAGE)
    if application is None or application.status != StageStatus.COMPLETE:
        name = application.definition.name if application else "Grant application submitted"
        status = application.get_status_display().lower() if application else "missing"
        raise DomainError(
            f"{label}'s Diagnostic stage {APPLICATION_SUBMITTED_STAGE} “{name}” is {status}: a grant can be "
            "awarded only once it is complete.",
            field="enrolment",
        )
    awarded_on = date_checked(awarded_on, label="award date", field="awarded_on")
    if awarded_on > timezone.localdate():
        raise DomainError(
            f"The award date ({awarded_on:%-d %B %Y}) is in the future: record an award once it is made.",
            field="awarded_on",
        )
    if awarded_on < application.actual_date:
        raise DomainError(
            f"The award date ({awarded_on:%-d %B %Y}) is before the grant application was submitted "
            f"({application.actual_date:%-d %B %Y}).",
            field="awarded_on",
        )
    amount = positive_money(amount, label="grant amount", field="amount")
    schedule = instalments_checked(payments, total=amount, total_label="grant amount", not_before=awarded_on)
    grant = grant_with_payments(
        actor=actor,
        enrolment=enrolment,
        kind=GrantKind.DBV_IMPLEMENTATION,
        amount=amount,
        awarded_on=awarded_on,
        schedule=schedule,
    )
    # The Diagnostic service logs the stage, and closes its deadline, as it does for every stage.
    diagnostic_stage_update(
        actor=actor,
        stage=_stage(enrolment, GRANT_AWARDED_STAGE),
        status=StageStatus.COMPLETE,
        actual_date=awarded_on,
    )
    return grant
