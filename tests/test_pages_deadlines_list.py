"""The deadlines page (SPEC §4.8): "Deadlines page for everyone: mine, upcoming, overdue, filterable by
programme, authority and kind; every row links to the record it belongs to."

Rules written out here: each role sees the deadlines the access policy lets them see (an LA finance
lead: their authority's and their own; a delivery partner: their own and the delivery partners' of the
authorities assigned to them; a steering member: their own; DfE: all), "Mine" the ones they must act
on. Open deadlines only, by due date then id, 50 a page. A filter value the page does not know is an
error on the page (400), never ignored. A row links to its source's page: a monitoring report to its
agreement; an instalment to its decide page for DfE, else to its agreement; a Diagnostic stage to the
stage's page for those who log progress, else to the Diagnostic; a steering action to its page; a DSG
management plan review to its authority.
"""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from deadlines.models import Deadline, DeadlineKind
from deadlines.services import deadline_extend
from portal.factories import DfeOfficialFactory, SteeringMemberFactory
from programmes.factories import management_plan, sv_agreement
from programmes.models import Diagnostic, ReviewOutcome
from programmes.services.diagnostic import diagnostic_stage_update
from programmes.services.management_plan import management_plan_review
from steering.factories import steering_action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

DEADLINES = reverse("deadlines:list")
TODAY = date(2025, 1, 10)


@pytest.fixture
def frozen_today():
    with time_machine.travel("2025-01-10 09:00:00+00:00", tick=False):
        yield


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no error summary on the page"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split())


def rows(response) -> list[str]:
    """The text of each row of the deadlines table."""
    body = response.content.decode().split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    found = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, flags=re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in found]


def link_of(response, title: str) -> str:
    """The address the row titled `title` links to."""
    html = unescape(response.content.decode())
    match = re.search(r'<a class="govuk-link" href="([^"]+)">' + re.escape(title) + "</a>", html)
    assert match, f"no link for {title!r}"
    return match.group(1)


def _stage(la_code: str, number: int):
    diagnostic = Diagnostic.objects.get(
        enrolment__authority__la_code=la_code, enrolment__cohort__programme__code="DBV"
    )
    return diagnostic.stages.select_related("definition").get(definition__number=number)


def plan_stage(la_code: str, number: int, on: date, actor) -> Deadline:
    stage = _stage(la_code, number)
    diagnostic_stage_update(actor=actor, stage=stage, planned_date=on)
    return Deadline.objects.get(source_id=stage.pk, kind=DeadlineKind.DIAGNOSTIC_STAGE)


def sv_agreement_in_2025(actor):
    """A Safety Valve agreement signed in 2022: its reports and instalments are overdue by now."""
    return sv_agreement(actor=actor)


@pytest.fixture
def world(dfe_official, finance_lead, newton_partner, steering_member):
    """207 (DBV, Newton's): stage 2 overdue, stage 3 due soon. A Safety Valve agreement with its reports
    and instalments (overdue). Two steering actions, one the steering member's."""
    overdue_stage = plan_stage("207", 2, date(2025, 1, 5), dfe_official)
    soon_stage = plan_stage("207", 3, date(2025, 2, 3), dfe_official)
    agreement = sv_agreement_in_2025(dfe_official)
    theirs = steering_action(owner=steering_member, actor=dfe_official, due_on=date(2025, 6, 2))
    others = steering_action(
        owner=SteeringMemberFactory(),
        actor=dfe_official,
        description="Write to the ADCS.",
        due_on=date(2025, 2, 1),
    )
    return {
        "overdue_stage": overdue_stage,
        "soon_stage": soon_stage,
        "agreement": agreement,
        "report": Deadline.objects.filter(kind=DeadlineKind.MONITORING_REPORT).order_by("due_on").first(),
        "instalment": Deadline.objects.filter(kind=DeadlineKind.INSTALMENT_DECISION, closed_at__isnull=True)
        .order_by("due_on")
        .first(),
        "action": Deadline.objects.get(kind=DeadlineKind.STEERING_ACTION, source_id=theirs.pk),
        "others_action": Deadline.objects.get(kind=DeadlineKind.STEERING_ACTION, source_id=others.pk),
        "theirs": theirs,
    }


def titles(response) -> set[str]:
    return {deadline.title for deadline, *_ in response.context["rows"]}


# --- Who sees what --------------------------------------------------------------------------


def test_signing_in_is_needed(client):
    response = client.get(DEADLINES)
    assert response.status_code == 302
    assert reverse("portal:sign-in") in response["Location"]


