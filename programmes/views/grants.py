"""Grants and payments pages (SPEC §4.6): national totals, the rows behind each, and awarding a DBV grant.

Each figure is what the API's grant-totals gives the same user (programmes.selectors.grants): national
for a DfE official, their own authority's for a finance lead, their assigned authorities' for a
delivery partner, and none for a steering member (decision 0024).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portal import access, answers
from portal.access import Permission
from portal.forms import run_form
from portal.money import format_pounds

from ..grant_forms import (
    GRANT_PROGRAMMES,
    PAYMENT_ROWS,
    DbvGrantAwardForm,
    GrantRowsFilterForm,
    PaymentRowsFilterForm,
)
from ..models import Grant, GrantKind, StageStatus
from ..selectors.diagnostic import diagnostic_detail
from ..selectors.grants import grant_list, grants_behind, national_grant_totals, payments_behind
from ..services.grants import APPLICATION_SUBMITTED_STAGE, dbv_grant_award

ROWS_PER_PAGE = 50
PROGRAMME_NAMES = dict(GRANT_PROGRAMMES)
TOTALS = [
    ("awarded", "Awarded"),
    ("released", "Released"),
    ("withheld", "Withheld"),
    ("scheduled", "Scheduled"),
]


def _scope(user) -> str:
    """Whose money the figures cover, in the user's own terms."""
    if access.is_dfe(user):
        return "Every authority's grants and payments."
    if user.authority_id:
        return f"The grants and payments of {user.authority.name}."
    if user.organisation:
        return (
            f"The grants and payments of the DBV authorities assigned to {user.get_organisation_display()}."
        )
    return ""


@login_required
@require_GET
def grant_totals_view(request):
    rows = []
    for totals in national_grant_totals(user=request.user):
        query = f"programme={totals.programme}&financial_year={totals.financial_year}"
        figures = []
        for name, label in TOTALS:
            amount = getattr(totals, name)
            if name == "awarded":
                href = f"{reverse('programmes:grants-awarded')}?{query}"
            else:
                href = f"{reverse('programmes:grant-payments')}?{query}&status={name}"
            figures.append({"label": label, "amount": amount, "href": href if amount else ""})
        rows.append({"totals": totals, "programme": PROGRAMME_NAMES[totals.programme], "figures": figures})
    return render(
        request,
        "programmes/grant_totals.html",
        {"rows": rows, "headings": [label for _, label in TOTALS], "scope": _scope(request.user)},
    )


def _filtered(request, form_class):
    """The filter form bound to the query string, refusing any filter the page does not have."""
    form = form_class(request.GET or None)
    unknown = sorted(set(request.GET) - set(form.fields) - {"page"})
    if form.is_bound and form.is_valid() and unknown:
        form.add_error(None, f"“{unknown[0]}” is not a filter of this page: filter by {_names(form)}.")
    return form


def _names(form) -> str:
    labels = [field.label.lower() for field in form.fields.values()]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _rows_page(request, form, rows, template, caption):
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "caption": caption,
            "query": query.urlencode(),
            "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        },
    )


def _caption(what: str, data: dict) -> str:
    parts = [PROGRAMME_NAMES[data["programme"]]] if data.get("programme") else []
    parts.append(what)
    if data.get("financial_year"):
        parts.append(f"in {data['financial_year']}")
    caption = " ".join(parts)
    return caption[:1].upper() + caption[1:]


def _refused(request, form, template):
    return render(request, template, {"form": form, "refused": True}, status=400)


@login_required
@require_GET
def grant_payments_view(request):
    template = "programmes/grant_payments.html"
    form = _filtered(request, PaymentRowsFilterForm)
    if form.is_bound and not form.is_valid():
        return _refused(request, form, template)
    data = form.cleaned_data if form.is_bound else {}
    status = data.get("status") or ""
    payments = payments_behind(
        user=request.user,
        programme=data.get("programme") or None,
        financial_year=data.get("financial_year"),
        status=status or None,
    )
    what = f"payments {status}" if status in ("released", "withheld") else f"{status or 'all'} payments"
    return _rows_page(request, form, payments, template, _caption(what, data))


