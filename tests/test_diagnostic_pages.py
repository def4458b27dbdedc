"""DBV Diagnostic progress in the browser: the matrix by tranche, one Diagnostic, and logging a stage."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.roles import DeliveryPartner
from programmes.factories import dbv_enrolment, dbv_progress, dbv_training_session
from programmes.models import Diagnostic, DiagnosticStage, PartnerAssignment, StageStatus
from programmes.services.enrolment import enrolment_transition

pytestmark = pytest.mark.django_db

PROGRESS = reverse("programmes:dbv-progress")


def _diagnostic_url(diagnostic: Diagnostic) -> str:
    return reverse("programmes:diagnostic", args=[diagnostic.pk])


def _stage_url(diagnostic: Diagnostic, number: int) -> str:
    return reverse("programmes:diagnostic-stage", args=[diagnostic.pk, number])


def _stage(diagnostic: Diagnostic, number: int) -> DiagnosticStage:
    return diagnostic.stages.get(definition__number=number)


def _newton_diagnostic() -> Diagnostic:
    """An open DBV Diagnostic assigned to Newton."""
    return (
        Diagnostic.objects.filter(
            closed_at__isnull=True,
            enrolment__partner_assignments__organisation=DeliveryPartner.NEWTON,
            enrolment__cohort__programme__code="DBV",
        )
        .order_by("pk")
        .first()
    )


def _date_fields(name: str, value) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _stage_post(*, status: str, actual_date=None, planned_date=None, notes: str = "") -> dict:
    return {
        "status": status,
        **_date_fields("planned_date", planned_date),
        **_date_fields("actual_date", actual_date),
        "notes": notes,
    }


@pytest.fixture
def kensington(db) -> Diagnostic:
    """The reference Diagnostic of Kensington and Chelsea (207), the `finance_lead` fixture's authority."""
    return Diagnostic.objects.get(
        enrolment__authority__la_code="207", enrolment__cohort__programme__code="DBV"
    )


# --- The progress matrix --------------------------------------------------------------------


def test_a_partner_sees_their_authorities_in_the_matrix_and_not_an_unassigned_one(client_for, newton_partner):
    assigned = list(
        Diagnostic.objects.filter(
            enrolment__partner_assignments__organisation=DeliveryPartner.NEWTON,
            enrolment__cohort__programme__code="DBV",
        ).order_by("pk")[:2]
    )
    unassigned, still_assigned = assigned
    PartnerAssignment.objects.filter(
        enrolment=unassigned.enrolment, organisation=DeliveryPartner.NEWTON
    ).delete()
    dbv_training_session(still_assigned, actor=newton_partner, exceptional=3, good=1)

    response = client_for(newton_partner).get(PROGRESS)
    assert response.status_code == 200
    page = response.content.decode()
    assert _diagnostic_url(still_assigned) in page
    assert still_assigned.enrolment.authority.name in page
    assert _diagnostic_url(unassigned) not in page
    assert "Tranche 1" in page and "Status of a stage" in page
    assert "very good or exceptional" in page
    assert "open Diagnostics of all its authorities, by stage and status" in page
    assert client_for(newton_partner).get(_diagnostic_url(unassigned)).status_code == 404


def test_each_cell_says_the_stage_its_status_and_date_to_a_screen_reader(client_for, dfe_official):
    diagnostic = dbv_progress(
        _newton_diagnostic(), complete=[2], in_progress=[3], on=date(2023, 2, 14), actor=dfe_official
    )
    page = client_for(dfe_official).get(PROGRESS).content.decode()
    opted_in, started = _stage(diagnostic, 2), _stage(diagnostic, 3)
    assert f"Stage 2 {opted_in.definition.name}: complete, 14 February 2023" in page
    assert f"Stage 3 {started.definition.name}: {started.get_status_display().lower()}" in page


def test_diagnostics_planned_after_the_due_date_are_flagged(client_for, dfe_official):
    on_time, *planned_late = Diagnostic.objects.filter(enrolment__cohort__programme__code="DBV")[:3]
    dbv_progress(on_time, planned_completion=date(2023, 12, 31), actor=dfe_official)
    for diagnostic in planned_late:
        dbv_progress(diagnostic, planned_completion=date(2024, 3, 31), actor=dfe_official)
    late = Diagnostic.objects.filter(
        closed_at__isnull=True, planned_completion__gt="2023-12-31", enrolment__cohort__programme__code="DBV"
    )
    assert late.count() == 2
    page = client_for(dfe_official).get(PROGRESS).content.decode()
    assert page.count("Planned after due date") == late.count()


