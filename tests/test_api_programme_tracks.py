"""The programme tracks through the API (Step 4): Diagnostics, DBV progress, agreements and monitoring
reports, grants and payments, deadlines, self-assessments, DSG management plans and trajectories.

Each write goes through its service, and its history names the API user; a state change the service
refuses from the current state answers 409, a rule or input at fault 400 with the field. Which role
may see and do what is the generated matrix's (tests/test_api_access_matrix.py); here are the
behaviours, and the query counts of the reads that are not router resources.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authorities.factories import FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import DsgFigure, LocalAuthority
from deadlines.models import Deadline, DeadlineKind
from deadlines.selectors import deadlines_owned_by
from portal.financial_year import FinancialYear
from programmes.factories import (
    closed_dbv_diagnostic,
    dbv_grant,
    dbv_training_session,
    esfa_enrolment,
    monitoring_report_assessed,
    past_grants,
    sv_agreement,
)
from programmes.models import (
    Agreement,
    AgreementVariation,
    Assessment,
    Diagnostic,
    DiagnosticStage,
    Enrolment,
    Grant,
    ManagementPlan,
    MonitoringReport,
    Payment,
    SelfAssessment,
    StageStatus,
    StakeholderEngagement,
    TrainingSession,
)
from programmes.selectors.diagnostic import training_feedback_share
from programmes.selectors.grants import national_grant_totals
from programmes.selectors.trajectory import authority_trajectory
from programmes.services.diagnostic import diagnostic_stage_update
from programmes.services.management_plan import plan_years
from steering.factories import steering_action
from tests.api_client import api_client_for, error_of
from tests.api_matrix import PDF_BYTES

pytestmark = pytest.mark.django_db

API = "/api/v1"


def last_actor(record):
    return record.history.order_by("-history_date", "-history_id").first().history_user


def queries_of(client, url, params=None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def _sv_enrolment(la_code: str) -> Enrolment:
    """A Safety Valve 2021-22 enrolment of the reference data (active, without an agreement)."""
    return Enrolment.objects.get(authority__la_code=la_code, cohort__programme__code="SV")


@pytest.fixture
def dorset_lead(db):
    return FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code="838"))


@pytest.fixture
def dorset_agreement(dfe_official):
    """Dorset's (838) agreement, signed 15 March 2022: £40m from DfE in four instalments, none decided
    yet, and quarterly monitoring reports from June 2022, none submitted yet (programmes.factories)."""
    return sv_agreement(enrolment=_sv_enrolment("838"), actor=dfe_official)


# --- Diagnostics -------------------------------------------------------------------------------


def _stage(la_code: str, number: int) -> DiagnosticStage:
    return DiagnosticStage.objects.get(
        diagnostic__enrolment__authority__la_code=la_code,
        diagnostic__closed_at__isnull=True,
        definition__number=number,
    )


def _not_started_stage(number: int = 12) -> DiagnosticStage:
    return (
        DiagnosticStage.objects.filter(
            diagnostic__closed_at__isnull=True, status=StageStatus.NOT_STARTED, definition__number=number
        )
        .order_by("pk")
        .first()
    )


def test_a_partner_logs_a_stage_and_its_history_names_them(newton_partner):
    stage = _stage("207", 5)
    response = api_client_for(newton_partner).patch(
        f"{API}/diagnostic-stages/{stage.pk}/",
        {"status": "in_progress", "planned_date": "2030-01-15", "notes": "  Booked  "},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["authority"], body["number"], body["status"], body["planned_date"], body["notes"]) == (
        "207",
        5,
        "in_progress",
        "2030-01-15",
        "Booked",
    )
    assert body["logged_by"] == newton_partner.username
    stage.refresh_from_db()
    assert last_actor(stage) == newton_partner
    deadline = stage.deadlines.get()
    assert (deadline.due_on, deadline.is_open) == (date(2030, 1, 15), True)

    # Left out keeps its value; null clears a date.
    response = api_client_for(newton_partner).patch(
        f"{API}/diagnostic-stages/{stage.pk}/", {"planned_date": None}
    )
    assert response.json()["planned_date"] is None
    assert response.json()["status"] == "in_progress"
    assert not stage.deadlines.exists()


def test_a_complete_stage_needs_its_actual_date_a_field_error(dfe_official):
    stage = _not_started_stage()
    response = api_client_for(dfe_official).patch(
        f"{API}/diagnostic-stages/{stage.pk}/", {"status": "complete"}
    )
    error = error_of(response, 400)
    assert (error["code"], list(error["fields"])) == ("invalid", ["actual_date"])
    response = api_client_for(dfe_official).patch(
        f"{API}/diagnostic-stages/{stage.pk}/", {"status": "complete", "actual_date": "2999-01-01"}
    )
    assert list(error_of(response, 400)["fields"]) == ["actual_date"]
    stage.refresh_from_db()
    assert stage.status != StageStatus.COMPLETE


def test_a_stage_update_must_say_something_and_in_the_right_types(newton_partner):
    stage = _stage("207", 7)
    client = api_client_for(newton_partner)
    assert (
        "Give what to log"
        in error_of(client.patch(f"{API}/diagnostic-stages/{stage.pk}/", {}), 400)["message"]
    )
    response = client.patch(
        f"{API}/diagnostic-stages/{stage.pk}/", {"status": "done", "planned_date": "soon"}
    )
    assert set(error_of(response, 400)["fields"]) == {"status", "planned_date"}


def test_a_finance_lead_sees_their_stages_but_may_not_log_them(finance_lead):
    own, other = _stage("207", 3), _stage("304", 3)
    client = api_client_for(finance_lead)
    assert client.get(f"{API}/diagnostic-stages/{own.pk}/").status_code == 200
    assert error_of(client.patch(f"{API}/diagnostic-stages/{own.pk}/", {"notes": "x"}), 403)["code"] == (
        "permission_denied"
    )
    assert error_of(client.patch(f"{API}/diagnostic-stages/{other.pk}/", {"notes": "x"}), 404)["code"] == (
        "not_found"
    )


def test_a_closed_diagnostic_no_longer_changes(dfe_official):
    stage = closed_dbv_diagnostic(actor=dfe_official).stages.order_by("-pk").first()
    error = error_of(
        api_client_for(dfe_official).patch(f"{API}/diagnostic-stages/{stage.pk}/", {"notes": "x"}), 409
    )
    assert "closed" in error["message"]
    assert error["allowed_transitions"] == []


def test_planning_the_completion_flags_a_diagnostic_planned_after_the_programme_date(newton_partner):
    diagnostic = Diagnostic.objects.get(enrolment__authority__la_code="207", closed_at__isnull=True)
    client = api_client_for(newton_partner)
    response = client.post(f"{API}/diagnostics/{diagnostic.pk}/plan/", {"planned_completion": "2024-02-01"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["planned_completion"], body["planned_after_due"], body["closed"]) == (
        "2024-02-01",
        True,
        False,
    )
    assert [stage["number"] for stage in body["stages"]] == list(range(1, 13))
    assert last_actor(Diagnostic.objects.get(pk=diagnostic.pk)) == newton_partner
    late = client.get(f"{API}/diagnostics/", {"planned_after_due": "true"}).json()
    assert diagnostic.pk in {row["id"] for row in late["results"]}
    response = client.post(f"{API}/diagnostics/{diagnostic.pk}/plan/", {"planned_completion": None})
    assert response.json()["planned_after_due"] is False


def test_engagements_and_training_sessions_are_recorded_through_the_service(newton_partner):
    diagnostic = Diagnostic.objects.get(enrolment__authority__la_code="207", closed_at__isnull=True)
    client = api_client_for(newton_partner)
    response = client.post(
        f"{API}/engagements/",
        {"diagnostic": diagnostic.pk, "kind": "parent_carer_forum", "held_on": "2023-01-10", "notes": "Met"},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["authority"], response.json()["logged_by"]) == ("207", newton_partner.username)
    engagement = StakeholderEngagement.objects.get(pk=response.json()["id"])
    assert last_actor(engagement) == newton_partner

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        f"{API}/engagements/", {"diagnostic": diagnostic.pk, "kind": "schools_forum", "held_on": tomorrow}
    )
    assert list(error_of(response, 400)["fields"]) == ["held_on"]

    response = client.post(
        f"{API}/training-sessions/",
        {"diagnostic": diagnostic.pk, "module": 2, "held_on": "2023-01-11", "exceptional": 2, "very_good": 5},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["module"], body["responses"], body["poor"]) == (2, 7, 0)
    assert last_actor(TrainingSession.objects.get(pk=body["id"])) == newton_partner

    response = client.post(
        f"{API}/training-sessions/", {"diagnostic": diagnostic.pk, "module": 2, "held_on": "2023-01-11"}
    )
    assert "at least one response" in error_of(response, 400)["message"]
    response = client.post(
        f"{API}/training-sessions/", {"diagnostic": 987654, "module": 4, "held_on": "2023-01-11", "good": -1}
    )
    assert set(error_of(response, 400)["fields"]) == {"diagnostic", "module", "good"}


def test_dbv_progress_is_national_for_the_roles_that_may_see_it(
    dfe_official, newton_partner, steering_member, finance_lead
):
    kensington = Diagnostic.objects.get(enrolment__authority__la_code="207", closed_at__isnull=True)
    dbv_training_session(kensington, held_on=date(2023, 1, 11), exceptional=2, very_good=5, fair=1)
    expected_share = training_feedback_share(user=dfe_official)
    assert expected_share is not None
    for user in (dfe_official, newton_partner, steering_member):
        response = api_client_for(user).get(f"{API}/dbv-progress/")
        assert response.status_code == 200, (user.username, response.content)
        body = response.json()
        assert [tranche["tranche"] for tranche in body["tranches"]] == [1, 2, 3]
        assert len(body["stages"]) == 12
        assert body["diagnostics_due_by"] == "2023-12-31"
        assert sum(t["open_diagnostics"] + t["closed_diagnostics"] for t in body["tranches"]) == 55
        first = body["tranches"][0]["stage_counts"][0]
        assert set(first) == {"number", "not_started", "in_progress", "complete", "blocked"}
        assert Decimal(body["training_feedback_share"]) == expected_share
        assert "Kensington" not in response.content.decode()  # never a single authority
    assert (
        error_of(api_client_for(finance_lead).get(f"{API}/dbv-progress/"), 403)["code"] == "permission_denied"
    )


def test_dbv_progress_answers_in_the_same_number_of_queries_however_many_diagnostics(
    dfe_official, steering_member
):
    client = api_client_for(steering_member)
    closed_dbv_diagnostic(actor=dfe_official)
    before, small = queries_of(client, f"{API}/dbv-progress/")
    for _ in range(6):
        closed_dbv_diagnostic(actor=dfe_official)
    after, large = queries_of(client, f"{API}/dbv-progress/")
    assert after == before
    assert large["tranches"][0]["closed_diagnostics"] == small["tranches"][0]["closed_diagnostics"] + 6


# --- Agreements and monitoring reports ---------------------------------------------------------


def _agreement_terms(enrolment: Enrolment) -> dict:
    return {
        "enrolment": enrolment.pk,
        "signed_on": "2023-03-20",
        "published_url": "https://www.gov.uk/government/publications/example",
        "deficit_at_signing": "20000000.00",
        "total_contribution": "12000000.00",
        "conditions": ["Open specialist places locally.", "Report to the schools forum each term."],
        "targets": [
            {
                "financial_year": "2022-23",
                "in_year_balance": "-2000000.00",
                "cumulative_balance": "-20000000.00",
            },
            {
                "financial_year": "2023-24",
                "in_year_balance": "5000000.00",
                "cumulative_balance": "-15000000.00",
            },
            {"financial_year": "2024-25", "in_year_balance": "15000000.00", "cumulative_balance": "0.00"},
        ],
        "instalments": [
            {"due_on": "2023-03-31", "amount": "7000000.00"},
            {"due_on": "2024-03-29", "amount": "5000000.00"},
        ],
        "report_count": 4,
    }


def _sv_enrolment_without_agreement() -> Enrolment:
    return _sv_enrolment("312")


def test_dfe_records_an_agreement_with_its_contribution_and_reports(dfe_official):
    enrolment = _sv_enrolment_without_agreement()
    response = api_client_for(dfe_official).post(f"{API}/agreements/", _agreement_terms(enrolment))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["authority"], body["enrolment"], body["total_contribution"]) == (
        "312",
        enrolment.pk,
        "12000000.00",
    )
    assert [condition["number"] for condition in body["conditions"]] == [1, 2]
    assert [target["financial_year"] for target in body["targets"]] == ["2022-23", "2023-24", "2024-25"]
    assert [(i["number"], i["amount"], i["status"]) for i in body["instalments"]] == [
        (1, "7000000.00", "scheduled"),
        (2, "5000000.00", "scheduled"),
    ]
    assert [report["status"] for report in body["monitoring_reports"]] == ["due"] * 4
    assert body["withhold_review"] is None
    agreement = Agreement.objects.get(pk=body["id"])
    assert last_actor(agreement) == dfe_official
    grant = Grant.objects.get(agreement=agreement)
    assert (body["grant"], grant.awarded_by) == (grant.pk, dfe_official)
    lead = FinanceLeadFactory(authority=enrolment.authority)
    assert api_client_for(lead).get(f"{API}/agreements/{agreement.pk}/").status_code == 200


def test_an_agreement_whose_instalments_do_not_add_up_is_refused_with_the_field(dfe_official):
    terms = _agreement_terms(_sv_enrolment_without_agreement())
    terms["instalments"][1]["amount"] = "4000000.00"
    error = error_of(api_client_for(dfe_official).post(f"{API}/agreements/", terms), 400)
    assert list(error["fields"]) == ["instalments"]
    assert "£1,000,000.00 less" in error["message"]
    terms = _agreement_terms(_sv_enrolment_without_agreement())
    terms["targets"][0]["financial_year"] = "2022-24"
    terms["deficit_at_signing"] = 1.005
    error = error_of(api_client_for(dfe_official).post(f"{API}/agreements/", terms), 400)
    assert set(error["fields"]) == {"targets.0.financial_year", "deficit_at_signing"}
    assert not Agreement.objects.filter(enrolment__authority__la_code="312").exists()


def test_dfe_records_a_variation_through_the_api_and_the_agreement_shows_it(dfe_official):
    enrolment = _sv_enrolment_without_agreement()
    terms = _agreement_terms(enrolment)
    agreement = api_client_for(dfe_official).post(f"{API}/agreements/", terms).json()
    variation = {
        "varied_on": "2023-06-01",
        "reason": "Sufficiency review.",
        "conditions": [*terms["conditions"], "Publish a sufficiency plan."],
        "targets": terms["targets"],
        "instalments": terms["instalments"],
    }
    url = f"{API}/agreements/{agreement['id']}/variations/"
    response = api_client_for(dfe_official).post(url, variation)
    assert response.status_code == 201, response.content
    [recorded] = response.json()["variations"]
    assert (recorded["number"], recorded["reason"], recorded["recorded_by"]) == (
        1,
        "Sufficiency review.",
        dfe_official.display_name,
    )
    assert recorded["changes"] == ["Condition 3 added: “Publish a sufficiency plan.”"]
    assert [c["number"] for c in response.json()["conditions"]] == [1, 2, 3]
    again = error_of(api_client_for(dfe_official).post(url, variation), 400)
    assert "Nothing in the conditions, targets or instalments has changed" in again["message"]
    lead = FinanceLeadFactory(authority=enrolment.authority)
    assert api_client_for(lead).post(url, variation).status_code == 403
    assert AgreementVariation.objects.count() == 1


def test_the_finance_lead_submits_dfe_assesses_and_a_second_go_answers_409(
    dorset_agreement, dorset_lead, dfe_official
):
    report = MonitoringReport.objects.filter(
        agreement__enrolment__authority__la_code="838", submitted_at__isnull=True
    ).earliest("due_on")
    lead, dfe = api_client_for(dorset_lead), api_client_for(dfe_official)

    response = lead.post(
        f"{API}/monitoring-reports/{report.pk}/submit/",
        {
            "actual_in_year_balance": "-3500000.00",
            "actual_cumulative_balance": "-50000000.00",
            "narrative": "On plan.",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["submitted_by"], body["authority"]) == (
        "submitted",
        dorset_lead.username,
        "838",
    )
    report.refresh_from_db()
    assert last_actor(report) == dorset_lead

    error = error_of(
        dfe.post(f"{API}/monitoring-reports/{report.pk}/assess/", {"assessment": "off_track"}), 400
    )
    assert list(error["fields"]) == ["notes"]
    response = dfe.post(
        f"{API}/monitoring-reports/{report.pk}/assess/",
        {"assessment": "off_track", "notes": "Deficit growing."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["report"]["status"], body["report"]["assessment"]) == ("assessed", "off_track")
    flagged = body["instalment_for_decision"]
    assert flagged is not None and flagged["status"] == "scheduled"
    report.refresh_from_db()
    assert last_actor(report) == dfe_official
    review = dfe.get(f"{API}/agreements/{report.agreement_id}/").json()["withhold_review"]
    assert (review["report"], review["payment"]) == (report.pk, flagged["id"])

    # Assessed: neither submitting again nor assessing again is allowed from here.
    for client, name, payload in (
        (lead, "submit", {"actual_in_year_balance": "0", "actual_cumulative_balance": "0", "narrative": "x"}),
        (dfe, "assess", {"assessment": "on_track"}),
    ):
        error = error_of(client.post(f"{API}/monitoring-reports/{report.pk}/{name}/", payload), 409)
        assert error["code"] == "transition_not_allowed"
        assert error["allowed_transitions"] == []


def test_assessing_a_report_not_yet_submitted_answers_409(dorset_agreement, dfe_official):
    report = MonitoringReport.objects.filter(submitted_at__isnull=True).order_by("pk").first()
    response = api_client_for(dfe_official).post(
        f"{API}/monitoring-reports/{report.pk}/assess/", {"assessment": "on_track"}
    )
    error = error_of(response, 409)
    assert "has not been submitted" in error["message"]
    assert error["allowed_transitions"] == ["submit"]


def test_only_the_authoritys_finance_lead_submits_its_report(dorset_agreement, finance_lead, dfe_official):
    report = MonitoringReport.objects.filter(
        agreement__enrolment__authority__la_code="838", submitted_at__isnull=True
    ).earliest("due_on")
    payload = {"actual_in_year_balance": "0.00", "actual_cumulative_balance": "0.00", "narrative": "x"}
    assert error_of(
        api_client_for(finance_lead).post(f"{API}/monitoring-reports/{report.pk}/submit/", payload), 404
    )
    assert error_of(
        api_client_for(dfe_official).post(f"{API}/monitoring-reports/{report.pk}/submit/", payload), 403
    )
    report.refresh_from_db()
    assert report.submitted_at is None


# --- Grants and payments -----------------------------------------------------------------------


def _scheduled_payment(la_code: str) -> Payment:
    return Payment.objects.filter(grant__enrolment__authority__la_code=la_code, status="scheduled").earliest(
        "number"
    )


def test_releasing_a_payment_records_the_decision_and_deciding_it_again_answers_409(
    dorset_agreement, dfe_official
):
    payment = _scheduled_payment("838")
    client = api_client_for(dfe_official)
    response = client.post(f"{API}/payments/{payment.pk}/release/", {"reason": "On track."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["decided_by"], body["decision_reason"]) == (
        "released",
        dfe_official.username,
        "On track.",
    )
    payment.refresh_from_db()
    assert last_actor(payment) == dfe_official
    assert not payment.deadlines.get().is_open

    for name in ("release", "withhold", "reschedule"):
        payload = {"reason": "Again", "due_on": "2030-01-01"}
        error = error_of(client.post(f"{API}/payments/{payment.pk}/{name}/", payload), 409)
        assert (error["code"], error["allowed_transitions"]) == ("transition_not_allowed", [])
        assert "already released" in error["message"]


def test_a_decision_needs_its_reason_and_after_off_track_an_override(dfe_official):
    york = sv_agreement(enrolment=_sv_enrolment("816"), actor=dfe_official)
    report = york.monitoring_reports.earliest("due_on")
    monitoring_report_assessed(
        report, assessment=Assessment.OFF_TRACK, notes="Deficit growing.", actor=dfe_official
    )
    payment = _scheduled_payment("816")  # York: its latest report was assessed off track
    client = api_client_for(dfe_official)
    assert list(error_of(client.post(f"{API}/payments/{payment.pk}/withhold/", {}), 400)["fields"]) == [
        "reason"
    ]
    error = error_of(client.post(f"{API}/payments/{payment.pk}/release/", {"reason": "Board agreed"}), 400)
    assert list(error["fields"]) == ["override_reason"]
    response = client.post(
        f"{API}/payments/{payment.pk}/release/",
        {"reason": "Board agreed", "override_reason": "New plan agreed"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["override_reason"] == "New plan agreed"


def test_a_scheduled_payment_is_rescheduled_with_its_financial_year(dorset_agreement, dfe_official):
    payment = _scheduled_payment("838")
    response = api_client_for(dfe_official).post(
        f"{API}/payments/{payment.pk}/reschedule/", {"due_on": "2031-05-01"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["due_on"], response.json()["financial_year"]) == ("2031-05-01", "2031-32")
    assert last_actor(Payment.objects.get(pk=payment.pk)) == dfe_official


def test_a_finance_lead_sees_their_payments_but_decides_none(dorset_agreement, dorset_lead, dfe_official):
    sv_agreement(enrolment=_sv_enrolment("382"), actor=dfe_official)
    own, other = _scheduled_payment("838"), _scheduled_payment("382")
    client = api_client_for(dorset_lead)
    assert client.get(f"{API}/payments/{own.pk}/").json()["authority"] == "838"
    assert error_of(client.post(f"{API}/payments/{own.pk}/release/", {"reason": "x"}), 403)
    assert error_of(client.post(f"{API}/payments/{other.pk}/release/", {"reason": "x"}), 404)


def _dbv_enrolment_ready_for_a_grant(partner) -> Enrolment:
    enrolment = (
        Enrolment.objects.open()
        .filter(cohort__programme__code="DBV", grants__isnull=True)
        .exclude(authority__la_code="207")
        .order_by("authority__la_code")
        .first()
    )
    stage = _stage(enrolment.authority.la_code, 11)
    diagnostic_stage_update(
        actor=partner,
        stage=stage,
        status=StageStatus.COMPLETE,
        actual_date=date(2023, 5, 2),
    )
    return enrolment


def test_dfe_awards_a_dbv_grant_which_completes_stage_12(dfe_official, newton_partner):
    enrolment = _dbv_enrolment_ready_for_a_grant(newton_partner)
    response = api_client_for(dfe_official).post(
        f"{API}/grants/",
        {
            "enrolment": enrolment.pk,
            "amount": "900000.00",
            "awarded_on": "2023-06-01",
            "payments": [
                {"due_on": "2023-07-01", "amount": "400000.00"},
                {"due_on": "2024-01-05", "amount": "500000.00"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["programme"], body["amount"], body["scheduled"], body["released"]) == (
        "dbv_implementation",
        "DBV",
        "900000.00",
        "900000.00",
        "0.00",
    )
    assert [payment["number"] for payment in body["payments"]] == [1, 2]
    grant = Grant.objects.get(pk=body["id"])
    assert last_actor(grant) == dfe_official
    stage_12 = _stage(enrolment.authority.la_code, 12)
    assert (stage_12.status, stage_12.actual_date) == (StageStatus.COMPLETE, date(2023, 6, 1))


def test_a_grant_whose_payments_do_not_add_up_names_the_payments(dfe_official, newton_partner):
    enrolment = _dbv_enrolment_ready_for_a_grant(newton_partner)
    response = api_client_for(dfe_official).post(
        f"{API}/grants/",
        {
            "enrolment": enrolment.pk,
            "amount": "900000.00",
            "awarded_on": "2023-06-01",
            "payments": [{"due_on": "2023-07-01", "amount": "400000.00"}],
        },
    )
    error = error_of(response, 400)
    assert list(error["fields"]) == ["payments"]
    assert "add up to" in error["message"]


def test_grant_totals_are_national_for_dfe_and_scoped_for_everyone_else(
    dorset_agreement, dorset_lead, dfe_official, steering_member
):
    dbv_grant(actor=dfe_official)
    body = api_client_for(dfe_official).get(f"{API}/grant-totals/").json()
    national = national_grant_totals(user=dfe_official)
    assert [(row["programme"], row["financial_year"], row["awarded"]) for row in body["totals"]] == [
        (row.programme, str(row.financial_year), f"{row.awarded:.2f}") for row in national
    ]
    assert {row["programme"] for row in body["totals"]} == {"SV", "DBV"}
    lead = api_client_for(dorset_lead).get(f"{API}/grant-totals/").json()["totals"]
    assert {row["programme"] for row in lead} == {"SV"}
    assert sum(Decimal(row["awarded"]) for row in lead) == Decimal("40000000.00")
    assert api_client_for(steering_member).get(f"{API}/grant-totals/").json() == {"totals": []}


def test_grant_totals_answer_in_the_same_number_of_queries_however_many_grants(dfe_official):
    authority = LocalAuthorityFactory()
    client = api_client_for(FinanceLeadFactory(authority=authority))
    past_grants(authority, dbv=1, actor=dfe_official)
    before, _ = queries_of(client, f"{API}/grant-totals/")
    past_grants(authority, dbv=6, sv=3, actor=dfe_official)
    after, body = queries_of(client, f"{API}/grant-totals/")
    assert after == before
    assert {row["programme"] for row in body["totals"]} == {"SV", "DBV"}


# --- Deadlines ---------------------------------------------------------------------------------


@pytest.fixture
def today(time_machine):
    """1 June 2023: some of the deadlines below are overdue, others upcoming."""
    time_machine.move_to(datetime(2023, 6, 1, 10, 0, tzinfo=UTC), tick=False)
    return date(2023, 6, 1)


@pytest.fixture
def deadlines(today, dorset_agreement, dfe_official, newton_partner, steering_member):
    """Deadlines of every kind but plans: Dorset's reports and payments, two steering actions and two
    Diagnostic stages of 207, one of each overdue."""
    steering_action(actor=dfe_official, owner=steering_member, due_on=date(2023, 5, 1))
    steering_action(actor=dfe_official, owner=dfe_official, due_on=date(2023, 7, 1))
    for number, planned in ((3, date(2023, 5, 15)), (4, date(2023, 6, 20))):
        diagnostic_stage_update(actor=newton_partner, stage=_stage("207", number), planned_date=planned)


@pytest.mark.parametrize("person", ["dfe_official", "newton_partner", "dorset_lead", "steering_member"])
def test_mine_upcoming_and_overdue_narrow_the_deadlines(request, deadlines, person):
    user = request.getfixturevalue(person)
    client = api_client_for(user)
    everything = client.get(f"{API}/deadlines/", {"page_size": 500}).json()

    def ids(**params):
        body = client.get(f"{API}/deadlines/", {"page_size": 500, **params}).json()
        return {row["id"] for row in body["results"]}

    mine = ids(mine="true")
    assert mine == set(deadlines_owned_by(user).values_list("pk", flat=True))
    assert mine | ids(mine="false") == {row["id"] for row in everything["results"]}
    today = timezone.localdate()
    upcoming, overdue, open_ = ids(upcoming="true"), ids(overdue="true"), ids(open="true")
    assert upcoming | overdue == open_ and not upcoming & overdue
    for row in everything["results"]:
        assert row["overdue"] == (row["id"] in overdue)
        assert row["overdue"] == (row["open"] and date.fromisoformat(row["due_on"]) < today)
    assert ids(mine="true", overdue="true") == mine & overdue


def test_deadlines_filter_by_authority_and_kind_and_name_their_source(dorset_agreement, dfe_official):
    steering_action(actor=dfe_official)
    client = api_client_for(dfe_official)
    body = client.get(
        f"{API}/deadlines/", {"authority": "838", "kind": "monitoring_report", "page_size": 500}
    ).json()
    reports = MonitoringReport.objects.filter(agreement__enrolment__authority__la_code="838")
    assert body["count"] == reports.count()
    row = body["results"][0]
    assert (row["authority"], row["kind"], row["source"], row["owner_group"]) == (
        "838",
        "monitoring_report",
        "monitoring-reports",
        "finance_leads",
    )
    assert client.get(f"{API}/monitoring-reports/{row['source_id']}/").status_code == 200
    steering = client.get(f"{API}/deadlines/", {"kind": DeadlineKind.STEERING_ACTION}).json()["results"][0]
    assert (steering["authority"], steering["source"]) == (None, "steering-group/actions")
    error = error_of(client.get(f"{API}/deadlines/", {"kind": "birthday", "due_after": "soon"}), 400)
    assert set(error["fields"]) == {"kind", "due_after"}


# --- Self-assessments --------------------------------------------------------------------------


def _answers(**overrides) -> list[dict]:
    answers = [
        {"focus_area": number, "rating": "amber", "answer": f"Area {number}"} for number in range(1, 6)
    ]
    for key, value in overrides.items():
        index, field = key.split("_", 1)
        answers[int(index[1:])][field] = value
    return answers


def test_a_finance_lead_submits_a_self_assessment_for_their_authority(finance_lead):
    response = api_client_for(finance_lead).post(
        f"{API}/self-assessments/", {"answers": _answers()}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["authority"], body["submitted_by"]) == ("207", finance_lead.username)
    assert [(a["focus_area"], a["rating"]) for a in body["answers"]] == [(n, "amber") for n in range(1, 6)]
    assert last_actor(SelfAssessment.objects.get(pk=body["id"])) == finance_lead


def test_a_self_assessment_answer_at_fault_is_named_by_its_place(dfe_official, finance_lead):
    client = api_client_for(finance_lead)
    error = error_of(
        client.post(f"{API}/self-assessments/", {"answers": _answers(a2_answer="  ")}, format="json"), 400
    )
    assert list(error["fields"]) == ["answers.2.answer"]
    error = error_of(client.post(f"{API}/self-assessments/", {"answers": _answers()[:4]}, format="json"), 400)
    assert list(error["fields"]) == ["answers"]
    assert "is missing" in error["message"]
    error = error_of(client.post(f"{API}/self-assessments/", {"answers": _answers(a1_rating="blue")}), 400)
    assert list(error["fields"]) == ["answers.1.rating"]
    assert error_of(
        api_client_for(dfe_official).post(f"{API}/self-assessments/", {"answers": _answers()}), 403
    )


# --- DSG management plans ----------------------------------------------------------------------


@pytest.fixture
def esfa(dfe_official):
    """An authority just invited into ESFA."""
    return esfa_enrolment(actor=dfe_official)


@pytest.fixture
def esfa_lead(esfa):
    """The finance lead of the authority just invited into ESFA."""
    return FinanceLeadFactory(authority=esfa.authority)


def _forecasts() -> str:
    return json.dumps(
        [
            {
                "financial_year": str(year),
                "in_year_balance": "-1000000.00",
                "cumulative_balance": "-9000000.00",
            }
            for year in plan_years()
        ]
    )


def _plan_file(name="plan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_finance_lead_submits_a_plan_with_its_file_and_dfe_reviews_it(
    esfa, esfa_lead, dfe_official, finance_lead
):
    lead = api_client_for(esfa_lead)
    response = lead.post(
        f"{API}/management-plans/",
        {"enrolment": esfa.pk, "file": _plan_file(), "forecasts": _forecasts()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["authority"], body["submitted_by"], body["file_name"]) == (
        esfa.authority.la_code,
        esfa_lead.username,
        "plan.pdf",
    )
    assert [forecast["financial_year"] for forecast in body["forecasts"]] == [str(y) for y in plan_years()]
    assert "/media/" not in body["download_url"]
    assert body["download_url"].endswith(f"/api/v1/management-plans/{body['id']}/download/")
    plan = ManagementPlan.objects.get(pk=body["id"])
    assert last_actor(plan) == esfa_lead

    download = lead.get(f"{API}/management-plans/{plan.pk}/download/", HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert error_of(api_client_for(finance_lead).get(f"{API}/management-plans/{plan.pk}/download/"), 404)

    next_review = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = api_client_for(dfe_official).post(
        f"{API}/management-plans/{plan.pk}/review/",
        {
            "outcome": "revisions_needed",
            "notes": "Show the special school places.",
            "next_review_on": next_review,
        },
    )
    assert response.status_code == 200, response.content
    assert (response.json()["review_outcome"], response.json()["reviewed_by"]) == (
        "revisions_needed",
        dfe_official.username,
    )
    assert plan.deadlines.get().due_on.isoformat() == next_review
    plan.refresh_from_db()
    assert last_actor(plan) == dfe_official
    error = error_of(
        api_client_for(dfe_official).post(
            f"{API}/management-plans/{plan.pk}/review/", {"outcome": "revisions_needed"}
        ),
        400,
    )
    assert list(error["fields"]) == ["notes"]


def test_a_plan_is_refused_with_the_input_at_fault(esfa, esfa_lead):
    lead = api_client_for(esfa_lead)
    url = f"{API}/management-plans/"
    response = lead.post(url, {"enrolment": esfa.pk, "forecasts": _forecasts()}, format="json")
    assert error_of(response, 415)["code"] == "unsupported_media_type"
    response = lead.post(
        url, {"enrolment": esfa.pk, "file": _plan_file(), "forecasts": "[{not json"}, format="multipart"
    )
    assert list(error_of(response, 400)["fields"]) == ["forecasts"]
    rows = json.loads(_forecasts())
    rows[1]["cumulative_balance"] = "lots"
    response = lead.post(
        url,
        {"enrolment": esfa.pk, "file": _plan_file(), "forecasts": json.dumps(rows)},
        format="multipart",
    )
    assert list(error_of(response, 400)["fields"]) == ["forecasts.1.cumulative_balance"]
    response = lead.post(
        url,
        {"enrolment": esfa.pk, "file": _plan_file(), "forecasts": json.dumps(rows[:1])},
        format="multipart",
    )
    assert "is missing" in error_of(response, 400)["message"]
    response = lead.post(
        url,
        {
            "enrolment": esfa.pk,
            "file": _plan_file("plan.pdf", b"MZ not a pdf"),
            "forecasts": _forecasts(),
        },
        format="multipart",
    )
    assert list(error_of(response, 400)["fields"]) == ["file"]
    assert not ManagementPlan.objects.filter(enrolment=esfa).exists()


# --- Trajectories ------------------------------------------------------------------------------


def test_an_authoritys_trajectory_has_its_actuals_targets_and_forecast(
    dorset_agreement, dorset_lead, steering_member
):
    lead = dorset_lead
    dorset = LocalAuthority.objects.get(la_code="838")
    expected = authority_trajectory(user=lead, authority=dorset)
    body = api_client_for(dorset_lead).get(f"{API}/authorities/838/trajectory/").json()
    assert (body["authority"], body["authority_name"]) == ("838", "Dorset")
    assert body["agreement"] == dorset_agreement.pk
    assert body["forecast_unavailable"] == expected.forecast_unavailable
    assert [(year["financial_year"], year["kind"]) for year in body["years"]] == [
        (str(year.financial_year), year.kind) for year in expected.years
    ]
    assert [year["target_missed"] for year in body["years"]] == [
        year.target_missed for year in expected.years
    ]
    targets = [year for year in body["years"] if year["target_cumulative_balance"] is not None]
    assert [year["financial_year"] for year in targets][:2] == ["2021-22", "2022-23"]
    assert body["assumptions"]["first_growth_year"] == "2023-24"

    error = error_of(
        api_client_for(dorset_lead).get(f"{API}/authorities/838/trajectory/", {"forecast_for": "many"}), 400
    )
    assert list(error["fields"]) == ["forecast_for"]
    assert error_of(api_client_for(dorset_lead).get(f"{API}/authorities/207/trajectory/"), 404)
    assert error_of(api_client_for(steering_member).get(f"{API}/authorities/838/trajectory/"), 404)


def test_a_trajectory_forecasts_as_many_years_as_asked(finance_lead):
    authority = LocalAuthority.objects.get(la_code="207")
    DsgFigure.objects.create(
        authority=authority,
        financial_year=FinancialYear(2030),
        source="la_return",
        total_dsg_allocation=Decimal("300000000.00"),
        high_needs_allocation=Decimal("60000000.00"),
        in_year_balance=Decimal("-1000000.00"),
        cumulative_balance=Decimal("-5000000.00"),
        usable_reserves=Decimal("1000000.00"),
    )
    client = api_client_for(finance_lead)
    for asked in (0, 3):
        body = client.get(f"{API}/authorities/207/trajectory/", {"forecast_for": asked}).json()
        forecast = [year for year in body["years"] if year["kind"] == "forecast"]
        assert [year["financial_year"] for year in forecast] == [
            str(FinancialYear(2031 + i)) for i in range(asked)
        ]
        # 2031-32: 60m grown 3 % less spending of 61m leaves a deficit of 4.2m against reserves of 1m.
        assert [year["deficit_exceeds_reserves"] for year in forecast[:1]] == [True] * min(asked, 1)
        assert [year["cumulative_balance"] for year in forecast[:1]] == ["-4200000.00"] * min(asked, 1)


def test_a_partner_sees_an_assigned_authoritys_trajectory_without_agreement_targets(newton_partner):
    body = api_client_for(newton_partner).get(f"{API}/authorities/207/trajectory/").json()
    assert body["agreement"] is None
    assert all(year["target_cumulative_balance"] is None for year in body["years"])


def test_a_trajectory_answers_in_the_same_number_of_queries_however_many_years(
    dorset_agreement, dfe_official
):
    client = api_client_for(dfe_official)
    before, small = queries_of(client, f"{API}/authorities/838/trajectory/")
    authority = LocalAuthority.objects.get(la_code="838")
    first = DsgFigure.objects.filter(authority=authority).order_by("financial_year").first()
    for offset in range(1, 7):
        DsgFigure.objects.create(
            authority=authority,
            financial_year=FinancialYear(first.financial_year.start_year - offset),
            source="la_return",
            total_dsg_allocation=Decimal("100000000.00"),
            high_needs_allocation=Decimal("20000000.00"),
            in_year_balance=Decimal("-100000.00"),
            cumulative_balance=Decimal("-200000.00"),
        )
    after, large = queries_of(client, f"{API}/authorities/838/trajectory/")
    assert after == before
    assert len(large["years"]) == len(small["years"]) + 6


def test_deadlines_of_a_diagnostic_stage_come_and_go_with_it_through_the_api(newton_partner):
    stage = _not_started_stage()
    client = api_client_for(newton_partner)
    client.patch(f"{API}/diagnostic-stages/{stage.pk}/", {"planned_date": "2031-01-01"})
    deadline = Deadline.objects.get(source_id=stage.pk, kind=DeadlineKind.DIAGNOSTIC_STAGE)
    row = client.get(f"{API}/deadlines/{deadline.pk}/").json()
    assert (row["source"], row["source_id"], row["due_on"], row["open"]) == (
        "diagnostic-stages",
        stage.pk,
        "2031-01-01",
        True,
    )
    client.patch(
        f"{API}/diagnostic-stages/{stage.pk}/",
        {"status": "complete", "actual_date": timezone.localdate().isoformat()},
    )
    assert client.get(f"{API}/deadlines/{deadline.pk}/").json()["open"] is False
