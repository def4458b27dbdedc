"""Tiering proposal pages for DfE officials: run a proposal, review it against the DBV cohort, approve it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal import access
from portal.access import Permission
from portal.errors import DomainError

from ..forms import TieringApprovalForm, TieringProposalForm
from ..models import Tier, TieringProposal
from ..selectors.tiering import compare_with_dbv_cohort, proposal_detail
from ..services.tiering import tiering_approve, tiering_propose


@login_required
@require_http_methods(["GET", "POST"])
def proposal_list_view(request):
    access.require(request.user, Permission.MANAGE_ENROLMENT)
    form = TieringProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = tiering_propose(
                actor=request.user,
                reference_year=form.cleaned_data["reference_year"],
                sv_places=form.cleaned_data["sv_places"],
                source=form.cleaned_data["source"] or None,
            )
        except DomainError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            return redirect("programmes:tiering-detail", pk=proposal.pk)
    proposals = access.visible(request.user, TieringProposal.objects.select_related("created_by"))[:20]
    return render(request, "programmes/tiering_list.html", {"form": form, "proposals": proposals})


@login_required
def proposal_detail_view(request, pk):
    proposal = proposal_detail(user=request.user, pk=pk)
    return render(
        request, "programmes/tiering_detail.html", _detail_context(request, proposal, TieringApprovalForm())
    )


@login_required
@require_POST
def proposal_approve_view(request, pk):
    proposal = proposal_detail(user=request.user, pk=pk)
    form = TieringApprovalForm(request.POST)
    if form.is_valid():
        cohorts = {
            Tier.SV: form.cleaned_data["sv_cohort"],
            Tier.DBV: form.cleaned_data["dbv_cohort"],
            Tier.ESFA: form.cleaned_data["esfa_cohort"],
        }
        try:
            approval = tiering_approve(actor=request.user, proposal=proposal, cohorts=cohorts)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                f"{len(approval.invited)} invitations sent; {len(approval.skipped)} authorities left as they were.",
            )
            return redirect("programmes:tiering-detail", pk=proposal.pk)
    return render(
        request, "programmes/tiering_detail.html", _detail_context(request, proposal, form), status=400
    )


def _detail_context(request, proposal, form) -> dict:
    placements = list(proposal.placements.all())
    by_tier = {tier: [p for p in placements if p.tier == tier] for tier in Tier.values}
    return {
        "proposal": proposal,
        "tiers": [(Tier(tier).label, tier, by_tier[tier]) for tier in (Tier.SV, Tier.DBV, Tier.ESFA)],
        "apart": [(Tier(tier).label, by_tier[tier]) for tier in (Tier.EXCLUDED, Tier.NO_FIGURES)],
        "comparison": compare_with_dbv_cohort(user=request.user, proposal=proposal),
        "form": form,
    }
