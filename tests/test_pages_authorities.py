"""The authority list (search, filters, pagination) and one authority's page (programme history,
agreement or Diagnostic, grants, DSG position as a chart and table), for each role."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import (
    ContactFactory,
    DsgFigureFactory,
    FinanceLeadFactory,
    LocalAuthorityFactory,
)
from authorities.models import AuthorityType, FigureSource, Region
from portal.financial_year import FinancialYear
from programmes.factories import dbv_enrolment, enrolment, esfa_enrolment, past_grants, sv_agreement

pytestmark = pytest.mark.django_db

LIST = reverse("authorities:list")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2024, 6, 3, 10, 0, tzinfo=UTC), tick=False)


def _names(page: str) -> list[str]:
    """The authorities listed, by the link text of each row's heading."""
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/authorities/\d+/">([^<]+)</a>',
        page,
    )


def _get(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


# --- The list ---


def test_the_list_shows_fifty_authorities_a_page_with_gov_uk_pagination(client_for, dfe_official):
    client = client_for(dfe_official)
    response, page = _get(client, LIST)
    assert response.status_code == 200
    assert "153 authorities operating today" in page
    assert "Showing 1 to 50" in page and len(_names(page)) == 50
    assert 'class="govuk-pagination"' in page and 'aria-label="Page 4"' in page
    _, last = _get(client, LIST, page=4)
    assert "Showing 151 to 153" in last and len(_names(last)) == 3
    assert _names(last)[-1] not in _names(page)


def test_the_list_filters_by_search_region_and_type(client_for, dfe_official):
    north_east = Region.objects.get(name="North East")
    county = LocalAuthorityFactory(name="Testshire County", la_type=AuthorityType.COUNTY, region=north_east)
    unitary = LocalAuthorityFactory(name="Testshire Unitary", region=north_east)
    client = client_for(dfe_official)
    _, page = _get(client, LIST, q="Testshire", region=north_east.gss_code, type="county")
    assert _names(page) == [county.name]
    assert "1 authority operating today" in page
    _, page = _get(client, LIST, q="Testshire", region=north_east.gss_code)
    assert _names(page) == [county.name, unitary.name]
    _, page = _get(client, LIST, region=north_east.gss_code, type="london_borough")
    assert _names(page) == [] and "No authorities match." in page


def test_the_list_filters_by_programme_tranche_and_enrolment_status(client_for, dfe_official):
    second = dbv_enrolment(
        tranche=2, status="accepted", authority=LocalAuthorityFactory(name="Testshire Two")
    )
    first = dbv_enrolment(tranche=1, status="accepted", authority=LocalAuthorityFactory(name="Testshire One"))
    esfa = esfa_enrolment(authority=LocalAuthorityFactory(name="Testshire Esfa"))
    client = client_for(dfe_official)
    _, page = _get(client, LIST, programme="DBV", tranche="2", status="accepted")
    assert _names(page) == [second.authority.name]
    assert "DBV, Tranche 2" in page  # the latest programme of each authority listed
    _, page = _get(client, LIST, programme="DBV", status="accepted")
    assert _names(page) == [first.authority.name, second.authority.name]
    _, page = _get(client, LIST, programme="ESFA", q="Testshire")
    assert _names(page) == [esfa.authority.name]
    # The 55 reference DBV invitations are the only invited DBV authorities (the two above accepted).
    _, page = _get(client, LIST, programme="DBV", status="invited", include_ended="yes")
    assert len(_names(page)) == 50 and "53 authorities" in page


@pytest.mark.parametrize(
    "params, message",
    [
        ({"region": "E99999999"}, "Choose a region from the list: “E99999999” is not one"),
        ({"type": "parish"}, "Choose a type of authority from the list: “parish” is not one"),
        ({"programme": "XYZ"}, "Choose a programme from the list: “XYZ” is not one"),
        ({"tranche": "9"}, "Choose a tranche from the list: “9” is not one"),
        ({"status": "lost", "q": "Newham"}, "Choose a status from the list: “lost” is not one"),
        ({"on": "1/10/22"}, "Enter the date like 2022-10-01"),
    ],
)
def test_an_unknown_filter_value_is_an_error_on_the_page_and_lists_nothing(
    client_for, dfe_official, params, message
):
    response, page = _get(client_for(dfe_official), LIST, **params)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page
    assert page.count(message) == 2  # in the summary and by the field
    assert "<title>Error: Authorities" in page
    assert _names(page) == [] and "Correct the filters above" in page


def test_the_list_runs_the_same_number_of_queries_whatever_it_shows(client_for, dfe_official):
    client = client_for(dfe_official)

    def queries(count: int) -> int:
        for _ in range(count):
            esfa_enrolment(authority=LocalAuthorityFactory(name="Testshire Q"))
        with CaptureQueriesContext(connection) as captured:
            _, page = _get(client, LIST, q="Testshire Q", programme="ESFA", status="invited")
        assert len(_names(page)) == count_so_far[0] + count
        count_so_far[0] += count
        return len(captured)

    count_so_far = [0]
    assert queries(2) == queries(10)


def test_a_delivery_partner_lists_only_the_dbv_authorities_assigned_to_them(
    client_for, newton_partner, cipfa_partner
):
    theirs = dbv_enrolment(partners=["newton"], authority=LocalAuthorityFactory(name="Testshire Newton"))
    other = dbv_enrolment(partners=["cipfa"], authority=LocalAuthorityFactory(name="Testshire Cipfa"))
    _, page = _get(client_for(newton_partner), LIST, q="Testshire")
    assert _names(page) == [theirs.authority.name]
    assert other.authority.name not in page


def test_a_finance_lead_lists_their_own_authority_and_a_steering_member_may_not_browse(
    client_for, finance_lead, steering_member
):
    _, page = _get(client_for(finance_lead), LIST)
    assert _names(page) == [finance_lead.authority.name]
    assert client_for(steering_member).get(LIST).status_code == 403


# --- One authority's page ---


def _figures(authority, years: int, sources=(FigureSource.PUBLISHED, FigureSource.LA_RETURN)) -> None:
    for offset in range(years):
        for number, source in enumerate(sources):
            DsgFigureFactory(
                authority=authority,
                financial_year=FinancialYear(2023 - offset),
                source=source,
                cumulative_balance=Decimal(-1_000_000 * (years - offset) - 250_000 * number),
            )


def test_a_dfe_official_sees_the_programme_history_agreement_and_grants(client_for, dfe_official):
    authority = LocalAuthorityFactory(name="Testshire History")
    past_grants(authority, dbv=1, actor=dfe_official)
    sv = enrolment(authority=authority, programme="SV", status="active", actor=dfe_official)
    agreement = sv_agreement(enrolment=sv, actor=dfe_official)
    ContactFactory(authority=authority, name="Pat Finance")
    response, page = _get(client_for(dfe_official), reverse("authorities:detail", args=[authority.la_code]))
    assert response.status_code == 200
    history = page.split('id="programmes-caption"')[1].split("</table>")[0]
    # Newest first, each linked to its enrolment's page, with its latest change and why.
    assert history.index("Safety Valve") < history.index("Delivering Better Value")
    assert f'href="{reverse("programmes:enrolment", args=[sv.pk])}"' in history
    assert "Withdrawn" in history and "Test: ended" in history
    assert "Safety Valve agreement" in page and "15 March 2022" in page and "£60,000,000" in page
    grants = page.split('id="grants-caption"')[1].split("</table>")[0]
    assert "Safety Valve contribution" in grants and "DBV implementation grant" in grants
    assert "£40,000,000" in grants and "£1,234,568" in grants
    assert "All 2 grants" in grants and "£41,234,568" in grants  # the total awarded
    assert "Pat Finance" in page
    assert agreement.enrolment == sv


def test_the_dsg_position_is_an_accessible_chart_with_the_same_figures_in_a_table(client_for, dfe_official):
    # Step 8: the chart is the trajectory (programmes/trajectory_chart.py, tested in
    # tests/test_trajectory_chart.py); the figures of every source stay in the table by source.
    authority = LocalAuthorityFactory()
    _figures(authority, 3, sources=(FigureSource.PUBLISHED, FigureSource.LA_RETURN, FigureSource.DEMO))
    _, page = _get(client_for(dfe_official), reverse("authorities:detail", args=[authority.la_code]))
    svg = re.search(r"<svg class=\"portal-chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="trajectory-chart-title trajectory-chart-desc"' in svg
    assert f'<title id="trajectory-chart-title">{authority.name}: cumulative DSG balance, 2021-22 to' in svg
    assert "below zero is a deficit" in re.search(r"<desc.*?</desc>", svg).group(0)
    # The actuals are the LA's own return, preferred over the published and demo figures.
    assert "actual figures (LA return)" in svg and ">Actual</text>" in svg
    table = page.split('id="dsg-caption"')[1].split("</table>")[0]
    assert "2021-22 to 2023-24" in table
    assert table.count("<tr") == 1 + 9 and "−£3,250,000" in table and "−£1,000,000" in table


def test_years_beyond_the_last_ten_are_on_a_page_of_their_own(client_for, dfe_official):
    authority = LocalAuthorityFactory()
    _figures(authority, 12, sources=(FigureSource.PUBLISHED,))
    client = client_for(dfe_official)
    url = reverse("authorities:detail", args=[authority.la_code])
    _, page = _get(client, url)
    # The table by source is paged; the trajectory above it charts every year (Step 8).
    table = page.split('id="dsg-caption"')[1].split("</table>")[0]
    assert "2014-15 to 2023-24" in table and "2013-14" not in table
    assert "Earlier years" in page and "Later years" not in page
    assert "Years 1 to 10 of 12 with figures" in page
    _, earlier = _get(client, url, dsg_page=2)
    table = earlier.split('id="dsg-caption"')[1].split("</table>")[0]
    assert "2012-13 to 2013-14" in table and "2014-15" not in table
    assert "Later years" in earlier


@pytest.mark.parametrize("role", ["finance_lead", "partner"])
def test_an_authoritys_own_people_see_what_is_theirs(client_for, dfe_official, newton_partner, role):
    enrolment = dbv_enrolment(partners=["newton"], status="accepted")
    authority = enrolment.authority
    _figures(authority, 2)
    user = FinanceLeadFactory(authority=authority) if role == "finance_lead" else newton_partner
    response, page = _get(client_for(user), reverse("authorities:detail", args=[authority.la_code]))
    assert response.status_code == 200
    assert f'href="{reverse("programmes:diagnostic", args=[enrolment.diagnostic.pk])}"' in page
    assert "DBV Diagnostic" in page and 'role="img"' in page
    # Only a DfE official manages enrolment: no link to the enrolment's page for them.
    assert reverse("programmes:enrolment", args=[enrolment.pk]) not in page


def test_an_authority_out_of_scope_is_a_404(client_for, finance_lead, newton_partner, steering_member):
    other = LocalAuthorityFactory()
    url = reverse("authorities:detail", args=[other.la_code])
    for user in (finance_lead, newton_partner, steering_member):
        assert client_for(user).get(url).status_code == 404


def test_an_authoritys_page_runs_the_same_number_of_queries_whatever_it_shows(client_for, dfe_official):
    client = client_for(dfe_official)

    def queries(years: int, past: int) -> int:
        authority = LocalAuthorityFactory()
        _figures(
            authority, years, sources=(FigureSource.PUBLISHED, FigureSource.LA_RETURN, FigureSource.DEMO)
        )
        past_grants(authority, dbv=past, actor=dfe_official)
        esfa_enrolment(authority=authority, actor=dfe_official)
        ContactFactory(authority=authority)
        url = reverse("authorities:detail", args=[authority.la_code])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("govuk-tag--grey") == past  # the withdrawn enrolments
        return len(captured)

    # 3 years and 1 enrolment, against 10 years and 4 enrolments (3 of them with a grant).
    assert queries(3, 0) == queries(10, 3)
