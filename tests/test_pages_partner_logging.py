"""Delivery partners in the browser (Step 8): logging stakeholder engagements and training sessions on the
Diagnostic page, the programme's training feedback figure, and the partner's home with each authority's
next stage and anything late.

The rules, as they are written here: DfE officials and the delivery partners assigned to an authority log
its engagements and training (LOG_DIAGNOSTIC_PROGRESS on the Diagnostic); a partner not assigned does not
see the Diagnostic (404); the authority's finance lead sees it but may not log (403); a steering member sees
no single authority's Diagnostic (404). The figure is "% of N delegate responses rated the training very
good or exceptional", summed over every session of the programme.
"""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.roles import DeliveryPartner
from programmes.factories import (
    closed_dbv_diagnostic,
    dbv_engagement,
    dbv_enrolment,
    dbv_progress,
    dbv_training_session,
)
from programmes.models import Diagnostic, PartnerAssignment, StakeholderEngagement, TrainingSession
from programmes.services.diagnostic import diagnostic_stage_update

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
PROGRESS = reverse("programmes:dbv-progress")


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no error summary on the page"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split())


def url(name: str, diagnostic: Diagnostic) -> str:
    return reverse(f"programmes:{name}", args=[diagnostic.pk])


def date_fields(name: str, value: date | None) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def engagement_answers(
    *, kind="schools_forum", held_on=date(2023, 3, 1), notes="Forum backed the plan."
) -> dict:
    return {"kind": kind, **date_fields("held_on", held_on), "notes": notes}


def training_answers(*, module="2", held_on=date(2023, 3, 8), **counts) -> dict:
    ratings = {"exceptional": 0, "very_good": 0, "good": 0, "fair": 0, "poor": 0, **counts}
    return {"module": module, **date_fields("held_on", held_on), **{k: str(v) for k, v in ratings.items()}}


@pytest.fixture
def kensington(db) -> Diagnostic:
    """The reference Diagnostic of Kensington and Chelsea (207): assigned to Newton, the finance_lead's authority."""
    return Diagnostic.objects.get(
        enrolment__authority__la_code="207", enrolment__cohort__programme__code="DBV"
    )


@pytest.fixture
def cipfa_alone(db, cipfa_partner):
    """The CIPFA partner, with CIPFA taken off every reference DBV enrolment: its authorities are those a test gives it."""
    PartnerAssignment.objects.filter(organisation=DeliveryPartner.CIPFA).delete()
    return cipfa_partner


@pytest.fixture
def newton_only(db) -> Diagnostic:
    """A new DBV Diagnostic assigned to Newton alone."""
    return Diagnostic.objects.get(enrolment=dbv_enrolment(partners=(DeliveryPartner.NEWTON,)))


def log_engagement(client, diagnostic, **answers):
    question = client.post(url("engagement-log", diagnostic), engagement_answers(**answers))
    assert question.status_code == 302 and question["Location"] == url("engagement-log-check", diagnostic)
    return client.post(url("engagement-log-check", diagnostic))


def log_training(client, diagnostic, **answers):
    question = client.post(url("training-log", diagnostic), training_answers(**answers))
    assert question.status_code == 302 and question["Location"] == url("training-log-check", diagnostic)
    return client.post(url("training-log-check", diagnostic))


# --- Who may log ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["dfe_official", "newton_partner"])
def test_dfe_and_an_assigned_partner_see_the_links_and_log_an_engagement(
    request, client_for, kensington, role
):
    user = request.getfixturevalue(role)
    client = client_for(user)
    page = client.get(url("diagnostic", kensington)).content.decode()
    assert url("engagement-log", kensington) in page and url("training-log", kensington) in page

    question = client.get(url("engagement-log", kensington))
    assert question.status_code == 200
    assert "Log a stakeholder engagement" in text_of(question)
    assert "Parent carer forum involved" in text_of(question)

    assert client.post(url("engagement-log", kensington), engagement_answers()).status_code == 302
    check = client.get(url("engagement-log-check", kensington))
    text = text_of(check)
    assert "Check your answers before logging the engagement" in text
    assert "Engagement Schools forum consulted" in text and "Held on 1 March 2023" in text
    assert "Notes Forum backed the plan." in text
    assert not StakeholderEngagement.objects.filter(diagnostic=kensington).exists()  # not before confirming

    done = client.post(url("engagement-log-check", kensington))
    assert done.status_code == 302 and done["Location"] == url("diagnostic", kensington)
    engagement = StakeholderEngagement.objects.get(diagnostic=kensington)
    assert (engagement.kind, engagement.held_on, engagement.logged_by) == (
        "schools_forum",
        date(2023, 3, 1),
        user,
    )
    text = text_of(client.get(url("diagnostic", kensington)))
    assert "Success Engagement logged: schools forum consulted, 1 March 2023." in text
    assert "1 engagement, newest first" in text
    assert f"1 March 2023 Schools forum consulted Forum backed the plan. {user.display_name}" in text


