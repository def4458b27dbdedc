"""Spreadsheet imports and exports (SPEC §4.10): CSV or XLSX in, all or nothing; CSV or XLSX out, scoped and inert.

Every import path (the admin, `import_data`, `run_import`) goes through `PortalResource.import_data`.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

import tablib
from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils.module_loading import import_string
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from . import access
from .access import Permission
from .errors import DomainError
from .financial_year import FinancialYear
from .history import save_as
from .money import MoneyError, parse_money

logger = logging.getLogger(__name__)

IMPORT_KINDS = {
    "authorities": "authorities.resources.LocalAuthorityResource",
    "contacts": "authorities.resources.ContactResource",
    "dsg-figures": "authorities.resources.DsgFigureResource",
    "enrolments": "programmes.resources.EnrolmentResource",
    "dsg-published-allocations": "authorities.published.PublishedAllocationResource",
    "dsg-published-deficits": "authorities.published.PublishedDeficitResource",
}

# A spreadsheet runs a cell beginning with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "skip",
}


class ImportRefused(DomainError):
    """The file as a whole cannot be imported: too big, not CSV or XLSX, unreadable, or the wrong columns."""


# --- Reading cells ------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text, trimmed. Undoes our own export's neutralising quote, so an export imports back as it was."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def neutralise(text: str) -> str:
    """Make a text cell inert in a spreadsheet: a leading quote stops it being read as a formula."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


_EMPTY = "This cell is empty: it needs a value."


class TextWidget(widgets.CharWidget):
    def __init__(self, *, required: bool = False):
        super().__init__(allow_blank=True)
        self.required = required

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if self.required and not text:
            raise ValueError(_EMPTY)
        return text


class ChoiceWidget(widgets.Widget):
    """One of a model field's choices, given as its stored value or its label (any case)."""

    def __init__(self, choices, *, required: bool = True):
        super().__init__()
        self.choices = list(choices)
        self.required = required

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_EMPTY)
            return ""
        for stored, label in self.choices:
            if text.casefold() in (str(stored).casefold(), str(label).casefold()):
                return stored
        allowed = ", ".join(str(stored) for stored, _ in self.choices)
        raise ValueError(f"“{text}” is not one of the allowed values: {allowed}.")


class LookupWidget(widgets.ForeignKeyWidget):
    """A related row found by one of its fields (any case), with a message a person can act on when it is not."""

    def __init__(
        self,
        model: type[Model],
        field: str,
        *,
        missing: str,
        also: tuple[str, ...] = (),
        required: bool = True,
    ):
        super().__init__(model, field)
        self.missing = missing
        self.lookups = (field, *also)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_EMPTY)
            return None
        matches = Q()
        for lookup in self.lookups:
            matches |= Q(**{f"{lookup}__iexact": text})
        try:
            return self.get_queryset(text, row).get(matches)
        except (ObjectDoesNotExist, MultipleObjectsReturned):
            raise ValueError(self.missing.format(value=text)) from None


