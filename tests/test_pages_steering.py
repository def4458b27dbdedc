"""Steering group pages (SPEC §4.11): "Steering group member: the group's remit and members; meetings
with agenda, minutes and papers to download; actions — their own can be updated (progress note, done),
others' are read-only; DBV national progress figures (no single authority's finances)."

Rules written out here: everyone signed in sees the group's remit and members; only its members and
DfE see its meetings, papers and actions (anyone else: 404). An action's owner, or a DfE official, may
update it (a status and a progress note); another member sees it read-only and their update is
refused (403). Updating is reversible, so the question page leads straight to a confirmation.
"""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.models import Deadline
from portal.factories import SteeringMemberFactory
from steering.factories import steering_action, steering_meeting, steering_paper
from steering.models import Action, ActionStatus

pytestmark = pytest.mark.django_db

GROUP = reverse("steering:group")


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no error summary on the page"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split())


def action_url(action) -> str:
    return reverse("steering:action", args=[action.pk])


@pytest.fixture
def meeting(dfe_official):
    return steering_meeting(
        actor=dfe_official,
        title="June meeting",
        agenda="1. Tranche 3 progress\n2. Training modules",
        minutes="The group heard the tranche 3 update.",
    )


@pytest.fixture
def paper(meeting, dfe_official):
    return steering_paper(meeting=meeting, actor=dfe_official, title="Programme update")


@pytest.fixture
def their_action(meeting, steering_member, dfe_official):
    return steering_action(
        owner=steering_member, actor=dfe_official, meeting=meeting, description="Share the sector's views."
    )


@pytest.fixture
def others_action(meeting, dfe_official):
    return steering_action(
        owner=SteeringMemberFactory(first_name="Olu", last_name="Other"),
        actor=dfe_official,
        meeting=meeting,
        description="Write to the ADCS.",
        due_on=date(2024, 8, 1),
    )


# --- The group page -------------------------------------------------------------------------


def test_a_steering_member_sees_remit_members_meetings_actions_and_their_own(
    client_for, steering_member, meeting, their_action, others_action
):
    response = client_for(steering_member).get(GROUP)
    assert response.status_code == 200
    page = text_of(response)
    assert "Remit" in page and "Members" in page
    html = response.content.decode()
    assert reverse("steering:meeting", args=[meeting.pk]) in html and "June meeting" in page
    assert action_url(their_action) in html and action_url(others_action) in html
    assert "Your actions" in page
    mine = html.split('id="your-actions"', 1)[1].split("</ul>", 1)[0]
    assert action_url(their_action) in mine and action_url(others_action) not in mine
    # DBV national progress, which steering members see.
    assert reverse("programmes:dbv-progress") in html
    assert client_for(steering_member).get(reverse("programmes:dbv-progress")).status_code == 200


@pytest.mark.parametrize("role", ["finance_lead", "newton_partner"])
def test_others_see_the_remit_and_members_but_no_meetings_or_actions(client_for, request, role, their_action):
    user = request.getfixturevalue(role)
    response = client_for(user).get(GROUP)
    assert response.status_code == 200
    page = text_of(response)
    assert "Remit" in page and "Members" in page
    assert "Meetings" not in page and "Your actions" not in page
    assert action_url(their_action) not in response.content.decode()


def test_a_finance_lead_gets_no_link_to_dbv_progress(client_for, finance_lead):
    assert reverse("programmes:dbv-progress") not in client_for(finance_lead).get(GROUP).content.decode()


def test_a_dfe_official_sees_every_meeting_and_action(client_for, dfe_official, their_action, others_action):
    html = client_for(dfe_official).get(GROUP).content.decode()
    assert action_url(their_action) in html and action_url(others_action) in html


def test_the_steering_member_s_home_page_links_to_their_open_actions(
    client_for, steering_member, their_action, others_action
):
    html = client_for(steering_member).get(reverse("portal:home")).content.decode()
    assert "Your steering group actions" in html
    assert action_url(their_action) in html and action_url(others_action) not in html


# --- A meeting ------------------------------------------------------------------------------