def test_a_partner_not_assigned_to_the_authority_gets_404_everywhere(client_for, cipfa_partner, newton_only):
    client = client_for(cipfa_partner)
    session = dbv_training_session(newton_only, held_on=date(2023, 3, 1))
    for name in (
        "diagnostic",
        "engagement-log",
        "engagement-log-check",
        "training-log",
        "training-log-check",
    ):
        assert client.get(url(name, newton_only)).status_code == 404, name
    assert client.post(url("engagement-log", newton_only), engagement_answers()).status_code == 404
    assert client.post(url("training-log", newton_only), training_answers(good=1)).status_code == 404
    assert client.get(reverse("programmes:training-logged", args=[session.pk])).status_code == 404
    assert not StakeholderEngagement.objects.filter(diagnostic=newton_only).exists()


def test_the_finance_lead_sees_the_logs_but_may_not_log_403(client_for, finance_lead, kensington):
    dbv_engagement(kensington, held_on=date(2023, 2, 1))
    session = dbv_training_session(kensington, held_on=date(2023, 2, 2), very_good=4)
    client = client_for(finance_lead)
    page = client.get(url("diagnostic", kensington))
    assert page.status_code == 200
    text = text_of(page)
    assert "1 engagement, newest first" in text and "1 training session, newest first" in text
    assert "Log a stakeholder engagement" not in text and "Log a training session" not in text
    assert "delegate response" not in text  # the national figure is not the finance lead's (decision 0011)
    for name in ("engagement-log", "engagement-log-check", "training-log", "training-log-check"):
        assert client.get(url(name, kensington)).status_code == 403, name
    assert client.post(url("engagement-log", kensington), engagement_answers()).status_code == 403
    assert client.post(url("training-log-check", kensington)).status_code == 403
    assert client.get(reverse("programmes:training-logged", args=[session.pk])).status_code == 403


def test_a_steering_member_sees_no_authoritys_diagnostic_404(client_for, steering_member, kensington):
    session = dbv_training_session(kensington, held_on=date(2023, 2, 2))
    client = client_for(steering_member)
    for name in (
        "diagnostic",
        "engagement-log",
        "engagement-log-check",
        "training-log",
        "training-log-check",
    ):
        assert client.get(url(name, kensington)).status_code == 404, name
    assert client.post(url("training-log", kensington), training_answers(good=1)).status_code == 404
    assert client.get(reverse("programmes:training-logged", args=[session.pk])).status_code == 404


def test_a_closed_diagnostic_offers_no_logging(client_for, dfe_official):
    closed = closed_dbv_diagnostic(actor=dfe_official)
    client = client_for(dfe_official)
    assert "Log a training session" not in text_of(client.get(url("diagnostic", closed)))
    page = client.get(url("training-log", closed))
    assert (
        "nothing more can be logged on it" in text_of(page)
        and 'name="held_on_0"' not in page.content.decode()
    )
    client.post(url("training-log", closed), training_answers(good=1))
    assert client.get(url("training-log-check", closed)).status_code == 302
    assert TrainingSession.objects.filter(diagnostic=closed).count() == 1  # the factory's only


# --- Errors ---------------------------------------------------------------------------------


def test_an_engagement_needs_who_and_a_real_past_date(client_for, newton_partner, kensington):
    client = client_for(newton_partner)
    response = client.post(url("engagement-log", kensington), engagement_answers(kind="", held_on=None))
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Select who was engaged" in summary and "Enter the date it was held" in summary
    assert "Error:" in text_of(response)

    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = client.post(url("engagement-log", kensington), engagement_answers(held_on=tomorrow))
    assert response.status_code == 400
    assert "The date it was held cannot be in the future" in error_summary(response)

    response = client.post(
        url("engagement-log", kensington), {**engagement_answers(), "held_on_0": "31", "held_on_1": "2"}
    )
    assert response.status_code == 400 and "The date it was held must be a real date" in error_summary(
        response
    )
    assert client.get(url("engagement-log-check", kensington))["Location"] == url(
        "engagement-log", kensington
    )
    assert not StakeholderEngagement.objects.filter(diagnostic=kensington).exists()


