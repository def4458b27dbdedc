"""The deadlines page (SPEC §4.8), for everyone signed in: the deadlines the access policy lets them
see, filtered, each linked to the record it belongs to.

Extending a deadline, for DfE officials: a question page (the new date and why), check your answers,
then a confirmation. The answers wait in the session between the pages; the service checks them when
asked and again when it writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from portal import access
from portal.access import Permission
from portal.forms import run_form

from .forms import DeadlineExtensionForm, DeadlineFilterForm
from .models import OwnerGroup
from .selectors import UPCOMING_DAYS, deadline_detail, deadline_list
from .services import deadline_extend, deadline_extension_check

DEADLINES_A_PAGE = 50


class SourceLinks(Protocol):
    """What the page needs to know of deadlines' sources, which live in apps above this one: given by
    config/urls.py (config/deadline_links.py)."""

    def attach(self, user, deadlines: Iterable) -> None: ...

    def programme_choices(self) -> list[tuple[str, str]]: ...

    def in_programme(self, code: str) -> Q: ...


# Who must act, in a table cell's few words.
OWNER_GROUPS = {OwnerGroup.FINANCE_LEADS: "Finance leads", OwnerGroup.DELIVERY_PARTNERS: "Delivery partners"}


def _owner(deadline) -> str:
    if deadline.owner_id:
        return deadline.owner.display_name
    return OWNER_GROUPS.get(deadline.owner_group, "Nobody named")


def _status(deadline, today) -> tuple[str, str]:
    """The status tag of an open deadline: its text and colour."""
    if deadline.due_on < today:
        return "Overdue", "govuk-tag--red"
    if deadline.due_on <= today + timedelta(days=UPCOMING_DAYS):
        return "Due soon", "govuk-tag--yellow"
    return "Open", "govuk-tag--blue"


@login_required
@require_GET
def deadline_list_view(request, *, links: SourceLinks):
    data = request.GET.copy()
    for name, default in (("whose", DeadlineFilterForm.MINE), ("when", DeadlineFilterForm.OPEN)):
        if not data.get(name):
            data[name] = default
    form = DeadlineFilterForm(data, user=request.user, programme_choices=links.programme_choices())
    today = timezone.localdate()
    page, rows = None, []
    if form.is_valid():
        deadlines = form.filter(
            deadline_list(user=request.user), today=today, in_programme=links.in_programme
        )
        page = Paginator(deadlines, DEADLINES_A_PAGE).get_page(request.GET.get("page"))
        links.attach(request.user, page.object_list)
        rows = [(deadline, *_status(deadline, today), _owner(deadline)) for deadline in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deadlines/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "page_links": page.paginator.get_elided_page_range(page.number) if page else [],
            "query": query.urlencode(),
            "mine": page is not None and form.cleaned_data["whose"] == DeadlineFilterForm.MINE,
            "can_extend": access.can(request.user, Permission.EXTEND_DEADLINE),
        },
        status=400 if form.errors else 200,
    )


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
