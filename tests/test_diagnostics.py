"""DBV Diagnostics (SPEC §4.4, §4.8): stages following the enrolment, progress rules, deadlines, the
programme view and its scoping, and training feedback."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deadlines.models import Deadline, DeadlineKind, OwnerGroup
from portal.errors import DomainError
from portal.roles import DeliveryPartner
from programmes.factories import dbv_enrolment, esfa_enrolment
from programmes.models import (
    Diagnostic,
    DiagnosticStage,
    EngagementKind,
    Enrolment,
    EnrolmentStatus,
    PartnerAssignment,
    StageStatus,
    StakeholderEngagement,
    TrainingSession,
)
from programmes.selectors.diagnostic import dbv_matrix, diagnostics_planned_late, training_feedback_share
from programmes.services.diagnostic import (
    diagnostic_plan,
    diagnostic_stage_update,
    engagement_log,
    training_session_log,
)
from programmes.services.enrolment import enrolment_transition

pytestmark = pytest.mark.django_db

DUE_BY = date(2023, 12, 31)
TRANCHE_SIZES = {1: 20, 2: 20, 3: 15}


# --- Helpers --------------------------------------------------------------------------------


def _dbv_diagnostics():
    return Diagnostic.objects.filter(enrolment__cohort__programme__code="DBV")


def _stage(diagnostic: Diagnostic, number: int) -> DiagnosticStage:
    return diagnostic.stages.get(definition__number=number)


def _deadline_of(stage: DiagnosticStage) -> Deadline | None:
    return Deadline.objects.filter(source_id=stage.pk, kind=DeadlineKind.DIAGNOSTIC_STAGE).first()


def _withdraw(enrolment: Enrolment, *, actor) -> Enrolment:
    return enrolment_transition(
        actor=actor, enrolment=enrolment, transition="withdraw", reason="Test: frees a place"
    )


@pytest.fixture
def fresh(dfe_official) -> Enrolment:
    """A DBV tranche 1 enrolment just invited (in a place a reference one left), assigned to Newton and
    CIPFA, whose Diagnostic nobody has logged anything on."""
    return dbv_enrolment(tranche=1, actor=dfe_official)


@pytest.fixture
def kensington(db) -> Diagnostic:
    """The reference Diagnostic of Kensington and Chelsea (207), the `finance_lead` fixture's authority."""
    return Diagnostic.objects.get(
        enrolment__authority__la_code="207", enrolment__cohort__programme__code="DBV"
    )


@pytest.fixture
def newham(db) -> Diagnostic:
    """The reference Diagnostic of Newham (316), DBV tranche 2: not the `finance_lead` fixture's."""
    return Diagnostic.objects.get(
        enrolment__authority__la_code="316", enrolment__cohort__programme__code="DBV"
    )


# --- Opening and following the enrolment ----------------------------------------------------


def test_every_reference_dbv_enrolment_has_a_diagnostic_with_its_12_stages_in_order():
    enrolments = Enrolment.objects.filter(cohort__programme__code="DBV").exclude(
        status=EnrolmentStatus.REPLACED
    )
    assert enrolments.count() >= 55
    assert not enrolments.filter(diagnostic__isnull=True).exists()
    for diagnostic in _dbv_diagnostics().prefetch_related("stages__definition"):
        assert [stage.definition.number for stage in diagnostic.stages.all()] == list(range(1, 13))


def test_inviting_a_dbv_authority_opens_its_diagnostic_with_every_stage_not_started(fresh):
    diagnostic = fresh.diagnostic
    assert diagnostic.is_open
    assert diagnostic.planned_completion is None
    assert list(diagnostic.stages.values_list("definition__number", "status", "actual_date")) == [
        (number, StageStatus.NOT_STARTED, None) for number in range(1, 13)
    ]


def test_an_esfa_enrolment_has_no_diagnostic(dfe_official):
    enrolment = esfa_enrolment(actor=dfe_official)
    assert not Diagnostic.objects.filter(enrolment=enrolment).exists()


