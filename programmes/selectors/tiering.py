"""Reads of tiering proposals: placements by tier, and the comparison with the actual enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from portal import access

from ..models import Enrolment, ProgrammeCode, Tier, TieringPlacement, TieringProposal


@dataclass
class Comparison:
    """How a proposal's DBV tier compares with the actual DBV cohort, each authority with its placement."""

    agree: list[TieringPlacement] = field(default_factory=list)
    proposed_not_enrolled: list[TieringPlacement] = field(default_factory=list)
    enrolled_not_proposed: list[TieringPlacement] = field(default_factory=list)
    enrolled_without_placement: list[Enrolment] = field(default_factory=list)


def proposal_detail(*, user, pk: int) -> TieringProposal:
    placements = TieringPlacement.objects.select_related("authority").order_by("rank", "authority__la_code")
    queryset = TieringProposal.objects.select_related("created_by", "approved_by").prefetch_related(
        Prefetch("placements", queryset=placements)
    )
    return access.get_visible_or_404(user, queryset, pk=pk)


def compare_with_dbv_cohort(*, user, proposal: TieringProposal) -> Comparison:
    """Which authorities the proposal's DBV tier and the actual DBV enrolments (any status) agree on, and which differ."""
    access.require(user, access.Permission.MANAGE_ENROLMENT, proposal)
    placements = {p.authority_id: p for p in proposal.placements.select_related("authority")}
    enrolments = Enrolment.objects.filter(cohort__programme__code=ProgrammeCode.DBV).select_related(
        "authority"
    )
    actual = {e.authority_id: e for e in enrolments}
    comparison = Comparison()
    for authority_id, placement in placements.items():
        if placement.tier == Tier.DBV and authority_id in actual:
            comparison.agree.append(placement)
        elif placement.tier == Tier.DBV:
            comparison.proposed_not_enrolled.append(placement)
        elif authority_id in actual:
            comparison.enrolled_not_proposed.append(placement)
    comparison.enrolled_without_placement = [e for a, e in actual.items() if a not in placements]
    for part in (comparison.agree, comparison.proposed_not_enrolled, comparison.enrolled_not_proposed):
        part.sort(key=lambda p: (p.rank is None, p.rank or 0, p.authority.name))
    return comparison