def test_training_counts_are_whole_numbers_of_0_or_more_with_at_least_one_response(
    client_for, newton_partner, kensington
):
    client = client_for(newton_partner)
    response = client.post(url("training-log", kensington), training_answers(held_on=None, good=-1, fair="x"))
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Enter the date it was held" in summary
    assert "The number of delegates who rated it good must be 0 or more" in summary
    assert "Enter the number of delegates who rated it fair as a whole number, like 12" in summary

    response = client.post(url("training-log", kensington), training_answers())
    assert response.status_code == 400
    assert "at least one response is needed" in error_summary(response)

    response = client.post(url("training-log", kensington), training_answers(module="4", good=1))
    assert response.status_code == 400 and "Select the training module" in error_summary(response)
    assert client.get(url("training-log-check", kensington))["Location"] == url("training-log", kensington)
    assert not TrainingSession.objects.exists()


def test_the_question_page_keeps_the_answers_when_coming_back_to_change_them(
    client_for, newton_partner, kensington
):
    client = client_for(newton_partner)
    client.post(url("training-log", kensington), training_answers(exceptional=7, poor=2))
    page = client.get(url("training-log", kensington)).content.decode()
    assert 'name="exceptional" value="7"' in page and 'name="poor" value="2"' in page


# --- The programme's training feedback figure ------------------------------------------------


def test_logging_a_training_session_changes_the_programme_figure_as_the_counts_say(
    client_for, dfe_official, newton_partner, steering_member, kensington
):
    other = (
        Diagnostic.objects.filter(enrolment__cohort__programme__code="DBV").exclude(pk=kensington.pk).first()
    )
    # Before: one session elsewhere, 3 exceptional + 5 very good of 10 responses = 8 / 10 = 80.0%.
    dbv_training_session(
        other, held_on=date(2023, 2, 1), exceptional=3, very_good=5, good=2, actor=dfe_official
    )
    client = client_for(newton_partner)
    before = "80.0% of 10 delegate responses rated the training very good or exceptional."
    assert before in text_of(client.get(PROGRESS))
    assert before in text_of(client.get(url("diagnostic", kensington)))
    assert before in text_of(client.get(HOME))

    client.post(
        url("training-log", kensington), training_answers(exceptional=10, very_good=3, good=1, fair=1)
    )
    check = text_of(client.get(url("training-log-check", kensington)))
    assert "Module Module 2" in check and "Held on 8 March 2023" in check
    assert "Exceptional 10 delegates" in check and "Poor 0 delegates" in check
    assert "Responses 15, of which 13 very good or exceptional" in check

    done = client.post(url("training-log-check", kensington))
    session = TrainingSession.objects.get(diagnostic=kensington)
    assert done.status_code == 302 and done["Location"] == reverse(
        "programmes:training-logged", args=[session.pk]
    )
    assert (
        session.module,
        session.exceptional,
        session.very_good,
        session.good,
        session.fair,
        session.poor,
    ) == (
        2,
        10,
        3,
        1,
        1,
        0,
    )
    # After: (8 + 13) very good or exceptional of (10 + 15) responses = 21 / 25 = 84.0%.
    after = "84.0% of 25 delegate responses rated the training very good or exceptional."
    confirmation = text_of(client.get(done["Location"]))
    assert "Training session logged" in confirmation
    assert "Kensington and Chelsea: module 2, 8 March 2023, 15 responses" in confirmation
    assert "13 of this session's 15 delegate responses rated it very good or exceptional." in confirmation
    assert f"Across the programme, {after}" in confirmation
    for page in (PROGRESS, url("diagnostic", kensington), HOME):
        assert after in text_of(client.get(page)), page
    assert "8 March 2023 Module 2 15 13" in text_of(client.get(url("diagnostic", kensington)))
    # A steering member sees the same national figure on the progress page.
    assert after in text_of(client_for(steering_member).get(PROGRESS))


def test_the_figure_rounds_half_up_and_says_one_response(client_for, dfe_official, kensington):
    client = client_for(dfe_official)
    assert "No training feedback has been logged yet." in text_of(client.get(PROGRESS))
    log_training(client, kensington, poor=1)
    assert "0.0% of 1 delegate response rated the training very good or exceptional." in text_of(
        client.get(PROGRESS)
    )
    # Then 1 exceptional and 6 poor more: 1 very good or exceptional of 8 responses = 12.5%.
    log_training(client, kensington, exceptional=1, poor=6)
    assert "12.5% of 8 delegate responses" in text_of(client.get(url("diagnostic", kensington)))


# --- The Diagnostic page's tables: newest first, the 10 most recent ---------------------------


