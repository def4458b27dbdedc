"""Idempotent writes for reference data: create or update a row only when it differs, so that
loading the same facts twice changes nothing and leaves no new history."""

from __future__ import annotations

from django.db.models import Model

from .history import save_as


def sync_row(model: type[Model], *, lookup: dict, values: dict, user) -> tuple[Model, bool]:
    """Make the row found by `lookup` hold `values`. Returns (row, changed)."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
    elif all(getattr(row, field) == value for field, value in values.items()):
        return row, False
    else:
        for field, value in values.items():
            setattr(row, field, value)
    row.full_clean()
    save_as(user, row)
    return row, True
