"""Reads of the Sector Steering Group, scoped through the access policy."""

from django.db.models import Prefetch, QuerySet

from portal import access

from .models import CLOSED_ACTION_STATUSES, Action, Meeting, Member, Paper, SteeringGroup


def steering_group(*, user) -> SteeringGroup:
    groups = SteeringGroup.objects.prefetch_related("remit", "members__organisation")
    return access.get_visible_or_404(user, groups, name=SteeringGroup.SECTOR_STEERING_GROUP)


def member_list(*, user) -> QuerySet:
    """The seats of the steering group, each with its organisation."""
    return access.visible(user, Member.objects.select_related("organisation"))


def meeting_list(*, user, group: SteeringGroup | None = None) -> QuerySet:
    """The group's meetings the user may see, newest first, with their papers (by title) and actions
    (by due date)."""
    meetings = access.visible(user, Meeting.objects.select_related("group"))
    if group is not None:
        meetings = meetings.filter(group=group)
    papers = access.visible(user, Paper.objects.select_related("uploaded_by")).order_by("title", "pk")
    actions = access.visible(user, Action.objects.select_related("owner")).order_by("due_on", "pk")
    return meetings.prefetch_related(
        Prefetch("papers", queryset=papers), Prefetch("actions", queryset=actions)
    ).order_by("-held_on", "-pk")


def paper_list(*, user) -> QuerySet:
    """The papers of the group's meetings the user may see, with who uploaded each."""
    return access.visible(user, Paper.objects.select_related("uploaded_by"))


def meeting_detail(*, user, pk: int) -> Meeting:
    return access.get_visible_or_404(user, meeting_list(user=user), pk=pk)


def action_list(*, user, group: SteeringGroup | None = None, open_only: bool = False) -> QuerySet:
    """The group's actions by due date, with owner and meeting."""
    actions = access.visible(user, Action.objects.select_related("owner", "meeting", "group"))
    if group is not None:
        actions = actions.filter(group=group)
    if open_only:
        actions = actions.exclude(status__in=CLOSED_ACTION_STATUSES)
    return actions.order_by("due_on", "pk")


def action_detail(*, user, pk: int) -> Action:
    return access.get_visible_or_404(user, action_list(user=user), pk=pk)


def actions_owned(*, user) -> QuerySet:
    """The actions the user owns (the ones a steering member may update), by due date."""
    return action_list(user=user).filter(owner=user)
