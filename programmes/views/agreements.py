"""Safety Valve agreement pages (SPEC §4.5): the list, an agreement's page, recording one, varying one,
correcting its details, assessing a monitoring report and deciding an instalment.

Every page reads through the scoped selectors and writes through programmes.services.agreement; the
question pages keep their answers in the session until the check-your-answers page runs the service.
"""

from __future__ import annotations

from decimal import Decimal

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

from ..agreement_forms import (
    INSTALMENT_ROWS,
    RELEASE,
    TARGET_ROWS,
    AgreementDetailsForm,
    AgreementForm,
    AssessmentForm,
    InstalmentDecisionForm,
    VariationForm,
    terms_initial,
)
from ..models import Assessment, EnrolmentStatus, PaymentStatus, ProgrammeCode
from ..selectors.agreement import (
    agreement_detail,
    agreement_list,
    agreement_variations,
    instalments,
    latest_assessed_report,
    monitoring_report_list,
    off_track_review,
    targets_against_actuals,
)
from ..selectors.enrolment import enrolment_detail
from ..selectors.grants import payment_list
from ..selectors.trajectory import agreement_trajectory
from ..services.agreement import (
    agreement_create,
    agreement_details_correct,
    agreement_terms_checked,
    agreement_variation_checked,
    agreement_vary,
    decided_instalments,
    monitoring_report_assess,
    payment_release,
    payment_withhold,
    scheduled_instalments,
)
from ..services.grants import pounds, release_override_checked
from ..trajectory_chart import trajectory_figure

AGREEMENTS_PER_PAGE = 50
ASSESSMENT_TAGS = {
    Assessment.ON_TRACK: "govuk-tag--green",
    Assessment.AT_RISK: "govuk-tag--yellow",
    Assessment.OFF_TRACK: "govuk-tag--red",
}
PAYMENT_TAGS = {
    PaymentStatus.SCHEDULED: "govuk-tag--grey",
    PaymentStatus.RELEASED: "govuk-tag--green",
    PaymentStatus.WITHHELD: "govuk-tag--red",
}


# --- The list and one agreement -------------------------------------------------------------


def _released(agreement) -> Decimal:
    return sum(
        (payment.amount for payment in instalments(agreement) if payment.status == PaymentStatus.RELEASED),
        Decimal("0.00"),
    )


@login_required
@require_GET
def agreement_list_view(request):
    page = Paginator(agreement_list(user=request.user), AGREEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for agreement in page:
        latest = latest_assessed_report(agreement)
        rows.append(
            {
                "agreement": agreement,
                "released": _released(agreement),
                "latest": latest,
                "latest_tag": ASSESSMENT_TAGS.get(latest.assessment, "") if latest else "",
            }
        )
    return render(
        request,
        "programmes/agreement_list.html",
        {
            "rows": rows,
            "page": page,
            "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "query": "",
        },
    )


@login_required
@require_GET
def agreement_detail_view(request, pk):
    agreement = agreement_detail(user=request.user, pk=pk)
    rows = targets_against_actuals(agreement)
    review = off_track_review(agreement)
    may_manage = access.can(request.user, Permission.MANAGE_AGREEMENT, agreement)
    may_assess = access.can(request.user, Permission.ASSESS_MONITORING_REPORT, agreement)
    may_decide = access.can(request.user, Permission.DECIDE_PAYMENT)
    payments = [
        {
            "payment": payment,
            "tag": PAYMENT_TAGS[payment.status],
            "flagged": bool(review and review.payment and review.payment.pk == payment.pk),
        }
        for payment in instalments(agreement)
    ]
    reports = [
        {
            "report": report,
            "tag": ASSESSMENT_TAGS.get(report.assessment, ""),
            "assessable": may_assess and report.submitted_at is not None and report.assessed_at is None,
        }
        for report in sorted(agreement.monitoring_reports.all(), key=lambda report: report.due_on)
    ]
    return render(
        request,
        "programmes/agreement_detail.html",
        {
            "agreement": agreement,
            "conditions": list(agreement.conditions.all()),
            "rows": rows,
            "trajectory": trajectory_figure(
                agreement_trajectory(user=request.user, agreement=agreement), chart_id="trajectory-chart"
            ),
            "payments": payments,
            "released": _released(agreement),
            "reports": reports,
            "review": review,
            "variations": agreement_variations(agreement),
            "may_manage": may_manage,
            "may_decide": may_decide,
        },
    )


# --- Recording a signed agreement -----------------------------------------------------------


def _signable_enrolment(request, pk):
    """A Safety Valve enrolment, accepted or active, with no agreement yet, managed by the user."""
    enrolment = enrolment_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.MANAGE_AGREEMENT, enrolment)
    if enrolment.cohort.programme.code != ProgrammeCode.SAFETY_VALVE:
        raise Http404("Only a Safety Valve enrolment has an agreement.")
    if hasattr(enrolment, "agreement"):
        return enrolment, enrolment.agreement
    return enrolment, None