@login_required
@require_GET
def grants_awarded_view(request):
    template = "programmes/grants_awarded.html"
    form = _filtered(request, GrantRowsFilterForm)
    if form.is_bound and not form.is_valid():
        return _refused(request, form, template)
    data = form.cleaned_data if form.is_bound else {}
    grants = grants_behind(
        user=request.user, programme=data.get("programme") or None, financial_year=data.get("financial_year")
    )
    return _rows_page(request, form, grants, template, _caption("grants awarded", data))


# --- Awarding a DBV implementation grant ---------------------------------------------------------


def grant_award_offered(user, diagnostic) -> bool:
    """Whether the Diagnostic page offers `user` to award the implementation grant: a DfE official, on an
    open Diagnostic whose grant application stage is complete and which has no grant yet."""
    if not (access.is_dfe(user) and diagnostic.is_open):
        return False
    application = next(
        (s for s in diagnostic.stages.all() if s.definition.number == APPLICATION_SUBMITTED_STAGE), None
    )
    if application is None or application.status != StageStatus.COMPLETE:
        return False
    return not Grant.objects.filter(
        enrolment=diagnostic.enrolment_id, kind=GrantKind.DBV_IMPLEMENTATION
    ).exists()


def _award_session_key(diagnostic) -> str:
    return f"dbv-grant-award-{diagnostic.pk}"


def _diagnostic_to_award(request, pk):
    diagnostic = diagnostic_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.AWARD_GRANT, diagnostic.enrolment)
    return diagnostic


@login_required
@require_http_methods(["GET", "POST"])
def grant_award_view(request, pk):
    """The question page: amount, award date and payments; on to check your answers."""
    diagnostic = _diagnostic_to_award(request, pk)
    key = _award_session_key(diagnostic)
    if request.method == "POST":
        form = DbvGrantAwardForm(request.POST)
        if form.is_valid():
            answers.keep(request, key, request.POST)
            return redirect("programmes:grant-award-check", pk=diagnostic.pk)
    else:
        stored = answers.kept(request, key)
        form = DbvGrantAwardForm(stored) if stored else DbvGrantAwardForm()
    return _award_page(request, diagnostic, form)


def _award_page(request, diagnostic, form):
    return render(
        request,
        "programmes/grant_award.html",
        {"diagnostic": diagnostic, "form": form, "payment_rows": PAYMENT_ROWS},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_award_check_view(request, pk):
    """Check your answers, then award the grant through the service; its refusals go back to the question page."""
    diagnostic = _diagnostic_to_award(request, pk)
    key = _award_session_key(diagnostic)
    stored = answers.kept(request, key)
    form = DbvGrantAwardForm(stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:grant-award", pk=diagnostic.pk)
    if request.method == "POST":
        grant = run_form(
            form,
            lambda data: dbv_grant_award(
                actor=request.user,
                enrolment=diagnostic.enrolment,
                amount=data["amount"],
                awarded_on=data["awarded_on"],
                payments=form.payments(),
            ),
        )
        if grant is None:
            return _award_page(request, diagnostic, form)
        answers.forget(request, key)
        return redirect("programmes:grant-awarded", pk=grant.pk)
    return render(
        request,
        "programmes/grant_award_check.html",
        {
            "diagnostic": diagnostic,
            "amount": format_pounds(form.cleaned_data["amount"]),
            "awarded_on": form.cleaned_data["awarded_on"],
            "payments": [(due_on, format_pounds(amount)) for due_on, amount in form.payments()],
        },
    )


@login_required
@require_GET
def grant_awarded_view(request, pk):
    """The confirmation page of an award: the grant and its payment schedule."""
    grant = access.get_visible_or_404(request.user, grant_list(user=request.user), pk=pk)
    if grant.kind != GrantKind.DBV_IMPLEMENTATION:
        raise Http404("Safety Valve contributions are awarded with their agreement.")
    diagnostic = getattr(grant.enrolment, "diagnostic", None)
    return render(
        request,
        "programmes/grant_awarded.html",
        {
            "grant": grant,
            "diagnostic": diagnostic,
            "payments": [(payment, format_pounds(payment.amount)) for payment in grant.payments.all()],
        },
    )