def test_a_dfe_official_sees_every_open_deadline_and_each_links_to_its_record(
    client_for, dfe_official, world
):
    response = client_for(dfe_official).get(DEADLINES, {"whose": "all"})
    assert response.status_code == 200
    shown = titles(response)
    for name in ("overdue_stage", "soon_stage", "report", "instalment", "action", "others_action"):
        assert world[name].title in shown
    stage = _stage("207", 2)
    assert link_of(response, world["overdue_stage"].title) == reverse(
        "programmes:diagnostic-stage", args=[stage.diagnostic_id, 2]
    )
    assert link_of(response, world["report"].title) == reverse(
        "programmes:agreement", args=[world["agreement"].pk]
    )
    assert link_of(response, world["instalment"].title) == reverse(
        "programmes:instalment-decide", args=[world["instalment"].source_id]
    )
    assert link_of(response, world["action"].title) == reverse("steering:action", args=[world["theirs"].pk])
    # DfE officials may extend a deadline from the list.
    assert reverse("deadlines:extend", args=[world["report"].pk]) in response.content.decode()


def test_mine_is_the_default_and_a_dfe_official_with_nothing_to_act_on_is_told_so(client_for, world):
    response = client_for(DfeOfficialFactory()).get(DEADLINES)
    assert response.status_code == 200
    assert "0 deadlines to act on" in text_of(response)
    assert "No deadlines match." in text_of(response)


def test_a_dfe_official_s_own_deadlines_are_theirs_to_act_on_or_escalate(client_for, dfe_official, world):
    own = steering_action(owner=dfe_official, actor=dfe_official, description="Draft the terms of reference.")
    response = client_for(dfe_official).get(DEADLINES)
    assert f"Steering group action: {own.description}" in titles(response)
    assert world["others_action"].title not in titles(response)  # owned by a member, escalates to nobody here


def test_a_finance_lead_sees_their_authority_s_deadlines_linked_to_pages_they_may_open(
    client_for, finance_lead, world
):
    response = client_for(finance_lead).get(DEADLINES, {"whose": "all"})
    assert response.status_code == 200
    assert titles(response) == {world["overdue_stage"].title, world["soon_stage"].title}
    # Not a partner: the Diagnostic's page, not the stage's (which is for logging progress).
    stage = _stage("207", 2)
    assert link_of(response, world["overdue_stage"].title) == reverse(
        "programmes:diagnostic", args=[stage.diagnostic_id]
    )
    assert client_for(finance_lead).get(link_of(response, world["overdue_stage"].title)).status_code == 200
    assert "Extend" not in text_of(response)


def test_a_finance_lead_s_mine_is_their_authority_s_reports_and_instalments_link_to_the_agreement(
    client_for, dfe_official, world
):
    lead = FinanceLeadFactory(authority=world["agreement"].enrolment.authority)
    response = client_for(lead).get(DEADLINES)
    mine = titles(response)
    assert world["report"].title in mine  # the finance leads' to submit
    assert world["instalment"].title not in mine  # DfE decides it
    everything = client_for(lead).get(DEADLINES, {"whose": "all"})
    assert world["instalment"].title in titles(everything)
    agreement_page = reverse("programmes:agreement", args=[world["agreement"].pk])
    assert link_of(everything, world["instalment"].title) == agreement_page
    assert link_of(everything, world["report"].title) == agreement_page
    assert client_for(lead).get(agreement_page).status_code == 200
    assert world["overdue_stage"].title not in titles(everything)  # another authority's


def test_a_delivery_partner_sees_the_stages_of_their_authorities_linked_to_the_stage_page(
    client_for, newton_partner, world
):
    response = client_for(newton_partner).get(DEADLINES)
    assert titles(response) == {world["overdue_stage"].title, world["soon_stage"].title}
    stage = _stage("207", 3)
    url = link_of(response, world["soon_stage"].title)
    assert url == reverse("programmes:diagnostic-stage", args=[stage.diagnostic_id, 3])
    assert client_for(newton_partner).get(url).status_code == 200


def test_a_steering_member_sees_only_their_own_action_linked_to_its_page(client_for, steering_member, world):
    response = client_for(steering_member).get(DEADLINES, {"whose": "all"})
    assert titles(response) == {world["action"].title}
    url = link_of(response, world["action"].title)
    assert url == reverse("steering:action", args=[world["theirs"].pk])
    assert client_for(steering_member).get(url).status_code == 200


