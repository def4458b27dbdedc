"""Demo Safety Valve agreements and a demo DBV grant: invented figures, all marked as demo data.

Made through the agreement, grant and Diagnostic services. Three of the nine 2021-22 Safety Valve
authorities (Dorset, Kirklees, York) get an agreement signed in March 2022, with conditions,
yearly targets, instalments and quarterly monitoring reports; the story runs to the end of 2023:
reports submitted by the authority's demo finance lead and assessed by the demo DfE official (York's
fourth off track, so its next instalment is withheld), instalments released as they fall due.
One DBV authority gets an implementation grant once its Diagnostic reaches "Grant application
submitted". Agreements, grants and monitoring reports are `is_demo`; the agreements are not
published (no URL), since the real ones say something else.

An authority that already has an agreement (or a DBV grant) is left alone, so a second run
changes nothing. The records' own dates are the story's; the times things were submitted,
assessed and decided are when the seed ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.financial_year import FinancialYear
from portal.models import User
from programmes.models import (
    Agreement,
    Assessment,
    DiagnosticStage,
    Enrolment,
    EnrolmentStatus,
    Grant,
    GrantKind,
    MonitoringReport,
    ProgrammeCode,
    StageStatus,
)
from programmes.selectors.agreement import off_track_review
from programmes.services.agreement import agreement_create, monitoring_report_assess, monitoring_report_submit
from programmes.services.diagnostic import diagnostic_stage_update
from programmes.services.grants import (
    APPLICATION_SUBMITTED_STAGE,
    dbv_grant_award,
    payment_release,
    payment_withhold,
)

DEMO = "Demo: "
STORY_ENDS_ON = date(2023, 12, 31)
M = Decimal(1_000_000)

CONDITIONS = (
    "Strengthen early intervention, so that needs are met before they escalate.",
    "Extend the SEN support offer in mainstream schools, with outreach from special schools.",
    "Review EHCP assessment processes and thresholds with schools and the parent carer forum.",
    "Open additional specialist places locally, reducing reliance on independent placements.",
    "Report progress to the schools forum each term.",
)


@dataclass(frozen=True)
class _DemoAgreement:
    la_code: str
    signed_on: date
    deficit: Decimal
    contribution: Decimal
    # (financial year, in-year balance, cumulative balance) in £m; negative is a deficit.
    targets: tuple[tuple[str, str, str], ...]
    # (due date, amount in £m)
    instalments: tuple[tuple[date, str], ...]
    first_report_due: date
    # The reports submitted so far, in due-date order: (in-year £m, cumulative £m, assessment or "").
    reports: tuple[tuple[str, str, str], ...]


AGREEMENTS = (
    _DemoAgreement(
        la_code="838",  # Dorset
        signed_on=date(2022, 3, 18),
        deficit=Decimal("63.40") * M,
        contribution=Decimal("40.00") * M,
        targets=(
            ("2021-22", "-9.80", "-63.40"),
            ("2022-23", "-4.20", "-51.60"),
            ("2023-24", "-1.10", "-36.70"),
            ("2024-25", "0.40", "-24.30"),
            ("2025-26", "1.20", "-7.10"),
            ("2026-27", "1.90", "0.00"),
        ),
        instalments=(
            (date(2022, 3, 31), "16.00"),
            (date(2022, 12, 15), "6.00"),
            (date(2023, 12, 15), "6.00"),
            (date(2024, 12, 16), "6.00"),
            (date(2025, 12, 15), "6.00"),
        ),
        first_report_due=date(2022, 6, 30),
        reports=(
            ("-6.10", "-57.30", Assessment.ON_TRACK),
            ("-5.20", "-56.40", Assessment.ON_TRACK),
            ("-4.60", "-55.80", Assessment.ON_TRACK),
            ("-4.00", "-51.20", Assessment.ON_TRACK),
        ),
    ),
    _DemoAgreement(
        la_code="382",  # Kirklees
        signed_on=date(2022, 3, 22),
        deficit=Decimal("48.20") * M,
        contribution=Decimal("33.50") * M,
        targets=(
            ("2021-22", "-7.40", "-48.20"),
            ("2022-23", "-3.10", "-37.30"),
            ("2023-24", "0.20", "-25.10"),
            ("2024-25", "1.10", "-10.00"),
            ("2025-26", "1.60", "0.40"),
        ),
        instalments=(
            (date(2022, 3, 31), "13.50"),
            (date(2022, 12, 15), "5.00"),
            (date(2023, 12, 15), "5.00"),
            (date(2024, 12, 16), "5.00"),
            (date(2025, 12, 15), "5.00"),
        ),
        first_report_due=date(2022, 6, 30),
        reports=(
            ("-3.50", "-41.00", Assessment.ON_TRACK),
            ("-3.30", "-40.80", Assessment.AT_RISK),
            ("-3.00", "-38.10", Assessment.ON_TRACK),
            ("-2.90", "-37.90", ""),  # submitted, waiting for DfE's assessment
        ),
    ),
    _DemoAgreement(
        la_code="816",  # York
        signed_on=date(2022, 3, 24),
        deficit=Decimal("19.60") * M,
        contribution=Decimal("14.40") * M,
        targets=(
            ("2021-22", "-3.10", "-19.60"),
            ("2022-23", "-1.20", "-14.50"),
            ("2023-24", "0.10", "-8.70"),
            ("2024-25", "0.60", "-2.10"),
            ("2025-26", "0.90", "0.00"),
        ),
        instalments=(
            (date(2022, 3, 31), "6.40"),
            (date(2022, 12, 15), "2.00"),
            (date(2023, 12, 15), "2.00"),
            (date(2024, 12, 16), "2.00"),
            (date(2025, 12, 15), "2.00"),
        ),
        first_report_due=date(2022, 6, 30),
        reports=(
            ("-1.90", "-16.80", Assessment.ON_TRACK),
            ("-2.40", "-17.30", Assessment.AT_RISK),
            ("-3.20", "-18.10", Assessment.AT_RISK),
            ("-4.10", "-19.00", Assessment.OFF_TRACK),
        ),
    ),
)

ASSESSMENT_NOTES = {
    Assessment.ON_TRACK: "",
    Assessment.AT_RISK: f"{DEMO}spending on independent placements is above plan; DfE will review next quarter.",
    Assessment.OFF_TRACK: f"{DEMO}the in-year deficit is growing against a target of reducing it; the reforms "
    "to EHCP assessment have not started.",
}

# The DBV authority given a demo implementation grant: the first tranche 1 authority by LA code.
DBV_GRANT = {
    "amount": Decimal("1000000.00"),
    "awarded_on": date(2023, 6, 15),
    "payments": ((date(2023, 6, 30), Decimal("500000.00")), (date(2024, 3, 28), Decimal("500000.00"))),
    "stages_from": date(2022, 9, 5),
}


def seed(*, actor) -> int:
    """Create the demo agreements and DBV grant that are missing. Returns how many were created."""
    dfe = _demo_user("dfe.official") or actor
    created = 0
    for terms in AGREEMENTS:
        created += _seed_agreement(terms, actor=actor, dfe=dfe)
    created += _seed_dbv_grant(actor=actor, dfe=dfe)
    return created


def _demo_user(username: str) -> User | None:
    return User.objects.filter(username=username, is_demo=True, is_active=True).first()


def _pounds(millions: str) -> Decimal:
    return (Decimal(millions) * M).quantize(Decimal("0.01"))


def _seed_agreement(terms: _DemoAgreement, *, actor, dfe) -> int:
    enrolment = (
        Enrolment.objects.filter(
            authority__la_code=terms.la_code,
            cohort__programme__code=ProgrammeCode.SAFETY_VALVE,
            status__in=(EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE),
        )
        .select_related("authority")
        .first()
    )
    if enrolment is None or Agreement.objects.filter(enrolment=enrolment).exists():
        return 0
    agreement = agreement_create(
        actor=dfe,
        enrolment=enrolment,
        signed_on=terms.signed_on,
        published_url="",
        deficit_at_signing=terms.deficit,
        total_contribution=terms.contribution,
        conditions=[f"{DEMO}{text}" for text in CONDITIONS],
        targets=[(FinancialYear.parse(year), _pounds(a), _pounds(b)) for year, a, b in terms.targets],
        instalments=[(due_on, _pounds(amount)) for due_on, amount in terms.instalments],
        first_report_due=terms.first_report_due,
        is_demo=True,
    )
    lead = _demo_user(f"la.{terms.la_code}") or actor
    reports = list(MonitoringReport.objects.filter(agreement=agreement).order_by("due_on"))
    payments = list(Grant.objects.get(agreement=agreement).payments.order_by("number"))
    # The story in date order: each report as it falls due, each instalment as it falls due.
    events = [
        (report.due_on, "report", report, figures)
        for report, figures in zip(reports[: len(terms.reports)], terms.reports, strict=True)
    ]
    events += [
        (payment.due_on, "payment", payment, None) for payment in payments if payment.due_on <= STORY_ENDS_ON
    ]
    for _, kind, record, figures in sorted(events, key=lambda event: event[0]):
        if kind == "report":
            _report(record, figures, lead=lead, dfe=dfe)
        else:
            _decide(record, agreement=agreement, dfe=dfe)
    return 1


def _report(report: MonitoringReport, figures: tuple[str, str, str], *, lead, dfe) -> None:
    in_year, cumulative, assessment = figures
    monitoring_report_submit(
        actor=lead,
        report=report,
        actual_in_year_balance=_pounds(in_year),
        actual_cumulative_balance=_pounds(cumulative),
        narrative=f"{DEMO}invented figures and narrative for demonstration: reforms under way as planned.",
    )
    if assessment:
        monitoring_report_assess(
            actor=dfe, report=report, assessment=assessment, notes=ASSESSMENT_NOTES[assessment]
        )


def _decide(payment, *, agreement: Agreement, dfe) -> None:
    review = off_track_review(Agreement.objects.get(pk=agreement.pk))
    if review and review.payment and review.payment.pk == payment.pk:
        payment_withhold(
            actor=dfe,
            payment=payment,
            reason=f"{DEMO}withheld: the monitoring report due {review.report.due_on:%-d %B %Y} was off track.",
        )
    else:
        payment_release(actor=dfe, payment=payment, reason=f"{DEMO}released: the agreement is on track.")


def _seed_dbv_grant(*, actor, dfe) -> int:
    enrolment = (
        Enrolment.objects.open()
        .filter(cohort__programme__code=ProgrammeCode.DBV, cohort__tranche=1)
        .order_by("authority__la_code")
        .first()
    )
    if (
        enrolment is None
        or Grant.objects.filter(enrolment=enrolment, kind=GrantKind.DBV_IMPLEMENTATION).exists()
    ):
        return 0
    stages = DiagnosticStage.objects.filter(
        diagnostic__enrolment=enrolment, definition__number__lte=APPLICATION_SUBMITTED_STAGE
    ).select_related("definition")
    for stage in stages.order_by("definition__number"):
        if stage.status == StageStatus.COMPLETE:
            continue
        # Stages three weeks apart from the tranche's start, as the Diagnostic demo plans them.
        day = date.fromordinal(DBV_GRANT["stages_from"].toordinal() + 21 * (stage.definition.number - 1))
        diagnostic_stage_update(
            actor=actor,
            stage=stage,
            status=StageStatus.COMPLETE,
            planned_date=stage.planned_date or day,
            actual_date=day,
            notes=stage.notes or f"{DEMO}completed.",
        )
    dbv_grant_award(
        actor=dfe,
        enrolment=enrolment,
        amount=DBV_GRANT["amount"],
        awarded_on=DBV_GRANT["awarded_on"],
        payments=list(DBV_GRANT["payments"]),
        is_demo=True,
    )
    grant = Grant.objects.get(enrolment=enrolment, kind=GrantKind.DBV_IMPLEMENTATION)
    first = grant.payments.order_by("number").first()
    payment_release(actor=dfe, payment=first, reason=f"{DEMO}released on award.")
    return 1