@time_machine.travel(date(2023, 2, 14), tick=False)
def test_accepting_the_enrolment_completes_opted_in_with_todays_date(fresh, dfe_official):
    enrolment_transition(actor=dfe_official, enrolment=fresh, transition="accept")
    opted_in = _stage(fresh.diagnostic, 2)
    assert (opted_in.status, opted_in.actual_date) == (StageStatus.COMPLETE, date(2023, 2, 14))
    assert opted_in.logged_by == dfe_official
    assert opted_in.history.first().history_user == dfe_official


def test_accepting_keeps_an_opt_in_already_logged_with_its_date(fresh, dfe_official, newton_partner):
    logged_on = timezone.localdate() - timedelta(days=10)
    diagnostic_stage_update(
        actor=newton_partner,
        stage=_stage(fresh.diagnostic, 2),
        status=StageStatus.COMPLETE,
        actual_date=logged_on,
    )
    enrolment_transition(actor=dfe_official, enrolment=fresh, transition="accept")
    assert _stage(fresh.diagnostic, 2).actual_date == logged_on


@pytest.mark.parametrize("transition", ["decline", "withdraw"])
def test_declining_or_withdrawing_closes_the_diagnostic_and_its_deadlines(
    fresh, dfe_official, newton_partner, transition
):
    diagnostic = fresh.diagnostic
    soon = timezone.localdate() + timedelta(days=30)
    for number in (1, 3):
        diagnostic_stage_update(actor=newton_partner, stage=_stage(diagnostic, number), planned_date=soon)
    assert all(_deadline_of(_stage(diagnostic, number)).is_open for number in (1, 3))

    enrolment_transition(
        actor=dfe_official, enrolment=fresh, transition=transition, reason="Opted out of the offer"
    )

    diagnostic.refresh_from_db()
    assert not diagnostic.is_open
    assert diagnostic.closed_reason == "Opted out of the offer"
    assert not Deadline.objects.open().filter(
        source_id__in=diagnostic.stages.values("pk"), kind="diagnostic_stage"
    )
    assert all(not _deadline_of(_stage(diagnostic, number)).is_open for number in (1, 3))


# --- Logging a stage ------------------------------------------------------------------------


def test_a_stage_update_records_who_logged_it_and_keeps_what_was_not_given(fresh, newton_partner):
    stage = _stage(fresh.diagnostic, 3)
    planned = timezone.localdate() + timedelta(days=14)
    diagnostic_stage_update(
        actor=newton_partner,
        stage=stage,
        status=StageStatus.IN_PROGRESS,
        planned_date=planned,
        notes="  Kick-off  ",
    )
    diagnostic_stage_update(actor=newton_partner, stage=stage, notes="Kick-off held")
    stage.refresh_from_db()
    assert (stage.status, stage.planned_date, stage.notes) == (
        StageStatus.IN_PROGRESS,
        planned,
        "Kick-off held",
    )
    assert stage.logged_by == newton_partner
    assert stage.logged_at is not None
    assert stage.history.first().history_user == newton_partner


def test_a_stage_cannot_be_complete_without_its_actual_date(fresh, newton_partner):
    stage = _stage(fresh.diagnostic, 3)
    with pytest.raises(DomainError) as refusal:
        diagnostic_stage_update(actor=newton_partner, stage=stage, status=StageStatus.COMPLETE)
    assert refusal.value.field == "actual_date"
    assert "Diagnostic started" in refusal.value.message
    stage.refresh_from_db()
    assert stage.status == StageStatus.NOT_STARTED


def test_the_actual_date_of_a_complete_stage_cannot_be_cleared(fresh, newton_partner):
    stage = _stage(fresh.diagnostic, 3)
    today = timezone.localdate()
    diagnostic_stage_update(actor=newton_partner, stage=stage, status=StageStatus.COMPLETE, actual_date=today)
    with pytest.raises(DomainError) as refusal:
        diagnostic_stage_update(actor=newton_partner, stage=stage, actual_date=None)
    assert refusal.value.field == "actual_date"


def test_an_actual_date_cannot_be_in_the_future(fresh, newton_partner):
    stage = _stage(fresh.diagnostic, 3)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="cannot be in the future") as refusal:
        diagnostic_stage_update(
            actor=newton_partner, stage=stage, status=StageStatus.COMPLETE, actual_date=tomorrow
        )
    assert refusal.value.field == "actual_date"
    today = diagnostic_stage_update(
        actor=newton_partner, stage=stage, status=StageStatus.COMPLETE, actual_date=timezone.localdate()
    )
    assert today.status == StageStatus.COMPLETE


