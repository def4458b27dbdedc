"""Variations of a signed Safety Valve agreement (SPEC §4.5): numbered, dated, with a reason, and the
agreement always holding its current terms."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from authorities.factories import FinanceLeadFactory
from deadlines.models import Deadline, DeadlineKind
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from programmes.factories import sv_agreement
from programmes.models import AgreementVariation, PaymentStatus
from programmes.selectors.agreement import instalments
from programmes.services.agreement import agreement_details_correct, agreement_vary, payment_release

pytestmark = pytest.mark.django_db

fy = FinancialYear


def _terms(agreement):
    """The agreement's current terms, in the shape agreement_vary takes."""
    return {
        "conditions": [condition.text for condition in agreement.conditions.order_by("number")],
        "targets": [
            (target.financial_year, target.in_year_balance, target.cumulative_balance)
            for target in agreement.targets.order_by("financial_year")
        ],
        "instalments": [
            (payment.due_on, payment.amount)
            for payment in instalments(agreement)
            if payment.status == PaymentStatus.SCHEDULED
        ],
    }


def test_a_variation_changes_the_terms_and_says_what_changed_when_and_why(dfe_official):
    agreement = sv_agreement(actor=dfe_official)
    terms = _terms(agreement)
    terms["conditions"][1] = "Review EHCP thresholds with schools and health partners."
    terms["targets"][2] = (fy(2023), Decimal("0.00"), Decimal("-28000000.00"))
    terms["instalments"][-2:] = [
        (date(2023, 12, 15), Decimal("6000000.00")),
        (date(2024, 12, 16), Decimal("10000000.00")),
    ]

    variation = agreement_vary(
        actor=dfe_official,
        agreement=agreement,
        varied_on=date(2023, 6, 1),
        reason="Sufficiency review.",
        **terms,
    )

    assert variation.number == 1 and variation.varied_on == date(2023, 6, 1)
    assert variation.recorded_by == dfe_official and variation.reason == "Sufficiency review."
    assert variation.change_lines == [
        "Condition 2 changed from “Review EHCP thresholds with schools.” to "
        "“Review EHCP thresholds with schools and health partners.”",
        "Target for 2023-24 changed: in-year balance from £500,000.00 to £0.00; cumulative balance from "
        "−£25,000,000.00 to −£28,000,000.00",
        "Instalment 3 changed from £8,000,000.00 due 15 December 2023 to £6,000,000.00 due 15 December 2023",
        "Instalment 4 changed from £8,000,000.00 due 16 December 2024 to £10,000,000.00 due 16 December 2024",
    ]
    assert agreement.conditions.get(number=2).text.endswith("health partners.")
    assert agreement.targets.get(financial_year=fy(2023)).cumulative_balance == Decimal("-28000000.00")
    assert [payment.amount for payment in instalments(agreement)][-2:] == [
        Decimal("6000000.00"),
        Decimal("10000000.00"),
    ]
    deadline = Deadline.objects.get(
        kind=DeadlineKind.INSTALMENT_DECISION, source_id=instalments(agreement)[3].pk
    )
    assert "£10,000,000.00" in deadline.title


def test_variations_are_numbered_in_order(dfe_official):
    agreement = sv_agreement(actor=dfe_official)
    first = _terms(agreement)
    first["conditions"].append("Publish a sufficiency plan.")
    agreement_vary(
        actor=dfe_official, agreement=agreement, varied_on=date(2023, 1, 5), reason="One.", **first
    )
    second = _terms(agreement)
    second["conditions"].pop()
    variation = agreement_vary(
        actor=dfe_official, agreement=agreement, varied_on=date(2023, 2, 5), reason="Two.", **second
    )
    assert variation.number == 2
    assert variation.change_lines == ["Condition 3 removed: “Publish a sufficiency plan.”"]
    assert agreement.conditions.count() == 2