def test_a_management_plan_review_links_to_its_authority(client_for, dfe_official):
    plan = management_plan()
    management_plan_review(
        actor=dfe_official,
        plan=plan,
        outcome=ReviewOutcome.REVISIONS_NEEDED,
        notes="Forecasts need their assumptions.",
        next_review_on=date(2025, 3, 1),
    )
    deadline = Deadline.objects.get(kind=DeadlineKind.PLAN_REVIEW)
    response = client_for(dfe_official).get(DEADLINES, {"whose": "all", "kind": DeadlineKind.PLAN_REVIEW})
    assert titles(response) == {deadline.title}
    assert link_of(response, deadline.title) == reverse(
        "authorities:detail", args=[plan.enrolment.authority.la_code]
    )


# --- What a row says ------------------------------------------------------------------------


def test_each_row_gives_authority_due_date_status_and_owner(client_for, dfe_official, world):
    response = client_for(dfe_official).get(DEADLINES, {"whose": "all"})
    by_title = dict(zip([d.title for d, *_ in response.context["rows"]], rows(response), strict=True))
    overdue = by_title[world["overdue_stage"].title]
    assert "Kensington and Chelsea" in overdue and "5 Jan 2025" in overdue and "Overdue" in overdue
    assert "Delivery partners" in overdue
    soon = by_title[world["soon_stage"].title]
    assert "3 Feb 2025" in soon and "Due soon" in soon
    action = by_title[world["action"].title]
    assert "Sam Member" in action and "2 Jun 2025" in action and "Open" in action and "None" in action


def test_an_extended_deadline_shows_the_date_it_was(client_for, dfe_official, world):
    deadline_extend(
        actor=dfe_official, deadline=world["soon_stage"], new_due_on=date(2025, 3, 3), reason="Staff ill."
    )
    response = client_for(dfe_official).get(DEADLINES, {"whose": "all"})
    row = next(row for row in rows(response) if row.startswith(world["soon_stage"].title))
    assert "3 Mar 2025 was 3 Feb 2025" in row


def test_rows_are_by_due_date_then_id_and_closed_deadlines_are_left_out(client_for, dfe_official, world):
    response = client_for(dfe_official).get(DEADLINES, {"whose": "all"})
    listed = [deadline for deadline, *_ in response.context["rows"]]
    assert listed == sorted(listed, key=lambda deadline: (deadline.due_on, deadline.pk))
    assert all(deadline.closed_at is None for deadline in listed)
    closed = Deadline.objects.filter(closed_at__isnull=False).first()
    if closed is not None:
        assert closed.title not in titles(response)


# --- Filters --------------------------------------------------------------------------------


def test_when_filters_overdue_and_due_in_the_next_60_days(client_for, dfe_official, world):
    client = client_for(dfe_official)
    overdue = client.get(DEADLINES, {"whose": "all", "when": "overdue"})
    assert world["overdue_stage"].title in titles(overdue)
    assert all(deadline.due_on < TODAY for deadline, *_ in overdue.context["rows"])
    soon = client.get(DEADLINES, {"whose": "all", "when": "soon"})
    assert world["soon_stage"].title in titles(soon) and world["others_action"].title in titles(soon)
    assert world["overdue_stage"].title not in titles(soon)
    assert world["action"].title not in titles(soon)  # due in June


def test_programme_authority_and_kind_filter_the_list(client_for, dfe_official, world):
    client = client_for(dfe_official)
    dbv = client.get(DEADLINES, {"whose": "all", "programme": "DBV"})
    assert titles(dbv) == {world["overdue_stage"].title, world["soon_stage"].title}
    sv = client.get(DEADLINES, {"whose": "all", "programme": "SV"})
    assert world["report"].title in titles(sv) and world["overdue_stage"].title not in titles(sv)
    assert world["action"].title not in titles(sv)
    by_code = client.get(DEADLINES, {"whose": "all", "authority": "207"})
    by_name = client.get(DEADLINES, {"whose": "all", "authority": "kensington"})
    assert titles(by_code) == titles(by_name) == {world["overdue_stage"].title, world["soon_stage"].title}
    kind = client.get(DEADLINES, {"whose": "all", "kind": DeadlineKind.STEERING_ACTION})
    assert titles(kind) == {world["action"].title, world["others_action"].title}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"whose": "everyone"}, "Choose whose deadlines to show from the list: “everyone” is not one"),
        ({"when": "yesterday"}, "Choose when they are due from the list: “yesterday” is not one"),
        ({"programme": "XYZ"}, "Choose a programme from the list: “XYZ” is not one"),
        ({"kind": "party"}, "Choose a kind of deadline from the list: “party” is not one"),
        ({"authority": "Atlantis"}, "No authority you can see has the LA code or name “Atlantis”"),
    ],
)
def test_an_unknown_filter_value_is_an_error_on_the_page(client_for, dfe_official, query, message):
    response = client_for(dfe_official).get(DEADLINES, query)
    assert response.status_code == 400
    assert message in error_summary(response)
    assert "No deadlines listed" in text_of(response)


