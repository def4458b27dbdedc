"""Grants and payments (SPEC §4.6): DBV implementation grants, and national totals by programme and year."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

from authorities.factories import FinanceLeadFactory
from authorities.models import LocalAuthority
from deadlines.models import DeadlineKind
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from programmes.factories import dbv_grant
from programmes.models import (
    DiagnosticStage,
    Enrolment,
    Grant,
    GrantKind,
    Payment,
    PaymentStatus,
    ProgrammeCode,
    StageStatus,
)
from programmes.selectors.grants import GrantTotals, national_grant_totals
from programmes.services.agreement import agreement_create
from programmes.services.diagnostic import diagnostic_stage_update
from programmes.services.grants import dbv_grant_award, payment_release, payment_withhold

pytestmark = pytest.mark.django_db

FY = FinancialYear
AWARDED_ON = date(2023, 6, 15)


def dbv_enrolment(la_code: str) -> Enrolment:
    return Enrolment.objects.open().get(authority__la_code=la_code, cohort__programme__code=ProgrammeCode.DBV)


def stage(enrolment: Enrolment, number: int) -> DiagnosticStage:
    return DiagnosticStage.objects.get(diagnostic__enrolment=enrolment, definition__number=number)


def log_stages(enrolment: Enrolment, *, actor, complete_through: int, then: str | None = None) -> None:
    """Stages 1..complete_through complete (on 1 May 2023), and the next one `then`, through the Diagnostic service."""
    for number in range(1, complete_through + 1):
        diagnostic_stage_update(
            actor=actor,
            stage=stage(enrolment, number),
            status=StageStatus.COMPLETE,
            actual_date=date(2023, 5, 1),
        )
    if then:
        diagnostic_stage_update(
            actor=actor, stage=stage(enrolment, complete_through + 1), status=then, actual_date=None
        )


# Southampton (852) and Solihull (334): DBV tranche 1 authorities in the reference data, with no grant.
@pytest.fixture
def southampton(dfe_official):
    enrolment = dbv_enrolment("852")
    log_stages(enrolment, actor=dfe_official, complete_through=11)
    return enrolment


@pytest.fixture
def southampton_lead(southampton):
    return FinanceLeadFactory(authority=southampton.authority)


def award(actor, enrolment, **overrides):
    return dbv_grant_award(
        **{
            "actor": actor,
            "enrolment": enrolment,
            "amount": Decimal("1234567.89"),
            "awarded_on": AWARDED_ON,
            "payments": [
                (date(2023, 6, 30), Decimal("600000.00")),
                (date(2024, 4, 15), Decimal("634567.89")),
            ],
            **overrides,
        }
    )


# --- DBV implementation grants --------------------------------------------------------------


def test_a_dbv_grant_is_refused_until_the_grant_application_stage_is_complete(dfe_official):
    solihull = dbv_enrolment("334")
    log_stages(solihull, actor=dfe_official, complete_through=10, then=StageStatus.IN_PROGRESS)
    with pytest.raises(DomainError) as refusal:
        award(dfe_official, solihull)
    assert "stage 11 “Grant application submitted” is in progress" in refusal.value.message
    assert not Grant.objects.filter(enrolment=solihull).exists()
    assert stage(solihull, 12).status != StageStatus.COMPLETE


def test_a_dbv_grant_award_completes_stage_12_on_the_award_date(dfe_official, southampton):
    grant = award(dfe_official, southampton)
    grant.refresh_from_db()
    assert (
        grant.kind,
        grant.amount,
        grant.awarded_on,
        grant.financial_year,
        grant.awarded_by,
        grant.agreement,
    ) == (
        GrantKind.DBV_IMPLEMENTATION,
        Decimal("1234567.89"),
        AWARDED_ON,
        FY(2023),
        dfe_official,
        None,
    )
    assert [(p.number, p.due_on, p.financial_year, p.amount) for p in grant.payments.order_by("number")] == [
        (1, date(2023, 6, 30), FY(2023), Decimal("600000.00")),
        (2, date(2024, 4, 15), FY(2024), Decimal("634567.89")),
    ]
    awarded = stage(southampton, 12)
    assert (awarded.status, awarded.actual_date, awarded.logged_by) == (
        StageStatus.COMPLETE,
        AWARDED_ON,
        dfe_official,
    )
    assert awarded.history.latest().history_user == dfe_official
    assert awarded.definition.name.startswith("Grant awarded")


def test_dbv_grant_payments_must_add_up_to_the_amount(dfe_official, southampton):
    with pytest.raises(DomainError) as refusal:
        award(dfe_official, southampton, payments=[(date(2023, 6, 30), Decimal("1234567.88"))])
    assert "£0.01 less than the grant amount of £1,234,567.89" in refusal.value.message
    with pytest.raises(DomainError, match="not a float"):
        award(dfe_official, southampton, amount=1234567.89)
    assert stage(southampton, 12).status != StageStatus.COMPLETE


def test_an_enrolment_gets_one_dbv_implementation_grant(dfe_official, southampton):
    award(dfe_official, southampton)
    with pytest.raises(DomainError, match="already has a DBV implementation grant"):
        award(dfe_official, southampton)


def test_a_dbv_grant_goes_only_to_a_dbv_enrolment(dfe_official):
    surrey = Enrolment.objects.get(
        authority__la_code="936", cohort__programme__code=ProgrammeCode.SAFETY_VALVE
    )
    with pytest.raises(DomainError, match="DBV implementation grants go to DBV enrolments only"):
        award(dfe_official, surrey)


def test_a_dbv_grant_is_not_awarded_before_the_application_or_in_the_future(dfe_official, southampton):
    with pytest.raises(DomainError, match="before the grant application was submitted"):
        award(
            dfe_official,
            southampton,
            awarded_on=date(2023, 4, 1),
            payments=[(date(2023, 6, 30), "1234567.89")],
        )
    with pytest.raises(DomainError, match="in the future"):
        award(
            dfe_official,
            southampton,
            awarded_on=date(2099, 1, 1),
            payments=[(date(2099, 6, 30), "1234567.89")],
        )


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("newton_partner", PermissionDenied),  # sees the authority's DBV records, may not award
        ("southampton_lead", PermissionDenied),
        ("finance_lead", Http404),  # the finance lead of another authority (Kensington and Chelsea)
        ("steering_member", Http404),
    ],
)
def test_only_dfe_awards_grants(request, southampton, who, refusal):
    user = request.getfixturevalue(who)
    with pytest.raises(refusal):
        award(user, southampton)
    assert not Grant.objects.filter(enrolment=southampton).exists()


def test_dbv_payments_have_decision_deadlines_and_are_decided_by_dfe(
    dfe_official, newton_partner, southampton
):
    grant = award(dfe_official, southampton)
    first, second = grant.payments.order_by("number")
    assert first.deadlines.get().kind == DeadlineKind.INSTALMENT_DECISION
    with pytest.raises(PermissionDenied):
        payment_release(actor=newton_partner, payment=first, reason="Go.")
    payment_release(actor=dfe_official, payment=first, reason="Implementation started.")
    assert not first.deadlines.get().is_open
    assert second.deadlines.get().is_open


# --- National totals ------------------------------------------------------------------------


def surrey_agreement(dfe_official):
    """Surrey's agreement: £12,345,678.91 in three instalments, the first released and the second withheld."""
    surrey = Enrolment.objects.get(
        authority__la_code="936", cohort__programme__code=ProgrammeCode.SAFETY_VALVE
    )
    agreement = agreement_create(
        actor=dfe_official,
        enrolment=surrey,
        signed_on=date(2022, 3, 15),
        published_url="",
        deficit_at_signing=Decimal("20000000.00"),
        total_contribution=Decimal("12345678.91"),
        conditions=["Open more specialist places locally."],
        targets=[
            (FY(2021), Decimal("-2000000.00"), Decimal("-20000000.00")),
            (FY(2022), "1000000.00", "0.00"),
        ],
        instalments=[
            (date(2022, 3, 31), Decimal("5000000.00")),
            (date(2022, 12, 15), Decimal("3345678.90")),
            (date(2023, 12, 15), Decimal("4000000.01")),
        ],
    )
    payments = Payment.objects.filter(grant__agreement=agreement).order_by("number")
    payment_release(actor=dfe_official, payment=payments[0], reason="On track.")
    payment_withhold(actor=dfe_official, payment=payments[1], reason="Condition 1 not met.")
    return agreement


