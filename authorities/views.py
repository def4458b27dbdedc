"""The DSG return pages (SPEC §4.7): an authority's finance lead returns a year's DSG figures, checks
the answers, and the confirmation. The answers wait in the session until the check page runs the service.

Who may is the access policy's (Permission.SUBMIT_DSG_RETURN on the authority): another authority is a
404, as if it did not exist; an authority the user sees but may not return figures for, a 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal import access, answers
from portal.access import Permission
from portal.forms import run_form
from portal.money import format_pounds

from .forms import DsgReturnForm
from .models import DsgFigure, FigureSource, LocalAuthority
from .services import DSG_RETURN_FIGURES, dsg_return_checked, dsg_return_current, dsg_return_submit


def _authority_to_return_for(request, la_code: str) -> LocalAuthority:
    authority = access.get_visible_or_404(
        request.user, LocalAuthority.objects.select_related("region"), la_code=la_code
    )
    access.require(request.user, Permission.SUBMIT_DSG_RETURN, authority)
    return authority


def _session_key(authority: LocalAuthority) -> str:
    return f"dsg-return-{authority.la_code}"


def _checked(authority: LocalAuthority):
    """run_form's call: the service's own checks of the answers, before check your answers."""
    return lambda data: dsg_return_checked(authority=authority, **data)


def _question_page(request, authority, form):
    return render(
        request,
        "authorities/dsg_return_form.html",
        {"authority": authority, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dsg_return_view(request, la_code):
    """The question page: the year and the five figures, in pounds."""
    authority = _authority_to_return_for(request, la_code)
    key = _session_key(authority)
    if request.method == "POST":
        form = DsgReturnForm(request.POST)
        if run_form(form, _checked(authority)) is not None:
            answers.keep(request, key, request.POST)
            return redirect("authorities:dsg-return-check", la_code=authority.la_code)
    else:
        stored = answers.kept(request, key)
        form = DsgReturnForm(stored) if stored else DsgReturnForm()
    return _question_page(request, authority, form)


def _rows(figure) -> list[tuple[str, str, str]]:
    """(field, label, amount shown) of each figure of a return."""
    return [(field, label, _shown(getattr(figure, field))) for field, label in DSG_RETURN_FIGURES]


def _shown(amount) -> str:
    return format_pounds(amount) if amount is not None else "Not given"


@login_required
@require_http_methods(["GET", "POST"])
def dsg_return_check_view(request, la_code):
    """Check your answers, then submit through the service; its refusals go back to the question page."""
    authority = _authority_to_return_for(request, la_code)
    key = _session_key(authority)
    stored = answers.kept(request, key)
    form = DsgReturnForm(stored) if stored else None
    figures = run_form(form, _checked(authority)) if form is not None else None
    if figures is None:
        return redirect("authorities:dsg-return", la_code=authority.la_code)
    if request.method == "POST":
        figure = run_form(
            form, lambda data: dsg_return_submit(actor=request.user, authority=authority, **data)
        )
        if figure is None:
            return _question_page(request, authority, form)
        answers.forget(request, key)
        return redirect("authorities:dsg-return-submitted", la_code=authority.la_code, pk=figure.pk)
    year = figures.financial_year
    replaces = dsg_return_current(authority=authority, financial_year=year)
    published = access.visible(
        request.user,
        DsgFigure.objects.filter(authority=authority, financial_year=year, source=FigureSource.PUBLISHED),
    ).first()
    return render(
        request,
        "authorities/dsg_return_check.html",
        {
            "authority": authority,
            "year": year,
            "rows": _rows(figures),
            "notes": figures.notes,
            "replaces": [(label, _shown(getattr(replaces, field))) for field, label in DSG_RETURN_FIGURES]
            if replaces
            else None,
            "published": published,
        },
    )


@login_required
@require_GET
def dsg_return_submitted_view(request, la_code, pk):
    """The confirmation: the LA return as recorded."""
    authority = access.get_visible_or_404(request.user, LocalAuthority.objects.all(), la_code=la_code)
    figure = access.get_visible_or_404(
        request.user, DsgFigure.objects.filter(authority=authority).select_related("authority"), pk=pk
    )
    if figure.source != FigureSource.LA_RETURN:
        raise Http404("Only an LA return is submitted on these pages.")
    return render(
        request,
        "authorities/dsg_return_submitted.html",
        {"authority": authority, "figure": figure, "rows": _rows(figure)},
    )
