"""Defects found by trying the pages (Step 7): each test shows what a user saw, and no longer sees."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from programmes.models import Diagnostic, ProgrammeCode

pytestmark = pytest.mark.django_db

DBV_PROGRESS = reverse("programmes:dbv-progress")
# The DBV matrix page with all 55 reference authorities weighed about 220 KB before these fixes.
DBV_PAGE_BUDGET = 220_000


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2023, 6, 1, 10, 0, tzinfo=UTC), tick=False)


def _text(html: str) -> str:
    """The page's words, without tags and with runs of white space as one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- 1. The DBV matrix page ---


def test_the_matrix_of_55_authorities_is_no_bigger_than_before(client_for, dfe_official):
    response = client_for(dfe_official).get(DBV_PROGRESS)
    assert response.status_code == 200
    assert response.content.decode().count('href="/programmes/diagnostics/') >= 55
    size = len(response.content)
    print(f"DBV matrix page: {size} bytes")
    assert size <= DBV_PAGE_BUDGET


# --- 2. The GOV.UK date input ---


def _stage_page(client_for, dfe_official, **fields):
    diagnostic = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV).first()
    url = reverse("programmes:diagnostic-stage", args=[diagnostic.pk, 1])
    data = {"status": "complete", "notes": ""} | fields
    return client_for(dfe_official).post(url, data)


# --- 3. Wide tables on the authority pages scroll inside their own region ---


def test_the_authority_tables_are_in_focusable_labelled_scroll_regions(client_for, dfe_official):
    client = client_for(dfe_official)
    for url in (reverse("authorities:list"), reverse("authorities:detail", args=["207"])):
        page = client.get(url).content.decode()
        tables = page.count('<table class="govuk-table')
        regions = re.findall(
            r'<div class="portal-table-scroll" role="region" aria-label\w*="[^"]+" tabindex="0">', page
        )
        assert tables and len(regions) == tables, url


# --- 4. The footer links to no raw JSON ---


def test_the_footer_has_no_link_to_the_health_check(client):
    page = client.get(reverse("portal:sign-in")).content.decode()
    assert reverse("portal:healthz") not in page
    assert "Service status" not in page


# --- 5. The sign-in form ---


def test_the_sign_in_form_carries_one_csrf_token(client):
    page = client.get(reverse("portal:sign-in")).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 1
