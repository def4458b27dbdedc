"""Test factories for the programmes (factory-boy and small helpers built on the services).

Enrolments are made through the enrolment service, never by writing a status directly, so a
factory-made enrolment has the same transitions, Diagnostic and history as a real one. The
reference programmes and cohorts (DBV tranches 1-3, Safety Valve 2021-22, ESFA 2022-23) are in the
test database; `cohort()` finds one.

To add a factory: put it at the end of this file under a name nobody has used; reuse what exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from authorities.factories import UNUSED_LA_CODES, FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import LocalAuthority
from portal.factories import DfeOfficialFactory
from portal.financial_year import FinancialYear
from portal.roles import DeliveryPartner

from .models import (
    Agreement,
    Assessment,
    Cohort,
    Diagnostic,
    DiagnosticStage,
    Enrolment,
    EnrolmentStatus,
    Grant,
    ManagementPlan,
    MonitoringReport,
    ProgrammeCode,
    StageStatus,
    TrainingSession,
)
from .services.agreement import (
    AssessmentOutcome,
    agreement_create,
    monitoring_report_assess,
    monitoring_report_submit,
)
from .services.diagnostic import diagnostic_plan, diagnostic_stage_update, training_session_log
from .services.enrolment import enrolment_invite, enrolment_transition
from .services.grants import dbv_grant_award
from .services.management_plan import Forecast, management_plan_submit, plan_years

# The transitions that take a new invitation to each status (SPEC §4.2).
_PATH_TO = {
    EnrolmentStatus.INVITED: [],
    EnrolmentStatus.ACCEPTED: ["accept"],
    EnrolmentStatus.ACTIVE: ["accept", "activate"],
    EnrolmentStatus.COMPLETED: ["accept", "activate", "complete"],
    EnrolmentStatus.DECLINED: ["decline"],
    EnrolmentStatus.WITHDRAWN: ["withdraw"],
}


def cohort(programme: str = ProgrammeCode.DBV, *, tranche: int | None = None) -> Cohort:
    """A reference cohort: a DBV tranche (1 unless given), or the first cohort of SV or ESFA."""
    cohorts = Cohort.objects.filter(programme__code=programme).order_by("financial_year", "tranche", "pk")
    if programme == ProgrammeCode.DBV:
        cohorts = cohorts.filter(tranche=tranche or 1)
    return cohorts.first()


def enrolment(
    *,
    authority: LocalAuthority | None = None,
    programme: str = ProgrammeCode.DBV,
    tranche: int | None = None,
    status: str = EnrolmentStatus.INVITED,
    partners: Iterable[str] = (),
    actor=None,
) -> Enrolment:
    """An enrolment of `authority` (a new one unless given) moved to `status` through the service."""
    actor = actor or DfeOfficialFactory()
    enrolment = enrolment_invite(
        actor=actor,
        authority=authority or LocalAuthorityFactory(),
        cohort=cohort(programme, tranche=tranche),
        partners=partners,
    )
    for transition in _PATH_TO[status]:
        enrolment = enrolment_transition(
            actor=actor, enrolment=enrolment, transition=transition, reason=f"Test: {transition}"
        )
    return enrolment


# --- Safety Valve agreements, monitoring reports and DBV grants, made through their services ---

_new_enrolment = enrolment


def sv_agreement_terms(**overrides) -> dict:
    """Terms agreement_create accepts: signed 15 March 2022, a £60m deficit, £40m from DfE in four
    instalments, targets from 2021-22 until the deficit is eliminated in 2024-25. Override any of them."""
    fy = FinancialYear
    return {
        "signed_on": date(2022, 3, 15),
        "published_url": "https://www.example.org/safety-valve-agreement.pdf",
        "deficit_at_signing": Decimal("60000000.00"),
        "total_contribution": Decimal("40000000.00"),
        "conditions": ["Open more specialist places locally.", "Review EHCP thresholds with schools."],
        "targets": [
            (fy(2021), Decimal("-9000000.00"), Decimal("-60000000.00")),
            (fy(2022), Decimal("-4000000.00"), Decimal("-45000000.00")),
            (fy(2023), Decimal("500000.00"), Decimal("-25000000.00")),
            (fy(2024), Decimal("1000000.00"), Decimal("0.00")),
        ],
        "instalments": [
            (date(2022, 3, 31), Decimal("16000000.00")),
            (date(2022, 12, 15), Decimal("8000000.00")),
            (date(2023, 12, 15), Decimal("8000000.00")),
            (date(2024, 12, 16), Decimal("8000000.00")),
        ],
        **overrides,
    }


def sv_agreement(*, enrolment: Enrolment | None = None, actor=None, **terms) -> Agreement:
    """A Safety Valve agreement made by `actor` (a new DfE official unless given) through agreement_create.

    `enrolment` is a new active Safety Valve enrolment unless given; `terms` override sv_agreement_terms().
    Its contribution grant, instalments, monitoring reports and their deadlines come with it.
    """
    actor = actor or DfeOfficialFactory()
    enrolment = enrolment or _new_enrolment(
        programme=ProgrammeCode.SAFETY_VALVE, status=EnrolmentStatus.ACTIVE, actor=actor
    )
    return agreement_create(actor=actor, enrolment=enrolment, **sv_agreement_terms(**terms))


def monitoring_report_submitted(
    report: MonitoringReport,
    *,
    actor=None,
    actual_in_year_balance="-3000000.00",
    actual_cumulative_balance="-50000000.00",
    narrative="Placements in independent schools fell by 12.",
) -> MonitoringReport:
    """`report` submitted through the service by `actor` (a new finance lead of its authority unless given)."""
    actor = actor or FinanceLeadFactory(authority=report.agreement.enrolment.authority)
    return monitoring_report_submit(
        actor=actor,
        report=report,
        actual_in_year_balance=Decimal(actual_in_year_balance),
        actual_cumulative_balance=Decimal(actual_cumulative_balance),
        narrative=narrative,
    )


def monitoring_report_assessed(
    report: MonitoringReport,
    *,
    assessment: str = Assessment.ON_TRACK,
    notes: str = "Assessed in a test.",
    actor=None,
    lead=None,
    **figures,
) -> AssessmentOutcome:
    """`report` submitted by `lead` (see monitoring_report_submitted; `figures` go there), then assessed by
    `actor` (a new DfE official unless given). A report already submitted is assessed as it stands."""
    if report.submitted_at is None:
        monitoring_report_submitted(report, actor=lead, **figures)
    return monitoring_report_assess(
        actor=actor or DfeOfficialFactory(), report=report, assessment=assessment, notes=notes
    )


def dbv_application_submitted(enrolment: Enrolment, *, actor=None, on: date = date(2023, 5, 1)) -> None:
    """Diagnostic stages 1-11 of a DBV `enrolment` logged complete on `on`: a grant may then be awarded."""
    actor = actor or DfeOfficialFactory()
    stages = DiagnosticStage.objects.filter(diagnostic__enrolment=enrolment, definition__number__lte=11)
    for stage in stages.order_by("definition__number"):
        diagnostic_stage_update(actor=actor, stage=stage, status=StageStatus.COMPLETE, actual_date=on)


def dbv_grant(
    *,
    enrolment: Enrolment | None = None,
    actor=None,
    amount="1234567.89",
    awarded_on: date = date(2023, 6, 15),
    payments: list[tuple[date, object]] | None = None,
) -> Grant:
    """A DBV implementation grant awarded through the service by `actor` (a new DfE official unless given).

    `enrolment` is, unless given, a reference DBV enrolment with no grant yet (the reference data takes all
    55 DBV places, so no new one can be invited); its stages 1-11 are logged complete on 1 May 2023 first
    unless its grant application stage already is. One payment on the award date unless `payments` are given.
    """
    actor = actor or DfeOfficialFactory()
    enrolment = (
        enrolment
        or Enrolment.objects.open()
        .filter(cohort__programme__code=ProgrammeCode.DBV, grants__isnull=True)
        .order_by("authority__la_code")
        .first()
    )
    application = DiagnosticStage.objects.filter(
        diagnostic__enrolment=enrolment, definition__number=11
    ).first()
    if application is not None and application.status != StageStatus.COMPLETE:
        dbv_application_submitted(enrolment, actor=actor)
    return dbv_grant_award(
        actor=actor,
        enrolment=enrolment,
        amount=Decimal(amount),
        awarded_on=awarded_on,
        payments=payments or [(awarded_on, Decimal(amount))],
    )


# --- DBV enrolments with Diagnostic progress, and ESFA management plans, made through their services ---


def dbv_enrolment(
    *,
    authority: LocalAuthority | None = None,
    tranche: int = 1,
    status: str = EnrolmentStatus.INVITED,
    partners: Iterable[str] = (DeliveryPartner.NEWTON, DeliveryPartner.CIPFA),
    actor=None,
) -> Enrolment:
    """A DBV enrolment in `tranche` of `authority` (a new one unless given), delivered by Newton and CIPFA
    unless `partners` are given, with its Diagnostic open.

    The 55 reference invitations fill DBV: when no place is free, the reference enrolment of the same
    tranche with the highest LA code is withdrawn first, so each tranche keeps its number of open places.
    """
    actor = actor or DfeOfficialFactory()
    dbv = cohort(ProgrammeCode.DBV, tranche=tranche)
    places, open_dbv = dbv.programme.places, Enrolment.objects.open().filter(cohort__programme=dbv.programme)
    if places is not None and open_dbv.count() >= places:
        leaving = (
            Enrolment.objects.open()
            .filter(cohort=dbv)
            .exclude(authority__la_code__in=[str(code) for code in UNUSED_LA_CODES])
            .order_by("-authority__la_code")
            .first()
        )
        enrolment_transition(
            actor=actor, enrolment=leaving, transition="withdraw", reason="Test: frees a DBV place"
        )
    return _new_enrolment(
        authority=authority,
        programme=ProgrammeCode.DBV,
        tranche=tranche,
        status=status,
        partners=partners,
        actor=actor,
    )


def dbv_progress(
    diagnostic: Diagnostic,
    *,
    complete: Iterable[int] = (),
    in_progress: Iterable[int] = (),
    on: date | None = None,
    planned_completion: date | None = None,
    actor=None,
) -> Diagnostic:
    """Progress on a DBV `diagnostic` logged through the service by `actor` (a new DfE official unless given):
    the stages numbered in `complete` complete on `on` (today unless given), those in `in_progress` in
    progress, and the planned completion if given."""
    actor = actor or DfeOfficialFactory()
    stages = {stage.definition.number: stage for stage in diagnostic.stages.select_related("definition")}
    for number in complete:
        diagnostic_stage_update(
            actor=actor,
            stage=stages[number],
            status=StageStatus.COMPLETE,
            actual_date=on or timezone.localdate(),
        )
    for number in in_progress:
        diagnostic_stage_update(actor=actor, stage=stages[number], status=StageStatus.IN_PROGRESS)
    if planned_completion is not None:
        diagnostic_plan(actor=actor, diagnostic=diagnostic, planned_completion=planned_completion)
    diagnostic.refresh_from_db()
    return diagnostic


def dbv_training_session(
    diagnostic: Diagnostic, *, module: int = 1, held_on: date | None = None, actor=None, **ratings: int
) -> TrainingSession:
    """A training session on `diagnostic` logged through the service by `actor` (a new DfE official unless
    given), held `held_on` (today unless given). `ratings` count the delegates by rating (exceptional,
    very_good, good, fair, poor): one "very good" unless given."""
    return training_session_log(
        actor=actor or DfeOfficialFactory(),
        diagnostic=diagnostic,
        module=module,
        held_on=held_on or timezone.localdate(),
        **(ratings or {"very_good": 1}),
    )


def esfa_enrolment(
    *, authority: LocalAuthority | None = None, status: str = EnrolmentStatus.INVITED, actor=None
) -> Enrolment:
    """An ESFA (2022-23) enrolment of `authority` (a new one unless given), moved to `status` through the service."""
    return _new_enrolment(authority=authority, programme=ProgrammeCode.ESFA, status=status, actor=actor)


def management_plan_pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    """A small file that passes the upload check as a PDF."""
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")


def management_plan_forecasts(today: date | None = None) -> list[Forecast]:
    """Forecasts for the three years a plan submitted `today` covers (timezone.localdate() unless given):
    in-year deficits of £1m, £2m and £3m and cumulative deficits of £5m, £10m and £15m."""
    return [
        (year, Decimal("-1000000.00") * n, Decimal("-5000000.00") * n)
        for n, year in enumerate(plan_years(today), 1)
    ]


def management_plan(
    *,
    enrolment: Enrolment | None = None,
    actor=None,
    file=None,
    forecasts: Iterable[Forecast] | None = None,
) -> ManagementPlan:
    """A DSG management plan submitted through the service by `actor` (a new finance lead of the
    enrolment's authority unless given), on a new ESFA enrolment unless `enrolment` is given; with
    management_plan_pdf() and management_plan_forecasts() unless `file` and `forecasts` are given."""
    enrolment = enrolment or esfa_enrolment()
    return management_plan_submit(
        actor=actor or FinanceLeadFactory(authority=enrolment.authority),
        enrolment=enrolment,
        file=file or management_plan_pdf(),
        forecasts=management_plan_forecasts() if forecasts is None else forecasts,
    )


# --- Stakeholder engagements and self-assessments, made through their services (access matrix) ---


def dbv_engagement(
    diagnostic: Diagnostic, *, kind: str = "schools_forum", held_on: date | None = None, actor=None
):
    """A stakeholder engagement of `diagnostic` logged through the service by `actor` (a new DfE official
    unless given), held `held_on` (today unless given)."""
    from .services.diagnostic import engagement_log

    return engagement_log(
        actor=actor or DfeOfficialFactory(),
        diagnostic=diagnostic,
        kind=kind,
        held_on=held_on or timezone.localdate(),
        notes="Logged in a test.",
    )


def self_assessment(*, authority: LocalAuthority | None = None, actor=None, rating: str = "amber"):
    """A self-assessment of `authority` (a new one unless given) submitted through the service by `actor`
    (a new finance lead of the authority unless given): `rating` and an answer for every focus area."""
    from .models import FocusArea
    from .services.self_assessment import self_assessment_submit

    authority = authority or (actor.authority if actor else LocalAuthorityFactory())
    answers = {
        area.number: (rating, f"Our position on {area.short_name}, in a test.")
        for area in FocusArea.objects.order_by("number")
    }
    return self_assessment_submit(
        actor=actor or FinanceLeadFactory(authority=authority), authority=authority, answers=answers
    )


# --- Closed Diagnostics, and grants on enrolments since ended (one authority may hold many) ---


def closed_dbv_diagnostic(
    *, authority: LocalAuthority | None = None, tranche: int = 1, actor=None
) -> Diagnostic:
    """The Diagnostic of a new DBV enrolment (see dbv_enrolment) with stages 1-2 complete, an engagement and
    a training session, closed by withdrawing the enrolment: its place is free again afterwards."""
    actor = actor or DfeOfficialFactory()
    enrolment = dbv_enrolment(authority=authority, tranche=tranche, actor=actor)
    diagnostic = Diagnostic.objects.get(enrolment=enrolment)
    dbv_progress(diagnostic, complete=(1, 2), on=date(2022, 10, 3), actor=actor)
    dbv_engagement(diagnostic, held_on=date(2022, 10, 1), actor=actor)
    dbv_training_session(diagnostic, held_on=date(2022, 10, 3), very_good=3, good=1, actor=actor)
    enrolment_transition(actor=actor, enrolment=enrolment, transition="withdraw", reason="Test: closes it")
    diagnostic.refresh_from_db()
    return diagnostic


def past_grants(authority: LocalAuthority, *, dbv: int = 0, sv: int = 0, actor=None) -> list[Grant]:
    """Grants of `authority` on enrolments that have since ended, so one authority holds many: `dbv` DBV
    implementation grants (see dbv_grant), each on a DBV enrolment withdrawn after the award, and the
    contribution grants of `sv` Safety Valve agreements (see sv_agreement), each on an enrolment then
    completed. All made through the services by `actor` (a new DfE official unless given)."""
    actor = actor or DfeOfficialFactory()
    grants = []
    for _ in range(dbv):
        enrolment = dbv_enrolment(authority=authority, actor=actor)
        grants.append(dbv_grant(enrolment=enrolment, actor=actor))
        enrolment_transition(actor=actor, enrolment=enrolment, transition="withdraw", reason="Test: ended")
    for _ in range(sv):
        enrolment = _new_enrolment(
            authority=authority,
            programme=ProgrammeCode.SAFETY_VALVE,
            status=EnrolmentStatus.ACTIVE,
            actor=actor,
        )
        grants.append(Grant.objects.get(agreement=sv_agreement(enrolment=enrolment, actor=actor)))
        enrolment_transition(actor=actor, enrolment=enrolment, transition="complete", reason="Test: ended")
    return grants
