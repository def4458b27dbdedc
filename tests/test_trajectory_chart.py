"""The trajectory chart (SPEC §4.7, Step 8): one server-drawn SVG of an authority's cumulative DSG balance
(actuals with their source, the agreement's targets, the forecast, the end of the statutory override,
flagged deficits larger than usable reserves) with a table of the same figures, on the authority page and
the agreement page, for each role as the trajectory's scope allows, in a fixed number of queries.

The figures used: an authority whose LA returns hold a £40m high needs block, a £2m in-year deficit and
£5m usable reserves each year, the cumulative deficit growing £1m a year to £10m in 2022-23. The forecast
holds spending at £42m: 2023-24's block is £42m (5 % growth), so the deficit stays £10m, larger than the
£5m reserves after the override ends (2022-23): flagged.
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from defusedxml.ElementTree import fromstring
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import DsgFigureFactory, FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import FigureSource
from portal.financial_year import FinancialYear
from portal.money import format_pounds
from programmes.factories import dbv_enrolment, sv_agreement
from tests.api_client import api_client_for

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LAST_ACTUAL = 2022  # 2022-23


def figures(authority, years: int, *, source=FigureSource.LA_RETURN) -> None:
    """`years` years of figures up to 2022-23, the deficit £1m larger each year, £10m in 2022-23."""
    for offset in range(years):
        DsgFigureFactory(
            authority=authority,
            financial_year=FinancialYear(LAST_ACTUAL - offset),
            source=source,
            cumulative_balance=Decimal(-1_000_000 * (10 - offset)),
        )


def chart_and_table(html: str, chart_id: str = "trajectory-chart"):
    """The chart's title, description and points {(series, year): value}, and the table's rows
    {year: (kind, {column: (value, text)})}."""
    figure = re.search(rf'<figure class="portal-chart-figure" id="{chart_id}">(.*?)</figure>', html, re.S)
    svg = fromstring(figure.group(1))
    points = {
        (g.get("data-series"), g.get("data-x")): Decimal(g.get("data-value"))
        for g in svg.iter(f"{SVG}g")
        if g.get("data-value") is not None
    }
    flagged = {g.get("data-x") for g in svg.iter(f"{SVG}g") if g.get("data-flagged") == "true"}
    boundary = [
        g.get("data-after") for g in svg.iter(f"{SVG}g") if g.get("class") == "portal-chart__boundary"
    ]
    table = html.split(f'data-trajectory="{chart_id}"')[1].split("</table>")[0]
    rows = {}
    for year, kind, body in re.findall(
        r'<tr class="govuk-table__row" data-year="(.*?)" data-kind="(.*?)">(.*?)</tr>', table, re.S
    ):
        cells = {
            column: (Decimal(value), unescape(re.sub(r"<[^>]+>", "", text)).strip())
            for column, value, text in re.findall(
                r'data-column="(\w+)" data-value="(.*?)">(.*?)</td>', body, re.S
            )
        }
        rows[year] = (kind, cells, unescape(re.sub(r"<[^>]+>", " ", body)))
    return {
        "svg": svg,
        "title": svg.find(f"{SVG}title").text,
        "desc": svg.find(f"{SVG}desc").text,
        "labelledby": svg.get("aria-labelledby"),
        "points": points,
        "flagged": flagged,
        "boundary": boundary,
        "rows": rows,
    }


def assert_chart_matches_table(chart) -> None:
    """Every point drawn is a figure in the table, and every figure in the table is drawn."""
    series_column = {"Actual": "cumulative", "Forecast": "cumulative", "Agreement target": "target"}
    drawn = {}
    for (series, year), value in chart["points"].items():
        kind, cells, _ = chart["rows"][year]
        column = series_column[series]
        assert cells[column][0] == value, (series, year)
        assert cells[column][1] == format_pounds(value, pence=False)
        if column == "cumulative":
            assert kind == ("actual" if series == "Actual" else "forecast")
        drawn[(column, year)] = value
    in_table = {
        (column, year): value
        for year, (_, cells, _) in chart["rows"].items()
        for column, (value, _) in cells.items()
    }
    assert drawn == in_table


@pytest.fixture
def agreement(dfe_official):
    made = sv_agreement(actor=dfe_official)
    figures(made.enrolment.authority, 3)
    return made


def test_the_authority_page_draws_actuals_targets_and_forecast_and_tables_the_same_figures(
    client_for, dfe_official, agreement
):
    authority = agreement.enrolment.authority
    html = (
        client_for(dfe_official).get(reverse("authorities:detail", args=[authority.la_code])).content.decode()
    )
    chart = chart_and_table(html)
    assert chart["labelledby"] == "trajectory-chart-title trajectory-chart-desc"
    # Actuals 2020-21 to 2022-23, targets to 2024-25, five forecast years to 2027-28.
    assert chart["title"] == f"{authority.name}: cumulative DSG balance, 2020-21 to 2027-28"
    assert "actual figures (LA return)" in chart["desc"] and "the agreement's targets" in chart["desc"]
    assert "5 % into 2023-24, then 3 % a year" in chart["desc"]
    assert "statutory override after 2022-23" in chart["desc"] and "same figures" in chart["desc"]
    assert {series for series, _ in chart["points"]} == {"Actual", "Agreement target", "Forecast"}
    assert chart["points"][("Actual", "2022-23")] == Decimal("-10000000.00")
    assert chart["points"][("Agreement target", "2021-22")] == Decimal("-60000000.00")
    assert chart["points"][("Forecast", "2023-24")] == Decimal("-10000000.00")
    assert_chart_matches_table(chart)
    kind, _, text = chart["rows"]["2021-22"]
    assert kind == "actual" and "Actual LA return" in " ".join(text.split()) and "Behind target" not in text
    assert chart["rows"]["2027-28"][0] == "forecast"


def test_the_end_of_the_statutory_override_is_marked_and_deficits_beyond_reserves_are_flagged(
    client_for, dfe_official, agreement
):
    authority = agreement.enrolment.authority
    html = (
        client_for(dfe_official).get(reverse("authorities:detail", args=[authority.la_code])).content.decode()
    )
    chart = chart_and_table(html)
    assert chart["boundary"] == ["2022-23"]
    svg_text = ET.tostring(chart["svg"], encoding="unicode")
    assert "Statutory override ends" in svg_text and "Deficit larger than usable reserves" in svg_text
    # Only years after 2022-23 count: each forecast year's deficit (£10m and less) against £5m reserves.
    flagged_in_table = {
        year for year, (_, _, text) in chart["rows"].items() if "Deficit larger than usable reserves" in text
    }
    assert flagged_in_table == chart["flagged"]
    assert "2023-24" in chart["flagged"] and "2022-23" not in chart["flagged"]
    assert "The statutory override ends after 2022-23" in unescape(html)


def test_the_agreement_page_shows_the_same_chart_as_the_authority_page(client_for, dfe_official, agreement):
    client = client_for(dfe_official)
    on_agreement = client.get(reverse("programmes:agreement", args=[agreement.pk])).content.decode()
    on_authority = client.get(
        reverse("authorities:detail", args=[agreement.enrolment.authority.la_code])
    ).content.decode()
    chart = chart_and_table(on_agreement)
    assert_chart_matches_table(chart)
    assert chart["points"] == chart_and_table(on_authority)["points"]
    assert "Targets against monitoring reports" in on_agreement  # the reports' own table stays


def test_the_finance_lead_sees_their_authoritys_chart_with_targets_and_no_other(
    client_for, dfe_official, agreement
):
    lead = FinanceLeadFactory(authority=agreement.enrolment.authority)
    client = client_for(lead)
    for url in (
        reverse("authorities:detail", args=[agreement.enrolment.authority.la_code]),
        reverse("programmes:agreement", args=[agreement.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        chart = chart_and_table(response.content.decode())
        assert ("Agreement target", "2024-25") in chart["points"]
        assert_chart_matches_table(chart)
    other = sv_agreement(actor=dfe_official)
    assert client.get(reverse("programmes:agreement", args=[other.pk])).status_code == 404
    assert (
        client.get(reverse("authorities:detail", args=[other.enrolment.authority.la_code])).status_code == 404
    )


def test_a_delivery_partner_sees_the_actuals_and_forecast_of_an_assigned_authority(
    client_for, newton_partner
):
    authority = dbv_enrolment(partners=["newton"], status="accepted").authority
    figures(authority, 3, source=FigureSource.PUBLISHED)
    response = client_for(newton_partner).get(reverse("authorities:detail", args=[authority.la_code]))
    assert response.status_code == 200
    chart = chart_and_table(response.content.decode())
    assert {series for series, _ in chart["points"]} == {"Actual", "Forecast"}
    assert "actual figures (Published by DfE)" in chart["desc"]
    assert_chart_matches_table(chart)


def test_a_steering_member_sees_no_single_authoritys_chart(client_for, steering_member, agreement):
    client = client_for(steering_member)
    assert (
        client.get(reverse("authorities:detail", args=[agreement.enrolment.authority.la_code])).status_code
        == 404
    )
    assert client.get(reverse("programmes:agreement", args=[agreement.pk])).status_code == 404


def test_an_agreement_without_figures_charts_its_targets_alone(client_for, dfe_official):
    agreement = sv_agreement(actor=dfe_official)
    html = client_for(dfe_official).get(reverse("programmes:agreement", args=[agreement.pk])).content.decode()
    chart = chart_and_table(html)
    assert {series for series, _ in chart["points"]} == {"Agreement target"}
    assert "no actual figures" in chart["desc"]
    assert "There are no DSG figures for this authority" in html
    assert_chart_matches_table(chart)


def test_an_authority_without_figures_or_agreement_has_no_chart(client_for, dfe_official):
    authority = LocalAuthorityFactory()
    html = (
        client_for(dfe_official).get(reverse("authorities:detail", args=[authority.la_code])).content.decode()
    )
    assert "portal-chart" not in html and "No DSG figures recorded." in html


@pytest.mark.parametrize("page", ["authority", "agreement"])
def test_the_chart_runs_the_same_queries_for_3_or_10_years_of_figures(client_for, dfe_official, page):
    client = client_for(dfe_official)

    def queries(years: int) -> int:
        agreement = sv_agreement(actor=dfe_official)
        figures(agreement.enrolment.authority, years)
        url = (
            reverse("authorities:detail", args=[agreement.enrolment.authority.la_code])
            if page == "authority"
            else reverse("programmes:agreement", args=[agreement.pk])
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        chart = chart_and_table(response.content.decode())
        assert sum(1 for series, _ in chart["points"] if series == "Actual") == years
        return len(captured)

    assert queries(3) == queries(10)


@pytest.mark.parametrize("role", ["dfe_official", "lead"])
def test_the_chart_holds_the_figures_the_api_gives_the_same_user(request, client_for, agreement, role):
    user = (
        request.getfixturevalue("dfe_official")
        if role == "dfe_official"
        else FinanceLeadFactory(authority=agreement.enrolment.authority)
    )
    la_code = agreement.enrolment.authority.la_code
    body = api_client_for(user).get(f"/api/v1/authorities/{la_code}/trajectory/").json()
    from_api = {}
    for year in body["years"]:
        if year["cumulative_balance"] is not None and year["kind"] != "no_figures":
            series = "Actual" if year["kind"] == "actual" else "Forecast"
            from_api[(series, year["financial_year"])] = Decimal(year["cumulative_balance"])
        if year["target_cumulative_balance"] is not None:
            from_api[("Agreement target", year["financial_year"])] = Decimal(
                year["target_cumulative_balance"]
            )
    html = client_for(user).get(reverse("authorities:detail", args=[la_code])).content.decode()
    assert chart_and_table(html)["points"] == from_api
