"""ESFA track (SPEC §4.7, §4.8): each ESFA authority's DSG management plan, and DfE's review of it.

- The authority's finance lead submits the plan (a document, checked by portal.uploads) with its
  headline forecast for exactly the next three financial years after the current one, while the
  authority's ESFA enrolment is open. Every submission is kept.
- A DfE official reviews a plan: accepted, or revisions needed (which needs notes saying what, and a
  date by which to review again). The next review date is a deadline (PLAN_REVIEW), owned by the
  enrolment's case lead, else the programme's lead official, else the official who set the date. A
  later review moves it; a review with no next date removes it. An enrolment has one review pending:
  a review closes the deadlines that earlier reviews of its other plans set, and so does the
  enrolment closing (`management_plan_follow_enrolment`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deadlines.models import DeadlineKind
from deadlines.services import deadline_sync
from portal import access
from portal.access import Permission, is_dfe
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from portal.history import save_as
from portal.money import MoneyError, parse_money
from portal.uploads import check_upload

from ..models import (
    Enrolment,
    ManagementPlan,
    ManagementPlanForecast,
    ProgrammeCode,
    ReviewOutcome,
)

FORECAST_YEARS = 3

Forecast = tuple[FinancialYear | str, Decimal | int | str, Decimal | int | str]


def plan_years(today: date | None = None) -> list[FinancialYear]:
    """The financial years a plan submitted `today` forecasts: the three after the current one."""
    current = FinancialYear.containing(today or timezone.localdate())
    return [current + offset for offset in range(1, FORECAST_YEARS + 1)]


def _money(value, *, field: str, what: str) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as error:
        raise DomainError(f"{what[:1].upper()}{what[1:]}: {error.message}", field=field) from None


def _year(value) -> FinancialYear:
    try:
        return FinancialYear.parse(value)
    except ValueError as wrong:
        raise DomainError(str(wrong), field="forecasts") from wrong


def _checked_forecasts(forecasts: Iterable[Forecast]) -> list[tuple[FinancialYear, Decimal, Decimal]]:
    expected = plan_years()
    wanted = ", ".join(str(year) for year in expected)
    checked: dict[FinancialYear, tuple[Decimal, Decimal]] = {}
    for entry in forecasts:
        try:
            raw_year, in_year, cumulative = entry
        except (TypeError, ValueError) as wrong:
            raise DomainError(
                "Give each forecast as a financial year, an in-year balance and a cumulative balance.",
                field="forecasts",
            ) from wrong
        year = _year(raw_year)
        if year not in expected:
            raise DomainError(f"The plan forecasts {wanted}: {year} is not one of them.", field="forecasts")
        if year in checked:
            raise DomainError(f"{year} is forecast twice: give each year once.", field="forecasts")
        checked[year] = (
            _money(in_year, field=f"in_year_balance_{year}", what=f"forecast in-year balance for {year}"),
            _money(
                cumulative, field=f"cumulative_balance_{year}", what=f"forecast cumulative balance for {year}"
            ),
        )
    missing = [str(year) for year in expected if year not in checked]
    if missing:
        raise DomainError(
            f"The plan forecasts the next three financial years, {wanted}: {', '.join(missing)} is missing.",
            field="forecasts",
        )
    return [(year, *checked[year]) for year in expected]


def _check_esfa_and_open(enrolment: Enrolment) -> None:
    if enrolment.cohort.programme.code != ProgrammeCode.ESFA:
        raise DomainError(
            "DSG management plans are submitted here by authorities in the ESFA programme only: "
            f"{enrolment.authority.label} is in {enrolment.cohort.programme.name}.",
            field="enrolment",
        )
    if not enrolment.is_open:
        raise DomainError(
            f"{enrolment.authority.label}'s ESFA enrolment is {enrolment.get_status_display().lower()}, "
            "so it takes no more plans.",
            field="enrolment",
        )


@transaction.atomic
def management_plan_submit(
    *, actor, enrolment: Enrolment, file, forecasts: Iterable[Forecast]
) -> ManagementPlan:
    """Record an authority's DSG management plan: the document and its forecast for the next three years."""
    access.require(actor, Permission.SUBMIT_MANAGEMENT_PLAN, enrolment)
    enrolment = Enrolment.objects.select_related("authority", "cohort__programme").get(pk=enrolment.pk)
    _check_esfa_and_open(enrolment)
    check_upload(file)
    checked = _checked_forecasts(forecasts)
    plan = ManagementPlan(enrolment=enrolment, file=file, submitted_by=actor, submitted_at=timezone.now())
    plan.full_clean(exclude=["file"])
    save_as(actor, plan)
    for year, in_year, cumulative in checked:
        forecast = ManagementPlanForecast(
            plan=plan, financial_year=year, in_year_balance=in_year, cumulative_balance=cumulative
        )
        save_as(actor, forecast)
    return plan