class DateWidget(widgets.DateWidget):
    """Dates as 2023-04-01 or 01/04/2023 (day first), or a spreadsheet's own date cell."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

    def __init__(self, *, required: bool = False):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_EMPTY)
            return None
        for pattern in self.FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(f"“{text}” is not a date: write it like 2023-04-01 or 01/04/2023.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class FinancialYearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> FinancialYear:
        text = cell_text(value)
        if not text:
            raise ValueError(_EMPTY)
        return FinancialYear.parse(text)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class MoneyWidget(widgets.DecimalWidget):
    """An amount in pounds, read by portal.money.parse_money (so -£1,234.50 and 1234.5 are read, 12.345 is not).

    An empty cell is no amount (None). A workbook's number cell reaches here as the text it holds
    (see `read_xlsx`). `round_to_penny` is for published figures that carry fractions of a penny.
    Exports write the number itself: never text.
    """

    def __init__(self, *, round_to_penny: bool = False):
        super().__init__()
        self.round_to_penny = round_to_penny

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if isinstance(value, str):
            value = cell_text(value)
            if not value:
                return None
        elif value is None:
            return None
        try:
            return parse_money(value, round_to_penny=self.round_to_penny)
        except MoneyError as error:
            raise ValueError(error.message) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


# The older name, still used for the percentage columns (exact, at most 2 places, like money).
ExactDecimalWidget = MoneyWidget


# --- Resources ----------------------------------------------------------------------------------


class PortalResource(resources.ModelResource):
    """A model's columns for import and export, acting for `actor` through the access policy.

    An import writes all of its rows or none of them, records `actor` in every history row, and
    numbers rows as a spreadsheet does (the header is row 1).
    """

    kind_label = "row"
    #: The columns that identify a row; a file naming the same one twice is refused at the second.
    key_columns: tuple[str, ...] = ()
    #: Columns a file must have; the others may be left out (and are then left as they are).
    required_columns: tuple[str, ...] = ()

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.file_name = ""
        self._seen_keys: dict[tuple[str, ...], int] = {}

    @classmethod
    def column_names(cls) -> list[str]:
        return [field.column_name for field in cls.fields.values()]

    @classmethod
    def column_problems(cls, headers) -> list[str]:
        headers = [cell_text(header) for header in headers or []]
        problems = []
        missing = [column for column in cls.required_columns if column not in headers]
        if missing:
            problems.append(
                f"The file has no {', '.join(missing)} column: the first row must name the columns."
            )
        if "" in headers:
            problems.append("A column has no name in the header row.")
        unknown = [header for header in headers if header and header not in cls.column_names()]
        if unknown:
            problems.append(f"Columns not recognised: {', '.join(unknown)}.")
        repeated = sorted({header for header in headers if header and headers.count(header) > 1})
        if repeated:
            problems.append(f"Columns named twice: {', '.join(repeated)}.")
        if problems:
            problems.append(f"The columns are: {', '.join(cls.column_names())}.")
        return problems

    def column_for(self, name: str) -> str:
        """The column a field (or a model field) is read from, for error messages."""
        for key, resource_field in self.fields.items():
            if name in (key, resource_field.attribute):
                return resource_field.column_name
        return name

    def get_queryset(self) -> QuerySet:
        return access.visible(self.actor, super().get_queryset())

    # Import ---------------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, **kwargs) -> Result:
        """Import every row or none: any row's error, or a dry run, rolls the whole file back."""
        access.require(self.actor, Permission.IMPORT_DATA)
        self.file_name = PurePath(kwargs.get("file_name") or "").name
        self._seen_keys = {}
        problems = self.column_problems(dataset.headers)
        if problems:
            result = self.get_result_class()()
            result.append_base_error(self.get_error_result_class()(ImportRefused(" ".join(problems))))
            return result
        kwargs.update(raise_errors=False, use_transactions=True, rollback_on_validation_errors=True)
        # import-export commits rows that pass when others fail validation unless told otherwise;
        # this outer transaction makes all-or-nothing hold whatever it does.
        with transaction.atomic():
            result = super().import_data(dataset, dry_run=dry_run, **kwargs)
            if dry_run or result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
        self._number_as_spreadsheet(result)
        return result

    def import_row(self, row, instance_loader, **kwargs) -> RowResult:
        if all(not cell_text(value) for value in row.values()):
            blank = self.get_row_result_class()()
            blank.import_type = RowResult.IMPORT_TYPE_SKIP
            blank.object_repr = "(blank row)"
            return blank
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        key = tuple(cell_text(row.get(column)).casefold() for column in self.key_columns)
        if not any(key):
            return
        first = self._seen_keys.setdefault(key, row_number + 1)
        if first != row_number + 1:
            named = ", ".join(f"{column} {cell_text(row.get(column))}" for column in self.key_columns)
            raise ValidationError(f"Row {first} already has {named}: each {self.kind_label} may appear once.")

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # an unreadable key column is reported by name when the row's fields are read

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self.row_problems(instance).items():
            errors.setdefault(name, message)
        super().validate_instance(instance, errors, validate_unique)

    def row_problems(self, instance) -> dict[str, str]:
        """Rules beyond the model's own validation, as {column: message}."""
        return {}

    def do_instance_save(self, instance, is_create):
        save_as(self.actor, instance, force_insert=is_create)

    def _number_as_spreadsheet(self, result: Result) -> None:
        for invalid in result.invalid_rows:
            invalid.number += 1
            invalid.error_dict = {
                key if key == NON_FIELD_ERRORS else self.column_for(key): messages
                for key, messages in invalid.error_dict.items()
            }
        for error_row in result.error_rows:
            error_row.number += 1
            for error in error_row.errors:
                error.number = error_row.number

    # Export ---------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str) and not isinstance(field.widget, widgets.NumberWidget):
            return neutralise(value)
        return value


