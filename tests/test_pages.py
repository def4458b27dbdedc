"""Pages render in GOV.UK style with GOV.UK Frontend served from the portal itself."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from portal.factories import DfeOfficialFactory
from programmes.factories import dbv_enrolment
from programmes.services.diagnostic import diagnostic_stage_update

pytestmark = pytest.mark.django_db

PAGES = [
    ("portal:home", []),
    ("authorities:list", []),
    ("authorities:detail", ["909"]),
    ("programmes:list", []),
    ("programmes:detail", ["DBV"]),
    ("steering:group", []),
]


def _loaded_resources(page: str) -> list[str]:
    """Every URL the browser would fetch by itself: scripts, stylesheets, icons, images."""
    tags = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", page)
    return [m for tag in tags for m in re.findall(r'(?:src|href)="([^"]+)"', tag)]


@pytest.mark.parametrize("name, args", PAGES)
def test_every_page_loads_only_local_assets(client_for, dfe_official, name, args):
    response = client_for(dfe_official).get(reverse(name, args=args))
    assert response.status_code == 200
    page = response.content.decode()
    resources = _loaded_resources(page)
    assert any("govuk-frontend.min.css" in url for url in resources)
    for url in resources:
        assert url.startswith("/"), f"{url} would leave the machine"


def test_the_sign_in_page_has_the_gov_uk_frame(client):
    page = client.get(reverse("portal:sign-in")).content.decode()
    assert 'class="govuk-skip-link"' in page
    assert "High needs intervention portal" in page
    assert "govuk-phase-banner" in page
    assert "Open Government Licence v3.0" in page
    assert 'href="/sign-in/"' in page


def test_the_vendored_gov_uk_frontend_files_are_there():
    for path in (
        "govuk-frontend/govuk-frontend.min.css",
        "govuk-frontend/govuk-frontend.min.js",
        "govuk-frontend/assets/fonts/bold-b542beb274-v2.woff2",
        "govuk-frontend/assets/images/govuk-crest.svg",
    ):
        assert finders.find(path), path


def test_the_stylesheets_fonts_point_at_local_files():
    css = open(finders.find("govuk-frontend/govuk-frontend.min.css")).read()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert urls
    for url in urls:
        assert not url.startswith(("http", "/", "//")), url
        assert finders.find(f"govuk-frontend/{url}"), url


def test_the_stylesheet_is_served(client):
    response = client.get("/static/govuk-frontend/govuk-frontend.min.css")
    assert response.status_code == 200


def test_the_signed_in_user_sees_sign_out_and_their_navigation(client_for, steering_member):
    page = client_for(steering_member).get(reverse("portal:home")).content.decode()
    assert "Sign out" in page
    assert 'aria-current="page"' in page
    assert "Steering group" in page
    assert ">Authorities<" not in page


def test_a_page_out_of_scope_is_a_gov_uk_404(client_for, finance_lead):
    response = client_for(finance_lead).get(reverse("authorities:detail", args=["316"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-template" in response.content.decode()


def test_a_forbidden_action_is_a_gov_uk_403(client_for, finance_lead):
    response = client_for(finance_lead).get(reverse("programmes:tiering"))
    assert response.status_code == 403
    assert "You do not have permission to do this" in response.content.decode()


def test_the_authority_list_says_which_authorities_operated_on_a_date(client_for, dfe_official, time_machine):
    # "Today" is after Cumbria's split (1 April 2023) into Cumberland and Westmorland and Furness.
    time_machine.move_to(datetime(2024, 6, 3, 10, 0, tzinfo=UTC), tick=False)
    client = client_for(dfe_official)
    page = client.get(reverse("authorities:list"), {"on": "2022-10-01"}).content.decode()
    assert "152 authorities operating on 1 October 2022" in page
    assert "Cumbria" in page and "Cumberland" not in page
    assert "153 authorities operating today" in client.get(reverse("authorities:list")).content.decode()
    assert (
        "Enter the date like 2022-10-01"
        in client.get(reverse("authorities:list"), {"on": "1/10/22"}).content.decode()
    )


def test_a_dbv_finance_lead_sees_their_diagnostics_planned_stage_among_their_authoritys_deadlines(client_for):
    with time_machine.travel(date(2023, 2, 1)):
        enrolment = dbv_enrolment(status="accepted")
        stage = enrolment.diagnostic.stages.get(definition__number=7)
        diagnostic_stage_update(actor=DfeOfficialFactory(), stage=stage, planned_date=date(2023, 3, 1))
        lead = FinanceLeadFactory(authority=enrolment.authority)
        page = client_for(lead).get(reverse("portal:home")).content.decode()
    assert f"Other deadlines for {enrolment.authority.name}" in page
    assert "Due in the next 60 days: 1" in page
    assert "1 Mar 2023" in page
    # It is not theirs to act on: the delivery partners own it.
    assert "You have no overdue deadlines and none due in the next 60 days." in page