def _instalments_position(form, total) -> dict | None:
    """What the instalments entered add up to against the total, for the page to show until they match."""
    scheduled = form.instalments_total() if form.is_bound else None
    if scheduled is None or total is None:
        return None
    difference = total - scheduled
    return {
        "scheduled": format_pounds(scheduled),
        "total": format_pounds(total),
        "difference": format_pounds(abs(difference)),
        "direction": "less" if difference > 0 else "more",
        "matches": difference == 0,
    }


def _agreement_page(request, enrolment, form):
    total = form.cleaned_data.get("total_contribution") if hasattr(form, "cleaned_data") else None
    return render(
        request,
        "programmes/agreement_form.html",
        {"enrolment": enrolment, "form": form, "position": _instalments_position(form, total)},
        status=400 if form.errors else 200,
    )


def _terms_arguments(form) -> dict:
    data = form.cleaned_data
    return {
        "signed_on": data["signed_on"],
        "published_url": data["published_url"],
        "deficit_at_signing": data["deficit_at_signing"],
        "total_contribution": data["total_contribution"],
        "conditions": form.conditions(),
        "targets": form.targets(),
        "instalments": form.instalments(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create_view(request, pk):
    enrolment, existing = _signable_enrolment(request, pk)
    if existing is not None:
        return redirect("programmes:agreement", pk=existing.pk)
    key = f"create:{enrolment.pk}"
    if request.method == "POST":
        form = AgreementForm(request.POST)
        # The service checks the terms (targets, instalments adding up...) before the check page.
        if run_form(form, lambda data: agreement_terms_checked(**_terms_arguments(form))):
            answers.keep(request, key, request.POST)
            return redirect("programmes:agreement-create-check", pk=enrolment.pk)
        return _agreement_page(request, enrolment, form)
    stored = answers.kept(request, key)
    return _agreement_page(request, enrolment, AgreementForm(stored) if stored else AgreementForm())


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create_check_view(request, pk):
    enrolment, existing = _signable_enrolment(request, pk)
    if existing is not None:
        return redirect("programmes:agreement", pk=existing.pk)
    key = f"create:{enrolment.pk}"
    stored = answers.kept(request, key)
    form = AgreementForm(stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:agreement-create", pk=enrolment.pk)
    if request.method == "POST":
        agreement = run_form(
            form,
            lambda data: agreement_create(actor=request.user, enrolment=enrolment, **_terms_arguments(form)),
        )
        if agreement is None:
            return _agreement_page(request, enrolment, form)
        answers.forget(request, key)
        return redirect("programmes:agreement-recorded", pk=agreement.pk)
    data = form.cleaned_data
    return render(
        request,
        "programmes/agreement_check.html",
        {
            "enrolment": enrolment,
            "data": data,
            "deficit": format_pounds(data["deficit_at_signing"]),
            "total": format_pounds(data["total_contribution"]),
            "conditions": form.conditions(),
            "targets": [
                (year, pounds(in_year), pounds(cumulative)) for year, in_year, cumulative in form.targets()
            ],
            "instalments": [(due_on, pounds(amount)) for due_on, amount in form.instalments()],
            "position": _instalments_position(form, data["total_contribution"]),
        },
    )


@login_required
@require_GET
def agreement_recorded_view(request, pk):
    agreement = agreement_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.MANAGE_AGREEMENT, agreement)
    return render(
        request,
        "programmes/agreement_recorded.html",
        {"agreement": agreement, "reports": agreement.monitoring_reports.count()},
    )


# --- Varying an agreement -------------------------------------------------------------------


def _managed_agreement(request, pk):
    agreement = agreement_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.MANAGE_AGREEMENT, agreement)
    return agreement


def _variation_page(request, agreement, form):
    decided = decided_instalments(agreement)
    total = agreement.total_contribution - sum((p.amount for p in decided), Decimal("0.00"))
    return render(
        request,
        "programmes/agreement_vary.html",
        {
            "agreement": agreement,
            "form": form,
            "decided": decided,
            "remaining": format_pounds(total),
            "position": _instalments_position(form, total) if form.is_bound else None,
        },
        status=400 if form.errors else 200,
    )


def _variation_form(agreement, data=None, *, initial=None) -> VariationForm:
    """The variation form, with a row for every current target and scheduled instalment and one to spare."""
    return VariationForm(
        data,
        initial=initial,
        target_rows=max(TARGET_ROWS, len(agreement.targets.all()) + 1),
        instalment_rows=max(INSTALMENT_ROWS, len(scheduled_instalments(agreement)) + 1),
    )


def _variation_arguments(form) -> dict:
    return {
        "varied_on": form.cleaned_data["varied_on"],
        "reason": form.cleaned_data["reason"],
        "conditions": form.conditions(),
        "targets": form.targets(),
        "instalments": form.instalments(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def agreement_vary_view(request, pk):
    agreement = _managed_agreement(request, pk)
    key = f"vary:{agreement.pk}"
    if request.method == "POST":
        form = _variation_form(agreement, request.POST)
        # The service says whether the new terms hold and change anything, before the check page.
        if run_form(
            form, lambda _data: agreement_variation_checked(agreement=agreement, **_variation_arguments(form))
        ):
            answers.keep(request, key, request.POST)
            return redirect("programmes:agreement-vary-check", pk=agreement.pk)
        return _variation_page(request, agreement, form)
    stored = answers.kept(request, key)
    if stored:
        return _variation_page(request, agreement, _variation_form(agreement, stored))
    initial = terms_initial(
        conditions=agreement.conditions.all(),
        targets=agreement.targets.all(),
        instalments=scheduled_instalments(agreement),
    )
    return _variation_page(request, agreement, _variation_form(agreement, initial=initial))


@login_required
@require_http_methods(["GET", "POST"])
def agreement_vary_check_view(request, pk):
    agreement = _managed_agreement(request, pk)
    key = f"vary:{agreement.pk}"
    stored = answers.kept(request, key)
    form = _variation_form(agreement, stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:agreement-vary", pk=agreement.pk)
    if request.method == "POST":
        variation = run_form(
            form,
            lambda _data: agreement_vary(
                actor=request.user, agreement=agreement, **_variation_arguments(form)
            ),
        )
        if variation is None:
            return _variation_page(request, agreement, form)
        answers.forget(request, key)
        return redirect("programmes:agreement-varied", pk=agreement.pk, number=variation.number)
    proposal = run_form(
        form, lambda _data: agreement_variation_checked(agreement=agreement, **_variation_arguments(form))
    )
    if proposal is None:
        return _variation_page(request, agreement, form)
    return render(
        request, "programmes/agreement_vary_check.html", {"agreement": agreement, "proposal": proposal}
    )


@login_required
@require_GET
def agreement_varied_view(request, pk, number):
    agreement = _managed_agreement(request, pk)
    variation = next((v for v in agreement_variations(agreement) if v.number == number), None)
    if variation is None:
        raise Http404("No such variation.")
    return render(
        request, "programmes/agreement_varied.html", {"agreement": agreement, "variation": variation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_details_view(request, pk):
    """Correct the agreement's signing date, published address or deficit at signing (kept in history)."""
    agreement = _managed_agreement(request, pk)
    if request.method == "POST":
        form = AgreementDetailsForm(request.POST)
        corrected = run_form(
            form, lambda data: agreement_details_correct(actor=request.user, agreement=agreement, **data)
        )
        if corrected is not None:
            return redirect(reverse("programmes:agreement", args=[agreement.pk]) + "?corrected=1")
    else:
        form = AgreementDetailsForm(
            initial={
                "signed_on": [agreement.signed_on.day, agreement.signed_on.month, agreement.signed_on.year],
                "published_url": agreement.published_url,
                "deficit_at_signing": f"{agreement.deficit_at_signing:.2f}",
            }
        )
    return render(
        request,
        "programmes/agreement_details.html",
        {"agreement": agreement, "form": form},
        status=400 if form.errors else 200,
    )


# --- Assessing a monitoring report ----------------------------------------------------------


def _report_to_assess(request, pk):
    report = access.get_visible_or_404(request.user, monitoring_report_list(user=request.user), pk=pk)
    access.require(request.user, Permission.ASSESS_MONITORING_REPORT, report)
    return report


def _assess_page(request, report, form):
    return render(
        request,
        "programmes/report_assess.html",
        {"report": report, "form": form, "refused": _assess_refusal(report)},
        status=400 if form.errors else 200,
    )


def _assess_refusal(report) -> str:
    if report.submitted_at is None:
        return "This monitoring report has not been submitted yet: only a submitted report can be assessed."
    if report.assessed_at is not None:
        return f"This monitoring report was already assessed {report.get_assessment_display().lower()}."
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def report_assess_view(request, pk):
    report = _report_to_assess(request, pk)
    key = f"assess:{report.pk}"
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            answers.keep(request, key, request.POST)
            return redirect("programmes:report-assess-check", pk=report.pk)
        return _assess_page(request, report, form)
    stored = answers.kept(request, key)
    return _assess_page(request, report, AssessmentForm(stored) if stored else AssessmentForm())


@login_required
@require_http_methods(["GET", "POST"])
def report_assess_check_view(request, pk):
    report = _report_to_assess(request, pk)
    key = f"assess:{report.pk}"
    stored = answers.kept(request, key)
    form = AssessmentForm(stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:report-assess", pk=report.pk)
    if request.method == "POST":
        outcome = run_form(
            form,
            lambda data: monitoring_report_assess(
                actor=request.user, report=report, assessment=data["assessment"], notes=data["notes"]
            ),
        )
        if outcome is None:
            return _assess_page(request, report, form)
        answers.forget(request, key)
        return redirect("programmes:report-assessed", pk=report.pk)
    return render(
        request,
        "programmes/report_assess_check.html",
        {
            "report": report,
            "assessment": Assessment(form.cleaned_data["assessment"]).label,
            "notes": form.cleaned_data["notes"],
        },
    )


@login_required
@require_GET
def report_assessed_view(request, pk):
    report = _report_to_assess(request, pk)
    if report.assessed_at is None:
        return redirect("programmes:report-assess", pk=report.pk)
    agreement = agreement_detail(user=request.user, pk=report.agreement_id)
    review = off_track_review(agreement)
    flagged = review.payment if review and review.report.pk == report.pk else None
    return render(
        request,
        "programmes/report_assessed.html",
        {"report": report, "agreement": agreement, "flagged": flagged, "review": review},
    )


# --- Deciding an instalment -----------------------------------------------------------------


def _instalment_to_decide(request, pk):
    payment = access.get_visible_or_404(request.user, payment_list(user=request.user), pk=pk)
    access.require(request.user, Permission.DECIDE_PAYMENT, payment)
    if payment.grant.agreement_id is None:
        raise Http404("Only a Safety Valve instalment is decided here.")
    agreement = agreement_detail(user=request.user, pk=payment.grant.agreement_id)
    return payment, agreement


def _decide_page(request, payment, agreement, form):
    review = off_track_review(agreement)
    return render(
        request,
        "programmes/instalment_decide.html",
        {
            "payment": payment,
            "agreement": agreement,
            "form": form,
            "review": review,
            "decided": payment.status != PaymentStatus.SCHEDULED,
        },
        status=400 if form.errors else 200,
    )


def _decision_form(agreement, data=None):
    return InstalmentDecisionForm(data, off_track=off_track_review(agreement) is not None)


@login_required
@require_http_methods(["GET", "POST"])
def instalment_decide_view(request, pk):
    payment, agreement = _instalment_to_decide(request, pk)
    key = f"decide:{payment.pk}"
    if request.method == "POST":
        form = _decision_form(agreement, request.POST)
        # A release after an off-track assessment needs an override reason: the service says so here.
        if run_form(
            form,
            lambda data: (
                data["decision"] != RELEASE
                or release_override_checked(payment, data.get("override_reason", "")) is not None
            ),
        ):
            answers.keep(request, key, request.POST)
            return redirect("programmes:instalment-decide-check", pk=payment.pk)
        return _decide_page(request, payment, agreement, form)
    stored = answers.kept(request, key)
    return _decide_page(request, payment, agreement, _decision_form(agreement, stored))


@login_required
@require_http_methods(["GET", "POST"])
def instalment_decide_check_view(request, pk):
    payment, agreement = _instalment_to_decide(request, pk)
    key = f"decide:{payment.pk}"
    stored = answers.kept(request, key)
    form = _decision_form(agreement, stored) if stored else None
    if form is None or not form.is_valid():
        return redirect("programmes:instalment-decide", pk=payment.pk)
    data = form.cleaned_data
    if request.method == "POST":
        if data["decision"] == RELEASE:
            decided = run_form(
                form,
                lambda data: payment_release(
                    actor=request.user,
                    payment=payment,
                    reason=data["reason"],
                    override_reason=data.get("override_reason", ""),
                ),
            )
        else:
            decided = run_form(
                form,
                lambda data: payment_withhold(actor=request.user, payment=payment, reason=data["reason"]),
            )
        if decided is None:
            return _decide_page(request, payment, agreement, form)
        answers.forget(request, key)
        return redirect("programmes:instalment-decided", pk=payment.pk)
    return render(
        request,
        "programmes/instalment_decide_check.html",
        {
            "payment": payment,
            "agreement": agreement,
            "release": data["decision"] == RELEASE,
            "reason": data["reason"],
            "override_reason": data.get("override_reason", ""),
        },
    )


@login_required
@require_GET
def instalment_decided_view(request, pk):
    payment, agreement = _instalment_to_decide(request, pk)
    if payment.status == PaymentStatus.SCHEDULED:
        return redirect("programmes:instalment-decide", pk=payment.pk)
    return render(request, "programmes/instalment_decided.html", {"payment": payment, "agreement": agreement})


def agreement_offered(user, enrolment) -> bool:
    """Whether the enrolment page offers `user` to record the signed agreement."""
    return (
        enrolment.cohort.programme.code == ProgrammeCode.SAFETY_VALVE
        and enrolment.status in (EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE)
        and not hasattr(enrolment, "agreement")
        and access.can(user, Permission.MANAGE_AGREEMENT, enrolment)
    )
