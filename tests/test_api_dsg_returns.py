"""`POST /api/v1/dsg-returns/`: an authority's finance lead returns a year's DSG figures through the API,
with the service the browser uses: kept as the authority's LA return, never over DfE's published figures."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorities.factories import DsgFigureFactory, FinanceLeadFactory
from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal.financial_year import FinancialYear
from tests.api_client import api_client_for, error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/dsg-returns/"
BODY = {
    "financial_year": "2022-23",
    "total_dsg_allocation": "250000000.00",
    "high_needs_allocation": "55000000.00",
    "in_year_balance": "-2500000.00",
    "cumulative_balance": "-12000000.50",
    "usable_reserves": 8000000,
    "notes": "Month 12 outturn.",
}


def test_a_finance_lead_returns_their_authoritys_figures(finance_lead):
    response = api_client_for(finance_lead).post(URL, BODY, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["authority"] == "207" and body["source"] == "la_return"
    assert body["financial_year"] == "2022-23"
    assert body["cumulative_balance"] == "-12000000.50"
    assert body["usable_reserves"] == "8000000.00"
    assert body["published_balance_percent"] is None
    assert body["deficit_percent"] == "4.80"
    figure = DsgFigure.objects.get(pk=body["id"])
    assert figure.history.first().history_user == finance_lead
    # It is a DSG figure like any other: listed and read back.
    listed = api_client_for(finance_lead).get(URL, {"source": "la_return"}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_the_authority_may_be_given_and_must_be_theirs(finance_lead):
    client = api_client_for(finance_lead)
    assert client.post(URL, {**BODY, "authority": "207"}, format="json").status_code == 201
    refused = error_of(client.post(URL, {**BODY, "authority": "838"}, format="json"), 400)
    assert "838" in str(refused["fields"]["authority"])
    assert not DsgFigure.objects.filter(authority__la_code="838", source=FigureSource.LA_RETURN).exists()


def test_returning_a_year_again_updates_its_la_return_answering_200(finance_lead):
    client = api_client_for(finance_lead)
    first = client.post(URL, BODY, format="json").json()
    again = client.post(URL, {**BODY, "cumulative_balance": "-13000000"}, format="json")
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first["id"] and again.json()["cumulative_balance"] == "-13000000.00"
    figure = DsgFigure.objects.get(pk=first["id"])
    assert figure.history.count() == 2
    assert figure.history.order_by("history_date").first().cumulative_balance == Decimal("-12000000.50")


def test_a_return_never_overwrites_a_published_figure(finance_lead):
    published = DsgFigure.objects.get(
        authority=finance_lead.authority, financial_year=FinancialYear(2021), source=FigureSource.PUBLISHED
    )
    before = [(f.name, getattr(published, f.name)) for f in DsgFigure._meta.concrete_fields]
    changes = published.history.count()
    response = api_client_for(finance_lead).post(
        URL, {**BODY, "financial_year": "2021-22", "source": "published"}, format="json"
    )
    assert response.status_code == 201 and response.json()["source"] == "la_return"
    published.refresh_from_db()
    assert [(f.name, getattr(published, f.name)) for f in DsgFigure._meta.concrete_fields] == before
    assert published.history.count() == changes


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"financial_year": "2022"}, "financial_year", "not a financial year"),
        ({"financial_year": "2099-00"}, "financial_year", "has not started"),
        ({"total_dsg_allocation": 250000000.5}, "total_dsg_allocation", "not a float"),
        ({"total_dsg_allocation": "-1"}, "total_dsg_allocation", "more than £0"),
        ({"high_needs_allocation": "300000000"}, "high_needs_allocation", "cannot be more"),
        ({"usable_reserves": "-5"}, "usable_reserves", "cannot be below £0"),
        ({"cumulative_balance": None}, "cumulative_balance", ""),
    ],
)
def test_wrong_figures_answer_400_naming_the_field(finance_lead, changes, field, words):
    body = {**BODY, **changes}
    error = error_of(api_client_for(finance_lead).post(URL, body, format="json"), 400)
    assert field in error["fields"], error
    assert words in str(error["fields"][field])
    assert not DsgFigure.objects.filter(source=FigureSource.LA_RETURN).exists()


def test_every_figure_is_required(finance_lead):
    error = error_of(
        api_client_for(finance_lead).post(URL, {"financial_year": "2022-23"}, format="json"), 400
    )
    assert set(error["fields"]) == {
        "total_dsg_allocation",
        "high_needs_allocation",
        "in_year_balance",
        "cumulative_balance",
        "usable_reserves",
    }


@pytest.mark.parametrize("role", ["dfe_official", "newton_partner", "cipfa_partner", "steering_member"])
def test_no_one_but_a_finance_lead_may_return_figures(request, role):
    user = request.getfixturevalue(role)
    response = api_client_for(user).post(URL, {**BODY, "authority": "207"}, format="json")
    assert response.status_code == 403
    assert not DsgFigure.objects.filter(source=FigureSource.LA_RETURN).exists()


def test_signed_out_callers_are_refused(client):
    assert client.post(URL, BODY, content_type="application/json").status_code in (401, 403)


def test_the_finance_lead_of_an_ended_authority_cannot_return_a_later_year():
    lead = FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code="909"))
    error = error_of(
        api_client_for(lead).post(URL, {**BODY, "financial_year": "2023-24"}, format="json"), 400
    )
    assert "stopped operating" in str(error["fields"]["financial_year"])


def test_a_return_runs_the_same_queries_however_many_figures_the_authority_has(finance_lead):
    client = api_client_for(finance_lead)

    def queries(year):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(URL, {**BODY, "financial_year": year}, format="json")
        assert response.status_code == 201, response.content
        return len(captured)

    client.post(URL, {**BODY, "financial_year": "2010-11"}, format="json")  # the token, the session warm
    small = queries("2011-12")
    for year in range(2012, 2021):
        DsgFigureFactory(authority=finance_lead.authority, financial_year=FinancialYear(year))
    assert queries("2021-22") == small


@pytest.mark.parametrize(
    "changes",
    [
        {"financial_year": 2022},
        {"financial_year": ["2022-23"]},
        {"financial_year": "2022-23\x00"},
        {"authority": "9999999"},
        {"total_dsg_allocation": True},
        {"total_dsg_allocation": {"pounds": 1}},
        {"total_dsg_allocation": "1" * 40},
        {"usable_reserves": "NaN"},
        {"usable_reserves": "Infinity"},
        {"notes": "x" * 5001},
        {"notes": None},
    ],
)
def test_malformed_input_answers_400_never_500(finance_lead, changes):
    response = api_client_for(finance_lead).post(URL, {**BODY, **changes}, format="json")
    assert response.status_code == 400, response.content
    assert not DsgFigure.objects.filter(source=FigureSource.LA_RETURN).exists()
