"""Self-assessment pages (SPEC §4.7): an LA finance lead rates their authority on the five focus areas
through a task list (a page per area with the guidance's questions, check your answers, submit), and DfE
compares every authority's latest ratings side by side."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from authorities.models import LocalAuthority
from programmes.factories import self_assessment
from programmes.models import ProgrammeCode, Rating, SelfAssessment

pytestmark = pytest.mark.django_db

TASKS = reverse("programmes:self-assessment")
CHECK = reverse("programmes:self-assessment-check")
COMPARISON = reverse("programmes:self-assessments")
RATINGS = {1: "green", 2: "amber", 3: "red", 4: "amber", 5: "green"}


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no error summary on the page"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split())


def area(number):
    return reverse("programmes:self-assessment-area", args=[number])


def answer(client, number, rating=None, comment=None):
    response = client.post(
        area(number),
        {
            f"rating_{number}": rating or RATINGS[number],
            f"answer_{number}": comment if comment is not None else f"Where we stand on area {number}.",
        },
    )
    return response


def answer_all(client):
    for number in RATINGS:
        assert answer(client, number)["Location"] == TASKS


# --- The finance lead's journey --------------------------------------------------------------


def test_a_finance_lead_completes_each_area_checks_and_submits_their_self_assessment(
    client_for, finance_lead
):
    client = client_for(finance_lead)
    tasks = client.get(TASKS)
    text = text_of(tasks)
    assert tasks.status_code == 200
    assert "Self-assessment against the five focus areas" in text and "Kensington and Chelsea" in text
    assert "You have completed 0 of 5 areas" in text
    assert text.count("Not yet started") == 5
    assert "Check your answers" not in text

    question = client.get(area(3))
    text = text_of(question)
    assert "Review EHCP assessment processes and thresholds" in text
    assert "Questions to consider" in text
    assert "Have we reviewed and robustly tested our EHCP assessment processes" in text
    assert "Red" in text and "Amber" in text and "Green" in text

    answer_all(client)
    text = text_of(client.get(TASKS))
    assert "You have completed 5 of 5 areas" in text and "Not yet started" not in text
    assert "Check your answers" in text

    check = text_of(client.get(CHECK))
    assert "Check your answers before submitting the self-assessment" in check
    assert "3. EHCP assessment processes and thresholds Red Where we stand on area 3." in check
    assert "1. Early intervention Green" in check
    assert not SelfAssessment.objects.filter(authority=finance_lead.authority).exists()

    done = client.post(CHECK)
    submitted = SelfAssessment.objects.get(authority=finance_lead.authority)
    assert done["Location"] == reverse("programmes:self-assessment-submitted", args=[submitted.pk])
    assert {a.focus_area.number: a.rating for a in submitted.answers.all()} == RATINGS
    assert submitted.submitted_by == finance_lead
    confirmation = text_of(client.get(done["Location"]))
    assert "Self-assessment submitted" in confirmation and "Kensington and Chelsea" in confirmation

    # The task list now shows the latest ratings, and starts a new one from them.
    text = text_of(client.get(TASKS))
    assert "Your latest self-assessment" in text and "EHCP assessment processes and thresholds Red" in text
    assert "You have completed 0 of 5 areas" in text
    assert "Where we stand on area 2." in client.get(area(2)).content.decode()
    assert client.get(CHECK)["Location"] == TASKS


def test_each_submission_is_kept_whole(client_for, finance_lead):
    client = client_for(finance_lead)
    answer_all(client)
    client.post(CHECK)
    answer_all(client)
    answer(client, 1, rating="red", comment="Worse this year.")
    client.post(CHECK)
    first, second = SelfAssessment.objects.filter(authority=finance_lead.authority).order_by(
        "submitted_at", "pk"
    )
    assert first.answers.get(focus_area__number=1).rating == Rating.GREEN
    assert second.answers.get(focus_area__number=1).rating == Rating.RED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"answer_2": "Some words"}, "rating_2", "Select red, amber or green for “SEN support offer”"),
        ({"rating_2": "purple", "answer_2": "Words"}, "rating_2", "Select a valid choice"),
        ({"rating_2": "amber", "answer_2": ""}, "answer_2", "Enter a comment on “SEN support offer”"),
        ({"rating_2": "amber", "answer_2": "   "}, "answer_2", "Enter a comment on “SEN support offer”"),
    ],
)
def test_an_area_needs_a_rating_and_a_comment(client_for, finance_lead, data, field, message):
    client = client_for(finance_lead)
    page = client.post(area(2), data)
    assert page.status_code == 400
    assert message in error_summary(page)
    assert f'href="#id_{field}' in page.content.decode()
    assert "You have completed 0 of 5 areas" in text_of(client.get(TASKS))


def test_there_are_five_focus_areas(client_for, finance_lead):
    assert client_for(finance_lead).get(area(6)).status_code == 404


def test_the_check_page_waits_for_every_area(client_for, finance_lead):
    client = client_for(finance_lead)
    for number in (1, 2, 3, 4):
        answer(client, number)
    assert client.get(CHECK)["Location"] == TASKS
    assert client.post(CHECK)["Location"] == TASKS
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("role", ["dfe_official", "newton_partner", "steering_member"])
def test_only_a_finance_lead_has_a_self_assessment_to_complete(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    for url in (TASKS, area(1), CHECK):
        assert client.get(url).status_code == 403
    assert client.post(area(1), {"rating_1": "red", "answer_1": "x"}).status_code == 403


def test_one_self_assessment_is_seen_by_its_authority_and_dfe_only(
    client_for, finance_lead, dfe_official, newton_partner, steering_member
):
    ours = self_assessment(authority=finance_lead.authority, actor=finance_lead)
    theirs = self_assessment()
    page = reverse("programmes:self-assessment-detail", args=[ours.pk])
    text = text_of(client_for(finance_lead).get(page))
    assert "Self-assessment of" in text and "Early intervention Amber" in text
    assert (
        client_for(finance_lead)
        .get(reverse("programmes:self-assessment-detail", args=[theirs.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(finance_lead)
        .get(reverse("programmes:self-assessment-submitted", args=[theirs.pk]))
        .status_code
        == 404
    )
    assert client_for(dfe_official).get(page).status_code == 200
    for outsider in (newton_partner, steering_member):
        assert client_for(outsider).get(page).status_code == 404


# --- DfE's comparison ---------------------------------------------------------------------------


def test_dfe_sees_every_authoritys_latest_ratings_side_by_side(client_for, finance_lead, dfe_official):
    self_assessment(authority=finance_lead.authority, actor=finance_lead, rating="red")
    self_assessment(authority=finance_lead.authority, actor=finance_lead, rating="green")  # the latest
    dorset = LocalAuthority.objects.get(la_code="838")
    self_assessment(authority=dorset, rating="amber")
    page = client_for(dfe_official).get(COMPARISON)
    text = text_of(page)
    assert page.status_code == 200
    assert "2 authorities, latest self-assessment each" in text
    assert (
        "Kensington and Chelsea Delivering Better Value in SEND" in text or "Kensington and Chelsea" in text
    )
    assert re.search(r"Kensington and Chelsea .*?(Green ){5}", text)
    assert re.search(r"Dorset .*?(Amber ){5}", text)
    assert "Red" not in text.split("latest self-assessment each", 1)[1]
    assert "govuk-tag--green" in page.content.decode() and "govuk-tag--yellow" in page.content.decode()


def test_the_comparison_filters_by_programme(client_for, finance_lead, dfe_official):
    self_assessment(authority=finance_lead.authority, actor=finance_lead)  # 207: DBV
    self_assessment(authority=LocalAuthority.objects.get(la_code="838"))  # Dorset: Safety Valve
    client = client_for(dfe_official)
    text = text_of(client.get(COMPARISON, {"programme": ProgrammeCode.SAFETY_VALVE}))
    assert "1 authority in Safety Valve" in text and "Dorset" in text and "Kensington" not in text
    refused = client.get(COMPARISON, {"programme": "NOPE"})
    assert refused.status_code == 400 and "“NOPE” is not one" in error_summary(refused)
    unknown = client.get(COMPARISON, {"colour": "red"})
    assert unknown.status_code == 400 and "“colour” is not a filter" in error_summary(unknown)


def test_a_finance_lead_sees_only_their_own_row_and_others_none(
    client_for, finance_lead, newton_partner, steering_member
):
    self_assessment(authority=finance_lead.authority, actor=finance_lead)
    self_assessment(authority=LocalAuthority.objects.get(la_code="838"))
    text = text_of(client_for(finance_lead).get(COMPARISON))
    assert "1 authority" in text and "Kensington and Chelsea" in text and "Dorset" not in text
    for outsider in (newton_partner, steering_member):
        assert "There are no self-assessments you can see" in text_of(client_for(outsider).get(COMPARISON))


def test_the_comparison_runs_the_same_queries_however_many_authorities_and_submissions(
    client_for, dfe_official
):
    codes = iter(["838", "312", "382", "315", "372", "355", "803", "936", "816", "207", "852", "316"])

    def add(count):
        for _ in range(count):
            authority = LocalAuthority.objects.get(la_code=next(codes))
            self_assessment(authority=authority)
            self_assessment(authority=authority)

    def queries():
        client = client_for(dfe_official)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(COMPARISON).status_code == 200
        return len(captured)

    add(1)
    small = queries()
    add(10)
    assert queries() == small


def test_the_task_list_and_an_area_run_the_same_queries_however_many_submissions(client_for, finance_lead):
    client = client_for(finance_lead)

    def queries():
        counts = []
        for url in (TASKS, area(1)):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    self_assessment(authority=finance_lead.authority, actor=finance_lead)
    small = queries()
    for _ in range(5):
        self_assessment(authority=finance_lead.authority, actor=finance_lead)
    assert queries() == small


def test_the_comparison_pages_fifty_authorities_at_a_time(client_for, dfe_official):
    for _ in range(51):
        self_assessment(authority=FinanceLeadFactory().authority)
    client = client_for(dfe_official)
    first = text_of(client.get(COMPARISON))
    assert "51 authorities" in first and "Next" in first
    second = client.get(COMPARISON, {"page": 2})
    assert second.status_code == 200 and "Previous" in text_of(second)


def test_the_home_page_leads_to_the_pages(client_for, finance_lead, dfe_official):
    lead_home = client_for(finance_lead).get(reverse("portal:home")).content.decode()
    assert f'href="{TASKS}"' in lead_home
    assert f'href="{reverse("authorities:dsg-return", args=["207"])}"' in lead_home
    dfe_home = client_for(dfe_official).get(reverse("portal:home")).content.decode()
    assert f'href="{COMPARISON}"' in dfe_home and f'href="{TASKS}"' not in dfe_home
