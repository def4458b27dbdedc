"""Reads of deadlines: the ones a person must act on, overdue and upcoming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from portal import access

from .models import Deadline

UPCOMING_DAYS = 60


@dataclass(frozen=True)
class MyDeadlines:
    overdue: list[Deadline]
    upcoming: list[Deadline]
    overdue_total: int
    upcoming_total: int


def deadline_list(*, user) -> QuerySet:
    """The deadlines the user may see, with their authority, owner and the official responsible."""
    return access.visible(user, Deadline.objects.select_related("authority", "owner", "responsible"))


def deadlines_owned_by(user) -> QuerySet:
    """Open deadlines the user must act on: their own, their group's, or (DfE) theirs to escalate."""
    deadlines = Deadline.objects.open().select_related("authority")
    return access.deadlines_to_act_on(user, deadlines).order_by("due_on", "pk")


def _split(deadlines: QuerySet, *, today: date, limit: int) -> MyDeadlines:
    overdue = deadlines.overdue(today)
    upcoming = deadlines.upcoming(today).filter(due_on__lte=today + timedelta(days=UPCOMING_DAYS))
    return MyDeadlines(
        overdue=list(overdue[:limit]),
        upcoming=list(upcoming[:limit]),
        overdue_total=overdue.count(),
        upcoming_total=upcoming.count(),
    )


def my_deadlines(*, user, today: date | None = None, limit: int = 10) -> MyDeadlines:
    """The open deadlines the user must act on, overdue and due in the next 60 days."""
    return _split(deadlines_owned_by(user), today=today or timezone.localdate(), limit=limit)


def authority_deadlines(*, user, today: date | None = None, limit: int = 10) -> MyDeadlines | None:
    """For someone who acts for one authority (an LA finance lead): its other open deadlines, which
    others own but the authority takes part in (a Diagnostic's planned stages, DfE's decisions)."""
    if not user.authority_id:
        return None
    others = (
        access.visible(user, Deadline.objects.open().select_related("authority"))
        .filter(authority_id=user.authority_id)
        .exclude(pk__in=deadlines_owned_by(user).values("pk"))
        .order_by("due_on", "pk")
    )
    return _split(others, today=today or timezone.localdate(), limit=limit)


def open_deadlines(*, user) -> QuerySet:
    """The open deadlines the user may see, by due date (for an authority's page, prefetched as its
    `deadlines`)."""
    return access.visible(user, Deadline.objects.open()).order_by("due_on", "pk")


def deadline_detail(*, user, pk: int) -> Deadline:
    """One deadline the user may see, with its authority (404 when out of scope)."""
    return access.get_visible_or_404(user, Deadline.objects.select_related("authority"), pk=pk)
