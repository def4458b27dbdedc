"""Grants and payments pages (SPEC §4.6): the national totals, the rows behind each total, and awarding a
DBV implementation grant from its Diagnostic (question page, check your answers, confirmation)."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from programmes.factories import dbv_application_submitted, dbv_grant, sv_agreement
from programmes.models import (
    Diagnostic,
    DiagnosticStage,
    Enrolment,
    Grant,
    GrantKind,
    Payment,
    ProgrammeCode,
    StageStatus,
)
from programmes.services.grants import payment_release, payment_withhold
from programmes.views import grants as grant_views

pytestmark = pytest.mark.django_db

TOTALS = reverse("programmes:grants")
PAYMENTS = reverse("programmes:grant-payments")
AWARDED = reverse("programmes:grants-awarded")


def reference_enrolment(la_code: str, programme: str = ProgrammeCode.DBV) -> Enrolment:
    return Enrolment.objects.open().get(authority__la_code=la_code, cohort__programme__code=programme)


def text_of(response) -> str:
    """The page's text with tags dropped and spaces squeezed, as a reader would see it."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def links_of(response) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', response.content.decode())]


def table_rows(response) -> list[str]:
    """The text of each row of the page's table body."""
    body = response.content.decode().split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in body.split("</tr>")[:-1]]


@pytest.fixture
def money(dfe_official):
    """Grants whose totals are worked by hand below:

    - Kensington and Chelsea (207), DBV: £1,000,000.00 awarded 15 June 2023 (2023-24); payment 1
      £400,000.00 due 30 June 2023, released; payment 2 £600,000.00 due 15 April 2024 (2024-25), scheduled.
    - Southampton (852), DBV: £250,000.50 awarded 1 July 2023; one payment due 1 August 2023, withheld.
    - Dorset (838), Safety Valve: £40,000,000.00 with its agreement of 15 March 2022 (2021-22), in four
      scheduled instalments: £16m due 31 March 2022 (2021-22), then £8m in each of 2022-23, 2023-24, 2024-25.
    """
    kensington = dbv_grant(
        enrolment=reference_enrolment("207"),
        actor=dfe_official,
        amount="1000000.00",
        awarded_on=date(2023, 6, 15),
        payments=[(date(2023, 6, 30), Decimal("400000.00")), (date(2024, 4, 15), Decimal("600000.00"))],
    )
    southampton = dbv_grant(
        enrolment=reference_enrolment("852"),
        actor=dfe_official,
        amount="250000.50",
        awarded_on=date(2023, 7, 1),
        payments=[(date(2023, 8, 1), Decimal("250000.50"))],
    )
    sv_agreement(enrolment=reference_enrolment("838", ProgrammeCode.SAFETY_VALVE), actor=dfe_official)
    payment_release(actor=dfe_official, payment=kensington.payments.get(number=1), reason="Plan agreed.")
    payment_withhold(actor=dfe_official, payment=southampton.payments.get(), reason="No plan yet.")
    return {"kensington": kensington, "southampton": southampton}


# --- The national totals ----------------------------------------------------------------------


def test_a_dfe_official_sees_every_programmes_totals_by_financial_year(client_for, dfe_official, money):
    response = client_for(dfe_official).get(TOTALS)
    assert response.status_code == 200
    # Programme, year, awarded, released, withheld, scheduled, in whole pounds (£250,000.50 rounds up).
    assert table_rows(response) == [
        "Safety Valve 2021-22 £40,000,000 awarded, Safety Valve 2021-22 £0 £0 "
        "£16,000,000 scheduled, Safety Valve 2021-22",
        "Safety Valve 2022-23 £0 £0 £0 £8,000,000 scheduled, Safety Valve 2022-23",
        "Safety Valve 2023-24 £0 £0 £0 £8,000,000 scheduled, Safety Valve 2023-24",
        "Safety Valve 2024-25 £0 £0 £0 £8,000,000 scheduled, Safety Valve 2024-25",
        "DBV 2023-24 £1,250,001 awarded, DBV 2023-24 £400,000 released, DBV 2023-24 "
        "£250,001 withheld, DBV 2023-24 £0",
        "DBV 2024-25 £0 £0 £0 £600,000 scheduled, DBV 2024-25",
    ]
    assert "Every authority's grants and payments." in text_of(response)


def test_a_finance_lead_sees_only_their_own_authoritys_totals(client_for, finance_lead, money):
    response = client_for(finance_lead).get(TOTALS)
    assert response.status_code == 200
    assert table_rows(response) == [
        "DBV 2023-24 £1,000,000 awarded, DBV 2023-24 £400,000 released, DBV 2023-24 £0 £0",
        "DBV 2024-25 £0 £0 £0 £600,000 scheduled, DBV 2024-25",
    ]
    assert "The grants and payments of Kensington and Chelsea." in text_of(response)


