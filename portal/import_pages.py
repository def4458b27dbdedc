"""Imports in the browser, for DfE officials (SPEC §4.10): choose the kind and the file, see the dry run, confirm.

1. `/imports/`: the kind (radios, each saying what it holds and its columns) and a CSV or XLSX file.
   The file's size and type are checked, then it is kept server-side (below) and the browser is sent on.
2. `/imports/<token>/`: the dry run of the kept file: a summary, every row's outcome, every error by
   row and column. With errors there is no confirm button, only "Upload a corrected file".
3. Confirming re-runs the dry run: if its outcomes are not the ones shown (someone changed the data
   meanwhile), the new preview is shown instead. Otherwise the file is imported for real, all or
   nothing (`portal.imports.run_import`), the kept file is removed and a confirmation panel gives the counts.

Keeping the file between preview and confirm (docs/decisions/0023-import-pages.md): the uploaded bytes
are written to the default storage under `imports-pending/` with a random name (a 256-bit token, never
the user's filename), and the token is put in the uploader's session with the kind and filename. Only
that session can preview or confirm it, and what is imported is what was previewed, never a copy the
browser sends back. Not in the session itself: a file of up to IMPORT_MAX_BYTES would be read and
written on every request of that session. A kept file is removed when its import is confirmed, when
the same session uploads another, and by any upload once it is older than PENDING_HOURS.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from pathlib import PurePath

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import access
from .access import Permission
from .errors import DomainError
from .forms import run_form
from .imports import (
    FORMATS,
    IMPORT_KINDS,
    ImportRefused,
    ImportReport,
    read_upload,
    refuse_oversize,
    resource_class_for,
    run_import,
)
from .uploads import check_upload

PENDING_DIR = "imports-pending"
PENDING_HOURS = 6
SESSION_KEY = "pending_imports"

# What each kind holds, in words, for the choose page (the columns come from the resource itself).
KIND_DESCRIPTIONS = {
    "authorities": ("Local authorities", "The register of authorities, one row per LA code."),
    "contacts": ("Authority contacts", "People at each authority, one row per authority, email and role."),
    "dsg-figures": (
        "DSG figures",
        "An authority's Dedicated Schools Grant figures in pounds, one row per authority, financial year "
        "and source.",
    ),
    "enrolments": (
        "Enrolments",
        "Authorities in a programme's cohort and their status: invited, accepted, active or completed.",
    ),
    "dsg-published-allocations": (
        "DfE's published DSG allocations",
        "The published file dsg-total-allocation-by-year.csv, as downloaded.",
    ),
    "dsg-published-deficits": (
        "DfE's published DSG deficits",
        "The published file dsg-deficit-derived.csv, as downloaded.",
    ),
}

OUTCOME_LABELS = {"new": "New", "update": "Changed", "skip": "Unchanged", "error": "Error"}
OUTCOME_TAGS = {
    "new": "govuk-tag--green",
    "update": "govuk-tag--blue",
    "skip": "govuk-tag--grey",
    "error": "govuk-tag--red",
}


def kind_label(kind: str) -> str:
    return KIND_DESCRIPTIONS.get(kind, (kind, ""))[0]


def _kind_choice(kind: str) -> Choice:
    label, description = KIND_DESCRIPTIONS.get(kind, (kind, ""))
    resource = resource_class_for(kind)
    required = ", ".join(resource.required_columns)
    optional = ", ".join(
        column for column in resource.column_names() if column not in resource.required_columns
    )
    hint = f"{description} Columns: {required}" + (f"; optional: {optional}." if optional else ".")
    return Choice(kind, label, hint=hint)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are importing"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [_kind_choice(kind) for kind in IMPORT_KINDS]
        self.fields["file"].help_text = (
            "A CSV file saved as “CSV UTF-8”, or an Excel workbook (XLSX), "
            f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g} MB or smaller. The first row names the columns."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("file"),
            Button("submit", "Upload and preview"),
        )


# --- Keeping the file between preview and confirm -----------------------------------------------


def _pending(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _sweep_old_files() -> None:
    """Remove kept files older than PENDING_HOURS (an import previewed and never confirmed)."""
    if not default_storage.exists(PENDING_DIR):
        return
    cutoff = timezone.now() - timedelta(hours=PENDING_HOURS)
    for name in default_storage.listdir(PENDING_DIR)[1]:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _forget(request, token: str) -> None:
    pending = _pending(request)
    entry = pending.pop(token, None)
    if entry:
        default_storage.delete(entry["path"])
    request.session[SESSION_KEY] = pending


def keep_upload(request, *, kind: str, filename: str, content: bytes) -> str:
    """Keep an upload server-side under a random name for this session; its token."""
    _sweep_old_files()
    for token in list(_pending(request)):
        _forget(request, token)
    token = secrets.token_urlsafe(32)
    extension = PurePath(filename).suffix.lower().lstrip(".")
    path = default_storage.save(f"{PENDING_DIR}/{token}.{extension}", ContentFile(content))
    pending = _pending(request)
    pending[token] = {"kind": kind, "filename": filename, "path": path, "seen": ""}
    request.session[SESSION_KEY] = pending
    return token


def _entry(request, token: str) -> dict:
    """This session's kept upload, or 404 (another's token, a confirmed or an expired one)."""
    entry = _pending(request).get(token)
    if entry is None or not default_storage.exists(entry["path"]):
        raise Http404("No upload waiting to be imported here: upload the file again.")
    return entry


def _run(request, entry: dict, *, dry_run: bool) -> ImportReport:
    """Import the kept file as the signed-in user: a dry run, or for real (all or nothing)."""
    with default_storage.open(entry["path"], "rb") as kept:
        content = kept.read()
    return run_import(
        kind=entry["kind"],
        actor=request.user,
        dry_run=dry_run,
        file_bytes=content,
        filename=entry["filename"],
    )


def _fingerprint(report: ImportReport) -> str:
    outcomes = [[row.row, row.outcome, row.record] for row in report.rows]
    problems = [[p.row, p.column, p.message] for p in report.problems]
    return hashlib.sha256(json.dumps([outcomes, problems]).encode()).hexdigest()


# --- Pages --------------------------------------------------------------------------------------


def _check_file(upload) -> bytes:
    """The upload's bytes, once its size and type pass: a DomainError on `file` says what is wrong."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise DomainError("The selected file must be a CSV or XLSX file", field="file")
    try:
        refuse_oversize(upload.size)
    except ImportRefused as refused:
        raise DomainError(refused.message, field="file") from None
    check_upload(upload, field="file")  # its content is what its name says, and a workbook has no macros
    return upload.read()


