"""Defects found by trying the pages (Step 7): each test shows what a user saw, and no longer sees."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from deadlines.forms import DeadlineExtensionForm
from portal.forms import DayMonthYearField
from programmes.factories import dbv_progress
from programmes.forms import DiagnosticStageForm
from programmes.grant_forms import DbvGrantAwardForm
from programmes.models import Diagnostic, ProgrammeCode

pytestmark = pytest.mark.django_db

DBV_PROGRESS = reverse("programmes:dbv-progress")
# The DBV matrix page with all 55 reference authorities weighed about 220 KB before these fixes.
DBV_PAGE_BUDGET = 220_000
# Its queries: the session and user, then dbv_matrix (stage names, tranches, rows, their stages, the
# counts per tranche and per stage) and the training share; tests/test_diagnostic_pages.py shows they do
# not grow with the rows.
DBV_PAGE_QUERIES = 9


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2023, 6, 1, 10, 0, tzinfo=UTC), tick=False)


def _text(html: str) -> str:
    """The page's words, without tags and with runs of white space as one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- 1. The DBV matrix page ---


def test_the_matrix_of_55_authorities_with_progress_is_no_bigger_than_before(
    client_for, dfe_official, django_assert_num_queries
):
    # The worst case for the page's weight: every authority's stages dated, one in progress, one
    # blocked, and every plan late (each row then carries the "Planned after due date" tag and date).
    diagnostics = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV)
    for diagnostic in diagnostics:
        dbv_progress(
            diagnostic,
            complete=range(1, 10),
            in_progress=[10],
            on=date(2023, 5, 17),
            planned_completion=date(2024, 3, 29),
            actor=dfe_official,
        )
    client = client_for(dfe_official)
    client.get(DBV_PROGRESS)  # Warm up: the session and anything cached on first use.
    with django_assert_num_queries(DBV_PAGE_QUERIES):
        response = client.get(DBV_PROGRESS)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('href="/programmes/diagnostics/') == diagnostics.count() == 55
    assert page.count("Planned after due date") == 55
    size = len(response.content)
    print(f"DBV matrix page, 55 Diagnostics with progress: {size} bytes")
    assert size <= DBV_PAGE_BUDGET


def test_each_tranche_is_headed_once_and_counts_its_own_diagnostics(client_for, dfe_official):
    page = _text(client_for(dfe_official).get(DBV_PROGRESS).content.decode())
    assert "Tranche 1: Tranche 1" not in page
    assert "Nationally" not in page
    per_tranche = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV)
    for tranche in (1, 2, 3):
        open_ = per_tranche.filter(enrolment__cohort__tranche=tranche, closed_at__isnull=True).count()
        assert f"Tranche {tranche} Across the tranche's authorities: {open_} open Diagnostics" in page
    assert sorted({per_tranche.filter(enrolment__cohort__tranche=t).count() for t in (1, 2, 3)}) == [15, 20]


def test_all_12_stages_fit_or_scroll_in_a_labelled_focusable_region_with_a_hint(client_for, dfe_official):
    page = client_for(dfe_official).get(DBV_PROGRESS).content.decode()
    regions = re.findall(
        r'<div class="portal-table-scroll" role="region" aria-labelledby="(matrix-caption-\d)" tabindex="0">',
        page,
    )
    assert regions == ["matrix-caption-1", "matrix-caption-2", "matrix-caption-3"]
    for caption in regions:
        assert f'id="{caption}"' in page
    assert page.count("Scroll the table sideways to see all 12 stages.") == 3


# --- 2. The GOV.UK date input ---


def _stage_page(client_for, dfe_official, **fields):
    diagnostic = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV).first()
    url = reverse("programmes:diagnostic-stage", args=[diagnostic.pk, 1])
    data = {"status": "complete", "notes": ""} | fields
    return client_for(dfe_official).post(url, data)


