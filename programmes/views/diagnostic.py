"""DBV Diagnostic pages: the programme's progress by tranche, one Diagnostic, logging a stage, and logging a
stakeholder engagement or a training session (question page, check your answers, confirmation: neither can
be deleted once logged, decision 0029)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal import access, answers
from portal.access import Permission
from portal.forms import run_form

from ..forms import DiagnosticStageForm, EngagementForm, TrainingSessionForm
from ..models import EngagementKind, FeedbackRating, StageStatus
from ..selectors.diagnostic import (
    dbv_matrix,
    diagnostic_detail,
    diagnostic_engagements,
    diagnostic_training_sessions,
    training_feedback,
    training_session_list,
)
from ..services.diagnostic import diagnostic_stage_update, engagement_log, training_session_log
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
            "training_feedback": training_feedback(user=request.user),
        },
    )


# The Diagnostic page lists the most recent engagements and training sessions, newest first, and says how
# many there are in all: the page stays the same size however many are logged (decision 0029).
RECENT_RECORDS = 10


@login_required
@require_GET
def diagnostic_detail_view(request, pk):
    diagnostic = diagnostic_detail(user=request.user, pk=pk)
    can_view_progress = access.can(request.user, Permission.VIEW_DBV_PROGRESS)
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
            "can_view_progress": can_view_progress,
            "can_award_grant": grant_award_offered(request.user, diagnostic),
            "engagements": diagnostic_engagements(
                user=request.user, diagnostic=diagnostic, limit=RECENT_RECORDS
            ),
            "training_sessions": diagnostic_training_sessions(
                user=request.user, diagnostic=diagnostic, limit=RECENT_RECORDS
            ),
            "training_feedback": training_feedback(user=request.user) if can_view_progress else None,
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


# --- Logging a stakeholder engagement or a training session ---------------------------------
# The answers wait in the session between the question page and its check page (portal.answers).


def _loggable_diagnostic(request, pk):
    """The Diagnostic, if the user may see it (404 otherwise) and log its progress (403 otherwise)."""
    diagnostic = diagnostic_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.LOG_DIAGNOSTIC_PROGRESS, diagnostic)
    return diagnostic


def _question_page(request, template, diagnostic, form):
    return render(
        request, template, {"diagnostic": diagnostic, "form": form}, status=400 if form.errors else 200
    )


def _question(request, pk, *, kind: str, form_class, template: str, check: str):
    """The question page: valid answers are kept for the check page, invalid ones shown with their errors."""
    diagnostic = _loggable_diagnostic(request, pk)
    key = f"{kind}:{diagnostic.pk}"
    if request.method == "POST":
        form = form_class(request.POST)
        if diagnostic.is_open and form.is_valid():
            answers.keep(request, key, request.POST)
            return redirect(check, pk=diagnostic.pk)
        return _question_page(request, template, diagnostic, form)
    stored = answers.kept(request, key)
    return _question_page(request, template, diagnostic, form_class(stored) if stored else form_class())


@login_required
@require_http_methods(["GET", "POST"])
def engagement_log_view(request, pk):
    return _question(
        request,
        pk,
        kind="engagement",
        form_class=EngagementForm,
        template="programmes/engagement_log.html",
        check="programmes:engagement-log-check",
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_log_check_view(request, pk):
    diagnostic = _loggable_diagnostic(request, pk)
    key = f"engagement:{diagnostic.pk}"
    stored = answers.kept(request, key)
    form = EngagementForm(stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:engagement-log", pk=diagnostic.pk)
    if request.method == "POST":
        engagement = run_form(
            form, lambda data: engagement_log(actor=request.user, diagnostic=diagnostic, **data)
        )
        if engagement is None:
            return _question_page(request, "programmes/engagement_log.html", diagnostic, form)
        answers.forget(request, key)
        messages.success(
            request,
            f"Engagement logged: {engagement.get_kind_display().lower()}, {engagement.held_on:%-d %B %Y}.",
        )
        return redirect("programmes:diagnostic", pk=diagnostic.pk)
    data = form.cleaned_data
    return render(
        request,
        "programmes/engagement_check.html",
        {"diagnostic": diagnostic, "data": data, "kind": EngagementKind(data["kind"]).label},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_log_view(request, pk):
    return _question(
        request,
        pk,
        kind="training",
        form_class=TrainingSessionForm,
        template="programmes/training_log.html",
        check="programmes:training-log-check",
    )


def _ratings(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(field, label, count) for each rating, best first."""
    return [(rating, FeedbackRating(rating).label, count) for rating, count in counts.items()]


@login_required
@require_http_methods(["GET", "POST"])
def training_log_check_view(request, pk):
    diagnostic = _loggable_diagnostic(request, pk)
    key = f"training:{diagnostic.pk}"
    stored = answers.kept(request, key)
    form = TrainingSessionForm(stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:training-log", pk=diagnostic.pk)
    data = form.cleaned_data
    if request.method == "POST":
        session = run_form(
            form,
            lambda data: training_session_log(
                actor=request.user,
                diagnostic=diagnostic,
                module=data["module"],
                held_on=data["held_on"],
                **form.counts(),
            ),
        )
        if session is None:
            return _question_page(request, "programmes/training_log.html", diagnostic, form)
        answers.forget(request, key)
        return redirect("programmes:training-logged", pk=session.pk)
    counts = form.counts()
    return render(
        request,
        "programmes/training_check.html",
        {
            "diagnostic": diagnostic,
            "data": data,
            "ratings": _ratings(counts),
            "responses": sum(counts.values()),
            "favourable": counts["exceptional"] + counts["very_good"],
        },
    )


@login_required
@require_GET
def training_logged_view(request, pk):
    session = access.get_visible_or_404(request.user, training_session_list(user=request.user), pk=pk)
    diagnostic = _loggable_diagnostic(request, session.diagnostic_id)
    return render(
        request,
        "programmes/training_logged.html",
        {
            "diagnostic": diagnostic,
            "session": session,
            "favourable": session.exceptional + session.very_good,
            "training_feedback": training_feedback(user=request.user),
        },
    )