def resource_class_for(kind: str) -> type[PortalResource]:
    if kind not in IMPORT_KINDS:
        raise ImportRefused(f"“{kind}” is not something we import: choose one of {', '.join(IMPORT_KINDS)}.")
    return import_string(IMPORT_KINDS[kind])


# --- Files --------------------------------------------------------------------------------------


def _padded(rows: list[list], width: int) -> list[list]:
    out = []
    for number, row in enumerate(rows, start=2):
        if len(row) > width and any(cell_text(cell) for cell in row[width:]):
            raise ImportRefused(f"Row {number} has more cells than the header row has column names.")
        out.append((list(row) + [""] * width)[:width])
    while out and not any(cell_text(cell) for cell in out[-1]):
        out.pop()
    return out


def _dataset(rows: list[list]) -> tablib.Dataset:
    if not rows or not any(cell_text(cell) for cell in rows[0]):
        raise ImportRefused("The file is empty: its first row must name the columns.")
    headers = [cell_text(cell) for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    data = _padded(rows[1:], len(headers))
    if not data:
        raise ImportRefused("The file has no rows to import under its header row.")
    return tablib.Dataset(*data, headers=headers)


def read_csv(content: bytes) -> tablib.Dataset:
    if content.startswith(b"PK\x03\x04"):
        raise ImportRefused("This file is a workbook, not CSV text: give it the .xlsx extension.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8 (comma delimited)”."
        ) from None
    if "\x00" in text:
        raise ImportRefused("The file is not CSV text: it holds binary data.")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportRefused(f"The file cannot be read as CSV: {error}.") from None
    return _dataset(rows)


def _workbook_cell(value):
    """A workbook cell as our widgets read it: a number cell as the shortest text that holds it.

    openpyxl hands number cells over as floats; the amount a person typed (-1234567.89) is the
    float's shortest repr, so money is read from that text exactly, never from the float itself.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def read_xlsx(content: bytes) -> tablib.Dataset:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused("The file is not an Excel workbook (.xlsx): save it as one, or as CSV UTF-8.")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(member.file_size for member in archive.infolist()) > 20 * settings.IMPORT_MAX_BYTES:
            raise ImportRefused("The workbook unpacks to far more data than we import at once: split it.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = [[_workbook_cell(cell) for cell in row] for row in workbook.active.iter_rows(values_only=True)]
        workbook.close()
    except Exception:
        raise ImportRefused(
            "The file is not an Excel workbook (.xlsx): save it as one, or as CSV UTF-8."
        ) from None
    return _dataset(rows)


class CsvFormat(base_formats.CSV):
    """CSV read by our reader (UTF-8, every row numbered as in the file) and written as UTF-8 with a BOM for Excel."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        return read_csv(in_stream)

    def export_data(self, dataset, **kwargs) -> bytes:
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")


class XlsxFormat(base_formats.XLSX):
    def create_dataset(self, in_stream) -> tablib.Dataset:
        return read_xlsx(in_stream)


FORMATS = {"csv": CsvFormat, "xlsx": XlsxFormat}


def refuse_oversize(size: int) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(
            f"The file is bigger than {_size_label(limit)}, the most we import at once: split it into smaller files."
        )


def read_upload(*, file_bytes: bytes, filename: str) -> tuple[base_formats.Format, tablib.Dataset]:
    """Check an upload's size and type (by extension and by content) and read its rows."""
    refuse_oversize(len(file_bytes))
    extension = PurePath(filename or "").suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ImportRefused(
            f"“{PurePath(filename or '').name}” is not a CSV or XLSX file: we import only those two."
        )
    file_format = FORMATS[extension]()
    return file_format, file_format.create_dataset(file_bytes)


# --- Reports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # numbered as in the spreadsheet (the header is row 1); None for the file as a whole
    column: str  # "" when no one column is at fault
    message: str

    def __str__(self) -> str:
        where = "The file" if self.row is None else f"Row {self.row}"
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True)
class RowOutcome:
    row: int
    outcome: str  # new, update, skip or error
    record: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.outcome for row in self.rows)
        return {outcome: counted[outcome] for outcome in ("new", "update", "skip", "error")}

    def as_text(self) -> str:
        lines = [
            f"Import of {self.kind} ({'dry run' if self.dry_run else 'confirmed'}). Rows are numbered as in the file."
        ]
        lines += [
            f"Row {row.row}: {row.outcome}{f' — {row.record}' if row.record else ''}" for row in self.rows
        ]
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s):")
            lines += [f"  {problem}" for problem in self.problems]
        lines.append(", ".join(f"{count} {outcome}" for outcome, count in self.counts.items()) + ".")
        if not self.ok:
            lines.append("Nothing was written: correct the problems and import the whole file again.")
        elif self.dry_run:
            lines.append("Dry run: nothing was written. Confirm to write these changes.")
        else:
            lines.append(
                "Written: new and updated rows are saved; skipped rows were already as the file says."
            )
        return "\n".join(lines)


