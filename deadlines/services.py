"""Deadlines follow their source records (SPEC §4.8).

Every service that creates, reschedules, completes or deletes a dated obligation calls
`deadline_sync` for it; the deadline is created, moved, closed or reopened to match. A source
without a date has no deadline. Deleting a source deletes its deadline (generic relation).
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from portal.history import delete_as, save_as

from .models import Deadline


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
        "due_on": due_on,
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
