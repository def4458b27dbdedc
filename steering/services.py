"""The Sector Steering Group's work (SPEC §4.11): meetings, papers and actions.

DfE officials run the group: they hold meetings, upload papers and set actions. An action's owner is
a person (a steering group member or a DfE official); a member who owns an action may report on it
(its status and a progress update) but not move its due date or hand it to someone else. Every
action is a deadline (SPEC §4.8) that follows it: created, moved, closed, reopened and deleted with it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from deadlines.models import DeadlineKind
from deadlines.services import deadline_sync
from portal import access
from portal.access import Permission
from portal.errors import DomainError
from portal.history import delete_as, save_as
from portal.roles import Role
from portal.uploads import check_upload

from .models import Action, ActionStatus, Meeting, Paper, SteeringGroup

ACTION_OWNER_ROLES = (Role.STEERING_MEMBER, Role.DFE_OFFICIAL)


def _required_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def _check_title(title: str) -> str:
    title = _required_text(title, field="title", message="Enter a title.")
    if len(title) > 200:
        raise DomainError("The title must be 200 characters or fewer.", field="title")
    return title


# --- Meetings and papers ---------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    group: SteeringGroup,
    held_on: date,
    title: str,
    agenda: str = "",
    minutes: str = "",
) -> Meeting:
    access.require(actor, Permission.MANAGE_STEERING_GROUP, group)
    if held_on is None:
        raise DomainError("Enter the date of the meeting.", field="held_on")
    meeting = Meeting(
        group=group,
        held_on=held_on,
        title=_check_title(title),
        agenda=(agenda or "").strip(),
        minutes=(minutes or "").strip(),
    )
    save_as(actor, meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    held_on: date | None = None,
    title: str | None = None,
    agenda: str | None = None,
    minutes: str | None = None,
) -> Meeting:
    """Change what is given (None leaves a field as it is): e.g. add the minutes after the meeting."""
    access.require(actor, Permission.MANAGE_STEERING_GROUP, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if held_on is not None:
        meeting.held_on = held_on
    if title is not None:
        meeting.title = _check_title(title)
    if agenda is not None:
        meeting.agenda = agenda.strip()
    if minutes is not None:
        meeting.minutes = minutes.strip()
    save_as(actor, meeting)
    return meeting


@transaction.atomic
def paper_upload(*, actor, meeting: Meeting, title: str, file) -> Paper:
    """Add a paper to a meeting; the file must pass portal.uploads (type by name and content, size)."""
    access.require(actor, Permission.MANAGE_STEERING_GROUP, meeting)
    title = _check_title(title)
    check_upload(file)
    paper = Paper(meeting=meeting, title=title, file=file, uploaded_by=actor, uploaded_at=timezone.now())
    save_as(actor, paper)
    return paper


# --- Actions, each a deadline ----------------------------------------------------------------


def _check_owner(owner) -> None:
    if owner is None:
        raise DomainError("Choose who owns the action.", field="owner")
    if not owner.is_active or owner.role not in ACTION_OWNER_ROLES:
        raise DomainError(
            f"{owner.get_full_name() or owner.username} cannot own a steering group action: "
            "an owner is a steering group member or a DfE official with an active account.",
            field="owner",
        )


def _check_status(status: str) -> str:
    if status not in ActionStatus.values:
        raise DomainError(
            f"“{status}” is not a status: use one of {', '.join(ActionStatus.labels).lower()}.",
            field="status",
        )
    return status


def _sync_deadline(action: Action, *, actor) -> None:
    deadline_sync(
        source=action,
        kind=DeadlineKind.STEERING_ACTION,
        title=f"Steering group action: {action.description}",
        due_on=action.due_on,
        is_open=action.is_open,
        actor=actor,
        owner=action.owner,
        responsible=action.group.secretariat,
    )


@transaction.atomic
def action_create(
    *,
    actor,
    group: SteeringGroup,
    description: str,
    owner,
    due_on: date,
    meeting: Meeting | None = None,
) -> Action:
    access.require(actor, Permission.MANAGE_STEERING_GROUP, group)
    description = _required_text(description, field="description", message="Say what is to be done.")
    _check_owner(owner)
    if due_on is None:
        raise DomainError("Enter the date the action is due.", field="due_on")
    if meeting is not None and meeting.group_id != group.pk:
        raise DomainError("The meeting belongs to another group.", field="meeting")
    action = Action(group=group, meeting=meeting, description=description, owner=owner, due_on=due_on)
    save_as(actor, action)
    _sync_deadline(action, actor=actor)
    return action


@transaction.atomic
def action_update(
    *,
    actor,
    action: Action,
    status: str | None = None,
    update: str | None = None,
    due_on: date | None = None,
    owner=None,
) -> Action:
    """Report on or change an action (None leaves a field as it is).

    DfE officials may change anything. The steering member who owns the action may change its status
    and update only: moving the due date or the owner is refused (403), as is any change by another member.
    """
    access.require(actor, Permission.UPDATE_STEERING_ACTION, action)
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("group__secretariat", "owner")
        .get(pk=action.pk)
    )
    if not access.can(actor, Permission.MANAGE_STEERING_GROUP, action.group):
        if due_on is not None and due_on != action.due_on:
            raise PermissionDenied("Only DfE can move an action's due date: ask the group's secretariat.")
        if owner is not None and owner.pk != action.owner_id:
            raise PermissionDenied(
                "Only DfE can give an action to someone else: ask the group's secretariat."
            )
    if status is not None:
        action.status = _check_status(status)
    if update is not None:
        action.update = update.strip()
    if due_on is not None:
        action.due_on = due_on
    if owner is not None:
        _check_owner(owner)
        action.owner = owner
    save_as(actor, action)
    _sync_deadline(action, actor=actor)
    return action


@transaction.atomic
def action_delete(*, actor, action: Action) -> None:
    """Delete an action set in error, and its deadline. (A dropped action is better cancelled: it stays on record.)"""
    access.require(actor, Permission.MANAGE_STEERING_GROUP, action)
    action = Action.objects.select_for_update().get(pk=action.pk)
    deadline_sync(
        source=action, kind=DeadlineKind.STEERING_ACTION, title="", due_on=None, is_open=False, actor=actor
    )
    delete_as(actor, action)
