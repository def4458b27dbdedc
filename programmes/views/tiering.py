"""Tiering proposal pages for DfE officials: run a proposal, review it against the DBV cohort, approve it,
then choose the authorities of each tier to invite (docs/decisions/0025-inviting-from-a-proposal.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal import access
from portal.access import Permission
from portal.forms import run_form

from ..forms import TieringApprovalForm, TieringProposalForm
from ..models import ProposalStatus, Tier
from ..selectors.tiering import (
    compare_with_dbv_cohort,
    placements_to_invite,
    proposal_detail,
    tiering_proposal_list,
)
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
                sources=data["sources"],
            ),
        )
        if proposal is not None:
            return redirect("programmes:tiering-detail", pk=proposal.pk)
    proposals = tiering_proposal_list(user=request.user)[:20]
    return render(
        request,
        "programmes/tiering_list.html",
        {"form": form, "proposals": proposals},
        status=400 if form.errors else 200,
    )


@login_required
def proposal_detail_view(request, pk):
    proposal = proposal_detail(user=request.user, pk=pk)
    return render(
        request, "programmes/tiering_detail.html", _detail_context(request, proposal, TieringApprovalForm())
    )


@login_required
@require_POST
def proposal_approve_view(request, pk):
    """Approve the proposal: recorded once; nobody is invited until the official selects them."""
    proposal = proposal_detail(user=request.user, pk=pk)
    form = TieringApprovalForm(request.POST)
    approval = run_form(form, lambda data: tiering_approve(actor=request.user, proposal=proposal))
    if approval is not None:
        messages.success(
            request,
            f"Tiering proposal {proposal.pk} approved. Now choose the authorities to invite in each tier.",
        )
        return redirect("programmes:tiering-detail", pk=proposal.pk)
    return render(
        request, "programmes/tiering_detail.html", _detail_context(request, proposal, form), status=400
    )


def _detail_context(request, proposal, form) -> dict:
    approved = proposal.status == ProposalStatus.APPROVED
    if approved:
        placements = placements_to_invite(user=request.user, proposal=proposal, today=timezone.localdate())
    else:
        placements = list(proposal.placements.all())
    by_tier = {tier: [p for p in placements if p.tier == tier] for tier in Tier.values}
    return {
        "proposal": proposal,
        "approved": approved,
        "tiers": [
            {
                "label": Tier(tier).label,
                "tier": tier,
                "placements": by_tier[tier],
                "invitable": sum(1 for p in by_tier[tier] if getattr(p, "invitable", False)),
            }
            for tier in (Tier.SV, Tier.DBV, Tier.ESFA)
        ],
        "apart": [(Tier(tier).label, by_tier[tier]) for tier in (Tier.EXCLUDED, Tier.NO_FIGURES)],
        "comparison": compare_with_dbv_cohort(user=request.user, proposal=proposal),
        "form": form,
    }
