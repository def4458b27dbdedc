"""Demo Safety Valve agreements and a demo DBV grant: invented terms, sized from DfE's published figures.

Each of the nine 2021-22 Safety Valve authorities (active as at March 2022 in the reference data) gets
an agreement signed in February 2022: its deficit at signing is the authority's published cumulative
deficit at the end of 2020-21, DfE's contribution about two thirds of it, paid 40 % at once and the
rest in yearly instalments. Targets run until the year after the one the seed runs in. The story runs
up to the day seed_demo runs: every monitoring report due before then was submitted (by the
authority's demo finance lead) and assessed (by the demo DfE official) three weeks later, every
instalment due before then decided on its due date; the next report and instalment fall due in the
coming weeks. York slips off track in its last year, so one instalment was withheld and the next is up
for a withhold decision. Two authorities' latest reports wait for DfE's assessment.

The agreements are not published (no URL): the real ones say something else. Agreements, their
contribution grants, monitoring reports and the DBV grant are marked demo. An authority that already
has an agreement (or a DBV grant) is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from authorities.models import DsgFigure, FigureSource
from demo.accounts import demo_user
from demo.marking import backdate, mark_demo
from portal.financial_year import FinancialYear
from programmes.models import (
    Agreement,
    Assessment,
    DiagnosticStage,
    Enrolment,
    EnrolmentStatus,
    Grant,
    GrantKind,
    MonitoringReport,
    PaymentStatus,
    ProgrammeCode,
    StageStatus,
)
from programmes.selectors.agreement import off_track_review
from programmes.services.agreement import (
    agreement_create,
    agreement_vary,
    monitoring_report_assess,
    monitoring_report_submit,
)
from programmes.services.grants import (
    APPLICATION_SUBMITTED_STAGE,
    dbv_grant_award,
    payment_deadlines_sync,
    payment_release,
    payment_withhold,
)

DEMO = "Demo: "
SIGNING_YEAR = FinancialYear(2021)
# The published year-end before signing, whose cumulative deficit is the deficit at signing.
DEFICIT_YEAR = FinancialYear(2020)
FIRST_INSTALMENT_ON = date(2022, 3, 31)
FIRST_INSTALMENT_SHARE = Decimal("0.40")
TEN_THOUSAND = Decimal(10_000)
PENNY = Decimal("0.01")
SUBMITTED_DAYS_BEFORE_DUE = 2
ASSESSED_DAYS_AFTER_DUE = 21
NEXT_INSTALMENT_IN_DAYS = 21
NEXT_REPORT_IN_DAYS = 30
# York slips: at risk from 21 months before the seed day, off track from 15 months before it.
SLIPPING = "816"
SLIPPING_ASSESSED_DAYS_AGO = 4
# Kirklees has an at-risk spell about three years back.
WOBBLY = "382"
# Authorities whose latest report is submitted and waits for DfE's assessment.
AWAITING_ASSESSMENT = ("382", "355")
# Kirklees's agreement was varied after its at-risk spell: a condition added, about 30 months back.
VARIED = "382"
VARIED_MONTHS_AGO = 30
VARIATION_REASON = (
    f"{DEMO}after the at-risk assessments, the authority agreed to report its independent placements."
)
VARIATION_CONDITION = f"{DEMO}Report the number of independent special school placements to DfE each quarter."

CONDITIONS = (
    "Strengthen early intervention, so that needs are met before they escalate.",
    "Extend the SEN support offer in mainstream schools, with outreach from special schools.",
    "Review EHCP assessment processes and thresholds with schools and the parent carer forum.",
    "Open additional specialist places locally, reducing reliance on independent placements.",
    "Report progress to the schools forum each term.",
)
ASSESSMENT_NOTES = {
    Assessment.ON_TRACK: "",
    Assessment.AT_RISK: f"{DEMO}spending on independent placements is above plan; DfE will review next quarter.",
    Assessment.OFF_TRACK: f"{DEMO}the deficit is growing against a target of reducing it; the reforms "
    "to EHCP assessment have not started.",
}

DBV_GRANT_AMOUNT = Decimal("1000000.00")
DBV_GRANT_AWARDED_DAYS_AGO = 3
DBV_SECOND_PAYMENT_IN_DAYS = 120


def _rounded(amount: Decimal, unit: Decimal = TEN_THOUSAND) -> Decimal:
    return ((amount / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit).quantize(PENNY)


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28) if day.month == 2 else day.day)


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass(frozen=True)
class AgreementPlan:
    """One authority's invented agreement, worked out from its published figures and the seed day."""

    la_code: str
    signed_on: date
    deficit: Decimal
    contribution: Decimal
    targets: list[tuple[FinancialYear, Decimal, Decimal]]
    instalments: list[tuple[date, Decimal]]
    first_report_due: date

    def target_for(self, year: FinancialYear) -> tuple[Decimal, Decimal]:
        for target_year, in_year, cumulative in self.targets:
            if target_year == year:
                return in_year, cumulative
        return self.targets[-1][1], self.targets[-1][2]

    def shortfall(self, day: date, *, today: date) -> Decimal:
        """How far behind its target the authority is on `day`, as a share of the deficit at signing."""
        rng = random.Random(f"demo-sv-{self.la_code}-{day}")  # noqa: S311 (invented figures, not security)
        share = Decimal(rng.randint(-200, 150)) / 10_000
        months_ago = (today - day).days / 30.4
        if self.la_code == SLIPPING and months_ago < 15:
            return share + Decimal("0.12") + Decimal(int(15 - months_ago)) / 200
        if self.la_code == SLIPPING and months_ago < 21:
            return share + Decimal("0.05")
        if self.la_code == WOBBLY and 30 <= months_ago < 36:
            return share + Decimal("0.05")
        return share