def test_a_delivery_partner_sees_the_totals_of_their_assigned_dbv_authorities_only(
    client_for, newton_partner, money
):
    rows = table_rows(client_for(newton_partner).get(TOTALS))
    assert [row.split(" £")[0] for row in rows] == ["DBV 2023-24", "DBV 2024-25"]
    assert rows[0].startswith("DBV 2023-24 £1,250,001 awarded")


def test_a_steering_member_sees_no_single_authoritys_money(client_for, steering_member, money):
    # As the API's grant-totals: the money of grants is authorities' financial detail (decision 0024).
    response = client_for(steering_member).get(TOTALS)
    assert response.status_code == 200
    assert "There are no grants or payments for you to see." in text_of(response)
    assert "£" not in text_of(response)
    payments = client_for(steering_member).get(PAYMENTS, {"programme": "DBV"})
    assert payments.status_code == 200
    assert table_rows(payments) == ["No payments match."]


def test_the_totals_pages_ask_for_sign_in(client):
    for url in (TOTALS, PAYMENTS, AWARDED):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_dfe_home_page_links_to_grants_and_payments(client_for, dfe_official, finance_lead):
    assert TOTALS in links_of(client_for(dfe_official).get(reverse("portal:home")))


# --- The rows behind a total ------------------------------------------------------------------


def _link_of(response, label: str) -> str:
    """The href of the figure whose hidden label is `label`, like "released, DBV 2023-24"."""
    html = response.content.decode()
    match = re.search(
        rf'href="([^"]+)">[^<]*<span class="govuk-visually-hidden"> {re.escape(label)}</span>', html
    )
    assert match, f"no link for {label}"
    return unescape(match.group(1))


def test_each_total_links_to_the_rows_behind_it(client_for, dfe_official, money):
    client = client_for(dfe_official)
    totals = client.get(TOTALS)

    released = _link_of(totals, "released, DBV 2023-24")
    assert released == f"{PAYMENTS}?programme=DBV&financial_year=2023-24&status=released"
    rows = table_rows(client.get(released))
    assert rows == [
        "Kensington and Chelsea Payment 1 of the DBV implementation grant 30 June 2023 £400,000 "
        f"Released {dfe_official.display_name}, {date.today():%-d %B %Y}"
    ]

    withheld = table_rows(client.get(_link_of(totals, "withheld, DBV 2023-24")))
    assert (
        len(withheld) == 1 and withheld[0].startswith("Southampton Payment 1") and "Withheld" in withheld[0]
    )

    scheduled = table_rows(client.get(_link_of(totals, "scheduled, Safety Valve 2021-22")))
    assert scheduled == [
        "Dorset Payment 1 of the Safety Valve contribution 31 March 2022 £16,000,000 Scheduled Not decided yet"
    ]

    awarded = client.get(_link_of(totals, "awarded, DBV 2023-24"))
    assert [row.split(" DBV")[0] for row in table_rows(awarded)] == ["Kensington and Chelsea", "Southampton"]
    assert "DBV grants awarded in 2023-24: 2 grants" in text_of(awarded)
    # A zero is not a link: there are no rows behind it.
    assert "scheduled, DBV 2023-24" not in totals.content.decode()


def test_the_rows_a_finance_lead_sees_are_their_authoritys_only(client_for, finance_lead, money):
    client = client_for(finance_lead)
    rows = table_rows(client.get(PAYMENTS))
    assert [row.split(" Payment")[0] for row in rows] == ["Kensington and Chelsea", "Kensington and Chelsea"]
    assert table_rows(client.get(PAYMENTS, {"status": "withheld"})) == ["No payments match."]
    assert [row.split(" DBV")[0] for row in table_rows(client.get(AWARDED))] == ["Kensington and Chelsea"]


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        (
            PAYMENTS,
            {"status": "paid"},
            "Choose scheduled, released or withheld (“paid” is not a payment status)",
        ),
        (PAYMENTS, {"programme": "ESFA"}, "“ESFA” is not a programme that pays grants"),
        (PAYMENTS, {"financial_year": "2023"}, "“2023” is not a financial year: write it like 2022-23."),
        (AWARDED, {"status": "released"}, "“status” is not a filter of this page"),
        (PAYMENTS, {"colour": "red"}, "“colour” is not a filter of this page"),
    ],
)
def test_an_unknown_filter_value_is_an_error_on_the_page_never_ignored(
    client_for, dfe_official, money, url, query, message
):
    response = client_for(dfe_official).get(url, query)
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page and message in page
    assert "govuk-table__body" not in response.content.decode()


