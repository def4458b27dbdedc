"""Deadlines follow their source records (SPEC §4.8).

Every service that creates, reschedules, completes or deletes a dated obligation calls
`deadline_sync` for it; the deadline is created, moved, closed or reopened to match. A source
without a date has no deadline. Deleting a source deletes its deadline (generic relation).

A DfE official may extend an open deadline (`deadline_extend`), with a reason: the extension
outlives every later sync, and the deadline is due on the later of the source's date and the
extension's. History keeps who extended it, when, why, and the dates before.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import formats, timezone

from portal import access
from portal.access import Permission
from portal.errors import DomainError
from portal.history import delete_as, save_as

from .models import Deadline, effective_due_on

# The furthest an extension may move a deadline at once, to catch a mistyped year.
LONGEST_EXTENSION = timedelta(days=366)


def deadline_sync(
    *,
    source: models.Model,
    kind: str,
    title: str,
    due_on: date | None,
    is_open: bool,
    actor,
    authority=None,
    owner=None,
    owner_group: str = "",
    responsible=None,
) -> Deadline | None:
    """Make the source's deadline say what the source says now. Writes only when something changed."""
    source_type = ContentType.objects.get_for_model(source)
    deadline = Deadline.objects.filter(source_type=source_type, source_id=source.pk).first()
    if due_on is None:
        if deadline is not None:
            delete_as(actor, deadline)
        return None
    if deadline is None:
        deadline = Deadline(source_type=source_type, source_id=source.pk)
    values = {
        "kind": kind,
        "title": title[:300],
        "source_due_on": due_on,
        "due_on": effective_due_on(due_on, deadline.extended_to),
        "authority": authority,
        "owner": owner,
        "owner_group": owner_group,
        "responsible": responsible,
    }
    closed_at = None if is_open else (deadline.closed_at or timezone.now())
    unchanged = (
        deadline.pk
        and closed_at == deadline.closed_at
        and all(getattr(deadline, field) == value for field, value in values.items())
    )
    if unchanged:
        return deadline
    for field, value in values.items():
        setattr(deadline, field, value)
    deadline.closed_at = closed_at
    save_as(actor, deadline)
    return deadline


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def deadline_extension_check(*, actor, deadline: Deadline, new_due_on: date, reason: str) -> dict:
    """The extension `deadline_extend` would make, or the DomainError it would refuse it with.

    For a page to ask before the person confirms; `deadline_extend` checks again when it writes.
    """
    access.require(actor, Permission.EXTEND_DEADLINE, deadline)
    if not deadline.is_open:
        raise DomainError("This deadline has been met, so it cannot be extended.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the deadline is being extended", field="reason")
    if new_due_on <= deadline.due_on:
        raise DomainError(
            f"The new due date must be after the current one, {_day(deadline.due_on)}", field="new_due_on"
        )
    if new_due_on > deadline.due_on + LONGEST_EXTENSION:
        raise DomainError(
            f"The new due date must be within a year of the current one, {_day(deadline.due_on)}",
            field="new_due_on",
        )
    return {"deadline": deadline, "new_due_on": new_due_on, "reason": reason}


def deadline_extend(*, actor, deadline: Deadline, new_due_on: date, reason: str) -> Deadline:
    """Move an open deadline to a later date, for a reason (DfE officials only). It stays moved
    when its source syncs again, unless the source itself moves later still."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        checked = deadline_extension_check(actor=actor, deadline=locked, new_due_on=new_due_on, reason=reason)
        locked.extended_to = checked["new_due_on"]
        locked.extension_reason = checked["reason"]
        locked.due_on = effective_due_on(locked.source_due_on, locked.extended_to)
        save_as(actor, locked)
    return locked