def assessment_of(shortfall: Decimal) -> str:
    if shortfall <= Decimal("0.03"):
        return Assessment.ON_TRACK
    if shortfall <= Decimal("0.08"):
        return Assessment.AT_RISK
    return Assessment.OFF_TRACK


def published_deficit(authority) -> Decimal | None:
    """The authority's published cumulative deficit at the end of 2020-21 (else the nearest year), in pounds."""
    figures = DsgFigure.objects.filter(
        authority=authority, source=FigureSource.PUBLISHED, cumulative_balance__lt=0
    ).order_by("financial_year")
    by_year = {figure.financial_year: figure.cumulative_balance for figure in figures}
    for year in (DEFICIT_YEAR, DEFICIT_YEAR - 1, DEFICIT_YEAR + 1):
        if year in by_year:
            return -by_year[year]
    return None


def agreement_plan(authority, *, position: int, today: date) -> AgreementPlan | None:
    deficit = published_deficit(authority)
    if deficit is None:
        return None
    code = authority.la_code
    rng = random.Random(f"demo-sv-terms-{code}")  # noqa: S311 (invented figures, not security)
    deficit = _rounded(deficit)
    contribution = _rounded(deficit * Decimal(rng.randint(60, 75)) / 100)
    last_year = FinancialYear.containing(today) + 1 + position % 2
    years = list(range(SIGNING_YEAR.start_year, last_year.start_year + 1))
    targets = []
    for index, start_year in enumerate(years):
        progress = Decimal(index + 1) / len(years)
        cumulative = _rounded(-deficit * (1 - progress)) if index < len(years) - 1 else Decimal("0.00")
        in_year = _rounded(deficit * (Decimal("-0.06") + Decimal("0.09") * index / max(len(years) - 1, 1)))
        targets.append((FinancialYear(start_year), in_year, cumulative))

    next_instalment = today + timedelta(days=NEXT_INSTALMENT_IN_DAYS)
    yearly = [
        _years_before(next_instalment, years_back)
        for years_back in range(next_instalment.year - FIRST_INSTALMENT_ON.year, -2, -1)
    ]
    yearly = [day for day in yearly if day > FIRST_INSTALMENT_ON]
    first = _rounded(contribution * FIRST_INSTALMENT_SHARE)
    each = _rounded((contribution - first) / len(yearly))
    amounts = [each] * (len(yearly) - 1) + [contribution - first - each * (len(yearly) - 1)]
    instalments = [(FIRST_INSTALMENT_ON, first), *zip(yearly, amounts, strict=True)]

    signed_on = date(2022, 2, 7 + 2 * position)
    # Quarterly, at month ends, so that one falls due in the month after next: the earliest month end
    # in that rhythm with 31 days (so every later one is a month end too) at least 2 months after signing.
    due = today + timedelta(days=NEXT_REPORT_IN_DAYS)
    month_index = due.year * 12 + due.month - 1
    earliest = signed_on.year * 12 + signed_on.month - 1 + 2
    while month_index - 3 >= earliest:
        month_index -= 3
    while _month_end(month_index // 12, month_index % 12 + 1).day != 31:
        month_index += 3
    first_report_due = _month_end(month_index // 12, month_index % 12 + 1)
    return AgreementPlan(
        la_code=code,
        signed_on=signed_on,
        deficit=deficit,
        contribution=contribution,
        targets=targets,
        instalments=instalments,
        first_report_due=first_report_due,
    )


def _safety_valve_enrolments() -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(
            cohort__programme__code=ProgrammeCode.SAFETY_VALVE,
            cohort__name="2021-22 round",
            status__in=(EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE),
        )
        .select_related("authority")
        .order_by("authority__la_code")
    )


def agreement_plans(*, today: date | None = None) -> dict[str, AgreementPlan]:
    """Every demo agreement's plan, by LA code (demo.figures follows the same story)."""
    today = today or timezone.localdate()
    plans = {}
    for position, enrolment in enumerate(_safety_valve_enrolments()):
        plan = agreement_plan(enrolment.authority, position=position, today=today)
        if plan is not None:
            plans[enrolment.authority.la_code] = plan
    return plans


def seed(*, actor) -> int:
    """Create the demo agreements and DBV grant that are missing. Returns how many were created."""
    today = timezone.localdate()
    dfe = demo_user("dfe.official") or actor
    plans = agreement_plans(today=today)
    created = 0
    for enrolment in _safety_valve_enrolments():
        plan = plans.get(enrolment.authority.la_code)
        if plan is None or Agreement.objects.filter(enrolment=enrolment).exists():
            continue
        _seed_agreement(enrolment, plan, actor=actor, dfe=dfe, today=today)
        created += 1
    created += _seed_dbv_grant(dfe=dfe, today=today)
    return created


def _seed_agreement(enrolment: Enrolment, plan: AgreementPlan, *, actor, dfe, today: date) -> None:
    agreement = agreement_create(
        actor=dfe,
        enrolment=enrolment,
        signed_on=plan.signed_on,
        published_url="",
        deficit_at_signing=plan.deficit,
        total_contribution=plan.contribution,
        conditions=[f"{DEMO}{text}" for text in CONDITIONS],
        targets=plan.targets,
        instalments=plan.instalments,
        first_report_due=plan.first_report_due,
    )
    grant = Grant.objects.get(agreement=agreement)
    mark_demo([agreement])
    mark_demo([grant])
    reports = list(MonitoringReport.objects.filter(agreement=agreement).order_by("due_on"))
    mark_demo(reports)
    lead = demo_user(f"la.{plan.la_code}") or actor

    past = [report for report in reports if report.due_on < today]
    events = []
    for report in past:
        events.append((report.due_on - timedelta(days=SUBMITTED_DAYS_BEFORE_DUE), 0, "submit", report))
        assessed_on = report.due_on + timedelta(days=ASSESSED_DAYS_AFTER_DUE)
        if plan.la_code == SLIPPING and report is past[-1]:
            # York's latest report was assessed this week: DfE's withhold decision is due soon, not late.
            assessed_on = max(
                report.due_on + timedelta(days=1), today - timedelta(days=SLIPPING_ASSESSED_DAYS_AGO)
            )
        waiting = plan.la_code in AWAITING_ASSESSMENT and report is past[-1]
        if assessed_on < today and not waiting:
            events.append((assessed_on, 1, "assess", report))
    for payment in grant.payments.filter(due_on__lt=today):
        events.append((payment.due_on, 2, "decide", payment))
    for day, _, kind, record in sorted(events, key=lambda event: (event[0], event[1])):
        if kind == "submit":
            _submit(record, plan, lead=lead, day=day, today=today)
        elif kind == "assess":
            _assess(record, plan, dfe=dfe, day=day, today=today)
        else:
            _decide(record, agreement=agreement, dfe=dfe, day=day)
    # The decision deadlines from the story's assessment dates, not the seed's.
    payment_deadlines_sync(actor=dfe, grant=grant)
    if plan.la_code == VARIED:
        _vary(agreement, dfe=dfe, today=today)


def _vary(agreement: Agreement, *, dfe, today: date) -> None:
    """One variation, as a DfE official records it: a condition added, every other term as it stands."""
    varied_on = max(agreement.signed_on, today - timedelta(days=VARIED_MONTHS_AGO * 30))
    variation = agreement_vary(
        actor=dfe,
        agreement=agreement,
        varied_on=varied_on,
        reason=VARIATION_REASON,
        conditions=[
            *agreement.conditions.order_by("number").values_list("text", flat=True),
            VARIATION_CONDITION,
        ],
        targets=list(
            agreement.targets.values_list("financial_year", "in_year_balance", "cumulative_balance")
        ),
        instalments=[
            (payment.due_on, payment.amount)
            for payment in agreement.contribution.payments.order_by("number")
            if payment.status == PaymentStatus.SCHEDULED
        ],
    )
    mark_demo([variation])
    backdate(variation, recorded_at=_at(varied_on))


def _submit(report: MonitoringReport, plan: AgreementPlan, *, lead, day: date, today: date) -> None:
    shortfall = plan.shortfall(report.due_on, today=today) * plan.deficit
    in_year, cumulative = plan.target_for(FinancialYear.containing(report.due_on))
    monitoring_report_submit(
        actor=lead,
        report=report,
        actual_in_year_balance=(in_year - shortfall / 2).quantize(PENNY),
        actual_cumulative_balance=(cumulative - shortfall).quantize(PENNY),
        narrative=f"{DEMO}invented figures and narrative for demonstration: reforms under way as planned.",
    )
    backdate(report, submitted_at=_at(day))


def _assess(report: MonitoringReport, plan: AgreementPlan, *, dfe, day: date, today: date) -> None:
    assessment = assessment_of(plan.shortfall(report.due_on, today=today))
    monitoring_report_assess(
        actor=dfe, report=report, assessment=assessment, notes=ASSESSMENT_NOTES[assessment]
    )
    backdate(report, assessed_at=_at(day, 15))


def _decide(payment, *, agreement: Agreement, dfe, day: date) -> None:
    review = off_track_review(Agreement.objects.get(pk=agreement.pk))
    if review and review.payment and review.payment.pk == payment.pk:
        payment_withhold(
            actor=dfe,
            payment=payment,
            reason=f"{DEMO}withheld: the monitoring report due {review.report.due_on:%-d %B %Y} was off track.",
        )
    else:
        payment_release(
            actor=dfe,
            payment=payment,
            reason=f"{DEMO}released: the agreement is on track.",
            override_reason=f"{DEMO}the instalment its off-track report put up was withheld."
            if review
            else "",
        )
    backdate(payment, decided_at=_at(day, 16))


def _seed_dbv_grant(*, dfe, today: date) -> int:
    """A DBV implementation grant for the first DBV authority whose Diagnostic has its application submitted."""
    if Grant.objects.filter(kind=GrantKind.DBV_IMPLEMENTATION, is_demo=True).exists():
        return 0
    awarded_on = today - timedelta(days=DBV_GRANT_AWARDED_DAYS_AGO)
    submitted = (
        DiagnosticStage.objects.filter(
            definition__number=APPLICATION_SUBMITTED_STAGE,
            status=StageStatus.COMPLETE,
            actual_date__lte=awarded_on,
            diagnostic__closed_at__isnull=True,
            diagnostic__enrolment__status__in=(EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE),
        )
        .exclude(diagnostic__enrolment__grants__kind=GrantKind.DBV_IMPLEMENTATION)
        .select_related("diagnostic__enrolment")
        .order_by("diagnostic__enrolment__authority__la_code")
        .first()
    )
    if submitted is None:
        return 0
    enrolment = submitted.diagnostic.enrolment
    half = (DBV_GRANT_AMOUNT / 2).quantize(PENNY)
    grant = dbv_grant_award(
        actor=dfe,
        enrolment=enrolment,
        amount=DBV_GRANT_AMOUNT,
        awarded_on=awarded_on,
        payments=[
            (awarded_on, half),
            (today + timedelta(days=DBV_SECOND_PAYMENT_IN_DAYS), DBV_GRANT_AMOUNT - half),
        ],
    )
    mark_demo([grant])
    first = grant.payments.filter(status=PaymentStatus.SCHEDULED).order_by("number").first()
    payment_release(actor=dfe, payment=first, reason=f"{DEMO}released on award.")
    backdate(first, decided_at=_at(awarded_on, 16))
    return 1
