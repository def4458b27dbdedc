"""DSG return pages (SPEC §4.7): an authority's finance lead returns a year's DSG figures in the browser,
checks the answers, sees the confirmation and the figures on the authority's page, as an LA return
beside (never over) DfE's published figures."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import DsgFigureFactory, FinanceLeadFactory
from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal.financial_year import FinancialYear

pytestmark = pytest.mark.django_db

ANSWERS = {
    "financial_year": "2022-23",
    "total_dsg_allocation": "£250,000,000.00",
    "high_needs_allocation": "55000000",
    "in_year_balance": "-2500000.00",
    "cumulative_balance": "-12,000,000.50",
    "usable_reserves": "8000000",
    "notes": "Month 12 outturn.",
}


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no error summary on the page"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split())


def url(name, authority, **kwargs):
    return reverse(f"authorities:{name}", kwargs={"la_code": authority.la_code, **kwargs})


@pytest.fixture
def kensington(finance_lead):
    return finance_lead.authority


def submit(client, authority, **changes):
    answers = {**ANSWERS, **changes}
    question = client.post(url("dsg-return", authority), answers)
    assert question.status_code == 302, text_of(question)
    assert question["Location"] == url("dsg-return-check", authority)
    return client.post(url("dsg-return-check", authority))


# --- The journey ------------------------------------------------------------------------------


def test_a_finance_lead_submits_a_dsg_return_checks_it_and_sees_it_on_their_authoritys_page(
    client_for, finance_lead, kensington
):
    client = client_for(finance_lead)
    page = client.get(reverse("authorities:detail", args=["207"]))
    assert "Submit a DSG return" in text_of(page)

    question = client.get(url("dsg-return", kensington))
    assert question.status_code == 200
    text = text_of(question)
    assert "Submit a DSG return" in text and "Kensington and Chelsea" in text
    assert "Put a minus sign before a deficit" in text and "high needs" in text.lower()

    answered = client.post(url("dsg-return", kensington), ANSWERS)
    assert answered.status_code == 302
    check = client.get(url("dsg-return-check", kensington))
    text = text_of(check)
    assert check.status_code == 200
    assert "Check your answers before submitting the return" in text
    assert "Financial year 2022-23" in text
    assert "Total DSG allocation £250,000,000.00" in text
    assert "Cumulative DSG balance −£12,000,000.50" in text
    assert "Usable reserves £8,000,000.00" in text
    assert not DsgFigure.objects.filter(authority=kensington, source=FigureSource.LA_RETURN).exists()

    done = client.post(url("dsg-return-check", kensington))
    figure = DsgFigure.objects.get(authority=kensington, source=FigureSource.LA_RETURN)
    assert done["Location"] == url("dsg-return-submitted", kensington, pk=figure.pk)
    assert figure.financial_year == FinancialYear(2022)
    assert figure.cumulative_balance == Decimal("-12000000.50")
    assert figure.high_needs_allocation == Decimal("55000000.00")
    assert figure.notes == "Month 12 outturn."
    assert figure.history.first().history_user == finance_lead

    confirmation = client.get(done["Location"])
    text = text_of(confirmation)
    assert "DSG return submitted" in text and "Kensington and Chelsea, 2022-23" in text
    assert "In-year DSG balance −£2,500,000.00" in text

    detail = text_of(client.get(reverse("authorities:detail", args=["207"])))
    # The trajectory takes the year from the return, and the table by source shows it beside DfE's.
    assert re.search(r"2022-23 Actual \(?LA return\)? −£12,000,001", detail)
    assert "2022-23 LA return £250,000,000 −£12,000,001 4.80%" in detail
    assert "2022-23 Published by DfE £116,888,307" in detail
    # Answered once: going back to the check page starts again.
    assert client.get(url("dsg-return-check", kensington))["Location"] == url("dsg-return", kensington)


def test_returning_a_year_again_updates_that_years_la_return_and_keeps_its_history(
    client_for, finance_lead, kensington
):
    client = client_for(finance_lead)
    submit(client, kensington)
    client.post(url("dsg-return", kensington), {**ANSWERS, "cumulative_balance": "-13000000"})
    check = text_of(client.get(url("dsg-return-check", kensington)))
    assert "These figures replace the LA return for 2022-23 already recorded" in check
    assert "−£12,000,000.50" in check and "−£13,000,000.00" in check
    client.post(url("dsg-return-check", kensington))

    figure = DsgFigure.objects.get(authority=kensington, source=FigureSource.LA_RETURN)
    assert figure.cumulative_balance == Decimal("-13000000.00")
    assert [row.cumulative_balance for row in figure.history.order_by("history_date")] == [
        Decimal("-12000000.50"),
        Decimal("-13000000.00"),
    ]


def test_a_return_never_overwrites_dfes_published_figures_for_the_year(client_for, finance_lead, kensington):
    published = DsgFigure.objects.get(
        authority=kensington, financial_year=FinancialYear(2021), source=FigureSource.PUBLISHED
    )
    before = (
        published.total_dsg_allocation,
        published.cumulative_balance,
        published.published_balance_percent,
    )
    client = client_for(finance_lead)
    client.post(url("dsg-return", kensington), {**ANSWERS, "financial_year": "2021-22"})
    check = text_of(client.get(url("dsg-return-check", kensington)))
    assert "DfE has published figures for Kensington and Chelsea in 2021-22. They stay as published" in check
    client.post(url("dsg-return-check", kensington))

    published.refresh_from_db()
    assert (
        published.total_dsg_allocation,
        published.cumulative_balance,
        published.published_balance_percent,
    ) == before
    sources = set(
        DsgFigure.objects.filter(authority=kensington, financial_year=FinancialYear(2021)).values_list(
            "source", flat=True
        )
    )
    assert sources == {FigureSource.PUBLISHED, FigureSource.LA_RETURN}


# --- Errors on the question page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"financial_year": ""}, "financial_year", "Enter the financial year, like 2022-23"),
        ({"financial_year": "2022-24"}, "financial_year", "the two years must follow on"),
        ({"financial_year": "2099-00"}, "financial_year", "2099-00 has not started"),
        ({"financial_year": "2001-02"}, "financial_year", "The Dedicated Schools Grant began in 2006-07"),
        ({"total_dsg_allocation": ""}, "total_dsg_allocation", "Enter the total DSG allocation, in pounds"),
        ({"total_dsg_allocation": "lots"}, "total_dsg_allocation", "“lots” is not an amount of money"),
        ({"total_dsg_allocation": "0"}, "total_dsg_allocation", "must be more than £0"),
        ({"in_year_balance": "12.345"}, "in_year_balance", "more than 2 decimal places"),
        (
            {"high_needs_allocation": "300000000"},
            "high_needs_allocation",
            "is part of the total DSG allocation",
        ),
        ({"usable_reserves": "-1"}, "usable_reserves", "Usable reserves cannot be below £0"),
    ],
)
def test_a_wrong_answer_is_shown_in_the_error_summary_and_by_its_field(
    client_for, finance_lead, kensington, changes, field, message
):
    page = client_for(finance_lead).post(url("dsg-return", kensington), {**ANSWERS, **changes})
    assert page.status_code == 400
    assert message in error_summary(page)
    assert f'href="#id_{field}"' in page.content.decode()
    assert 'class="govuk-error-message"' in page.content.decode()
    assert not DsgFigure.objects.filter(authority=kensington, source=FigureSource.LA_RETURN).exists()


# --- Who may ------------------------------------------------------------------------------------


def test_a_finance_lead_cannot_return_figures_for_another_authority(client_for, finance_lead):
    other = LocalAuthority.objects.get(la_code="838")
    client = client_for(finance_lead)
    for name in ("dsg-return", "dsg-return-check"):
        assert client.get(url(name, other)).status_code == 404
        assert client.post(url(name, other), ANSWERS).status_code == 404
    theirs = DsgFigureFactory(authority=other)
    assert client.get(url("dsg-return-submitted", other, pk=theirs.pk)).status_code == 404
    assert not DsgFigure.objects.filter(authority=other, source=FigureSource.LA_RETURN).exclude(pk=theirs.pk)


def test_a_dfe_official_sees_the_authority_but_may_not_return_its_figures(client_for, dfe_official):
    kensington = LocalAuthority.objects.get(la_code="207")
    client = client_for(dfe_official)
    assert "Submit a DSG return" not in text_of(client.get(reverse("authorities:detail", args=["207"])))
    assert client.get(url("dsg-return", kensington)).status_code == 403
    assert client.post(url("dsg-return", kensington), ANSWERS).status_code == 403
    assert client.post(url("dsg-return-check", kensington)).status_code == 403
    figure = DsgFigureFactory(authority=kensington)
    assert client.get(url("dsg-return-submitted", kensington, pk=figure.pk)).status_code == 200


def test_a_delivery_partner_is_refused_on_an_assigned_authority_and_sees_no_other(client_for, newton_partner):
    kensington = LocalAuthority.objects.get(la_code="207")  # DBV, assigned to Newton
    dorset = LocalAuthority.objects.get(la_code="838")  # Safety Valve
    client = client_for(newton_partner)
    assert client.get(url("dsg-return", kensington)).status_code == 403
    assert client.get(url("dsg-return", dorset)).status_code == 404


def test_a_steering_member_sees_no_authority_to_return_for(client_for, steering_member):
    kensington = LocalAuthority.objects.get(la_code="207")
    assert client_for(steering_member).get(url("dsg-return", kensington)).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    kensington = LocalAuthority.objects.get(la_code="207")
    response = client.get(url("dsg-return", kensington))
    assert response.status_code == 302 and reverse("portal:sign-in") in response["Location"]


def test_the_confirmation_shows_only_an_la_return(client_for, finance_lead, kensington):
    published = DsgFigure.objects.filter(authority=kensington, source=FigureSource.PUBLISHED).first()
    page = client_for(finance_lead).get(url("dsg-return-submitted", kensington, pk=published.pk))
    assert page.status_code == 404


def test_an_authority_that_no_longer_operates_returns_no_figures_after_it_ended(client_for):
    cumbria = LocalAuthority.objects.get(la_code="909")
    lead = FinanceLeadFactory(authority=cumbria)
    page = client_for(lead).post(url("dsg-return", cumbria), {**ANSWERS, "financial_year": "2023-24"})
    assert page.status_code == 400
    assert "stopped operating on 31 March 2023" in error_summary(page)


# --- Query counts -------------------------------------------------------------------------------


def test_the_pages_run_the_same_queries_however_many_years_the_authority_has_returned(
    client_for, finance_lead, kensington
):
    client = client_for(finance_lead)

    def queries():
        counts = []
        for method, name in (("get", "dsg-return"), ("post", "dsg-return"), ("get", "dsg-return-check")):
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(
                    url(name, kensington), ANSWERS if method == "post" else None
                )
            assert response.status_code in (200, 302)
            counts.append(len(captured))
        return counts

    DsgFigureFactory(authority=kensington, financial_year=FinancialYear(2010))
    small = queries()
    for year in range(2011, 2021):
        DsgFigureFactory(authority=kensington, financial_year=FinancialYear(year))
    assert queries() == small