def test_a_meeting_shows_agenda_minutes_papers_and_its_actions(
    client_for, steering_member, meeting, paper, their_action
):
    response = client_for(steering_member).get(reverse("steering:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert "Agenda" in page and "1. Tranche 3 progress" in page and "2. Training modules" in page
    assert "The group heard the tranche 3 update." in page
    assert "Programme update" in page
    html = response.content.decode()
    download = reverse("steering:paper-download", args=[paper.pk])
    assert download in html
    assert action_url(their_action) in html


def test_a_member_downloads_a_paper_as_an_attachment(client_for, steering_member, paper):
    response = client_for(steering_member).get(reverse("steering:paper-download", args=[paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_paper_whose_file_is_missing_is_a_404(client_for, steering_member, paper):
    paper.file.storage.delete(paper.file.name)
    response = client_for(steering_member).get(reverse("steering:paper-download", args=[paper.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["finance_lead", "newton_partner"])
def test_meetings_and_papers_are_out_of_scope_for_others(client_for, request, role, meeting, paper):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("steering:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("steering:paper-download", args=[paper.pk])).status_code == 404


def test_a_meeting_with_nothing_yet_says_so(client_for, steering_member, dfe_official):
    empty = steering_meeting(actor=dfe_official, title="Next meeting")
    page = text_of(client_for(steering_member).get(reverse("steering:meeting", args=[empty.pk])))
    assert "No agenda has been recorded." in page and "No minutes have been recorded yet." in page
    assert "No papers have been uploaded" in page and "No actions were set at this meeting." in page


# --- An action ------------------------------------------------------------------------------


def test_the_owner_marks_their_action_done_with_a_progress_note(client_for, steering_member, their_action):
    client = client_for(steering_member)
    page = client.get(action_url(their_action))
    assert page.status_code == 200
    assert "Update the action" in text_of(page) and 'name="status"' in page.content.decode()
    assert 'value="cancelled"' not in page.content.decode()  # DfE's to cancel

    response = client.post(action_url(their_action), {"status": "done", "update": "  Views sent to DfE.  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("steering:action-updated", args=[their_action.pk])
    their_action.refresh_from_db()
    assert their_action.status == ActionStatus.DONE and their_action.update == "Views sent to DfE."
    assert Deadline.objects.get(kind="steering_action", source_id=their_action.pk).closed_at is not None

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Action marked done" in text_of(done) and "govuk-panel--confirmation" in done.content.decode()


def test_the_owner_records_progress_and_the_action_stays_open(client_for, steering_member, their_action):
    client = client_for(steering_member)
    response = client.post(
        action_url(their_action), {"status": "in_progress", "update": "Half the views in."}
    )
    done = client.get(response["Location"])
    assert "Action updated" in text_of(done) and "In progress" in text_of(done)
    assert Deadline.objects.get(kind="steering_action", source_id=their_action.pk).closed_at is None
    page = text_of(client.get(action_url(their_action)))
    assert "Half the views in." in page


def test_an_update_without_a_status_is_an_error_on_the_page(client_for, steering_member, their_action):
    response = client_for(steering_member).post(action_url(their_action), {"status": "", "update": "x"})
    assert response.status_code == 400
    assert "Choose where the action is" in error_summary(response)
    response = client_for(steering_member).post(action_url(their_action), {"status": "cancelled"})
    assert response.status_code == 400
    assert "Choose where the action is from the list" in error_summary(response)
    their_action.refresh_from_db()
    assert their_action.status == ActionStatus.OPEN


def test_another_member_sees_the_action_read_only_and_their_update_is_refused(
    client_for, steering_member, others_action
):
    client = client_for(steering_member)
    page = client.get(action_url(others_action))
    assert page.status_code == 200
    assert "Only Olu Other, who owns this action, or DfE can update it." in text_of(page)
    assert 'name="status"' not in page.content.decode()
    assert client.post(action_url(others_action), {"status": "done", "update": "Not mine"}).status_code == 403
    assert client.get(reverse("steering:action-updated", args=[others_action.pk])).status_code == 403
    others_action.refresh_from_db()
    assert others_action.status == ActionStatus.OPEN and others_action.update == ""


def test_a_dfe_official_may_update_or_cancel_any_action(client_for, dfe_official, others_action):
    client = client_for(dfe_official)
    assert 'value="cancelled"' in client.get(action_url(others_action)).content.decode()
    response = client.post(
        action_url(others_action), {"status": "cancelled", "update": "Overtaken by events."}
    )
    assert response.status_code == 302
    assert Action.objects.get(pk=others_action.pk).status == ActionStatus.CANCELLED


@pytest.mark.parametrize("role", ["finance_lead", "newton_partner"])
def test_actions_are_out_of_scope_for_others(client_for, request, role, their_action):
    client = client_for(request.getfixturevalue(role))
    assert client.get(action_url(their_action)).status_code == 404
    assert client.post(action_url(their_action), {"status": "done"}).status_code == 404
    assert client.get(reverse("steering:action-updated", args=[their_action.pk])).status_code == 404


def test_signing_in_is_needed(client, their_action):
    for url in (GROUP, action_url(their_action)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("portal:sign-in") in response["Location"]


# --- A fixed number of queries --------------------------------------------------------------


def _more(count: int, dfe_official, steering_member) -> None:
    for number in range(count):
        meeting = steering_meeting(
            actor=dfe_official, title=f"Meeting {number}", held_on=date(2024, 1, number + 1)
        )
        steering_paper(meeting=meeting, actor=dfe_official, title=f"Paper {number}")
        steering_action(
            owner=steering_member, actor=dfe_official, meeting=meeting, description=f"Do {number}"
        )
        steering_action(actor=dfe_official, meeting=meeting, description=f"Others do {number}")


def test_the_group_and_meeting_pages_run_the_same_number_of_queries_at_two_sizes(
    client_for, steering_member, dfe_official, meeting, paper, their_action
):
    client = client_for(steering_member)
    meeting_url = reverse("steering:meeting", args=[meeting.pk])
    client.get(GROUP)  # warm the session
    with CaptureQueriesContext(connection) as group_small:
        assert client.get(GROUP).status_code == 200
    with CaptureQueriesContext(connection) as meeting_small:
        assert client.get(meeting_url).status_code == 200

    _more(5, dfe_official, steering_member)
    for number in range(4):
        steering_paper(meeting=meeting, actor=dfe_official, title=f"Annex {number}")
        steering_action(
            owner=steering_member, actor=dfe_official, meeting=meeting, description=f"More {number}"
        )
    with CaptureQueriesContext(connection) as group_large:
        response = client.get(GROUP)
    assert len(response.context["actions"]) == 15
    assert len(group_large) == len(group_small), [q["sql"] for q in group_large.captured_queries]
    with CaptureQueriesContext(connection) as meeting_large:
        response = client.get(meeting_url)
    assert len(response.context["papers"]) == 5
    assert len(meeting_large) == len(meeting_small), [q["sql"] for q in meeting_large.captured_queries]


def test_the_action_page_runs_the_same_number_of_queries_whatever_the_group_holds(
    client_for, steering_member, dfe_official, their_action
):
    client = client_for(steering_member)
    client.get(action_url(their_action))
    with CaptureQueriesContext(connection) as small:
        client.get(action_url(their_action))
    _more(5, dfe_official, steering_member)
    with CaptureQueriesContext(connection) as large:
        client.get(action_url(their_action))
    assert len(large) == len(small)