def _review_owner(enrolment: Enrolment, actor):
    return enrolment.responsible_official or (actor if is_dfe(actor) else None)


def _sync_review_deadline(plan: ManagementPlan, *, actor, is_open: bool = True) -> None:
    enrolment = plan.enrolment
    deadline_sync(
        source=plan,
        kind=DeadlineKind.PLAN_REVIEW,
        title=f"Review {enrolment.authority.name}'s DSG management plan",
        due_on=plan.next_review_on,
        is_open=is_open,
        actor=actor,
        authority=enrolment.authority,
        owner=_review_owner(enrolment, actor),
        responsible=enrolment.cohort.programme.lead_official,
    )


@transaction.atomic
def management_plan_review(
    *, actor, plan: ManagementPlan, outcome: str, notes: str = "", next_review_on: date | None = None
) -> ManagementPlan:
    """Record DfE's review of a plan and keep the next review date's deadline in step."""
    access.require(actor, Permission.REVIEW_MANAGEMENT_PLAN, plan)
    plan = (
        ManagementPlan.objects.select_for_update(of=("self",))
        .select_related("enrolment__authority", "enrolment__cohort__programme")
        .get(pk=plan.pk)
    )
    if outcome not in ReviewOutcome.values:
        raise DomainError("Choose whether the plan is accepted or needs revisions.", field="outcome")
    notes = (notes or "").strip()
    today = timezone.localdate()
    if outcome == ReviewOutcome.REVISIONS_NEEDED and not notes:
        raise DomainError("Say what the plan needs revised.", field="notes")
    if outcome == ReviewOutcome.REVISIONS_NEEDED and next_review_on is None:
        raise DomainError("Give the date by which to review the revised plan.", field="next_review_on")
    if next_review_on is not None and next_review_on <= today:
        raise DomainError("The next review date must be in the future.", field="next_review_on")
    if next_review_on is not None and not plan.enrolment.is_open:
        raise DomainError(
            f"{plan.enrolment.authority.label}'s ESFA enrolment is closed, so there is no next review to set.",
            field="next_review_on",
        )
    plan.review_outcome = outcome
    plan.review_notes = notes
    plan.next_review_on = next_review_on
    plan.reviewed_by = actor
    plan.reviewed_at = timezone.now()
    save_as(actor, plan)
    _sync_review_deadline(plan, actor=actor)
    # This review is the one pending now: a review date set on another of the enrolment's plans is met.
    for earlier in (
        ManagementPlan.objects.filter(enrolment=plan.enrolment, deadlines__closed_at__isnull=True)
        .exclude(pk=plan.pk)
        .select_related("enrolment__authority", "enrolment__cohort__programme")
        .distinct()
    ):
        _sync_review_deadline(earlier, actor=actor, is_open=False)
    return plan


def management_plan_follow_enrolment(*, enrolment: Enrolment, actor) -> None:
    """Close the pending plan review of an enrolment that has closed (completed, withdrawn): none is due now.

    For programmes.services.enrolment to call after every transition; it does nothing to an open enrolment.
    """
    if enrolment.is_open:
        return
    for plan in (
        ManagementPlan.objects.filter(enrolment=enrolment, deadlines__closed_at__isnull=True)
        .select_related("enrolment__authority", "enrolment__cohort__programme")
        .distinct()
    ):
        _sync_review_deadline(plan, actor=actor, is_open=False)
