"""Self-assessment pages (SPEC §4.7): an LA finance lead rates their authority red, amber or green on
each of the five focus areas, with a comment, through a task list (a page per area, check your answers,
submit); DfE compares every authority's latest ratings side by side.

The answers wait in the session, per authority, until the check page runs
programmes.services.self_assessment; who may is the access policy's (Permission.SUBMIT_SELF_ASSESSMENT).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal import access
from portal.access import Permission
from portal.forms import run_form

from ..models import FocusArea, Rating
from ..selectors.self_assessment import self_assessment_comparison, self_assessment_detail
from ..selectors.trajectory import self_assessment_latest
from ..self_assessment_forms import ComparisonFilterForm, FocusAreaAnswerForm
from ..services.self_assessment import self_assessment_answer_checked, self_assessment_submit

ROWS_PER_PAGE = 50
RATING_TAGS = {
    Rating.RED: "govuk-tag--red",
    Rating.AMBER: "govuk-tag--yellow",
    Rating.GREEN: "govuk-tag--green",
}


def _authority_to_assess(request):
    """The user's own authority, which they may self-assess (a 403 for anyone who has none to assess)."""
    authority = request.user.authority if request.user.authority_id else None
    access.require(request.user, Permission.SUBMIT_SELF_ASSESSMENT, authority)
    if authority is None:
        raise Http404
    return authority


def _draft_key(authority) -> str:
    return f"self-assessment-{authority.la_code}"


def _draft(request, authority) -> dict[str, dict]:
    return request.session.get(_draft_key(authority), {})


def _rated(rating: str) -> dict:
    return {"value": rating, "label": Rating(rating).label, "tag": RATING_TAGS[rating]}


def _areas():
    return list(FocusArea.objects.order_by("number"))


# --- The task list, a page per area, check your answers ---------------------------------------


@login_required
@require_GET
def self_assessment_view(request):
    """The task list: the five areas, which are done, and the authority's latest submitted ratings."""
    authority = _authority_to_assess(request)
    latest = self_assessment_latest(user=request.user, authority=authority)
    draft = _draft(request, authority)
    tasks = [
        {
            "area": assessment.focus_area,
            "done": str(assessment.focus_area.number) in draft,
            "latest": _rated(assessment.answer.rating) if assessment.answer else None,
        }
        for assessment in latest.areas
    ]
    return render(
        request,
        "programmes/self_assessment_tasks.html",
        {
            "authority": authority,
            "latest": latest.self_assessment,
            "tasks": tasks,
            "done": sum(task["done"] for task in tasks),
            "all_done": bool(tasks) and all(task["done"] for task in tasks),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_area_view(request, number):
    """One focus area: the source document's questions to consider, the rating and the comment."""
    authority = _authority_to_assess(request)
    latest = self_assessment_latest(user=request.user, authority=authority)
    assessment = next((a for a in latest.areas if a.focus_area.number == number), None)
    if assessment is None:
        raise Http404("There is no such focus area.")
    area = assessment.focus_area
    draft = _draft(request, authority)
    if request.method == "POST":
        form = FocusAreaAnswerForm(request.POST, focus_area=area)
        checked = run_form(
            form,
            lambda data: self_assessment_answer_checked(
                focus_area=area, rating=data[form.rating_field], answer=data[form.answer_field]
            ),
        )
        if checked is not None:
            request.session[_draft_key(authority)] = {**draft, str(number): form.answer()}
            return redirect("programmes:self-assessment")
    else:
        # Start from this visit's answer, else the latest submitted one.
        given = draft.get(str(number)) or (
            {"rating": assessment.answer.rating, "answer": assessment.answer.answer}
            if assessment.answer
            else None
        )
        initial = {f"rating_{number}": given["rating"], f"answer_{number}": given["answer"]} if given else {}
        form = FocusAreaAnswerForm(initial=initial, focus_area=area)
    return render(
        request,
        "programmes/self_assessment_area.html",
        {
            "authority": authority,
            "area": area,
            "questions": assessment.questions,
            "form": form,
            "count": len(latest.areas),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_check_view(request):
    """Check your answers, then submit through the service."""
    authority = _authority_to_assess(request)
    draft = _draft(request, authority)
    areas = _areas()
    if not areas or any(str(area.number) not in draft for area in areas):
        return redirect("programmes:self-assessment")
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        submitted = run_form(
            form,
            lambda _data: self_assessment_submit(
                actor=request.user,
                authority=authority,
                answers={
                    area.number: (draft[str(area.number)]["rating"], draft[str(area.number)]["answer"])
                    for area in areas
                },
            ),
        )
        if submitted is not None:
            del request.session[_draft_key(authority)]
            return redirect("programmes:self-assessment-submitted", pk=submitted.pk)
    rows = [
        {
            "area": area,
            "rated": _rated(draft[str(area.number)]["rating"]),
            "answer": draft[str(area.number)]["answer"],
        }
        for area in areas
    ]
    return render(
        request,
        "programmes/self_assessment_check.html",
        {"authority": authority, "rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


# --- One self-assessment, and the comparison ---------------------------------------------------


def _answers(self_assessment) -> list[dict]:
    return [
        {"area": answer.focus_area, "rated": _rated(answer.rating), "answer": answer.answer}
        for answer in self_assessment.answers.all()
    ]


@login_required
@require_GET
def self_assessment_submitted_view(request, pk):
    """The confirmation of a submission."""
    self_assessment = self_assessment_detail(user=request.user, pk=pk)
    return render(
        request,
        "programmes/self_assessment_submitted.html",
        {"self_assessment": self_assessment, "rows": _answers(self_assessment)},
    )


@login_required
@require_GET
def self_assessment_detail_view(request, pk):
    """One self-assessment: each area's rating and comment."""
    self_assessment = self_assessment_detail(user=request.user, pk=pk)
    return render(
        request,
        "programmes/self_assessment_detail.html",
        {
            "self_assessment": self_assessment,
            "rows": _answers(self_assessment),
            "may_submit": access.can(
                request.user, Permission.SUBMIT_SELF_ASSESSMENT, self_assessment.authority
            ),
        },
    )


@login_required
@require_GET
def self_assessment_comparison_view(request):
    """Every authority's latest ratings side by side (as many as the user may see), 50 a page."""
    form = ComparisonFilterForm(request.GET or None)
    unknown = sorted(set(request.GET) - set(form.fields) - {"page"})
    if form.is_bound and form.is_valid() and unknown:
        form.add_error(None, f"“{unknown[0]}” is not a filter of this page: filter by programme.")
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "programmes/self_assessment_comparison.html",
            {"form": form, "areas": _areas(), "refused": True},
            status=400,
        )
    programme = form.cleaned_data.get("programme") if form.is_bound else ""
    areas = _areas()
    page = Paginator(
        self_assessment_comparison(user=request.user, programme=programme or None), ROWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = []
    for self_assessment in page:
        by_area = {answer.focus_area_id: answer for answer in self_assessment.answers.all()}
        rows.append(
            {
                "self_assessment": self_assessment,
                "ratings": [
                    _rated(by_area[area.pk].rating) if area.pk in by_area else None for area in areas
                ],
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/self_assessment_comparison.html",
        {
            "form": form,
            "areas": areas,
            "rows": rows,
            "page": page,
            "programme": dict(form.fields["programme"].choices).get(programme) if programme else "",
            "query": query.urlencode(),
            "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "may_submit": access.can(request.user, Permission.SUBMIT_SELF_ASSESSMENT),
        },
    )