def test_instalments_already_decided_stay_as_they_are_and_the_rest_must_make_up_the_total(dfe_official):
    agreement = sv_agreement(actor=dfe_official)
    payment_release(actor=dfe_official, payment=instalments(agreement)[0], reason="Signed.")
    terms = _terms(agreement)
    assert len(terms["instalments"]) == 3  # the released one is not offered for change
    terms["instalments"] = [(date(2023, 12, 15), Decimal("12000000.00"))]

    with pytest.raises(DomainError) as refusal:
        agreement_vary(
            actor=dfe_official, agreement=agreement, varied_on=date(2023, 6, 1), reason="Fewer.", **terms
        )

    assert refusal.value.field == "instalments"
    assert (
        "£12,000,000.00, £12,000,000.00 less than the total DfE contribution less the instalments already decided of £24,000,000.00"
        in refusal.value.message
    )
    assert not AgreementVariation.objects.exists()
    terms["instalments"] = [(date(2023, 12, 15), Decimal("24000000.00"))]
    variation = agreement_vary(
        actor=dfe_official, agreement=agreement, varied_on=date(2023, 6, 1), reason="Fewer.", **terms
    )
    assert "Instalment 4 removed: £8,000,000.00 due 16 December 2024" in variation.change_lines
    assert [(p.number, p.amount, p.status) for p in instalments(agreement)] == [
        (1, Decimal("16000000.00"), PaymentStatus.RELEASED),
        (2, Decimal("24000000.00"), PaymentStatus.SCHEDULED),
    ]
    assert not Deadline.objects.filter(
        kind=DeadlineKind.INSTALMENT_DECISION, title__contains="instalment 3"
    ).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({}, None, "Nothing in the conditions, targets or instalments has changed"),
        ({"reason": " "}, "reason", "Give the reason for the variation"),
        ({"varied_on": date(2022, 3, 1)}, "varied_on", "before the agreement was signed (15 March 2022)"),
        ({"varied_on": date(2999, 1, 1)}, "varied_on", "in the future"),
        ({"conditions": ["Open more places.", ""]}, "conditions", "Condition 2 is empty"),
        (
            {"targets": [(fy(2021), "-9000000", "-60000000"), (fy(2023), "0", "0")]},
            "targets",
            "2022-23 is missing between 2021-22 and 2023-24",
        ),
    ],
)
def test_a_variation_that_is_wrong_or_changes_nothing_is_refused_and_nothing_is_written(
    dfe_official, change, field, message
):
    agreement = sv_agreement(actor=dfe_official)
    before = _terms(agreement)
    arguments = {"varied_on": date(2023, 6, 1), "reason": "Review.", **_terms(agreement), **change}
    with pytest.raises(DomainError) as refusal:
        agreement_vary(actor=dfe_official, agreement=agreement, **arguments)
    assert refusal.value.field == field and message in refusal.value.message
    assert not AgreementVariation.objects.exists()
    assert _terms(agreement) == before


def test_only_dfe_officials_vary_an_agreement_and_others_cannot_see_it(dfe_official, steering_member):
    agreement = sv_agreement(actor=dfe_official)
    own_lead = FinanceLeadFactory(authority=agreement.authority)
    arguments = {"varied_on": date(2023, 6, 1), "reason": "Review.", **_terms(agreement)}
    arguments["conditions"] = [*arguments["conditions"], "A third."]
    with pytest.raises(PermissionDenied):
        agreement_vary(actor=own_lead, agreement=agreement, **arguments)
    with pytest.raises(Http404):
        agreement_vary(actor=steering_member, agreement=agreement, **arguments)
    assert not AgreementVariation.objects.exists()


def test_a_correction_of_the_signing_date_moves_the_contribution_award_date_too(dfe_official):
    agreement = sv_agreement(actor=dfe_official)
    agreement_details_correct(
        actor=dfe_official,
        agreement=agreement,
        signed_on=date(2022, 3, 18),
        published_url="https://www.example.org/agreement-v2.pdf",
        deficit_at_signing="61000000",
    )
    agreement.refresh_from_db()
    assert agreement.signed_on == date(2022, 3, 18) and agreement.deficit_at_signing == Decimal("61000000.00")
    assert agreement.contribution.awarded_on == date(2022, 3, 18)
    with pytest.raises(
        DomainError, match="Instalment 1 is due on 31 March 2022, before a signing on 1 April 2022"
    ):
        agreement_details_correct(
            actor=dfe_official,
            agreement=sv_agreement(actor=dfe_official, targets=[(fy(2022), "1000000", "0")]),
            signed_on=date(2022, 4, 1),
            published_url="",
            deficit_at_signing="61000000",
        )
    with pytest.raises(DomainError, match="The targets start in 2021-22, before a signing on 1 April 2022"):
        agreement_details_correct(
            actor=dfe_official,
            agreement=agreement,
            signed_on=date(2022, 4, 1),
            published_url="",
            deficit_at_signing="61000000",
        )
    agreement.refresh_from_db()
    assert agreement.signed_on == date(2022, 3, 18)