def test_a_steering_member_sees_national_counts_only(client_for, steering_member):
    dbv_training_session(_newton_diagnostic(), very_good=2, fair=1)
    response = client_for(steering_member).get(PROGRESS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "open Diagnostics of all its authorities, by stage and status" in page
    assert "very good or exceptional" in page
    assert "/programmes/diagnostics/" not in page
    names = Diagnostic.objects.filter(enrolment__cohort__programme__code="DBV").values_list(
        "enrolment__authority__name", flat=True
    )
    assert not [name for name in names if name in page]


def test_a_finance_lead_may_not_see_the_matrix_but_sees_their_own_diagnostic_and_may_not_log(
    client_for, finance_lead, kensington
):
    client = client_for(finance_lead)
    assert client.get(PROGRESS).status_code == 403
    response = client.get(_diagnostic_url(kensington))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kensington and Chelsea" in page
    assert "Log progress" not in page
    assert client.get(_stage_url(kensington, 3)).status_code == 403
    assert client.post(_stage_url(kensington, 3), _stage_post(status="blocked")).status_code == 403
    other = Diagnostic.objects.exclude(pk=kensington.pk).filter(enrolment__cohort__programme__code="DBV")
    assert client.get(_diagnostic_url(other.first())).status_code == 404


def test_the_matrix_and_programme_page_link_to_each_other_and_the_partner_home_links_to_it(
    client_for, newton_partner
):
    client = client_for(newton_partner)
    assert PROGRESS in client.get(reverse("programmes:detail", args=["DBV"])).content.decode()
    assert PROGRESS in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("user", ["dfe_official", "newton_partner", "steering_member"])
def test_the_matrix_page_takes_the_same_number_of_queries_however_many_rows(
    client_for, dfe_official, request, user
):
    viewer = request.getfixturevalue(user)
    client = client_for(viewer)
    client.get(PROGRESS)  # Warm up: the session and anything cached on first use.
    with CaptureQueriesContext(connection) as before:
        first = client.get(PROGRESS)
    for _ in range(3):  # three more rows in tranche 3, in places reference enrolments leave
        dbv_enrolment(tranche=3, partners=[DeliveryPartner.NEWTON], actor=dfe_official)
    with CaptureQueriesContext(connection) as after:
        second = client.get(PROGRESS)
    assert first.status_code == second.status_code == 200
    if user != "steering_member":
        assert second.content.decode().count("/programmes/diagnostics/") > first.content.decode().count(
            "/programmes/diagnostics/"
        )
    assert len(after.captured_queries) == len(before.captured_queries)


# --- Logging a stage ------------------------------------------------------------------------


def test_a_partner_logs_a_stage_complete_and_the_diagnostic_page_shows_it(client_for, newton_partner):
    diagnostic = _newton_diagnostic()
    client = client_for(newton_partner)
    page = client.get(_diagnostic_url(diagnostic)).content.decode()
    assert _stage_url(diagnostic, 12) in page
    assert client.get(_stage_url(diagnostic, 12)).status_code == 200

    done_on = timezone.localdate() - timedelta(days=2)
    response = client.post(
        _stage_url(diagnostic, 12),
        _stage_post(status=StageStatus.COMPLETE, actual_date=done_on, notes="Grant letter sent"),
    )
    assert response.status_code == 302
    assert response["Location"] == _diagnostic_url(diagnostic)

    stage = _stage(diagnostic, 12)
    assert (stage.status, stage.actual_date, stage.notes) == (
        StageStatus.COMPLETE,
        done_on,
        "Grant letter sent",
    )
    assert stage.history.latest().history_user == newton_partner
    assert stage.logged_by == newton_partner

    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page
    assert f"{done_on.day} {done_on:%B %Y}" in page
    assert newton_partner.display_name in page
    assert "Grant letter sent" in page


def test_complete_without_an_actual_date_is_refused_in_an_error_summary(client_for, newton_partner):
    diagnostic = _newton_diagnostic()
    before = _stage(diagnostic, 12)
    response = client_for(newton_partner).post(
        _stage_url(diagnostic, 12), _stage_post(status=StageStatus.COMPLETE, notes="Should not be kept")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "a complete stage needs its actual date" in page
    assert 'href="#id_actual_date_0"' in page  # the Day input: the error summary links to it
    after = _stage(diagnostic, 12)
    assert (after.status, after.notes, after.logged_at) == (before.status, before.notes, before.logged_at)


def test_a_future_actual_date_is_refused(client_for, newton_partner):
    diagnostic = _newton_diagnostic()
    before = _stage(diagnostic, 12).actual_date
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(newton_partner).post(
        _stage_url(diagnostic, 12), _stage_post(status=StageStatus.COMPLETE, actual_date=tomorrow)
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert _stage(diagnostic, 12).actual_date == before


def test_a_half_entered_date_is_an_error_for_that_field(client_for, newton_partner):
    diagnostic = _newton_diagnostic()
    data = _stage_post(status=StageStatus.IN_PROGRESS)
    data["planned_date_0"] = "3"
    response = client_for(newton_partner).post(_stage_url(diagnostic, 12), data)
    assert response.status_code == 400
    assert "The planned date must include a month" in response.content.decode()


def test_a_closed_diagnostic_refuses_the_form_with_a_clear_message(client_for, dfe_official, newton_partner):
    diagnostic = _newton_diagnostic()
    enrolment_transition(
        actor=dfe_official, enrolment=diagnostic.enrolment, transition="withdraw", reason="Test: closes it"
    )
    client = client_for(newton_partner)
    page = client.get(_diagnostic_url(diagnostic)).content.decode()
    assert "This Diagnostic is closed" in page and "Log progress" not in page

    response = client.post(_stage_url(diagnostic, 1), _stage_post(status=StageStatus.BLOCKED, notes="Late"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "This Diagnostic is closed (the enrolment was declined or withdrawn)" in page
    assert _stage(diagnostic, 1).notes != "Late"


def test_a_stage_out_of_scope_or_missing_is_404(client_for, newton_partner, steering_member, kensington):
    diagnostic = _newton_diagnostic()
    assert client_for(newton_partner).get(_stage_url(diagnostic, 13)).status_code == 404
    assert client_for(steering_member).get(_stage_url(diagnostic, 1)).status_code == 404
    assert client_for(steering_member).get(_diagnostic_url(diagnostic)).status_code == 404
