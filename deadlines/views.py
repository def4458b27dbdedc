"""Extending a deadline (SPEC §4.8), for DfE officials: a question page (the new date and why), check
your answers, then a confirmation. The answers wait in the session between the pages; the service
checks them when asked and again when it writes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from portal import access
from portal.access import Permission
from portal.forms import run_form

from .forms import DeadlineExtensionForm
from .selectors import deadline_detail
from .services import deadline_extend, deadline_extension_check


def _answers_key(deadline) -> str:
    return f"deadline-extension-{deadline.pk}"


def _deadline_to_extend(request, pk):
    """The deadline, visible (else 404) and the user's to extend (else 403)."""
    deadline = deadline_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.EXTEND_DEADLINE, deadline)
    return deadline


def _back_url(deadline) -> str:
    if deadline.authority_id:
        return reverse("authorities:detail", args=[deadline.authority.la_code])
    return reverse("portal:home")


def _question(request, deadline, form, status=200):
    return render(
        request,
        "deadlines/extend.html",
        {"deadline": deadline, "form": form, "back_url": _back_url(deadline)},
        status=400 if form.errors else status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def extend_view(request, pk):
    deadline = _deadline_to_extend(request, pk)
    if request.method == "POST":
        form = DeadlineExtensionForm(request.POST)
        checked = run_form(
            form, lambda data: deadline_extension_check(actor=request.user, deadline=deadline, **data)
        )
        if checked is not None:
            request.session[_answers_key(deadline)] = {
                "new_due_on": checked["new_due_on"].isoformat(),
                "reason": checked["reason"],
            }
            return redirect("deadlines:extend-check", pk=deadline.pk)
        return _question(request, deadline, form)
    answers = request.session.get(_answers_key(deadline))
    initial = (
        {"new_due_on": parse_date(answers["new_due_on"]), "reason": answers["reason"]} if answers else {}
    )
    return _question(request, deadline, DeadlineExtensionForm(initial=initial))


@login_required
@require_http_methods(["GET", "POST"])
def extend_check_view(request, pk):
    deadline = _deadline_to_extend(request, pk)
    answers = request.session.get(_answers_key(deadline))
    if not answers:
        return redirect("deadlines:extend", pk=deadline.pk)
    new_due_on = parse_date(answers["new_due_on"])
    if request.method == "POST":
        # The answers again, through the form, so that a refusal (someone extended it or it was met
        # meanwhile) shows on the question page where they can be changed.
        form = DeadlineExtensionForm(DeadlineExtensionForm.data_for(new_due_on, answers["reason"]))
        extended = run_form(form, lambda data: deadline_extend(actor=request.user, deadline=deadline, **data))
        if extended is None:
            return _question(request, deadline, form)
        del request.session[_answers_key(deadline)]
        return redirect("deadlines:extend-done", pk=deadline.pk)
    return render(
        request,
        "deadlines/extend_check.html",
        {"deadline": deadline, "new_due_on": new_due_on, "reason": answers["reason"]},
    )


@login_required
@require_GET
def extend_done_view(request, pk):
    deadline = _deadline_to_extend(request, pk)
    if not deadline.is_extended:
        return redirect("deadlines:extend", pk=deadline.pk)
    return render(
        request, "deadlines/extend_done.html", {"deadline": deadline, "back_url": _back_url(deadline)}
    )