def test_the_diagnostic_page_lists_the_10_most_recent_of_each_newest_first(
    client_for, dfe_official, kensington
):
    for day in range(1, 13):
        dbv_engagement(kensington, held_on=date(2023, 1, day), actor=dfe_official)
        dbv_training_session(kensington, held_on=date(2023, 1, day), actor=dfe_official)
    text = text_of(client_for(dfe_official).get(url("diagnostic", kensington)))
    assert "The 10 most recent of 12 engagements, newest first" in text
    assert "The 10 most recent of 12 training sessions, newest first" in text
    assert text.index("12 January 2023") < text.index("3 January 2023")
    assert not re.search(r"\b[12] January 2023", text)


def test_the_diagnostic_page_runs_the_same_queries_however_many_are_logged(
    client_for, dfe_official, kensington
):
    southampton = Diagnostic.objects.get(
        enrolment__authority__la_code="852", enrolment__cohort__programme__code="DBV"
    )
    dbv_engagement(kensington, held_on=date(2023, 1, 1), actor=dfe_official)
    dbv_training_session(kensington, held_on=date(2023, 1, 1), actor=dfe_official)
    for day in range(1, 16):
        dbv_engagement(southampton, held_on=date(2023, 1, day), actor=dfe_official)
        dbv_training_session(southampton, held_on=date(2023, 1, day), actor=dfe_official)
    dbv_progress(southampton, complete=[1, 2, 3], on=date(2023, 1, 5), actor=dfe_official)
    client = client_for(dfe_official)

    def queries_for(diagnostic):
        client.get(url("diagnostic", diagnostic))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("diagnostic", diagnostic)).status_code == 200
        return len(queries)

    assert queries_for(kensington) == queries_for(southampton)


# --- The partner's home: their authorities, each one's next stage and anything late -----------


def _plan(diagnostic, number, planned, *, actor, complete_on=None):
    stage = diagnostic.stages.get(definition__number=number)
    diagnostic_stage_update(
        actor=actor,
        stage=stage,
        planned_date=planned,
        **({"status": "complete", "actual_date": complete_on} if complete_on else {}),
    )


def test_the_partner_home_lists_each_diagnostic_with_its_next_stage_and_what_is_late(client_for, cipfa_alone):
    cipfa_partner = cipfa_alone
    on_time, overdue, planned_late = (
        Diagnostic.objects.get(enrolment=dbv_enrolment(partners=(DeliveryPartner.CIPFA,))) for _ in range(3)
    )
    future = timezone.localdate().replace(year=timezone.localdate().year + 1)
    _plan(on_time, 1, date(2023, 1, 9), actor=cipfa_partner, complete_on=date(2023, 1, 9))
    _plan(on_time, 3, future, actor=cipfa_partner)
    _plan(overdue, 3, date(2023, 2, 1), actor=cipfa_partner)
    dbv_progress(planned_late, planned_completion=date(2024, 3, 31), actor=cipfa_partner)
    response = client_for(cipfa_partner).get(HOME)
    html, text = response.content.decode(), text_of(response)
    assert "3 Diagnostics: the next stage and anything late" in text
    for diagnostic in (on_time, overdue, planned_late):
        assert url("diagnostic", diagnostic) in html

    def row(diagnostic):
        name = diagnostic.enrolment.authority.name
        return text.split(f"{name} : Diagnostic", 1)[1][:220].strip()

    stage2 = on_time.stages.get(definition__number=2).definition.name
    assert row(on_time).startswith(f"2. {stage2} not planned yet Nothing late")
    stage3 = overdue.stages.get(definition__number=3).definition.name
    assert f"Late Stage 3 {stage3}: planned 1 February 2023, not complete" in row(overdue)
    assert "Late Planned completion 31 March 2024, after the due date of 31 December 2023" in row(
        planned_late
    )
    assert "Training feedback across the programme: No training feedback has been logged yet." in text


def test_the_partner_home_runs_the_same_queries_with_more_authorities_and_stages(client_for, cipfa_alone):
    cipfa_partner = cipfa_alone
    client = client_for(cipfa_partner)

    def add(count):
        for _ in range(count):
            diagnostic = Diagnostic.objects.get(enrolment=dbv_enrolment(partners=(DeliveryPartner.CIPFA,)))
            for number in (3, 4, 5):
                _plan(diagnostic, number, date(2023, 2, number), actor=cipfa_partner)
            dbv_training_session(diagnostic, held_on=date(2023, 2, 1))

    def queries():
        client.get(HOME)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(HOME)
        assert response.status_code == 200
        return len(captured), response.context["diagnostic_positions"]

    add(1)
    small, positions = queries()
    assert len(positions) == 1
    add(4)
    large, positions = queries()
    assert len(positions) == 5 and all(position.is_late for position in positions)
    assert small == large
