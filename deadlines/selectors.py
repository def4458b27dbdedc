"""Reads of deadlines: the ones a person must act on, overdue and upcoming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal import access
from portal.roles import Role

from .models import Deadline, OwnerGroup

UPCOMING_DAYS = 60


@dataclass(frozen=True)
class MyDeadlines:
    overdue: list[Deadline]
    upcoming: list[Deadline]
    overdue_total: int
    upcoming_total: int


def deadlines_owned_by(user) -> QuerySet:
    """Open deadlines the user must act on: their own, their group's, or (DfE) theirs to escalate."""
    mine = Q(owner=user)
    if user.role == Role.LA_FINANCE_LEAD:
        mine |= Q(owner_group=OwnerGroup.FINANCE_LEADS, authority_id=user.authority_id)
    elif user.role == Role.DELIVERY_PARTNER:
        mine |= Q(owner_group=OwnerGroup.DELIVERY_PARTNERS)
    elif user.role == Role.DFE_OFFICIAL:
        mine |= Q(responsible=user)
    deadlines = access.visible(user, Deadline.objects.open().select_related("authority"))
    return deadlines.filter(mine).order_by("due_on", "pk")


def my_deadlines(*, user, today: date | None = None, limit: int = 10) -> MyDeadlines:
    today = today or timezone.localdate()
    owned = deadlines_owned_by(user)
    overdue = owned.filter(due_on__lt=today)
    upcoming = owned.filter(due_on__gte=today, due_on__lte=today + timedelta(days=UPCOMING_DAYS))
    return MyDeadlines(
        overdue=list(overdue[:limit]),
        upcoming=list(upcoming[:limit]),
        overdue_total=overdue.count(),
        upcoming_total=upcoming.count(),
    )
