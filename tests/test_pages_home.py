"""The DfE official's home page: enrolments by programme and status, and the work waiting for a decision
(invitations, monitoring reports to assess, instalments to decide, overdue deadlines), on factory-made data."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from programmes.factories import (
    enrolment,
    esfa_enrolment,
    monitoring_report_assessed,
    monitoring_report_submitted,
)
from programmes.factories import sv_agreement as make_agreement
from programmes.models import Assessment, Enrolment, EnrolmentStatus, Payment, PaymentStatus, ProgrammeCode
from programmes.services.grants import payment_release

pytestmark = pytest.mark.django_db

HOME = "/home/"
# Frozen "today": instalments 1 (31 March 2022) and 2 (15 December 2022) of a factory agreement are due,
# 3 (15 December 2023) and 4 (16 December 2024) are not.
TODAY = datetime(2023, 4, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY)
    return TODAY.date()


def report_due(agreement, due_on):
    return agreement.monitoring_reports.get(due_on=due_on)


def make_workload(count: int, actor) -> list:
    """`count` Safety Valve agreements, each with its report due 15 March 2023 submitted; the first's
    assessed off track, which puts its instalment 3 (due in December) up for a decision by 24 April."""
    agreements = [make_agreement(actor=actor) for _ in range(count)]
    for agreement in agreements:
        monitoring_report_submitted(report_due(agreement, date(2023, 3, 15)))
    monitoring_report_assessed(
        report_due(agreements[0], date(2023, 3, 15)),
        assessment=Assessment.OFF_TRACK,
        notes="Behind its target.",
        actor=actor,
    )
    return agreements


def home(client_for, user):
    response = client_for(user).get(HOME)
    assert response.status_code == 200
    return response


# --- Enrolments by programme and status -----------------------------------------------------


def test_the_dfe_home_counts_enrolments_by_programme_and_status(client_for, dfe_official, today):
    esfa_before = Enrolment.objects.filter(
        cohort__programme__code="ESFA", status=EnrolmentStatus.INVITED
    ).count()
    esfa_enrolment(actor=dfe_official)
    esfa_enrolment(actor=dfe_official)
    esfa_enrolment(status=EnrolmentStatus.DECLINED, actor=dfe_official)
    enrolment(programme=ProgrammeCode.SAFETY_VALVE, status=EnrolmentStatus.COMPLETED, actor=dfe_official)

    response = home(client_for, dfe_official)
    counts = response.context["programme_counts"]
    assert [programme.short_name for programme in counts.programmes] == ["Safety Valve", "DBV", "ESFA"]
    table = {
        (programme.code, row.status.value): count for row in counts.rows for programme, count in row.counts
    }
    for (code, status), count in table.items():
        assert count == Enrolment.objects.filter(cohort__programme__code=code, status=status).count()
    assert table[("ESFA", "invited")] == esfa_before + 2
    assert table[("ESFA", "declined")] >= 1
    assert table[("DBV", "invited")] == 55  # the reference invitations
    assert {row.status.value for row in counts.rows} == {
        "invited",
        "accepted",
        "active",
        "completed",
        "declined",
        "withdrawn",
        "replaced",
    }
    assert [programme.total for programme in counts.programmes] == [
        Enrolment.objects.filter(cohort__programme__code=code).count() for code in ("SV", "DBV", "ESFA")
    ]

    page = response.content.decode()
    assert "Enrolments by programme" in page
    # Each number lists the authorities behind it.
    assert (
        f'href="/authorities/?programme=ESFA&amp;status=invited">{esfa_before + 2}'
        '<span class="govuk-visually-hidden"> ESFA invited</span>'
    ) in page
    assert 'href="/authorities/?programme=DBV&amp;status=invited">55<' in page
    assert 'aria-label="Enrolments by programme and status" tabindex="0"' in page  # scrolls in its own region


# --- Work waiting for a decision ------------------------------------------------------------


def test_the_dfe_home_lists_invitations_awaiting_a_decision_longest_waiting_first(
    client_for, dfe_official, time_machine
):
    time_machine.move_to(datetime(2023, 1, 5, 9, 0, tzinfo=UTC))
    waiting = esfa_enrolment(actor=dfe_official)  # invited long before the reference invitations
    time_machine.move_to(TODAY)
    accepted = esfa_enrolment(status=EnrolmentStatus.ACCEPTED, actor=dfe_official)

    response = home(client_for, dfe_official)
    listed = response.context["enrolments_waiting"]
    assert listed.total == Enrolment.objects.filter(status=EnrolmentStatus.INVITED).count()
    assert listed.items[0] == waiting
    assert accepted not in listed.items
    assert len(listed.items) == 5 and listed.more == listed.total - 5

    page = response.content.decode()
    assert f"Enrolments awaiting a decision: {listed.total}" in page
    assert (
        f'<a class="govuk-link" href="{reverse("programmes:enrolment", args=[waiting.pk])}">'
        f"{waiting.authority.name}: {waiting.cohort.programme.name}, {waiting.cohort.name}</a>"
    ) in page
    assert "Invited on 5 January 2023" in page
    assert f"See every authority invited</a> ({listed.total - 5} more not shown here)" in page
    assert 'href="/authorities/?status=invited"' in page


def test_the_dfe_home_lists_monitoring_reports_to_assess(client_for, dfe_official, today):
    agreements = make_workload(3, dfe_official)
    assessed = report_due(agreements[0], date(2023, 3, 15))

    response = home(client_for, dfe_official)
    listed = response.context["reports_waiting"]
    assert listed.total == 2
    assert [report.agreement for report in listed.items] == agreements[1:]
    assert assessed not in listed.items  # assessed already
    page = response.content.decode()
    assert "Monitoring reports to assess: 2" in page
    for agreement in agreements[1:]:
        assess = reverse("programmes:report-assess", args=[report_due(agreement, date(2023, 3, 15)).pk])
        assert (
            f'href="{assess}">{agreement.enrolment.authority.name}: monitoring report due 15 March 2023</a>'
        ) in page
    assert "Submitted on 10 April 2023; not yet assessed" in page


def test_the_dfe_home_lists_instalments_due_and_the_one_an_off_track_assessment_put_up(
    client_for, dfe_official, today
):
    first, second = make_workload(2, dfe_official)
    decided = Payment.objects.get(grant__agreement=second, number=1)
    payment_release(actor=dfe_official, payment=decided, reason="On track.")

    response = home(client_for, dfe_official)
    listed = response.context["instalments_waiting"]
    shown = [(item.payment.grant.agreement, item.payment.number) for item in listed.items]
    # Due: instalments 1 and 2 of the first, 2 of the second (1 is released); and the first's instalment 3,
    # not due until December but put up by the off-track assessment, to decide by 24 April 2023.
    assert listed.total == 4
    assert shown == [(first, 1), (first, 2), (second, 2), (first, 3)]
    flagged = listed.items[-1]
    assert flagged.off_track_report == report_due(first, date(2023, 3, 15))
    assert flagged.decide_by == date(2023, 4, 24)
    assert all(item.payment.status == PaymentStatus.SCHEDULED for item in listed.items)

    page = response.content.decode()
    assert "Instalments to decide: 4" in page
    name = first.enrolment.authority.name
    for number, amount in ((1, "£16,000,000"), (3, "£8,000,000")):
        decide = reverse(
            "programmes:instalment-decide",
            args=[Payment.objects.get(grant__agreement=first, number=number).pk],
        )
        assert (
            f'href="{decide}">{name}: instalment {number} of the Safety Valve contribution ({amount})</a>'
            in page
        )
    assert (
        "The monitoring report due 15 March 2023 was assessed off track: release or withhold by 24 April 2023"
        in page
    )
    assert "Due on 31 March 2022; release or withhold it" in page
    assert page.count('govuk-tag--red">Overdue') >= 3


def test_the_dfe_home_points_to_overdue_deadlines_and_says_when_nothing_waits(
    client_for, dfe_official, today
):
    make_agreement(actor=dfe_official)  # the official owns its overdue instalment decisions
    page = home(client_for, dfe_official).content.decode()
    overdue = home(client_for, dfe_official).context["deadlines"].overdue_total
    assert overdue >= 2
    assert f"Overdue deadlines: {overdue}" in page
    assert 'href="#your-deadlines">See your overdue deadlines</a>' in page
    assert 'id="your-deadlines"' in page
    assert "No submitted monitoring report is waiting for an assessment." in page


# --- Only a DfE official sees them ----------------------------------------------------------


@pytest.mark.parametrize("person", ["newton_partner", "finance_lead", "steering_member"])
def test_other_roles_do_not_see_the_dfe_workload(request, client_for, dfe_official, today, person):
    make_workload(1, dfe_official)
    user = request.getfixturevalue(person)
    response = home(client_for, user)
    for name in ("programme_counts", "enrolments_waiting", "reports_waiting", "instalments_waiting"):
        assert name not in response.context
    page = response.content.decode()
    assert "Enrolments by programme" not in page
    assert "Work waiting for a decision" not in page
    assert "Instalments to decide" not in page


def test_the_finance_lead_of_an_authority_with_a_report_to_assess_does_not_see_it_listed(
    client_for, dfe_official, today
):
    agreement = make_agreement(actor=dfe_official)
    monitoring_report_submitted(report_due(agreement, date(2023, 3, 15)))
    lead = FinanceLeadFactory(authority=agreement.enrolment.authority)
    page = home(client_for, lead).content.decode()
    assert "Monitoring reports to assess" not in page


# --- A fixed number of queries --------------------------------------------------------------


def test_the_dfe_home_runs_the_same_number_of_queries_at_two_sizes(client_for, dfe_official, today):
    make_workload(1, dfe_official)
    client = client_for(dfe_official)
    client.get(HOME)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200

    make_workload(4, dfe_official)
    for _ in range(3):
        esfa_enrolment(actor=dfe_official)
    with CaptureQueriesContext(connection) as large:
        response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["instalments_waiting"].total > 5  # lists longer than shown
    assert response.context["reports_waiting"].total == 3
    assert len(large) == len(small), [query["sql"] for query in large.captured_queries]
