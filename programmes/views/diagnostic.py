"""DBV Diagnostic pages: the programme's progress by tranche, one Diagnostic, and logging a stage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal import access
from portal.access import Permission
from portal.forms import run_form

from ..forms import DiagnosticStageForm
from ..models import StageStatus
from ..selectors.diagnostic import dbv_matrix, diagnostic_detail, training_feedback_share
from ..services.diagnostic import diagnostic_stage_update
from .grants import grant_award_offered

# The short tag shown in a matrix cell for each stage status (the key on the page explains them):
# short enough that all 12 stages fit beside the authority's name on a 1280 px screen.
STATUS_TAGS = {
    StageStatus.NOT_STARTED: ("To do", "govuk-tag--grey"),
    StageStatus.IN_PROGRESS: ("Started", "govuk-tag--blue"),
    StageStatus.COMPLETE: ("Done", "govuk-tag--green"),
    StageStatus.BLOCKED: ("Blocked", "govuk-tag--red"),
}


def tranche_heading(tranche: int, cohort_name: str) -> str:
    """ "Tranche 1" for the cohort named "Tranche 1" (not "Tranche 1: Tranche 1"); "Tranche 4: <name>" else."""
    label = f"Tranche {tranche}"
    return label if cohort_name in ("", label) else f"{label}: {cohort_name}"


def _cell_description(number: int, name: str, cell) -> str:
    """What a screen reader hears for one cell, like "Stage 3 Diagnostic started: complete, 12 March 2023"."""
    description = f"Stage {number} {name}: {cell.status_label.lower()}"
    if cell.actual_date:
        return f"{description}, {cell.actual_date:%-d %B %Y}"
    if cell.planned_date:
        return f"{description}, planned {cell.planned_date:%-d %B %Y}"
    return description


@login_required
@require_GET
def dbv_progress_view(request):
    access.require(request.user, Permission.VIEW_DBV_PROGRESS)
    matrix = dbv_matrix(user=request.user)
    names = {column.number: column.name for column in matrix.stages}
    tranches = []
    for tranche in matrix.tranches:
        rows = [
            {
                "row": row,
                "cells": [
                    {
                        "tag": STATUS_TAGS[cell.status][0],
                        "tag_class": STATUS_TAGS[cell.status][1],
                        "description": _cell_description(cell.number, names.get(cell.number, ""), cell),
                    }
                    for cell in row.stages
                ],
            }
            for row in tranche.rows
        ]
        counts = [
            {
                "number": stage.number,
                "name": names.get(stage.number, ""),
                "counts": [stage.counts.get(status, 0) for status in StageStatus.values],
            }
            for stage in tranche.stage_counts or []
        ]
        tranches.append(
            {
                "tranche": tranche,
                "heading": tranche_heading(tranche.tranche, tranche.cohort_name),
                "rows": rows,
                "counts": counts,
            }
        )
    return render(
        request,
        "programmes/dbv_progress.html",
        {
            "matrix": matrix,
            "tranches": tranches,
            "shows_rows": any(t["rows"] for t in tranches),
            "status_tags": [(label, *STATUS_TAGS[status]) for status, label in StageStatus.choices],
            "status_labels": StageStatus.labels,
            "training_share": training_feedback_share(user=request.user),
        },
    )


@login_required
@require_GET
def diagnostic_detail_view(request, pk):
    diagnostic = diagnostic_detail(user=request.user, pk=pk)
    return render(
        request,
        "programmes/diagnostic_detail.html",
        {
            "diagnostic": diagnostic,
            "tranche": (
                tranche_heading(cohort.tranche, cohort.name)
                if (cohort := diagnostic.enrolment.cohort).tranche
                else cohort.name
            ),
            "due_by": diagnostic.enrolment.cohort.programme.diagnostics_due_by,
            "can_log": diagnostic.is_open
            and access.can(request.user, Permission.LOG_DIAGNOSTIC_PROGRESS, diagnostic),
            "can_view_progress": access.can(request.user, Permission.VIEW_DBV_PROGRESS),
            "can_award_grant": grant_award_offered(request.user, diagnostic),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnostic_stage_view(request, pk, number):
    diagnostic = diagnostic_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.LOG_DIAGNOSTIC_PROGRESS, diagnostic)
    stage = next((s for s in diagnostic.stages.all() if s.definition.number == number), None)
    if stage is None:
        raise Http404("No such stage.")
    initial = {
        "status": stage.status,
        "planned_date": stage.planned_date,
        "actual_date": stage.actual_date,
        "notes": stage.notes,
    }
    form = DiagnosticStageForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = run_form(form, lambda data: diagnostic_stage_update(actor=request.user, stage=stage, **data))
        if saved is not None:
            messages.success(request, f"Stage {stage.definition.number} “{stage.definition.name}” saved.")
            return redirect("programmes:diagnostic", pk=diagnostic.pk)
    return render(
        request,
        "programmes/diagnostic_stage.html",
        {"diagnostic": diagnostic, "stage": stage, "form": form},
        status=400 if form.errors else 200,
    )
