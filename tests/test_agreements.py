"""Safety Valve agreements (SPEC §4.5): terms, monitoring reports, instalment decisions and their deadlines."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404

from authorities.factories import FinanceLeadFactory
from authorities.models import LocalAuthority
from deadlines.models import Deadline, DeadlineKind, OwnerGroup
from portal.errors import DomainError, TransitionNotAllowed
from portal.financial_year import FinancialYear
from programmes.factories import monitoring_report_assessed, monitoring_report_submitted, sv_agreement
from programmes.models import (
    Agreement,
    Assessment,
    Enrolment,
    GrantKind,
    MonitoringReport,
    Payment,
    PaymentStatus,
)
from programmes.selectors.agreement import (
    OFF_TRACK_DECISION_DAYS,
    agreement_detail,
    instalments,
    off_track_review,
    targets_against_actuals,
)
from programmes.services.agreement import (
    agreement_create,
    monitoring_report_add,
    monitoring_report_assess,
    monitoring_report_delete,
    monitoring_report_reschedule,
    monitoring_report_submit,
    payment_release,
    payment_reschedule,
    payment_withhold,
)

pytestmark = pytest.mark.django_db

FY = FinancialYear
M = Decimal(1_000_000)


def sv_enrolment(la_code: str) -> Enrolment:
    return Enrolment.objects.get(authority__la_code=la_code, cohort__programme__code="SV")


# Surrey (936) and Salford (355): 2021-22 Safety Valve authorities in the reference data, with no agreement.
@pytest.fixture
def surrey():
    return sv_enrolment("936")


@pytest.fixture
def surrey_lead(surrey):
    return FinanceLeadFactory(authority=surrey.authority)


@pytest.fixture
def salford_lead():
    """The finance lead of another Safety Valve authority."""
    return FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code="355"))


def terms(**overrides) -> dict:
    """Terms that pass every rule: change one to see it refused."""
    return {
        "signed_on": date(2022, 3, 15),
        "published_url": "https://www.example.org/surrey-safety-valve-agreement.pdf",
        "deficit_at_signing": Decimal("60000000.00"),
        "total_contribution": Decimal("40000000.00"),
        "conditions": ["Open more specialist places locally.", "Review EHCP thresholds with schools."],
        "targets": [
            (FY(2021), Decimal("-9000000.00"), Decimal("-60000000.00")),
            (FY(2022), Decimal("-4000000.00"), Decimal("-45000000.00")),
            (FY(2023), Decimal("500000.00"), Decimal("-25000000.00")),
            (FY(2024), Decimal("1000000.00"), Decimal("0.00")),
        ],
        "instalments": [
            (date(2022, 3, 31), Decimal("16000000.00")),
            (date(2022, 12, 15), Decimal("8000000.00")),
            (date(2023, 12, 15), Decimal("8000000.00")),
            (date(2024, 12, 16), Decimal("8000000.00")),
        ],
        **overrides,
    }


@pytest.fixture
def agreement(dfe_official, surrey):
    return sv_agreement(enrolment=surrey, actor=dfe_official, **terms())


def report_due(agreement: Agreement, due_on: date) -> MonitoringReport:
    return agreement.monitoring_reports.get(due_on=due_on)


def payment(agreement: Agreement, number: int) -> Payment:
    return Payment.objects.get(grant__agreement=agreement, number=number)


def deadline_of(record) -> Deadline | None:
    return record.deadlines.first()


def submit(report, *, actor, cumulative="-50000000.00"):
    return monitoring_report_submitted(
        report,
        actor=actor,
        actual_in_year_balance="-3000000.00",
        actual_cumulative_balance=cumulative,
        narrative="Placements in independent schools fell by 12.",
    )


def submitted_and_assessed(report, *, lead, dfe, assessment, notes="Behind the plan."):
    return monitoring_report_assessed(
        report,
        lead=lead,
        actor=dfe,
        assessment=assessment,
        notes=notes,
        actual_in_year_balance="-3000000.00",
        actual_cumulative_balance="-50000000.00",
    )


# --- Making an agreement --------------------------------------------------------------------


def test_an_agreement_records_its_terms_contribution_instalments_and_reports(dfe_official, agreement):
    assert [c.text for c in agreement.conditions.all()] == terms()["conditions"]
    assert [c.number for c in agreement.conditions.all()] == [1, 2]
    assert [t.financial_year for t in agreement.targets.all()] == [FY(2021), FY(2022), FY(2023), FY(2024)]
    grant = agreement.contribution
    assert (grant.kind, grant.amount, grant.awarded_on, grant.financial_year, grant.awarded_by) == (
        GrantKind.SV_CONTRIBUTION,
        Decimal("40000000.00"),
        date(2022, 3, 15),
        FY(2021),
        dfe_official,
    )
    assert grant.enrolment == agreement.enrolment
    payments = list(grant.payments.order_by("number"))
    assert [(p.number, p.due_on, p.financial_year, p.amount, p.status) for p in payments] == [
        (1, date(2022, 3, 31), FY(2021), Decimal("16000000.00"), PaymentStatus.SCHEDULED),
        (2, date(2022, 12, 15), FY(2022), Decimal("8000000.00"), PaymentStatus.SCHEDULED),
        (3, date(2023, 12, 15), FY(2023), Decimal("8000000.00"), PaymentStatus.SCHEDULED),
        (4, date(2024, 12, 16), FY(2024), Decimal("8000000.00"), PaymentStatus.SCHEDULED),
    ]


def test_instalments_are_numbered_in_due_date_order_whatever_order_they_are_given_in(dfe_official, surrey):
    given = list(reversed(terms()["instalments"]))
    agreement = agreement_create(actor=dfe_official, enrolment=surrey, **terms(instalments=given))
    assert [p.due_on for p in instalments(agreement)] == sorted(due_on for due_on, _ in given)


@pytest.mark.parametrize(
    "last_amount, message",
    [
        (
            Decimal("7999000.00"),
            "The instalments add up to £39,999,000.00, £1,000.00 less than the total DfE contribution of £40,000,000.00",
        ),
        (
            Decimal("8000000.01"),
            "The instalments add up to £40,000,000.01, £0.01 more than the total DfE contribution of £40,000,000.00",
        ),
    ],
)
def test_instalments_must_add_up_exactly_to_the_contribution_and_the_refusal_says_by_how_much(
    dfe_official, surrey, last_amount, message
):
    instalments_given = terms()["instalments"][:-1] + [(date(2024, 12, 16), last_amount)]
    with pytest.raises(DomainError) as refusal:
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(instalments=instalments_given))
    assert message in refusal.value.message
    assert refusal.value.field == "instalments"
    assert not Agreement.objects.filter(enrolment=surrey).exists()


@pytest.mark.parametrize(
    "override, expected",
    [
        ({"total_contribution": 40000000.0}, "not a float"),
        ({"deficit_at_signing": 60000000.0}, "not a float"),
        ({"instalments": [(date(2022, 3, 31), 40000000.0)]}, "not a float"),
        ({"total_contribution": Decimal("40000000.001")}, "more than 2 decimal places"),
        ({"instalments": [(date(2022, 3, 31), "40000000.005")]}, "more than 2 decimal places"),
    ],
)
def test_money_is_refused_as_a_float_or_with_more_than_two_decimal_places(
    dfe_official, surrey, override, expected
):
    with pytest.raises(DomainError, match=expected):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(**override))


def test_a_target_with_more_than_two_decimal_places_is_refused(dfe_official, surrey):
    targets = terms()["targets"]
    targets[1] = (FY(2022), Decimal("-4000000.001"), Decimal("-45000000.00"))
    with pytest.raises(DomainError, match="more than 2 decimal places"):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(targets=targets))


def test_money_given_as_text_or_whole_pounds_is_kept_exactly(dfe_official, surrey):
    agreement = agreement_create(
        actor=dfe_official,
        enrolment=surrey,
        **terms(
            deficit_at_signing=60_000_000,
            total_contribution="40000000.5",
            instalments=[(date(2022, 3, 31), "20000000.25"), (date(2023, 3, 31), Decimal("20000000.25"))],
        ),
    )
    agreement.refresh_from_db()
    assert agreement.deficit_at_signing == Decimal("60000000.00")
    assert agreement.total_contribution == Decimal("40000000.50")


@pytest.mark.parametrize(
    "override, expected",
    [
        ({"published_url": "gov.uk/agreement"}, "is not a web address"),
        ({"signed_on": date(2099, 3, 15)}, "in the future"),
        ({"total_contribution": Decimal("60000000.01")}, "more than the deficit at signing"),
        ({"conditions": []}, "Give the agreement's conditions"),
        ({"conditions": ["Open places.", " "]}, "Condition 2 is empty"),
        ({"instalments": [(date(2022, 3, 1), Decimal("40000000.00"))]}, "before the grant was awarded"),
        ({"first_report_due": date(2022, 3, 1)}, "cannot be due before the agreement is signed"),
        ({"report_count": 0}, "1 or more"),
    ],
)
def test_other_terms_that_cannot_be_right_are_refused(dfe_official, surrey, override, expected):
    with pytest.raises(DomainError, match=expected):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(**override))
    assert not Agreement.objects.filter(enrolment=surrey).exists()


def test_targets_must_run_until_the_deficit_is_eliminated(dfe_official, surrey):
    short = terms()["targets"][:3]  # 2023-24 still has a £25m cumulative deficit
    with pytest.raises(DomainError) as refusal:
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(targets=short))
    assert "the last one, 2023-24, still has a cumulative balance of −£25,000,000.00" in refusal.value.message


def test_no_target_may_follow_the_year_the_deficit_is_eliminated(dfe_official, surrey):
    extra = terms()["targets"] + [(FY(2025), Decimal("500000.00"), Decimal("500000.00"))]
    with pytest.raises(DomainError) as refusal:
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(targets=extra))
    assert "The deficit is eliminated in 2024-25" in refusal.value.message
    assert "remove the targets after 2024-25" in refusal.value.message


def test_targets_run_for_consecutive_financial_years(dfe_official, surrey):
    gap = [t for t in terms()["targets"] if t[0] != FY(2022)]
    with pytest.raises(DomainError, match="2022-23 is missing between 2021-22 and 2023-24"):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(targets=gap))
    twice = terms()["targets"] + [terms()["targets"][0]]
    with pytest.raises(DomainError, match="two targets for 2021-22"):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(targets=twice))


def test_targets_start_no_earlier_than_the_year_of_signing(dfe_official, surrey):
    early = [(FY(2020), Decimal("-9000000.00"), Decimal("-70000000.00")), *terms()["targets"]]
    with pytest.raises(DomainError, match="before the agreement was signed"):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms(targets=early))


def test_monitoring_reports_fall_due_every_three_months_until_the_last_target_year_ends(agreement):
    due = list(agreement.monitoring_reports.values_list("due_on", flat=True))
    # The first 3 months after signing (15 March 2022); the last before 2024-25 ends (31 March 2025).
    assert due == [
        date(2022, 6, 15),
        date(2022, 9, 15),
        date(2022, 12, 15),
        date(2023, 3, 15),
        date(2023, 6, 15),
        date(2023, 9, 15),
        date(2023, 12, 15),
        date(2024, 3, 15),
        date(2024, 6, 15),
        date(2024, 9, 15),
        date(2024, 12, 15),
        date(2025, 3, 15),
    ]


def test_a_report_count_sets_how_many_and_a_month_end_stays_a_month_end(dfe_official, surrey):
    agreement = agreement_create(
        actor=dfe_official, enrolment=surrey, **terms(first_report_due=date(2022, 5, 31), report_count=4)
    )
    assert list(agreement.monitoring_reports.values_list("due_on", flat=True)) == [
        date(2022, 5, 31),
        date(2022, 8, 31),
        date(2022, 11, 30),
        date(2023, 2, 28),
    ]


def test_only_a_safety_valve_enrolment_gets_an_agreement(dfe_official):
    dbv = Enrolment.objects.open().get(authority__la_code="852")
    with pytest.raises(DomainError, match="agreements are for Safety Valve enrolments only"):
        agreement_create(actor=dfe_official, enrolment=dbv, **terms())


def test_an_enrolment_has_at_most_one_agreement(dfe_official, surrey, agreement):
    with pytest.raises(DomainError, match="already has an agreement"):
        agreement_create(actor=dfe_official, enrolment=surrey, **terms())


def test_only_dfe_makes_agreements(surrey, surrey_lead, salford_lead):
    with pytest.raises(PermissionDenied):
        agreement_create(actor=surrey_lead, enrolment=surrey, **terms())
    with pytest.raises(Http404):
        agreement_create(actor=salford_lead, enrolment=surrey, **terms())
    assert not Agreement.objects.filter(enrolment=surrey).exists()


# --- Submitting monitoring reports ----------------------------------------------------------


def test_the_authoritys_finance_lead_submits_a_monitoring_report(agreement, surrey_lead):
    report = submit(report_due(agreement, date(2022, 6, 15)), actor=surrey_lead)
    report.refresh_from_db()
    assert report.submitted_by == surrey_lead
    assert report.submitted_at is not None
    assert report.actual_in_year_balance == Decimal("-3000000.00")
    assert report.actual_cumulative_balance == Decimal("-50000000.00")
    assert report.narrative == "Placements in independent schools fell by 12."


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("salford_lead", Http404),  # the finance lead of another authority
        ("newton_partner", Http404),
        ("steering_member", Http404),
        ("dfe_official", PermissionDenied),
    ],
)
def test_only_the_authoritys_finance_lead_may_submit_its_report(request, agreement, who, refusal):
    report = report_due(agreement, date(2022, 6, 15))
    with pytest.raises(refusal):
        submit(report, actor=request.getfixturevalue(who))
    report.refresh_from_db()
    assert report.submitted_at is None


def test_a_submission_needs_a_narrative(agreement, surrey_lead):
    with pytest.raises(DomainError, match="Write the narrative"):
        monitoring_report_submit(
            actor=surrey_lead,
            report=report_due(agreement, date(2022, 6, 15)),
            actual_in_year_balance=Decimal("-3000000.00"),
            actual_cumulative_balance=Decimal("-50000000.00"),
            narrative="   ",
        )


def test_a_submission_refuses_figures_given_as_floats(agreement, surrey_lead):
    with pytest.raises(DomainError, match="not a float"):
        monitoring_report_submit(
            actor=surrey_lead,
            report=report_due(agreement, date(2022, 6, 15)),
            actual_in_year_balance=-3000000.0,
            actual_cumulative_balance=Decimal("-50000000.00"),
            narrative="Figures.",
        )


def test_a_report_can_be_resubmitted_until_it_is_assessed_but_not_after(agreement, surrey_lead, dfe_official):
    report = report_due(agreement, date(2022, 6, 15))
    submit(report, actor=surrey_lead, cumulative="-50000000.00")
    submit(report, actor=surrey_lead, cumulative="-49000000.00")
    report.refresh_from_db()
    assert report.actual_cumulative_balance == Decimal("-49000000.00")
    monitoring_report_assess(actor=dfe_official, report=report, assessment=Assessment.ON_TRACK, notes="")
    with pytest.raises(TransitionNotAllowed, match="was assessed on"):
        submit(report, actor=surrey_lead, cumulative="-40000000.00")


# --- Assessing monitoring reports -----------------------------------------------------------


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("surrey_lead", PermissionDenied),  # the authority's own finance lead sees it but may not assess it
        ("salford_lead", Http404),
        ("newton_partner", Http404),
        ("steering_member", Http404),
    ],
)
def test_only_dfe_assesses_a_monitoring_report(request, agreement, surrey_lead, who, refusal):
    report = submit(report_due(agreement, date(2022, 6, 15)), actor=surrey_lead)
    with pytest.raises(refusal):
        monitoring_report_assess(
            actor=request.getfixturevalue(who), report=report, assessment=Assessment.ON_TRACK, notes=""
        )
    report.refresh_from_db()
    assert report.assessment == ""


def test_only_a_submitted_report_can_be_assessed_and_only_once(agreement, surrey_lead, dfe_official):
    report = report_due(agreement, date(2022, 6, 15))
    with pytest.raises(TransitionNotAllowed, match="has not been submitted"):
        monitoring_report_assess(actor=dfe_official, report=report, assessment=Assessment.ON_TRACK, notes="")
    submit(report, actor=surrey_lead)
    outcome = monitoring_report_assess(
        actor=dfe_official, report=report, assessment=Assessment.ON_TRACK, notes=""
    )
    assert outcome.report.assessed_by == dfe_official
    assert outcome.instalment_for_decision is None
    with pytest.raises(TransitionNotAllowed, match="already assessed"):
        monitoring_report_assess(
            actor=dfe_official, report=report, assessment=Assessment.OFF_TRACK, notes="x"
        )


def test_an_assessment_other_than_on_track_needs_notes(agreement, surrey_lead, dfe_official):
    report = submit(report_due(agreement, date(2022, 6, 15)), actor=surrey_lead)
    with pytest.raises(DomainError, match="Say why the report is off track"):
        monitoring_report_assess(actor=dfe_official, report=report, assessment=Assessment.OFF_TRACK, notes="")
    with pytest.raises(DomainError, match="Assess the report as one of"):
        monitoring_report_assess(actor=dfe_official, report=report, assessment="dreadful", notes="x")


def test_an_off_track_assessment_puts_the_next_instalment_up_for_a_withhold_decision(
    agreement, surrey_lead, dfe_official, time_machine
):
    time_machine.move_to(datetime(2023, 4, 10, 10, 0, tzinfo=UTC))
    outcome = submitted_and_assessed(
        report_due(agreement, date(2023, 3, 15)),
        lead=surrey_lead,
        dfe=dfe_official,
        assessment=Assessment.OFF_TRACK,
    )
    # The earliest scheduled instalment due on or after the report's due date.
    flagged = payment(agreement, 3)
    assert outcome.instalment_for_decision == flagged
    assert off_track_review(agreement).payment == flagged
    # Its decision is due promptly, not on its due date in December.
    deadline = deadline_of(flagged)
    assert deadline.due_on == date(2023, 4, 10 + OFF_TRACK_DECISION_DAYS)
    assert deadline.is_open
    assert "assessed off track" in deadline.title
    # The other instalments' decisions stay due on their due dates.
    assert deadline_of(payment(agreement, 4)).due_on == date(2024, 12, 16)


def test_with_no_instalment_due_after_the_report_the_next_scheduled_one_is_flagged(
    agreement, surrey_lead, dfe_official, time_machine
):
    time_machine.move_to(datetime(2025, 4, 1, 10, 0, tzinfo=UTC))
    for number in (1, 2):
        payment_release(actor=dfe_official, payment=payment(agreement, number), reason="On track.")
    outcome = submitted_and_assessed(
        report_due(agreement, date(2025, 3, 15)),
        lead=surrey_lead,
        dfe=dfe_official,
        assessment=Assessment.OFF_TRACK,
    )
    assert outcome.instalment_for_decision == payment(agreement, 3)
    # Already overdue (due 15 December 2023), so its decision is due then: escalation follows.
    assert deadline_of(payment(agreement, 3)).due_on == date(2023, 12, 15)


def test_on_track_and_at_risk_assessments_put_no_instalment_up_for_decision(
    agreement, surrey_lead, dfe_official
):
    for due_on, assessment in (
        (date(2022, 6, 15), Assessment.ON_TRACK),
        (date(2022, 9, 15), Assessment.AT_RISK),
    ):
        outcome = submitted_and_assessed(
            report_due(agreement, due_on), lead=surrey_lead, dfe=dfe_official, assessment=assessment
        )
        assert outcome.instalment_for_decision is None
    assert off_track_review(agreement) is None


# --- Deciding instalments -------------------------------------------------------------------


def test_releasing_after_an_off_track_assessment_needs_an_override_reason_which_is_recorded(
    agreement, surrey_lead, dfe_official
):
    submitted_and_assessed(
        report_due(agreement, date(2023, 3, 15)),
        lead=surrey_lead,
        dfe=dfe_official,
        assessment=Assessment.OFF_TRACK,
    )
    flagged = payment(agreement, 3)
    with pytest.raises(DomainError) as refusal:
        payment_release(actor=dfe_official, payment=flagged, reason="Ministers agreed.")
    assert "assessed off track: give an override reason" in refusal.value.message
    assert refusal.value.field == "override_reason"
    assert Payment.objects.get(pk=flagged.pk).status == PaymentStatus.SCHEDULED

    released = payment_release(
        actor=dfe_official,
        payment=flagged,
        reason="Ministers agreed.",
        override_reason="The authority has a credible recovery plan, agreed on 2 May.",
    )
    released.refresh_from_db()
    assert released.status == PaymentStatus.RELEASED
    assert released.override_reason == "The authority has a credible recovery plan, agreed on 2 May."
    assert (released.decided_by, released.decision_reason) == (dfe_official, "Ministers agreed.")
    assert released.decided_at is not None
    # Deciding the flagged instalment does not pass the flag on to the next one...
    assert off_track_review(agreement).payment is None
    assert deadline_of(payment(agreement, 4)).due_on == date(2024, 12, 16)
    # ...but while the latest assessment is off track, any release still needs an override.
    with pytest.raises(DomainError, match="give an override reason"):
        payment_release(actor=dfe_official, payment=payment(agreement, 4), reason="Early.")


def test_a_later_on_track_assessment_lifts_the_override_requirement(agreement, surrey_lead, dfe_official):
    submitted_and_assessed(
        report_due(agreement, date(2023, 3, 15)),
        lead=surrey_lead,
        dfe=dfe_official,
        assessment=Assessment.OFF_TRACK,
    )
    submitted_and_assessed(
        report_due(agreement, date(2023, 6, 15)),
        lead=surrey_lead,
        dfe=dfe_official,
        assessment=Assessment.ON_TRACK,
    )
    released = payment_release(actor=dfe_official, payment=payment(agreement, 3), reason="Back on track.")
    assert released.status == PaymentStatus.RELEASED
    assert released.override_reason == ""


def test_withholding_needs_a_reason_and_records_who_when_and_why(agreement, dfe_official):
    instalment = payment(agreement, 2)
    with pytest.raises(DomainError, match="Give the reason for withholding"):
        payment_withhold(actor=dfe_official, payment=instalment, reason=" ")
    with pytest.raises(DomainError, match="Give the reason for releasing"):
        payment_release(actor=dfe_official, payment=instalment, reason="")
    withheld = payment_withhold(actor=dfe_official, payment=instalment, reason="Condition 2 not met.")
    withheld.refresh_from_db()
    assert (withheld.status, withheld.decided_by, withheld.decision_reason) == (
        PaymentStatus.WITHHELD,
        dfe_official,
        "Condition 2 not met.",
    )
    assert withheld.decided_at is not None


def test_a_decided_instalment_cannot_be_decided_or_rescheduled_again(agreement, dfe_official):
    instalment = payment_release(actor=dfe_official, payment=payment(agreement, 1), reason="On track.")
    with pytest.raises(TransitionNotAllowed, match="already released"):
        payment_withhold(actor=dfe_official, payment=instalment, reason="Changed our mind.")
    with pytest.raises(TransitionNotAllowed, match="only a scheduled payment"):
        payment_reschedule(actor=dfe_official, payment=instalment, due_on=date(2022, 5, 1))


def test_every_write_leaves_history_naming_its_actor(agreement, surrey_lead, dfe_official):
    report = report_due(agreement, date(2022, 6, 15))
    submitted_and_assessed(report, lead=surrey_lead, dfe=dfe_official, assessment=Assessment.AT_RISK)
    payment_release(actor=dfe_official, payment=payment(agreement, 1), reason="On track.")
    payment_withhold(actor=dfe_official, payment=payment(agreement, 2), reason="Condition 2 not met.")

    assert {row.history_user for row in Agreement.history.filter(id=agreement.pk)} == {dfe_official}
    report_rows = list(MonitoringReport.history.filter(id=report.pk).order_by("history_date"))
    assert [row.history_user for row in report_rows] == [dfe_official, surrey_lead, dfe_official]
    withheld = Payment.history.filter(id=payment(agreement, 2).pk).order_by("history_date").last()
    assert (withheld.history_user, withheld.status, withheld.decision_reason) == (
        dfe_official,
        PaymentStatus.WITHHELD,
        "Condition 2 not met.",
    )
    # The report's deadline was made by the official and closed by the lead's submission.
    assert {row.history_user for row in deadline_of(report).history.all()} == {dfe_official, surrey_lead}
    assert {row.history_user for row in deadline_of(payment(agreement, 1)).history.all()} == {dfe_official}


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("surrey_lead", PermissionDenied),  # sees their own instalments, may not decide them
        ("salford_lead", Http404),
        ("newton_partner", Http404),  # partners see DBV grants only
        ("steering_member", Http404),
    ],
)
def test_only_dfe_decides_or_reschedules_instalments(request, agreement, who, refusal):
    user = request.getfixturevalue(who)
    instalment = payment(agreement, 1)
    with pytest.raises(refusal):
        payment_release(actor=user, payment=instalment, reason="Why not.")
    with pytest.raises(refusal):
        payment_withhold(actor=user, payment=instalment, reason="Why not.")
    with pytest.raises(refusal):
        payment_reschedule(actor=user, payment=instalment, due_on=date(2022, 4, 30))
    assert Payment.objects.get(pk=instalment.pk).status == PaymentStatus.SCHEDULED


@pytest.mark.parametrize("who", ["surrey_lead", "salford_lead", "newton_partner", "steering_member"])
def test_only_dfe_adds_reschedules_or_deletes_monitoring_reports(request, agreement, who):
    user = request.getfixturevalue(who)
    report = report_due(agreement, date(2022, 6, 15))
    refusal = PermissionDenied if who == "surrey_lead" else Http404
    with pytest.raises(refusal):
        monitoring_report_add(actor=user, agreement=agreement, due_on=date(2025, 6, 15))
    with pytest.raises(refusal):
        monitoring_report_reschedule(actor=user, report=report, due_on=date(2022, 7, 1))
    with pytest.raises(refusal):
        monitoring_report_delete(actor=user, report=report)
    assert MonitoringReport.objects.filter(pk=report.pk, due_on=date(2022, 6, 15)).exists()


# --- Deadlines follow reports and instalments -----------------------------------------------


def test_each_monitoring_report_has_a_deadline_for_the_authoritys_finance_leads(dfe_official, surrey):
    surrey.case_lead = dfe_official
    surrey.save()
    agreement = agreement_create(actor=dfe_official, enrolment=surrey, **terms())
    for report in agreement.monitoring_reports.all():
        deadline = deadline_of(report)
        assert (deadline.kind, deadline.due_on, deadline.owner_group, deadline.owner) == (
            DeadlineKind.MONITORING_REPORT,
            report.due_on,
            OwnerGroup.FINANCE_LEADS,
            None,
        )
        assert (deadline.authority, deadline.responsible, deadline.is_open) == (
            surrey.authority,
            dfe_official,
            True,
        )


def test_a_report_deadline_moves_closes_and_goes_with_its_report(agreement, surrey_lead, dfe_official):
    report = report_due(agreement, date(2022, 6, 15))
    monitoring_report_reschedule(actor=dfe_official, report=report, due_on=date(2022, 7, 1))
    assert deadline_of(report).due_on == date(2022, 7, 1)
    submit(report, actor=surrey_lead)
    assert not deadline_of(report).is_open

    added = monitoring_report_add(actor=dfe_official, agreement=agreement, due_on=date(2025, 6, 15))
    assert deadline_of(added).due_on == date(2025, 6, 15)
    later = report_due(agreement, date(2022, 9, 15))
    later_pk = later.pk
    monitoring_report_delete(actor=dfe_official, report=later)
    assert not MonitoringReport.objects.filter(pk=later_pk).exists()
    report_type = ContentType.objects.get_for_model(MonitoringReport)
    assert not Deadline.objects.filter(source_type=report_type, source_id=later_pk).exists()
    deleted = Deadline.history.get(source_type=report_type, source_id=later_pk, history_type="-")
    assert deleted.history_user == dfe_official


def test_a_submitted_report_cannot_be_rescheduled_or_deleted(agreement, surrey_lead, dfe_official):
    report = submit(report_due(agreement, date(2022, 6, 15)), actor=surrey_lead)
    with pytest.raises(TransitionNotAllowed, match="cannot be rescheduled"):
        monitoring_report_reschedule(actor=dfe_official, report=report, due_on=date(2022, 7, 1))
    with pytest.raises(TransitionNotAllowed, match="cannot be deleted"):
        monitoring_report_delete(actor=dfe_official, report=report)


def test_a_report_cannot_be_moved_onto_another_reports_due_date(agreement, dfe_official):
    with pytest.raises(DomainError, match="already due on 15 September 2022"):
        monitoring_report_reschedule(
            actor=dfe_official, report=report_due(agreement, date(2022, 6, 15)), due_on=date(2022, 9, 15)
        )


def test_each_instalment_has_a_decision_deadline_that_follows_it(dfe_official, surrey):
    surrey.case_lead = dfe_official
    surrey.save()
    agreement = agreement_create(actor=dfe_official, enrolment=surrey, **terms())
    instalment = payment(agreement, 2)
    deadline = deadline_of(instalment)
    assert (deadline.kind, deadline.due_on, deadline.owner, deadline.responsible, deadline.authority) == (
        DeadlineKind.INSTALMENT_DECISION,
        date(2022, 12, 15),
        dfe_official,
        dfe_official,
        surrey.authority,
    )
    rescheduled = payment_reschedule(actor=dfe_official, payment=instalment, due_on=date(2023, 4, 20))
    assert rescheduled.financial_year == FY(2023)
    assert deadline_of(instalment).due_on == date(2023, 4, 20)
    payment_withhold(actor=dfe_official, payment=instalment, reason="Condition 1 not met.")
    assert not deadline_of(instalment).is_open
    assert all(deadline_of(p).is_open for p in instalments(agreement) if p.pk != instalment.pk)


def test_without_a_case_lead_the_awarding_official_owns_instalment_decisions(agreement, dfe_official):
    assert deadline_of(payment(agreement, 1)).owner == dfe_official


def test_a_payment_cannot_be_rescheduled_before_its_grant_was_awarded(agreement, dfe_official):
    with pytest.raises(DomainError, match="before its grant was awarded"):
        payment_reschedule(actor=dfe_official, payment=payment(agreement, 1), due_on=date(2022, 1, 1))


# --- Reading agreements ---------------------------------------------------------------------


def test_agreement_detail_loads_everything_in_a_fixed_number_of_queries(
    agreement, surrey_lead, dfe_official, django_assert_num_queries
):
    submitted_and_assessed(
        report_due(agreement, date(2022, 6, 15)),
        lead=surrey_lead,
        dfe=dfe_official,
        assessment=Assessment.ON_TRACK,
    )
    payment_release(actor=dfe_official, payment=payment(agreement, 1), reason="On track.")
    # The agreement, then conditions, targets, reports, instalments and variations: 6 queries whatever their number.
    with django_assert_num_queries(6):
        detail = agreement_detail(user=dfe_official, pk=agreement.pk)
        authority = detail.enrolment.authority.name
        rows = targets_against_actuals(detail)
        decided = [(p.amount, p.decided_by and p.decided_by.username) for p in instalments(detail)]
        people = [(r.submitted_by, r.assessed_by) for r in detail.monitoring_reports.all()]
        conditions = [c.text for c in detail.conditions.all()]
        review = off_track_review(detail)
    assert authority == "Surrey"
    assert len(rows) == 4 and len(decided) == 4 and len(people) == 12 and len(conditions) == 2
    assert review is None


def test_a_finance_lead_sees_their_own_agreement_and_no_other(agreement, surrey_lead, salford_lead):
    assert agreement_detail(user=surrey_lead, pk=agreement.pk) == agreement
    with pytest.raises(Http404):
        agreement_detail(user=salford_lead, pk=agreement.pk)


@pytest.mark.parametrize("who", ["newton_partner", "steering_member"])
def test_partners_and_steering_members_see_no_agreement(request, agreement, who):
    with pytest.raises(Http404):
        agreement_detail(user=request.getfixturevalue(who), pk=agreement.pk)


def test_targets_against_actuals_use_the_latest_submitted_report_of_each_year(agreement, surrey_lead):
    submit(report_due(agreement, date(2022, 6, 15)), actor=surrey_lead, cumulative="-52000000.00")
    submit(report_due(agreement, date(2022, 12, 15)), actor=surrey_lead, cumulative="-47000000.00")
    submit(report_due(agreement, date(2023, 6, 15)), actor=surrey_lead, cumulative="-24000000.00")
    rows = {row.financial_year: row for row in targets_against_actuals(agreement)}
    assert rows[FY(2021)].report is None and rows[FY(2021)].missed is None
    # 2022-23: the December report, the latest submitted that year (March was not submitted).
    assert rows[FY(2022)].actual_cumulative_balance == Decimal("-47000000.00")
    assert rows[FY(2022)].target_cumulative_balance == Decimal("-45000000.00")
    assert rows[FY(2022)].cumulative_difference == Decimal("-2000000.00")
    assert rows[FY(2022)].missed is True
    assert rows[FY(2023)].cumulative_difference == Decimal("1000000.00")
    assert rows[FY(2023)].missed is False
    assert rows[FY(2024)].report is None
