"""Tiering proposal pages for DfE officials: run a proposal, review it against the DBV cohort, approve it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal import access
from portal.access import Permission
from portal.forms import run_form

from ..forms import TieringApprovalForm, TieringProposalForm
from ..models import Tier
from ..selectors.tiering import compare_with_dbv_cohort, proposal_detail, tiering_proposal_list
from ..services.tiering import tiering_approve, tiering_propose


@login_required
@require_http_methods(["GET", "POST"])
def proposal_list_view(request):
    access.require(request.user, Permission.MANAGE_ENROLMENT)
    form = TieringProposalForm(request.POST or None)
    if request.method == "POST":
        proposal = run_form(
            form,
            lambda data: tiering_propose(
                actor=request.user,
                reference_year=data["reference_year"],
                sv_places=data["sv_places"],
                source=data["source"] or None,
            ),
        )
        if proposal is not None:
            return redirect("programmes:tiering-detail", pk=proposal.pk)
    proposals = tiering_proposal_list(user=request.user)[:20]
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

    def approve(data):
        cohorts = {Tier.SV: data["sv_cohort"], Tier.DBV: data["dbv_cohort"], Tier.ESFA: data["esfa_cohort"]}
        return tiering_approve(actor=request.user, proposal=proposal, cohorts=cohorts)

    approval = run_form(form, approve)
    if approval is not None:
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
