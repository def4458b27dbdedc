"""Marks what a service made for the demo as demo data: the services themselves know nothing of the demo."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def mark_demo(records: Iterable[models.Model] | models.QuerySet) -> int:
    """Set `is_demo` on the records (and on their history, so every version says so). Returns how many."""
    records = list(records)
    if not records:
        return 0
    model = type(records[0])
    pks = [record.pk for record in records]
    marked = model.objects.filter(pk__in=pks).update(is_demo=True)
    history = getattr(model, "history", None)
    if history is not None:
        history.filter(id__in=pks).update(is_demo=True)
    for record in records:
        record.is_demo = True
    return marked


def backdate(record: models.Model, **moments) -> None:
    """Give a demo record the story's times (when it was submitted, assessed, decided), not the seed's.

    Only the record is changed: its history keeps when the seed really wrote it.
    """
    type(record).objects.filter(pk=record.pk).update(**moments)
    for field, value in moments.items():
        setattr(record, field, value)