def test_a_status_must_be_one_of_the_stage_statuses(fresh, newton_partner):
    with pytest.raises(DomainError) as refusal:
        diagnostic_stage_update(actor=newton_partner, stage=_stage(fresh.diagnostic, 1), status="finished")
    assert refusal.value.field == "status"


def test_nothing_on_a_closed_diagnostic_can_change(fresh, dfe_official):
    _withdraw(fresh, actor=dfe_official)
    diagnostic = Diagnostic.objects.get(enrolment=fresh)
    today = timezone.localdate()
    attempts = [
        lambda: diagnostic_stage_update(actor=dfe_official, stage=_stage(diagnostic, 1), notes="Late note"),
        lambda: diagnostic_plan(actor=dfe_official, diagnostic=diagnostic, planned_completion=today),
        lambda: engagement_log(
            actor=dfe_official, diagnostic=diagnostic, kind=EngagementKind.SCHOOLS_FORUM, held_on=today
        ),
        lambda: training_session_log(
            actor=dfe_official, diagnostic=diagnostic, module=1, held_on=today, good=3
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="closed"):
            attempt()
    assert _stage(diagnostic, 1).notes == ""


def test_a_stages_deadline_follows_it_until_it_is_complete_or_its_planned_date_is_cleared(
    fresh, newton_partner
):
    stage = _stage(fresh.diagnostic, 4)
    assert _deadline_of(stage) is None
    first, moved = timezone.localdate() + timedelta(days=20), timezone.localdate() + timedelta(days=35)

    diagnostic_stage_update(actor=newton_partner, stage=stage, planned_date=first)
    deadline = _deadline_of(stage)
    assert (deadline.kind, deadline.due_on, deadline.owner_group) == (
        DeadlineKind.DIAGNOSTIC_STAGE,
        first,
        OwnerGroup.DELIVERY_PARTNERS,
    )
    assert deadline.authority == fresh.authority
    assert deadline.is_open
    assert "Training module 1" in deadline.title

    diagnostic_stage_update(actor=newton_partner, stage=stage, planned_date=moved)
    assert _deadline_of(stage).pk == deadline.pk
    assert _deadline_of(stage).due_on == moved

    diagnostic_stage_update(
        actor=newton_partner, stage=stage, status=StageStatus.COMPLETE, actual_date=timezone.localdate()
    )
    assert not _deadline_of(stage).is_open

    diagnostic_stage_update(actor=newton_partner, stage=stage, status=StageStatus.IN_PROGRESS)
    assert _deadline_of(stage).is_open

    diagnostic_stage_update(actor=newton_partner, stage=stage, planned_date=None)
    assert _deadline_of(stage) is None


def test_a_stages_deadline_escalates_to_the_enrolments_case_lead(fresh, dfe_official, newton_partner):
    fresh.case_lead = dfe_official
    fresh.save(update_fields=["case_lead"])
    stage = _stage(fresh.diagnostic, 5)
    diagnostic_stage_update(actor=newton_partner, stage=stage, planned_date=timezone.localdate())
    assert _deadline_of(stage).responsible == dfe_official


# --- Planned completion ---------------------------------------------------------------------


def test_a_diagnostic_planned_after_the_programmes_due_date_is_flagged(fresh, dfe_official, newton_partner):
    diagnostic = fresh.diagnostic
    diagnostic_plan(actor=newton_partner, diagnostic=diagnostic, planned_completion=DUE_BY)
    assert diagnostic not in diagnostics_planned_late(user=dfe_official)
    assert not _row_of(dbv_matrix(user=dfe_official), diagnostic).planned_after_due

    diagnostic_plan(
        actor=newton_partner, diagnostic=diagnostic, planned_completion=DUE_BY + timedelta(days=1)
    )
    assert diagnostic in diagnostics_planned_late(user=dfe_official)
    row = _row_of(dbv_matrix(user=dfe_official), diagnostic)
    assert (row.planned_completion, row.planned_after_due) == (date(2024, 1, 1), True)
    assert diagnostic in diagnostics_planned_late(user=newton_partner)


def test_the_planned_late_list_is_scoped_to_what_the_user_may_see(
    fresh, newton_partner, steering_member, finance_lead
):
    diagnostic_plan(actor=newton_partner, diagnostic=fresh.diagnostic, planned_completion=date(2024, 6, 30))
    assert not diagnostics_planned_late(user=steering_member).exists()
    assert fresh.diagnostic not in diagnostics_planned_late(user=finance_lead)


def test_a_planned_completion_must_be_a_date(fresh, newton_partner):
    with pytest.raises(DomainError) as refusal:
        diagnostic_plan(actor=newton_partner, diagnostic=fresh.diagnostic, planned_completion="end of 2023")
    assert refusal.value.field == "planned_completion"


# --- Engagements and training ---------------------------------------------------------------


def test_an_engagement_is_recorded_with_who_logged_it(fresh, newton_partner):
    held_on = timezone.localdate() - timedelta(days=3)
    engagement = engagement_log(
        actor=newton_partner,
        diagnostic=fresh.diagnostic,
        kind=EngagementKind.PARENT_CARER_FORUM,
        held_on=held_on,
        notes=" PCF steering meeting ",
    )
    assert (engagement.kind, engagement.held_on, engagement.notes) == (
        "parent_carer_forum",
        held_on,
        "PCF steering meeting",
    )
    assert engagement.logged_by == newton_partner
    assert not engagement.is_demo


@pytest.mark.parametrize(
    "kind, held_on, field",
    [
        ("local_press", date(2023, 3, 1), "kind"),
        (EngagementKind.SCHOOLS_FORUM, "tomorrow", "held_on"),
        (EngagementKind.SCHOOLS_FORUM, None, "held_on"),
    ],
)
def test_an_engagement_needs_a_known_kind_and_a_date_not_in_the_future(
    fresh, newton_partner, kind, held_on, field
):
    if held_on == "tomorrow":
        held_on = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refusal:
        engagement_log(actor=newton_partner, diagnostic=fresh.diagnostic, kind=kind, held_on=held_on)
    assert refusal.value.field == field
    assert not StakeholderEngagement.objects.filter(diagnostic=fresh.diagnostic).exists()


def test_a_training_session_is_recorded_with_its_ratings(fresh, newton_partner):
    session = training_session_log(
        actor=newton_partner,
        diagnostic=fresh.diagnostic,
        module=2,
        held_on=timezone.localdate(),
        exceptional=4,
        very_good=6,
        good=1,
    )
    assert (session.module, session.responses, session.logged_by) == (2, 11, newton_partner)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"module": 0}, "module"),
        ({"module": 4}, "module"),
        ({"module": True}, "module"),
        ({"good": -1}, "good"),
        ({"fair": 2.5}, "fair"),
        ({"poor": "3"}, "poor"),
        ({"held_on": "future"}, "held_on"),
        ({"exceptional": 0, "very_good": 0}, None),
    ],
)
def test_a_training_session_needs_module_1_to_3_whole_counts_and_a_response(
    fresh, newton_partner, changes, field
):
    values = {"module": 1, "held_on": timezone.localdate(), "exceptional": 2, "very_good": 3}
    values.update(changes)
    if values["held_on"] == "future":
        values["held_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refusal:
        training_session_log(actor=newton_partner, diagnostic=fresh.diagnostic, **values)
    assert refusal.value.field == field
    assert not TrainingSession.objects.filter(diagnostic=fresh.diagnostic).exists()


def test_the_training_share_is_computed_from_the_delegates_ratings(
    dfe_official, newton_partner, kensington, newham
):
    assert training_feedback_share(user=dfe_official) is None
    held_on = date(2022, 11, 15)
    # 10 + 8 + 1 and 5 + 1: 23 of 25 responses very good or exceptional = 92.0 %.
    training_session_log(
        actor=newton_partner,
        diagnostic=kensington,
        module=1,
        held_on=held_on,
        exceptional=10,
        very_good=8,
        good=1,
    )
    training_session_log(
        actor=newton_partner, diagnostic=newham, module=1, held_on=held_on, very_good=5, fair=1
    )
    assert training_feedback_share(user=dfe_official) == Decimal("92.0")
    # One more response, rated poor: 23 of 26 = 88.46… → 88.5.
    training_session_log(actor=newton_partner, diagnostic=newham, module=2, held_on=held_on, poor=1)
    assert training_feedback_share(user=dfe_official) == Decimal("88.5")


def test_the_training_share_is_a_national_figure_for_dbv_progress_roles(
    dfe_official, newton_partner, steering_member, finance_lead, kensington
):
    training_session_log(
        actor=dfe_official, diagnostic=kensington, module=1, held_on=date(2022, 11, 15), very_good=2, good=2
    )
    PartnerAssignment.objects.filter(enrolment=kensington.enrolment).delete()
    assert training_feedback_share(user=dfe_official) == Decimal("50.0")
    assert training_feedback_share(user=newton_partner) == Decimal("50.0")  # not only its own authorities'
    assert training_feedback_share(user=steering_member) == Decimal("50.0")
    with pytest.raises(PermissionDenied):
        training_feedback_share(user=finance_lead)


# --- Who may log progress -------------------------------------------------------------------


def test_a_partner_logs_progress_only_on_the_authorities_assigned_to_it(newton_partner, kensington, newham):
    PartnerAssignment.objects.filter(enrolment=newham.enrolment, organisation=DeliveryPartner.NEWTON).delete()
    today = timezone.localdate()
    with pytest.raises(Http404):
        diagnostic_stage_update(actor=newton_partner, stage=_stage(newham, 1), notes="Not ours")
    with pytest.raises(Http404):
        engagement_log(
            actor=newton_partner, diagnostic=newham, kind=EngagementKind.SCHOOLS_FORUM, held_on=today
        )
    with pytest.raises(Http404):
        training_session_log(actor=newton_partner, diagnostic=newham, module=1, held_on=today, good=1)
    with pytest.raises(Http404):
        diagnostic_plan(actor=newton_partner, diagnostic=newham, planned_completion=DUE_BY)
    updated = diagnostic_stage_update(
        actor=newton_partner, stage=_stage(kensington, 1), notes="Planning call held"
    )
    assert updated.notes == "Planning call held"
    assert _stage(newham, 1).notes != "Not ours"


def test_a_finance_lead_cannot_log_progress_on_their_own_diagnostic_nor_see_another(
    finance_lead, kensington, newham
):
    with pytest.raises(PermissionDenied):
        diagnostic_stage_update(actor=finance_lead, stage=_stage(kensington, 1), notes="Ours")
    with pytest.raises(PermissionDenied):
        diagnostic_plan(actor=finance_lead, diagnostic=kensington, planned_completion=DUE_BY)
    with pytest.raises(Http404):
        diagnostic_stage_update(actor=finance_lead, stage=_stage(newham, 1), notes="Theirs")


def test_a_steering_member_cannot_log_progress_on_any_diagnostic(steering_member, kensington):
    with pytest.raises(Http404):
        diagnostic_stage_update(actor=steering_member, stage=_stage(kensington, 1), notes="Advice")
    with pytest.raises(Http404):
        engagement_log(
            actor=steering_member,
            diagnostic=kensington,
            kind=EngagementKind.SCHOOLS_FORUM,
            held_on=timezone.localdate(),
        )


def test_a_dfe_official_may_log_progress_on_any_diagnostic(dfe_official, newham):
    stage = diagnostic_stage_update(
        actor=dfe_official, stage=_stage(newham, 1), status=StageStatus.IN_PROGRESS
    )
    assert stage.status == StageStatus.IN_PROGRESS


# --- The programme view ---------------------------------------------------------------------


def _row_of(matrix, diagnostic):
    rows = [row for tranche in matrix.tranches for row in tranche.rows if row.diagnostic_id == diagnostic.pk]
    assert len(rows) == 1
    return rows[0]


def _row_count(matrix) -> int:
    return sum(len(tranche.rows) for tranche in matrix.tranches)


def test_the_matrix_shows_every_dbv_diagnostic_by_tranche_with_its_12_stages(dfe_official, newham):
    matrix = dbv_matrix(user=dfe_official)
    assert [column.number for column in matrix.stages] == list(range(1, 13))
    assert matrix.diagnostics_due_by == DUE_BY
    assert [tranche.tranche for tranche in matrix.tranches] == [1, 2, 3]
    open_rows = {tranche.tranche: sum(row.is_open for row in tranche.rows) for tranche in matrix.tranches}
    assert open_rows == TRANCHE_SIZES
    row = _row_of(matrix, newham)
    assert (row.authority_name, row.la_code, row.is_open) == ("Newham", "316", True)
    assert [cell.number for cell in row.stages] == list(range(1, 13))
    assert row in next(t for t in matrix.tranches if t.tranche == 2).rows


def test_the_matrix_says_which_diagnostics_are_closed(dfe_official):
    leaving = Enrolment.objects.open().filter(cohort__programme__code="DBV", cohort__tranche=3).first()
    _withdraw(leaving, actor=dfe_official)
    row = _row_of(dbv_matrix(user=dfe_official), leaving.diagnostic)
    assert (row.is_open, row.enrolment_status, row.closed_reason) == (
        False,
        "withdrawn",
        "Test: frees a place",
    )


def test_the_matrix_takes_the_same_number_of_queries_however_many_diagnostics(
    dfe_official, newton_partner, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as at_55:
        small = dbv_matrix(user=dfe_official)
    for _ in range(3):
        dbv_enrolment(tranche=2, actor=dfe_official)
    with django_assert_num_queries(len(at_55.captured_queries)):
        large = dbv_matrix(user=dfe_official)
    assert _row_count(large) == _row_count(small) + 3 >= 58

    PartnerAssignment.objects.filter(
        organisation=DeliveryPartner.NEWTON, enrolment__authority__la_code__in=["207", "316"]
    ).delete()
    with django_assert_num_queries(len(at_55.captured_queries)):
        assigned = dbv_matrix(user=newton_partner)
    assert _row_count(assigned) == _row_count(large) - 2


def test_a_partner_sees_rows_only_for_its_assigned_authorities_and_national_counts(newton_partner, newham):
    PartnerAssignment.objects.filter(enrolment=newham.enrolment, organisation=DeliveryPartner.NEWTON).delete()
    matrix = dbv_matrix(user=newton_partner)
    codes = {row.la_code for tranche in matrix.tranches for row in tranche.rows}
    assert "316" not in codes
    assert len(codes) == 54
    assert matrix.shows_national_counts
    tranche_2 = next(t for t in matrix.tranches if t.tranche == 2)
    assert tranche_2.open_diagnostics == 20  # national, Newham included


def test_a_steering_member_gets_counts_per_stage_and_status_not_rows(steering_member, newton_partner, newham):
    grant_awarded = _stage(newham, 12)
    was = grant_awarded.status
    assert was != StageStatus.BLOCKED
    before = {t.tranche: t for t in dbv_matrix(user=steering_member).tranches}[2].stage_counts[11].counts
    diagnostic_stage_update(actor=newton_partner, stage=grant_awarded, status=StageStatus.BLOCKED)

    matrix = dbv_matrix(user=steering_member)
    assert matrix.shows_national_counts
    assert all(tranche.rows == [] for tranche in matrix.tranches)
    for tranche in matrix.tranches:
        assert tranche.open_diagnostics == TRANCHE_SIZES[tranche.tranche]
        assert [counts.number for counts in tranche.stage_counts] == list(range(1, 13))
        assert all(sum(counts.counts.values()) == tranche.open_diagnostics for counts in tranche.stage_counts)
    after = {t.tranche: t for t in matrix.tranches}[2].stage_counts[11].counts
    assert after[StageStatus.BLOCKED] == before[StageStatus.BLOCKED] + 1
    assert after[was] == before[was] - 1


def test_a_finance_lead_sees_only_their_own_row_and_no_national_counts(finance_lead, kensington):
    matrix = dbv_matrix(user=finance_lead)
    rows = [row for tranche in matrix.tranches for row in tranche.rows]
    assert [row.la_code for row in rows] == ["207"]
    assert not matrix.shows_national_counts
    assert all(tranche.stage_counts is None for tranche in matrix.tranches)