def test_an_impossible_date_gets_the_gov_uk_message_not_pythons(client_for, dfe_official):
    response = _stage_page(
        client_for, dfe_official, actual_date_0="31", actual_date_1="2", actual_date_2="2023"
    )
    assert response.status_code == 400
    page = _text(response.content.decode())
    assert "The actual date must be a real date" in page
    assert "day is out of range for month" not in page


def test_the_error_summary_links_a_date_error_to_its_day_input(client_for, dfe_official):
    response = _stage_page(
        client_for, dfe_official, actual_date_0="31", actual_date_1="2", actual_date_2="2023"
    )
    page = response.content.decode()
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [("id_actual_date_0", "The actual date must be a real date, like 27 3 2023")]
    assert 'id="id_actual_date_0"' in page


def test_every_part_of_a_date_input_asks_for_numbers(client_for, dfe_official):
    diagnostic = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV).first()
    page = client_for(dfe_official).get(reverse("programmes:diagnostic-stage", args=[diagnostic.pk, 1])).text
    for name in ("planned_date", "actual_date"):
        for part in range(3):
            tag = re.search(rf'<input[^>]*id="id_{name}_{part}"[^>]*>', page).group(0)
            assert 'inputmode="numeric"' in tag, tag


def test_the_other_date_fields_are_the_same_gov_uk_date_input():
    form = DeadlineExtensionForm(
        {"new_due_on_0": "30", "new_due_on_1": "2", "new_due_on_2": "2027", "reason": "x"}
    )
    assert form.errors["new_due_on"] == ["The new due date must be a real date, like 27 3 2027"]
    for form_class in (DeadlineExtensionForm, DiagnosticStageForm, DbvGrantAwardForm):
        dates = [f for f in form_class.base_fields.values() if isinstance(f, forms.MultiValueField)]
        assert dates and all(isinstance(f, DayMonthYearField) for f in dates), form_class


# --- MOJ Frontend, vendored beside GOV.UK Frontend (decision 0007) ---

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_every_page_loads_the_vendored_moj_frontend_stylesheet_after_gov_uks(client):
    page = client.get(reverse("portal:sign-in")).text
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert stylesheets == [
        "/static/govuk-frontend/govuk-frontend.min.css",
        "/static/moj-frontend/moj-frontend.min.css",
        "/static/css/portal.css",
    ]


def test_the_moj_frontend_files_are_complete_and_fit_the_gov_uk_frontend_version():
    moj = STATIC / "moj-frontend"
    assert (moj / "VERSION").read_text().strip() == "8.0.1"  # its peer range: govuk-frontend ^5.11.2
    major, minor, _ = map(int, (STATIC / "govuk-frontend" / "VERSION").read_text().split("."))
    assert (major, minor) >= (5, 11) and major == 5
    assert "MIT" in (moj / "LICENSE.txt").read_text()
    css = (moj / "moj-frontend.min.css").read_text()
    images = re.findall(r"url\(([^)]+)\)", css)
    assert images and all((moj / image.strip("\"'")).is_file() for image in images)
    assert "sourceMappingURL" not in css + (moj / "moj-frontend.min.js").read_text()


# --- Landmarks: the back link before <main> is in a navigation landmark (axe's `region` rule) ---


def test_a_back_link_is_in_a_labelled_navigation_landmark_and_no_page_has_an_empty_one(
    client_for, dfe_official
):
    diagnostic = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV).first()
    client = client_for(dfe_official)
    stage_page = client.get(reverse("programmes:diagnostic-stage", args=[diagnostic.pk, 1])).text
    back = reverse("programmes:diagnostic", args=[diagnostic.pk])
    assert re.search(
        rf'<nav aria-label="Back">\s*<a href="{back}" class="govuk-back-link">Back to the Diagnostic</a>\s*</nav>',
        stage_page,
    )
    assert stage_page.index('aria-label="Back"') < stage_page.index("<main")
    assert 'aria-label="Back"' not in client.get(DBV_PROGRESS).text


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
