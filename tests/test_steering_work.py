"""The Sector Steering Group's work (SPEC §4.11): meetings, papers and actions, and each action's deadline."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from deadlines.models import Deadline, DeadlineKind
from portal import access
from portal.errors import DomainError
from portal.factories import SteeringMemberFactory
from portal.models import User
from steering.models import Action, ActionStatus, SteeringGroup
from steering.selectors import action_detail, action_list, actions_owned, meeting_detail, meeting_list
from steering.services import (
    action_create,
    action_delete,
    action_update,
    meeting_create,
    meeting_update,
    paper_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def group(dfe_official):
    group = SteeringGroup.objects.get(name=SteeringGroup.SECTOR_STEERING_GROUP)
    group.secretariat = dfe_official
    group.save()
    return group


@pytest.fixture
def meeting(dfe_official, group):
    return meeting_create(actor=dfe_official, group=group, held_on=date(2024, 6, 4), title="June meeting")


@pytest.fixture
def another_member(db):
    return SteeringMemberFactory()


@pytest.fixture
def system_user(db):
    return User.objects.system_user()


@pytest.fixture
def members_action(dfe_official, group, meeting, steering_member):
    return action_create(
        actor=dfe_official,
        group=group,
        meeting=meeting,
        description="Gather views on training",
        owner=steering_member,
        due_on=date(2024, 7, 1),
    )


def deadline_of(action) -> Deadline | None:
    return action.deadlines.first()


# --- Meetings and papers ---------------------------------------------------------------------------


def test_dfe_holds_a_meeting_and_adds_its_minutes_later(dfe_official, group):
    meeting = meeting_create(
        actor=dfe_official,
        group=group,
        held_on=date(2024, 6, 4),
        title=" June meeting ",
        agenda="1. Progress",
    )
    assert (meeting.title, meeting.agenda, meeting.minutes) == ("June meeting", "1. Progress", "")
    meeting_update(actor=dfe_official, meeting=meeting, minutes="Members noted progress.")
    meeting.refresh_from_db()
    assert (meeting.agenda, meeting.minutes) == ("1. Progress", "Members noted progress.")
    assert meeting.history.first().history_user == dfe_official


def test_a_meeting_needs_a_title_and_a_date(dfe_official, group):
    with pytest.raises(DomainError) as refused:
        meeting_create(actor=dfe_official, group=group, held_on=date(2024, 6, 4), title="  ")
    assert refused.value.field == "title"
    with pytest.raises(DomainError) as refused:
        meeting_create(actor=dfe_official, group=group, held_on=None, title="June")
    assert refused.value.field == "held_on"


@pytest.mark.parametrize("person", ["steering_member", "finance_lead", "newton_partner"])
def test_only_dfe_holds_meetings(request, group, person):
    # The group itself is public reference data, so this is "seen but not allowed": 403.
    with pytest.raises(PermissionDenied):
        meeting_create(
            actor=request.getfixturevalue(person), group=group, held_on=date(2024, 6, 4), title="X"
        )


def test_a_steering_member_cannot_edit_a_meeting_403_and_others_cannot_see_it_404(
    meeting, steering_member, finance_lead
):
    with pytest.raises(PermissionDenied):
        meeting_update(actor=steering_member, meeting=meeting, minutes="Mine")
    with pytest.raises(Http404):
        meeting_update(actor=finance_lead, meeting=meeting, minutes="Mine")


def test_dfe_uploads_a_paper_which_is_checked(dfe_official, meeting):
    paper = paper_upload(
        actor=dfe_official,
        meeting=meeting,
        title="Progress report",
        file=SimpleUploadedFile("progress.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    assert paper.uploaded_by == dfe_official and paper.uploaded_at is not None
    assert paper.file.name.startswith("steering-papers/")
    with pytest.raises(DomainError) as refused:
        paper_upload(
            actor=dfe_official,
            meeting=meeting,
            title="Bad",
            file=SimpleUploadedFile("bad.pdf", b"MZ executable"),
        )
    assert refused.value.field == "file"
    assert meeting.papers.count() == 1


def test_a_steering_member_cannot_upload_papers(steering_member, meeting):
    with pytest.raises(PermissionDenied):
        paper_upload(
            actor=steering_member,
            meeting=meeting,
            title="Mine",
            file=SimpleUploadedFile("p.pdf", b"%PDF-1.7"),
        )


def test_meetings_papers_and_actions_are_for_the_group_and_dfe_only(
    meeting, members_action, steering_member, finance_lead
):
    assert meeting in meeting_list(user=steering_member)
    assert meeting_detail(user=steering_member, pk=meeting.pk).actions.all()[0] == members_action
    assert list(meeting_list(user=finance_lead)) == []
    with pytest.raises(Http404):
        meeting_detail(user=finance_lead, pk=meeting.pk)
    with pytest.raises(Http404):
        action_detail(user=finance_lead, pk=members_action.pk)


# --- Actions and their deadlines -------------------------------------------------------------------


def test_an_action_is_a_deadline_owned_by_its_owner_escalating_to_the_secretariat(
    dfe_official, members_action, steering_member
):
    deadline = deadline_of(members_action)
    assert deadline.kind == DeadlineKind.STEERING_ACTION
    assert (deadline.owner, deadline.responsible, deadline.authority) == (steering_member, dfe_official, None)
    assert deadline.due_on == date(2024, 7, 1)
    assert deadline.is_open
    assert "Gather views on training" in deadline.title
    # The owner sees it among their deadlines.
    assert deadline in access.visible(steering_member, Deadline.objects.all())


def test_without_a_secretariat_an_actions_deadline_has_no_one_to_escalate_to(dfe_official, steering_member):
    group = SteeringGroup.objects.get(name=SteeringGroup.SECTOR_STEERING_GROUP)
    group.secretariat = None
    group.save()
    action = action_create(
        actor=dfe_official, group=group, description="Do it", owner=steering_member, due_on=date(2024, 7, 1)
    )
    assert deadline_of(action).responsible is None


def test_a_dfe_official_may_own_an_action(dfe_official, group):
    action = action_create(
        actor=dfe_official,
        group=group,
        description="Report back",
        owner=dfe_official,
        due_on=date(2024, 7, 1),
    )
    assert deadline_of(action).owner == dfe_official


@pytest.mark.parametrize("person", ["finance_lead", "newton_partner", "system_user"])
def test_an_owner_is_a_steering_member_or_dfe_official(request, dfe_official, group, person):
    with pytest.raises(DomainError) as refused:
        action_create(
            actor=dfe_official,
            group=group,
            description="Do it",
            owner=request.getfixturevalue(person),
            due_on=date(2024, 7, 1),
        )
    assert refused.value.field == "owner"


def test_an_inactive_account_cannot_own_an_action(dfe_official, group, another_member):
    another_member.is_active = False
    another_member.save()
    with pytest.raises(DomainError):
        action_create(
            actor=dfe_official,
            group=group,
            description="Do it",
            owner=another_member,
            due_on=date(2024, 7, 1),
        )


def test_an_action_needs_a_description_and_a_due_date(dfe_official, group, steering_member):
    with pytest.raises(DomainError) as refused:
        action_create(
            actor=dfe_official, group=group, description=" ", owner=steering_member, due_on=date(2024, 7, 1)
        )
    assert refused.value.field == "description"
    with pytest.raises(DomainError) as refused:
        action_create(
            actor=dfe_official, group=group, description="Do it", owner=steering_member, due_on=None
        )
    assert refused.value.field == "due_on"


def test_an_actions_meeting_belongs_to_its_group(dfe_official, group, meeting, steering_member):
    other = SteeringGroup.objects.create(name="Other group", purpose="-", accountability="-")
    with pytest.raises(DomainError) as refused:
        action_create(
            actor=dfe_official,
            group=other,
            meeting=meeting,
            description="Do it",
            owner=steering_member,
            due_on=date(2024, 7, 1),
        )
    assert refused.value.field == "meeting"


@pytest.mark.parametrize("person", ["steering_member", "finance_lead", "newton_partner"])
def test_only_dfe_sets_actions(request, group, steering_member, person):
    with pytest.raises(PermissionDenied):
        action_create(
            actor=request.getfixturevalue(person),
            group=group,
            description="Do it",
            owner=steering_member,
            due_on=date(2024, 7, 1),
        )


def test_the_owning_member_reports_progress_and_completing_closes_the_deadline(
    members_action, steering_member
):
    action_update(
        actor=steering_member, action=members_action, status=ActionStatus.IN_PROGRESS, update=" Half done "
    )
    members_action.refresh_from_db()
    assert (members_action.status, members_action.update) == (ActionStatus.IN_PROGRESS, "Half done")
    assert deadline_of(members_action).is_open

    action_update(actor=steering_member, action=members_action, status=ActionStatus.DONE)
    assert not deadline_of(members_action).is_open
    assert deadline_of(members_action).closed_at is not None

    # Reopened, the deadline opens again.
    action_update(actor=steering_member, action=members_action, status=ActionStatus.OPEN)
    assert deadline_of(members_action).is_open


def test_cancelling_an_action_closes_its_deadline(dfe_official, members_action):
    action_update(actor=dfe_official, action=members_action, status=ActionStatus.CANCELLED)
    assert not deadline_of(members_action).is_open


def test_the_owning_member_may_not_move_the_due_date_403(members_action, steering_member):
    with pytest.raises(PermissionDenied):
        action_update(actor=steering_member, action=members_action, due_on=date(2024, 12, 1))
    members_action.refresh_from_db()
    assert members_action.due_on == date(2024, 7, 1)
    assert deadline_of(members_action).due_on == date(2024, 7, 1)
    # Giving the same date back is no change, so it is allowed.
    action_update(actor=steering_member, action=members_action, due_on=date(2024, 7, 1), update="On track")


def test_the_owning_member_may_not_hand_the_action_to_someone_else_403(
    members_action, steering_member, another_member
):
    with pytest.raises(PermissionDenied):
        action_update(actor=steering_member, action=members_action, owner=another_member)
    members_action.refresh_from_db()
    assert members_action.owner == steering_member


def test_another_member_may_see_but_not_update_an_action_403(members_action, another_member):
    assert action_detail(user=another_member, pk=members_action.pk) == members_action
    with pytest.raises(PermissionDenied):
        action_update(actor=another_member, action=members_action, status=ActionStatus.DONE)


@pytest.mark.parametrize("person", ["finance_lead", "newton_partner"])
def test_people_outside_the_group_cannot_see_an_action_404(request, members_action, person):
    with pytest.raises(Http404):
        action_update(actor=request.getfixturevalue(person), action=members_action, status=ActionStatus.DONE)


def test_dfe_reschedules_and_reassigns_and_the_deadline_follows(dfe_official, members_action, another_member):
    action_update(actor=dfe_official, action=members_action, due_on=date(2024, 9, 1), owner=another_member)
    deadline = deadline_of(members_action)
    assert (deadline.due_on, deadline.owner) == (date(2024, 9, 1), another_member)
    assert (
        Deadline.objects.filter(kind=DeadlineKind.STEERING_ACTION, source_id=members_action.pk).count() == 1
    )


def test_an_unknown_status_is_refused(dfe_official, members_action):
    with pytest.raises(DomainError) as refused:
        action_update(actor=dfe_official, action=members_action, status="finished")
    assert refused.value.field == "status"


def test_deleting_an_action_deletes_its_deadline(dfe_official, members_action):
    deadline_pk = deadline_of(members_action).pk
    action_delete(actor=dfe_official, action=members_action)
    assert not Action.objects.filter(pk=members_action.pk).exists()
    assert not Deadline.objects.filter(pk=deadline_pk).exists()
    assert Deadline.history.filter(id=deadline_pk, history_type="-").get().history_user == dfe_official


def test_a_member_cannot_delete_even_their_own_action_403(members_action, steering_member):
    with pytest.raises(PermissionDenied):
        action_delete(actor=steering_member, action=members_action)
    assert deadline_of(members_action) is not None


def test_a_members_own_actions_and_the_open_list(dfe_official, group, members_action, steering_member):
    theirs = action_create(
        actor=dfe_official, group=group, description="DfE's", owner=dfe_official, due_on=date(2024, 8, 1)
    )
    assert list(actions_owned(user=steering_member)) == [members_action]
    action_update(actor=dfe_official, action=theirs, status=ActionStatus.DONE)
    open_actions = list(action_list(user=steering_member, group=group, open_only=True))
    assert members_action in open_actions and theirs not in open_actions