def problems_of(result: Result) -> list[ImportProblem]:
    """Every problem in an import result, by row and column (rows already numbered as in the file)."""
    problems = [ImportProblem(None, "", _message(error.error)) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            problems += [
                ImportProblem(invalid.number, "" if column == NON_FIELD_ERRORS else column, message)
                for message in messages
            ]
    for number, errors in result.row_errors():
        problems += [ImportProblem(number, "", _message(error.error)) for error in errors]
    return sorted(problems, key=lambda problem: problem.row or 0)


def _message(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    logger.warning("Import row failed unexpectedly", exc_info=error)
    return f"The row could not be imported ({type(error).__name__}: {error})."


def report_of(*, kind: str, result: Result, dry_run: bool) -> ImportReport:
    rows = [
        RowOutcome(row=index, outcome=OUTCOMES.get(row.import_type, "error"), record=row.object_repr or "")
        for index, row in enumerate(result.rows, start=2)
    ]
    return ImportReport(kind=kind, dry_run=dry_run, rows=rows, problems=problems_of(result))


def run_import(
    *,
    kind: str,
    actor,
    dry_run: bool,
    file_bytes: bytes | None = None,
    filename: str = "",
    dataset: tablib.Dataset | None = None,
) -> ImportReport:
    """Import a CSV/XLSX file (or a dataset) of `kind` as `actor`: a dry run writes nothing; otherwise all or nothing."""
    access.require(actor, Permission.IMPORT_DATA)
    resource_class = resource_class_for(kind)
    if dataset is None:
        _, dataset = read_upload(file_bytes=file_bytes or b"", filename=filename)
    problems = resource_class.column_problems(dataset.headers)
    if problems:
        raise ImportRefused(" ".join(problems))
    result = resource_class(actor=actor).import_data(dataset, dry_run=dry_run, file_name=filename)
    return report_of(kind=kind, result=result, dry_run=dry_run)


# --- Exports ------------------------------------------------------------------------------------


def render_export(
    *,
    resource: PortalResource,
    file_format: base_formats.Format,
    queryset: QuerySet | None = None,
    fields=None,
) -> bytes:
    """The rows of `queryset` that the resource's actor may see, as a file; text cells made inert, numbers kept numbers."""
    rows = access.visible(resource.actor, queryset if queryset is not None else resource.get_queryset())
    native = isinstance(file_format, base_formats.XLSX)
    dataset = resource.export(queryset=rows, export_fields=fields, force_native_type=native)
    return file_format.export_data(dataset)


def export_rows(*, kind: str, actor, file_format: str = "csv", queryset: QuerySet | None = None) -> bytes:
    """Export the `kind` rows `actor` may see as CSV or XLSX."""
    if file_format not in FORMATS:
        raise DomainError(f"“{file_format}” is not an export format: choose csv or xlsx.", field="format")
    resource = resource_class_for(kind)(actor=actor)
    return render_export(resource=resource, file_format=FORMATS[file_format](), queryset=queryset)