def as_table(totals: list[GrantTotals]) -> dict:
    return {
        (row.programme, str(row.financial_year)): (row.awarded, row.released, row.withheld, row.scheduled)
        for row in totals
    }


HAND_WORKED = {
    # (programme, year): (awarded, released, withheld, scheduled)
    ("SV", "2021-22"): (Decimal("12345678.91"), Decimal("5000000.00"), Decimal("0.00"), Decimal("0.00")),
    ("SV", "2022-23"): (Decimal("0.00"), Decimal("0.00"), Decimal("3345678.90"), Decimal("0.00")),
    ("SV", "2023-24"): (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("4000000.01")),
    ("DBV", "2023-24"): (Decimal("1234567.89"), Decimal("600000.00"), Decimal("0.00"), Decimal("0.00")),
    ("DBV", "2024-25"): (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("634567.89")),
}


def test_national_totals_add_up_to_hand_worked_sums(dfe_official, southampton):
    # The reference data holds no grants: the totals are this test's grants alone.
    assert national_grant_totals(user=dfe_official) == []
    surrey_agreement(dfe_official)
    grant = award(dfe_official, southampton)
    payment_release(actor=dfe_official, payment=grant.payments.get(number=1), reason="Started.")
    after = national_grant_totals(user=dfe_official)
    assert as_table(after) == HAND_WORKED
    assert all(isinstance(value, Decimal) for row in after for value in as_table([row]).popitem()[1])
    assert [row.programme for row in after] == sorted(
        (row.programme for row in after), key=["SV", "DBV"].index
    )