def test_the_rows_are_paginated_and_the_pages_keep_the_filters(client_for, dfe_official, money, monkeypatch):
    monkeypatch.setattr(grant_views, "ROWS_PER_PAGE", 2)
    client = client_for(dfe_official)
    first = client.get(PAYMENTS, {"programme": "SV"})
    assert "4 payments, page 1 of 2" in text_of(first)
    assert len(table_rows(first)) == 2
    assert f"{PAYMENTS}?programme=SV&page=2" in [
        PAYMENTS + href for href in links_of(first) if href[0] == "?"
    ]
    second = client.get(PAYMENTS, {"programme": "SV", "page": 2})
    assert [row.split(" £")[0].split(" ")[-3:] for row in table_rows(second)] == [
        ["15", "December", "2023"],
        ["16", "December", "2024"],
    ]


def _queries(client, url, query=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(queries)


def _more_dbv_grants(count: int, *, actor) -> None:
    """`count` more DBV grants, each with two payments, on reference enrolments with none."""
    enrolments = Enrolment.objects.open().filter(
        cohort__programme__code=ProgrammeCode.DBV, grants__isnull=True
    )
    for enrolment in enrolments.order_by("authority__la_code")[:count]:
        dbv_grant(
            enrolment=enrolment,
            actor=actor,
            amount="2000.00",
            payments=[(date(2023, 7, 1), Decimal("1000.00")), (date(2024, 7, 1), Decimal("1000.00"))],
        )


@pytest.mark.parametrize("user", ["dfe_official", "finance_lead", "newton_partner"])
def test_the_totals_and_rows_take_the_same_number_of_queries_however_many_grants(
    client_for, dfe_official, request, user
):
    client = client_for(request.getfixturevalue(user))
    _more_dbv_grants(1, actor=dfe_official)
    dbv_grant(enrolment=reference_enrolment("207"), actor=dfe_official, amount="5000.00")
    pages = [(TOTALS, None), (PAYMENTS, None), (PAYMENTS, {"programme": "DBV"}), (AWARDED, None)]
    for url, query in pages:
        client.get(url, query or {})  # Warm up: the session and anything cached on first use.
    before = [_queries(client, url, query) for url, query in pages]
    _more_dbv_grants(8, actor=dfe_official)
    assert Payment.objects.count() >= 19
    assert [_queries(client, url, query) for url, query in pages] == before


# --- Awarding a DBV implementation grant --------------------------------------------------------


def _diagnostic(la_code: str) -> Diagnostic:
    return Diagnostic.objects.get(enrolment=reference_enrolment(la_code))


@pytest.fixture
def southampton(dfe_official) -> Diagnostic:
    """Southampton's (852) Diagnostic with its grant application submitted (stages 1-11 complete, 1 May 2023)."""
    diagnostic = _diagnostic("852")
    dbv_application_submitted(diagnostic.enrolment, actor=dfe_official)
    return diagnostic


def _answers(**overrides) -> dict:
    answers = {
        "amount": "1,250,000.00",
        "awarded_on_0": "15",
        "awarded_on_1": "6",
        "awarded_on_2": "2023",
        "payment_1_due_on_0": "30",
        "payment_1_due_on_1": "6",
        "payment_1_due_on_2": "2023",
        "payment_1_amount": "500000.00",
        "payment_2_due_on_0": "15",
        "payment_2_due_on_1": "4",
        "payment_2_due_on_2": "2024",
        "payment_2_amount": "750000.00",
    }
    return {**answers, **overrides}


def test_the_diagnostic_page_offers_the_award_to_a_dfe_official_once_stage_11_is_complete(
    client_for, dfe_official, newton_partner, southampton
):
    award = reverse("programmes:grant-award", args=[southampton.pk])
    diagnostic = reverse("programmes:diagnostic", args=[southampton.pk])
    assert award in links_of(client_for(dfe_official).get(diagnostic))
    assert award not in links_of(client_for(newton_partner).get(diagnostic))
    not_yet = reverse("programmes:diagnostic", args=[_diagnostic("334").pk])
    assert "Award the implementation grant" not in text_of(client_for(dfe_official).get(not_yet))


def test_a_dfe_official_awards_a_grant_through_check_your_answers(client_for, dfe_official, southampton):
    client = client_for(dfe_official)
    award = reverse("programmes:grant-award", args=[southampton.pk])
    question = client.get(award)
    assert question.status_code == 200 and "Award the implementation grant" in text_of(question)

    answered = client.post(award, _answers())
    assert answered.status_code == 302
    check = client.get(answered["Location"])
    page = text_of(check)
    assert "Check your answers before awarding the grant" in page
    assert "Grant amount £1,250,000.00" in page and "Awarded on 15 June 2023" in page
    assert "Payment 1 £500,000.00 due on 30 June 2023" in page
    assert "Payment 2 £750,000.00 due on 15 April 2024" in page
    assert not Grant.objects.filter(enrolment=southampton.enrolment).exists()  # Nothing written yet.

    awarded = client.post(answered["Location"])
    grant = Grant.objects.get(enrolment=southampton.enrolment, kind=GrantKind.DBV_IMPLEMENTATION)
    assert awarded["Location"] == reverse("programmes:grant-awarded", args=[grant.pk])
    confirmation = text_of(client.get(awarded["Location"]))
    assert "Grant awarded £1,250,000 to Southampton" in confirmation
    assert (grant.amount, grant.awarded_on, grant.awarded_by) == (
        Decimal("1250000.00"),
        date(2023, 6, 15),
        dfe_official,
    )
    assert [(p.due_on, p.amount) for p in grant.payments.order_by("number")] == [
        (date(2023, 6, 30), Decimal("500000.00")),
        (date(2024, 4, 15), Decimal("750000.00")),
    ]
    stage_12 = DiagnosticStage.objects.get(diagnostic=southampton, definition__number=12)
    assert (stage_12.status, stage_12.actual_date) == (StageStatus.COMPLETE, date(2023, 6, 15))
    # The award is done: the Diagnostic no longer offers it.
    diagnostic = client.get(reverse("programmes:diagnostic", args=[southampton.pk]))
    assert "Award the implementation grant" not in text_of(diagnostic)


def test_payments_that_do_not_add_up_are_refused_in_the_services_words(client_for, dfe_official, southampton):
    client = client_for(dfe_official)
    award = reverse("programmes:grant-award", args=[southampton.pk])
    check = client.post(award, _answers(payment_2_amount="700000.00"))["Location"]
    refused = client.post(check)
    assert refused.status_code == 400
    page = text_of(refused)
    assert "There is a problem" in page
    assert (
        "The instalments add up to £1,200,000.00, £50,000.00 less than the grant amount of £1,250,000.00"
        in page
    )
    assert 'value="700000.00"' in refused.content.decode()  # The answers stay, to be corrected.
    assert not Grant.objects.filter(enrolment=southampton.enrolment).exists()


def test_an_award_before_stage_11_is_complete_is_refused_in_the_services_words(client_for, dfe_official):
    solihull = _diagnostic("334")
    client = client_for(dfe_official)
    check = client.post(reverse("programmes:grant-award", args=[solihull.pk]), _answers())["Location"]
    refused = client.post(check)
    assert refused.status_code == 400
    assert "Diagnostic stage 11 “Grant application submitted” is not started" in text_of(refused)
    assert not Grant.objects.filter(enrolment=solihull.enrolment).exists()


def test_an_impossible_or_missing_answer_is_a_gov_uk_error_on_the_question_page(
    client_for, dfe_official, southampton
):
    response = client_for(dfe_official).post(
        reverse("programmes:grant-award", args=[southampton.pk]),
        _answers(awarded_on_0="31", awarded_on_1="2", amount="12.345", payment_2_amount=""),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "The award date must be a real date, like 27 3 2023" in page
    assert "“12.345” has more than 2 decimal places" in page
    assert "Enter the amount of payment 2" in page
    assert "day is out of range" not in page


def test_the_check_page_without_answers_goes_back_to_the_question(client_for, dfe_official, southampton):
    response = client_for(dfe_official).get(reverse("programmes:grant-award-check", args=[southampton.pk]))
    assert response["Location"] == reverse("programmes:grant-award", args=[southampton.pk])


def test_only_a_dfe_official_may_award_and_others_out_of_scope_get_404(
    client_for, newton_partner, finance_lead, steering_member, southampton
):
    award = reverse("programmes:grant-award", args=[southampton.pk])
    check = reverse("programmes:grant-award-check", args=[southampton.pk])
    assert client_for(newton_partner).get(award).status_code == 403
    assert client_for(newton_partner).post(check).status_code == 403
    assert (
        client_for(FinanceLeadFactory(authority=southampton.enrolment.authority)).get(award).status_code
        == 403
    )
    assert client_for(finance_lead).get(award).status_code == 404  # Another authority's Diagnostic.
    assert client_for(steering_member).get(award).status_code == 404


def test_the_confirmation_page_is_within_scope_only(client_for, dfe_official, finance_lead, money):
    southampton = reverse("programmes:grant-awarded", args=[money["southampton"].pk])
    kensington = reverse("programmes:grant-awarded", args=[money["kensington"].pk])
    assert client_for(dfe_official).get(southampton).status_code == 200
    assert client_for(finance_lead).get(southampton).status_code == 404
    assert client_for(finance_lead).get(kensington).status_code == 200