@login_required
@require_http_methods(["GET", "POST"])
def import_choose_view(request):
    access.require(request.user, Permission.IMPORT_DATA)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in IMPORT_KINDS else {}
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)

        def upload(data):
            content = _check_file(data["file"])
            name = PurePath(data["file"].name).name
            try:  # the file as a whole: unreadable, or the wrong columns (rows are read in the preview)
                _, dataset = read_upload(file_bytes=content, filename=name)
                problems = resource_class_for(data["kind"]).column_problems(dataset.headers)
            except ImportRefused as refused:
                raise DomainError(refused.message, field="file") from None
            if problems:
                raise DomainError(" ".join(problems), field="file")
            return keep_upload(request, kind=data["kind"], filename=name, content=content)

        token = run_form(form, upload)
        if token is not None:
            return redirect("portal:import-preview", token=token)
    else:
        form = ImportUploadForm(initial=initial)
    return render(request, "portal/import_choose.html", {"form": form}, status=400 if form.errors else 200)


def _preview(
    request, token: str, entry: dict, report: ImportReport, *, changed: bool = False, status: int = 200
):
    entry["seen"] = _fingerprint(report)
    request.session.modified = True
    counts = report.counts
    context = {
        "token": token,
        "kind": entry["kind"],
        "kind_label": kind_label(entry["kind"]),
        "filename": entry["filename"],
        "report": report,
        "counts": counts,
        "rows": [(row, OUTCOME_LABELS[row.outcome], OUTCOME_TAGS[row.outcome]) for row in report.rows],
        "changed": changed,
    }
    return render(request, "portal/import_preview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview_view(request, token):
    access.require(request.user, Permission.IMPORT_DATA)
    entry = _entry(request, token)
    try:
        report = _run(request, entry, dry_run=True)
    except ImportRefused:  # cannot happen for a file that passed step 1, unless the columns changed meaning
        _forget(request, token)
        raise Http404("This upload can no longer be read: upload the file again.") from None
    if request.method == "GET":
        return _preview(request, token, entry, report)
    if not report.ok or _fingerprint(report) != entry["seen"]:
        # What would be written is not what was shown: show what it is now, and confirm nothing.
        return _preview(request, token, entry, report, changed=True, status=409)
    written = _run(request, entry, dry_run=False)
    if not written.written:  # changed between the dry run and now: all or nothing, so nothing was written
        return _preview(request, token, entry, written, changed=True, status=409)
    _forget(request, token)
    request.session["import_done"] = {
        "kind": entry["kind"],
        "filename": entry["filename"],
        "counts": written.counts,
    }
    return redirect("portal:import-done")


@login_required
def import_done_view(request):
    access.require(request.user, Permission.IMPORT_DATA)
    done = request.session.get("import_done")
    if done is None:
        return redirect("portal:imports")
    context = {**done, "kind_label": kind_label(done["kind"])}
    return render(request, "portal/import_done.html", context)