def test_an_authority_out_of_a_finance_lead_s_scope_is_an_error_not_an_empty_list(client_for, finance_lead):
    response = client_for(finance_lead).get(DEADLINES, {"authority": "Dorset"})
    assert response.status_code == 400
    assert "No authority you can see has the LA code or name “Dorset”" in error_summary(response)


# --- Pages and queries ----------------------------------------------------------------------


def _actions(count: int, owner, actor) -> None:
    for number in range(count):
        steering_action(owner=owner, actor=actor, description=f"Action {number}", due_on=date(2025, 3, 1))


def test_fifty_a_page_with_pagination(client_for, dfe_official):
    _actions(51, dfe_official, dfe_official)
    client = client_for(dfe_official)
    first = client.get(DEADLINES, {"kind": DeadlineKind.STEERING_ACTION})
    assert len(first.context["rows"]) == 50
    assert "51 deadlines to act on" in text_of(first) and "Showing 1 to 50" in text_of(first)
    assert "kind=steering_action&amp;page=2" in first.content.decode()
    second = client.get(DEADLINES, {"kind": DeadlineKind.STEERING_ACTION, "page": 2})
    assert len(second.context["rows"]) == 1


def test_the_page_runs_the_same_number_of_queries_at_two_sizes(client_for, dfe_official, world):
    client = client_for(dfe_official)
    query = {"whose": "all", "programme": "DBV", "authority": "207"}
    client.get(DEADLINES, query)  # warm the session and the content types
    client.get(DEADLINES, {"whose": "all"})
    with CaptureQueriesContext(connection) as small:
        assert client.get(DEADLINES, {"whose": "all"}).status_code == 200
    with CaptureQueriesContext(connection) as small_filtered:
        assert client.get(DEADLINES, query).status_code == 200

    for number in range(4, 12):
        plan_stage("207", number, date(2025, 1, number), dfe_official)
    sv_agreement_in_2025(dfe_official)
    _actions(6, SteeringMemberFactory(), dfe_official)
    with CaptureQueriesContext(connection) as large:
        response = client.get(DEADLINES, {"whose": "all"})
    assert len(response.context["rows"]) >= 2 * len(small.captured_queries)  # really larger
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as large_filtered:
        response = client.get(DEADLINES, query)
    assert len(response.context["rows"]) == 10
    assert len(large_filtered) == len(small_filtered)


# --- Links to the page ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["dfe_official", "finance_lead", "newton_partner", "steering_member"])
def test_every_role_finds_the_page_in_the_navigation_and_from_home(client_for, request, role):
    user = request.getfixturevalue(role)
    home = client_for(user).get(reverse("portal:home"))
    assert ("Deadlines", DEADLINES) in [(item["label"], item["url"]) for item in home.context["navigation"]]
    assert "See all your deadlines" in text_of(home)
    assert client_for(user).get(DEADLINES).status_code == 200


def test_every_kind_of_record_with_deadlines_has_a_page_to_link_to():
    from django.apps import apps
    from django.contrib.contenttypes.fields import GenericRelation

    from config.deadline_links import SOURCES

    with_deadlines = {
        model
        for model in apps.get_models()
        if any(
            isinstance(field, GenericRelation) and field.related_model is Deadline
            for field in model._meta.private_fields
        )
    }
    assert with_deadlines and with_deadlines <= set(SOURCES)


def test_the_home_page_s_deadline_rows_link_to_their_records_too(client_for, steering_member, dfe_official):
    soon = steering_action(owner=steering_member, actor=dfe_official, due_on=date(2025, 1, 20))
    home = client_for(steering_member).get(reverse("portal:home"))
    title = Deadline.objects.get(kind=DeadlineKind.STEERING_ACTION, source_id=soon.pk).title
    assert link_of(home, title) == reverse("steering:action", args=[soon.pk])
