"""What changed, by whom and when: writing it (`save_as`, `delete_as`) and reading it back as
readable before/after values from django-simple-history rows (SPEC §4.12).

Only people the access policy lets view history see it (Permission.VIEW_HISTORY, on an object they can see).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Field, Model
from django.utils import formats, timezone

from . import access
from .access import Permission
from .money import MoneyField, format_pounds

KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}
ENTRIES_PER_PAGE = 25


# --- Recording who made a change ----------------------------------------------------------------


def attribute_to(actor, obj: Model) -> Model:
    """Name `actor` as the person who makes the next change to `obj` (for a save made elsewhere, like an import's).

    django-simple-history reads `_history_user` from the instance before it falls back to the request.
    """
    obj._history_user = actor
    return obj


def save_as(actor, obj: Model, **save_kwargs) -> Model:
    """Save `obj`, its history row naming `actor` as the person who made the change."""
    attribute_to(actor, obj).save(**save_kwargs)
    return obj


def delete_as(actor, obj: Model) -> None:
    """Delete `obj`, its history row naming `actor` as the person who deleted it."""
    attribute_to(actor, obj).delete()


@dataclass(frozen=True)
class Change:
    """One field's move. `old` is "" on a creation row, `new` is "" on a deletion row."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    record: Model
    at: datetime
    user: Model | None
    kind: str
    changes: list[Change]


_FIRST = object()


def _fields(record) -> list[Field]:
    """The tracked fields worth showing: not the primary key, not the automatic timestamps."""
    return [
        field
        for field in record.tracked_fields
        if not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _raw_changes(record, previous) -> list[tuple[Field, object, object]]:
    # simple-history's diff_against compares editable fields only (it uses model_to_dict), which
    # would hide every status change (status is not editable): compare all tracked fields instead.
    values = [(field, field.value_from_object(record)) for field in _fields(record)]
    if record.history_type == "-":
        return [(field, value, None) for field, value in values if value not in (None, "")]
    if previous is None:
        return [(field, None, value) for field, value in values if value not in (None, "")]
    return [(field, old, new) for field, new in values if (old := field.value_from_object(previous)) != new]


def _related(raw: list[tuple[Field, object, object]]) -> dict[tuple[type[Model], object], Model]:
    """The objects the foreign keys point at: one query per related model, whatever the number of rows."""
    wanted: dict[type[Model], set] = defaultdict(set)
    for field, old, new in raw:
        if field.is_relation:
            wanted[field.related_model].update(v for v in (old, new) if v is not None)
    found = {}
    for model, pks in wanted.items():
        # select_related() follows the non-null foreign keys that str() often reads (a cohort's programme).
        for obj in model._default_manager.select_related().filter(pk__in=pks):
            found[(model, obj.pk)] = obj
    return found


def _display(field: Field, value, related: dict) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        obj = related.get((field.related_model, value))
        return str(obj) if obj is not None else f"{field.related_model._meta.verbose_name} {value} (deleted)"
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(field, MoneyField):
        return format_pounds(value)
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return formats.localize(value)
    return str(value)


def _changes(raw, related) -> list[Change]:
    return [
        Change(
            field=field.name,
            label=str(field.verbose_name),
            old=_display(field, old, related),
            new=_display(field, new, related),
        )
        for field, old, new in raw
    ]


def changes(record, previous=_FIRST) -> list[Change]:
    """What this history row changed against the row before it; a creation row lists every field set.

    `previous` defaults to `record.prev_record` (one query); pass it when you already hold it.
    """
    if previous is _FIRST:
        previous = record.prev_record
    raw = _raw_changes(record, previous)
    return _changes(raw, _related(raw))


def _newest_first(obj: Model):
    return obj.history.select_related("history_user").order_by("-history_date", "-history_id")


def _entries(records: list, *, older=None) -> list[HistoryEntry]:
    """Entries for consecutive history rows, newest first; `older` is the row just before the last of
    them (None when the last is the first row of all). One query per model a foreign key points at."""
    raws = [
        _raw_changes(record, records[index + 1] if index + 1 < len(records) else older)
        for index, record in enumerate(records)
    ]
    related = _related([change for raw in raws for change in raw])
    return [
        HistoryEntry(
            record=record,
            at=record.history_date,
            user=record.history_user,
            kind=KINDS.get(record.history_type, record.history_type),
            changes=_changes(raw, related),
        )
        for record, raw in zip(records, raws, strict=True)
    ]


def history_for(*, user, obj: Model) -> list[HistoryEntry]:
    """`obj`'s history, newest first, each row with who made it and what changed.

    404 if `obj` is out of the user's scope, 403 if they may see it but not its history. Runs in a
    fixed number of queries: the rows with their users, then one per model a foreign key points at.
    """
    access.require(user, Permission.VIEW_HISTORY, obj)
    return _entries(list(_newest_first(obj)))


def history_page(*, user, obj: Model, page_number, per_page: int = ENTRIES_PER_PAGE) -> Page:
    """One page of `obj`'s history, newest first: a Page of HistoryEntry (page 1 for a number that is
    not one, the last page for one past the end).

    As history_for (404 out of scope, 403 without the permission), in a fixed number of queries
    whatever the number of rows: the count, the page's rows with their users plus the row just
    before the page's last (to tell what the last changed), then one per model a foreign key points at.
    """
    access.require(user, Permission.VIEW_HISTORY, obj)
    rows = _newest_first(obj)
    paginator = Paginator(rows, per_page)
    number = paginator.get_page(page_number).number
    first = (number - 1) * per_page
    records = list(rows[first : first + per_page + 1])
    older = records[per_page] if len(records) > per_page else None
    return Page(_entries(records[:per_page], older=older), number, paginator)