def test_a_finance_leads_totals_cover_only_their_own_authority(dfe_official, southampton):
    surrey_agreement(dfe_official)
    award(dfe_official, southampton)
    surrey_lead = FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code="936"))
    assert as_table(national_grant_totals(user=surrey_lead)) == {
        key: value for key, value in HAND_WORKED.items() if key[0] == "SV"
    }


def test_a_steering_members_totals_hold_no_single_authoritys_money(dfe_official, steering_member):
    dbv_grant(actor=dfe_official)
    assert national_grant_totals(user=dfe_official)
    assert national_grant_totals(user=steering_member) == []


def _grants_for(enrolments, *, actor) -> None:
    """Grants with two payments each, written straight to the database: only the totals' queries are measured."""
    grants = bulk_create_with_history(
        [
            Grant(
                enrolment=enrolment,
                kind=GrantKind.DBV_IMPLEMENTATION,
                amount=Decimal("1000.00"),
                awarded_on=date(2023, 6, 1),
                financial_year=FY(2023),
                awarded_by=actor,
            )
            for enrolment in enrolments
        ],
        Grant,
        default_user=actor,
    )
    grants = Grant.objects.filter(enrolment__in=enrolments)
    bulk_create_with_history(
        [
            Payment(
                grant=grant,
                number=number,
                due_on=due_on,
                financial_year=FinancialYear.containing(due_on),
                amount=Decimal("500.00"),
                status=status,
            )
            for grant in grants
            for number, due_on, status in (
                (1, date(2023, 7, 1), PaymentStatus.RELEASED),
                (2, date(2024, 7, 1), PaymentStatus.SCHEDULED),
            )
        ],
        Payment,
        default_user=actor,
    )


def test_national_totals_take_the_same_number_of_queries_for_few_or_many_authorities(
    dfe_official, finance_lead
):
    dbv = list(
        Enrolment.objects.open()
        .filter(cohort__programme__code=ProgrammeCode.DBV, grants__isnull=True)
        .order_by("authority__la_code")[:40]
    )
    counts = []
    for size in (3, 40):
        Payment.objects.filter(grant__enrolment__in=dbv).delete()
        Grant.objects.filter(enrolment__in=dbv).delete()
        _grants_for(dbv[:size], actor=dfe_official)
        for user in (finance_lead, dfe_official):
            with CaptureQueriesContext(connection) as queries:
                totals = national_grant_totals(user=user)
            counts.append((size, user.username, len(queries)))
        dbv_2023 = next(row for row in totals if row.programme == "DBV" and row.financial_year == FY(2023))
        assert dbv_2023.awarded >= size * Decimal("1000.00")
    assert {count for _, _, count in counts} == {2}, counts
