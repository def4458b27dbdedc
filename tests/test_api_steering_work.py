"""The Sector Steering Group's work through the API (SPEC §4.11): meetings, papers and actions.

DfE runs the group; its members read the meetings and papers, and report on the actions they own
(another member's action, or moving one's own due date, is refused 403). Papers are downloaded only
through the API, which asks the access policy: never from a public /media/ address.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deadlines.models import Deadline, DeadlineKind
from portal.factories import SteeringMemberFactory
from steering.factories import steering_action, steering_meeting
from steering.models import Action, ActionStatus, Meeting, Paper
from tests.api_client import api_client_for, error_of
from tests.api_matrix import PDF_BYTES

pytestmark = pytest.mark.django_db

API = "/api/v1/steering-group"


def last_actor(record):
    return record.history.order_by("-history_date", "-history_id").first().history_user


@pytest.fixture
def meeting(dfe_official):
    return steering_meeting(
        actor=dfe_official, held_on=date(2022, 11, 15), title="November meeting", agenda="1. Progress"
    )


@pytest.fixture
def another_member():
    return SteeringMemberFactory()


@pytest.fixture
def members_action(dfe_official, meeting, steering_member):
    """An action of the meeting owned by the steering member."""
    return steering_action(
        actor=dfe_official, meeting=meeting, owner=steering_member, due_on=date(2022, 12, 16)
    )


@pytest.fixture
def dfe_action(dfe_official, meeting):
    """An action of the meeting owned by the DfE official."""
    return steering_action(
        actor=dfe_official,
        meeting=meeting,
        owner=dfe_official,
        description="Circulate Diagnostic progress by tranche.",
        due_on=date(2023, 1, 13),
    )


# --- Meetings ----------------------------------------------------------------------------------


def test_dfe_adds_and_changes_a_meeting_and_members_read_it(dfe_official, steering_member, newton_partner):
    dfe = api_client_for(dfe_official)
    response = dfe.post(f"{API}/meetings/", {"held_on": "2024-02-01", "title": "  February meeting  "})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["agenda"], body["papers"], body["actions"]) == (
        "February meeting",
        "",
        [],
        [],
    )
    meeting = Meeting.objects.get(pk=body["id"])
    assert last_actor(meeting) == dfe_official

    response = dfe.patch(f"{API}/meetings/{meeting.pk}/", {"minutes": "Members agreed the figures."})
    assert response.status_code == 200, response.content
    assert (response.json()["minutes"], response.json()["title"]) == (
        "Members agreed the figures.",
        "February meeting",
    )
    assert "Give what to change" in error_of(dfe.patch(f"{API}/meetings/{meeting.pk}/", {}), 400)["message"]
    assert list(error_of(dfe.post(f"{API}/meetings/", {"title": "x"}), 400)["fields"]) == ["held_on"]

    member = api_client_for(steering_member)
    assert member.get(f"{API}/meetings/{meeting.pk}/").json()["minutes"] == "Members agreed the figures."
    assert error_of(member.patch(f"{API}/meetings/{meeting.pk}/", {"minutes": "x"}), 403)
    assert error_of(member.post(f"{API}/meetings/", {"held_on": "2024-02-01", "title": "x"}), 403)
    assert error_of(api_client_for(newton_partner).get(f"{API}/meetings/{meeting.pk}/"), 404)


# --- Papers ------------------------------------------------------------------------------------


def test_dfe_uploads_a_paper_which_members_download_through_the_api(
    meeting, dfe_official, steering_member, finance_lead
):
    response = api_client_for(dfe_official).post(
        f"{API}/meetings/{meeting.pk}/papers/",
        {"title": "Progress by tranche", "file": SimpleUploadedFile("progress.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["meeting"], body["title"], body["file_name"], body["uploaded_by"]) == (
        meeting.pk,
        "Progress by tranche",
        "progress.pdf",
        dfe_official.username,
    )
    assert "/media/" not in body["download_url"]
    paper = Paper.objects.get(pk=body["id"])
    assert last_actor(paper) == dfe_official

    member = api_client_for(steering_member)
    listed = member.get(f"{API}/meetings/{meeting.pk}/").json()["papers"]
    assert [(row["id"], row["download_url"]) for row in listed] == [(paper.pk, body["download_url"])]
    download = member.get(body["download_url"])
    assert download.status_code == 200
    assert (download["Content-Type"], b"".join(download.streaming_content)) == ("application/pdf", PDF_BYTES)
    assert error_of(api_client_for(finance_lead).get(body["download_url"]), 404)["code"] == "not_found"


def test_a_paper_must_be_a_document_sent_as_a_form(meeting, dfe_official, steering_member):
    dfe = api_client_for(dfe_official)
    url = f"{API}/meetings/{meeting.pk}/papers/"
    assert error_of(dfe.post(url, {"title": "x"}, format="json"), 415)["code"] == "unsupported_media_type"
    response = dfe.post(
        url, {"title": "x", "file": SimpleUploadedFile("paper.exe", b"MZ\x90\x00")}, format="multipart"
    )
    assert list(error_of(response, 400)["fields"]) == ["file"]
    response = dfe.post(url, {"file": SimpleUploadedFile("paper.pdf", PDF_BYTES)}, format="multipart")
    assert list(error_of(response, 400)["fields"]) == ["title"]
    assert error_of(
        api_client_for(steering_member).post(
            url, {"title": "x", "file": SimpleUploadedFile("paper.pdf", PDF_BYTES)}, format="multipart"
        ),
        403,
    )
    assert not Paper.objects.exists()


def test_a_download_whose_file_is_missing_answers_404(meeting, dfe_official, steering_member):
    paper = Paper.objects.create(
        meeting=meeting,
        title="Lost",
        file="steering-papers/2024/lost.pdf",
        uploaded_by=dfe_official,
        uploaded_at=timezone.now(),
    )
    member = api_client_for(steering_member)
    assert "missing" in error_of(member.get(f"{API}/papers/{paper.pk}/download/"), 404)["message"]


# --- Actions -----------------------------------------------------------------------------------


def test_dfe_sets_an_action_which_becomes_its_owners_deadline(
    meeting, members_action, dfe_action, dfe_official, steering_member, finance_lead
):
    dfe = api_client_for(dfe_official)
    response = dfe.post(
        f"{API}/actions/",
        {
            "description": "Share the training feedback.",
            "owner": steering_member.username,
            "due_on": "2031-01-31",
            "meeting": meeting.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner"], body["status"], body["open"], body["meeting"]) == (
        steering_member.username,
        "open",
        True,
        meeting.pk,
    )
    action = Action.objects.get(pk=body["id"])
    assert last_actor(action) == dfe_official
    deadline = Deadline.objects.get(kind=DeadlineKind.STEERING_ACTION, source_id=action.pk)
    assert (deadline.owner, deadline.due_on) == (steering_member, date(2031, 1, 31))

    mine = api_client_for(steering_member).get(f"{API}/actions/", {"mine": "true"}).json()["results"]
    assert action.pk in {row["id"] for row in mine}
    assert all(row["owner"] == steering_member.username for row in mine)

    response = dfe.post(
        f"{API}/actions/", {"description": "x", "owner": finance_lead.username, "due_on": "2031-01-31"}
    )
    assert list(error_of(response, 400)["fields"]) == ["owner"]
    response = dfe.post(f"{API}/actions/", {"description": "x", "owner": "nobody"})
    assert set(error_of(response, 400)["fields"]) == {"owner", "due_on"}


def test_the_owning_member_reports_on_their_action_and_no_more(
    members_action, dfe_action, steering_member, dfe_official, another_member
):
    own = members_action
    member = api_client_for(steering_member)
    response = member.patch(
        f"{API}/actions/{own.pk}/", {"status": "done", "update": "Shared at the meeting."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["open"]) == ("done", False)
    own.refresh_from_db()
    assert (own.status, last_actor(own)) == (ActionStatus.DONE, steering_member)
    assert own.deadlines.get().closed_at is not None

    error = error_of(member.patch(f"{API}/actions/{own.pk}/", {"due_on": "2032-01-01"}), 403)
    assert "Only DfE can move" in error["message"]
    assert error_of(member.patch(f"{API}/actions/{own.pk}/", {"owner": dfe_official.username}), 403)
    assert error_of(member.delete(f"{API}/actions/{own.pk}/"), 403)

    # Another member's action (here the DfE official's): visible, not theirs to change.
    theirs = dfe_action
    assert member.get(f"{API}/actions/{theirs.pk}/").status_code == 200
    assert error_of(member.patch(f"{API}/actions/{theirs.pk}/", {"status": "done"}), 403)["code"] == (
        "permission_denied"
    )
    theirs.owner = another_member
    theirs.save()
    assert error_of(member.patch(f"{API}/actions/{theirs.pk}/", {"update": "x"}), 403)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.update) == (ActionStatus.OPEN, "")
    assert "Give what to change" in error_of(member.patch(f"{API}/actions/{own.pk}/", {}), 400)["message"]


def test_dfe_changes_anything_and_deletes_an_action_with_its_deadline(
    members_action, dfe_official, finance_lead, another_member
):
    action = members_action
    dfe = api_client_for(dfe_official)
    response = dfe.patch(
        f"{API}/actions/{action.pk}/", {"due_on": "2032-03-01", "owner": another_member.username}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["due_on"], response.json()["owner"]) == ("2032-03-01", another_member.username)
    deadline = action.deadlines.get()
    assert (deadline.due_on, deadline.owner) == (date(2032, 3, 1), another_member)

    assert dfe.delete(f"{API}/actions/{action.pk}/").status_code == 204
    assert not Action.objects.filter(pk=action.pk).exists()
    assert not Deadline.objects.filter(pk=deadline.pk).exists()
    assert error_of(dfe.delete(f"{API}/actions/{action.pk}/"), 404)
    assert api_client_for(finance_lead).get(f"{API}/actions/").json()["count"] == 0
