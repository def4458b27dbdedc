"""An LA finance lead's home page (Step 8): their authority's programmes and status, what is due from them
next, and the latest decisions about them (the last 5 assessments of its monitoring reports and the last 5
instalments released or withheld, with the reason), each linked to the agreement, in a fixed number of
queries; nobody else sees it, and nothing of another authority shows."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from programmes.factories import dbv_grant, monitoring_report_assessed, sv_agreement
from programmes.models import Assessment, Enrolment, ProgrammeCode
from programmes.selectors.agreement import instalments
from programmes.services.grants import payment_release, payment_withhold

pytestmark = pytest.mark.django_db

HOME = "/home/"
TODAY = datetime(2023, 4, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY)
    return TODAY.date()


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def section(response, heading_id: str) -> str:
    html = response.content.decode()
    part = html.split(f'id="{heading_id}"', 1)[1].split('<h2 class="govuk-heading-m"', 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", part)).split())


def reports(agreement):
    return list(agreement.monitoring_reports.order_by("due_on"))


def assess(agreement, count: int, actor, lead) -> None:
    """The first `count` reports assessed, in due order: on track, then at risk, alternately."""
    for number, report in enumerate(reports(agreement)[:count]):
        monitoring_report_assessed(
            report,
            assessment=Assessment.ON_TRACK if number % 2 == 0 else Assessment.AT_RISK,
            notes=f"Assessment {number + 1}.",
            actor=actor,
            lead=lead,
        )


@pytest.fixture
def agreement(dfe_official):
    return sv_agreement(actor=dfe_official)


@pytest.fixture
def lead(agreement):
    return FinanceLeadFactory(authority=agreement.enrolment.authority)


def test_the_finance_lead_sees_their_programme_and_status_and_a_link_to_their_agreement(
    client_for, lead, agreement, today
):
    response = client_for(lead).get(HOME)
    assert response.status_code == 200
    programmes = section(response, "your-programmes")
    assert f"{agreement.enrolment.authority.name}: programmes" in programmes
    assert "Safety Valve" in programmes and "Active" in programmes
    assert f'href="{reverse("programmes:agreement", args=[agreement.pk])}"' in response.content.decode()


def test_the_finance_lead_sees_what_is_due_from_them_next(client_for, lead, agreement, today):
    response = client_for(lead).get(HOME)
    deadlines = response.context["deadlines"]
    next_due = (deadlines.overdue or deadlines.upcoming)[0]
    text = section(response, "your-programmes")
    assert f"Due from you next: {next_due.title}" in text and f"{next_due.due_on:%-d %B %Y} Overdue" in text
    assert "your-deadlines" in response.content.decode()


def test_the_finance_lead_sees_the_last_five_assessments_latest_first(
    client_for, dfe_official, lead, agreement, today
):
    assess(agreement, 6, dfe_official, lead)
    response = client_for(lead).get(HOME)
    decisions = section(response, "latest-decisions")
    shown = re.findall(r"Assessment (\d)\.", decisions)
    assert shown == ["6", "5", "4", "3", "2"]
    assert "On track" in decisions and "At risk" in decisions
    assert (
        response.content.decode().count(f"{reverse('programmes:agreement', args=[agreement.pk])}#reports")
        == 5
    )


def test_the_finance_lead_sees_instalments_released_and_withheld_with_the_reason(
    client_for, dfe_official, lead, agreement, today
):
    first, second = instalments(agreement)[:2]
    payment_release(actor=dfe_official, payment=first, reason="The first report was on track.")
    payment_withhold(actor=dfe_official, payment=second, reason="New places not opened on time.")
    response = client_for(lead).get(HOME)
    decisions = section(response, "latest-decisions")
    assert decisions.index("instalment 2") < decisions.index("instalment 1")  # latest first
    assert "Safety Valve contribution, instalment 2 £8,000,000 Withheld" in decisions
    assert "New places not opened on time." in decisions
    assert "Safety Valve contribution, instalment 1 £16,000,000 Released" in decisions
    assert "The first report was on track." in decisions
    assert (
        response.content.decode().count(f"{reverse('programmes:agreement', args=[agreement.pk])}#instalments")
        == 2
    )


def test_a_dbv_finance_leads_grant_decisions_link_to_their_authority(client_for, dfe_official, time_machine):
    time_machine.move_to(datetime(2023, 7, 3, 10, 0, tzinfo=UTC))  # after the grant's award and payment
    grant = dbv_grant(actor=dfe_official)
    lead = FinanceLeadFactory(authority=grant.enrolment.authority)
    payment_release(actor=dfe_official, payment=grant.payments.get(), reason="Application approved.")
    response = client_for(lead).get(HOME)
    programmes = section(response, "your-programmes")
    assert "Delivering Better Value" in programmes
    decisions = section(response, "latest-decisions")
    assert "DBV implementation grant, instalment 1" in decisions and "Application approved." in decisions
    assert "No monitoring report of yours has been assessed yet." in decisions
    html = response.content.decode()
    assert f"{reverse('authorities:detail', args=[grant.enrolment.authority.la_code])}#grants" in html


def test_nothing_of_another_authority_shows(client_for, dfe_official, lead, agreement, today):
    other = sv_agreement(actor=dfe_official)
    assess(other, 1, dfe_official, FinanceLeadFactory(authority=other.enrolment.authority))
    payment_withhold(actor=dfe_official, payment=instalments(other)[0], reason="Another authority's reason.")
    response = client_for(lead).get(HOME)
    text = text_of(response)
    assert other.enrolment.authority.name not in text and "Another authority's reason." not in text
    assert "No monitoring report of yours has been assessed yet." in text
    assert "No instalment has been released or withheld yet." in text


@pytest.mark.parametrize("person", ["dfe_official", "newton_partner", "steering_member"])
def test_other_roles_do_not_see_a_finance_leads_home(request, client_for, person, today):
    response = client_for(request.getfixturevalue(person)).get(HOME)
    assert response.status_code == 200
    assert "la_home" not in response.context
    assert 'id="latest-decisions"' not in response.content.decode()


def test_a_finance_lead_whose_authority_has_no_enrolment_is_told_so(client_for, today):
    lead = FinanceLeadFactory()
    assert not Enrolment.objects.filter(authority=lead.authority).exists()
    text = section(client_for(lead).get(HOME), "your-programmes")
    assert "is not enrolled in any programme" in text


def test_the_finance_leads_home_runs_the_same_queries_at_two_sizes(client_for, dfe_official, today):
    def queries(assessed: int, decided: int) -> int:
        agreement = sv_agreement(actor=dfe_official)
        lead = FinanceLeadFactory(authority=agreement.enrolment.authority)
        assess(agreement, assessed, dfe_official, lead)
        for payment in instalments(agreement)[:decided]:
            payment_withhold(actor=dfe_official, payment=payment, reason="Behind its targets.")
        client = client_for(lead)
        client.get(HOME)  # The first request warms the caches (content types, the session) for both sizes.
        with CaptureQueriesContext(connection) as captured:
            response = client.get(HOME)
        assert response.status_code == 200
        assert len(response.context["la_home"].assessments) == min(assessed, 5)
        assert len(response.context["la_home"].instalment_decisions) == decided
        return len(captured)

    # More assessments and decisions, no more queries. (The deadline rows' links cost one query per kind of
    # record shown, so the smaller case, whose open deadlines are of more kinds, may cost a query or two more.)
    small, large = queries(1, 1), queries(7, 4)
    assert large <= small


def test_the_finance_lead_home_is_for_the_programme_they_are_in(client_for, lead, agreement, today):
    line = client_for(lead).get(HOME).context["la_home"].enrolments[0]
    assert line.enrolment.cohort.programme.code == ProgrammeCode.SAFETY_VALVE
    assert line.agreement_id == agreement.pk
    assert line.enrolment.authority_id == lead.authority_id
