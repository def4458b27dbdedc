"""Reads of tiering proposals: placements by tier, and the comparison with the actual enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from portal import access

from ..models import Enrolment, ProgrammeCode, Tier, TieringPlacement, TieringProposal


@dataclass
class Comparison:
    """How a proposal's DBV tier compares with the actual DBV cohort, each authority with its placement."""

    agree: list[TieringPlacement] = field(default_factory=list)
    proposed_not_enrolled: list[TieringPlacement] = field(default_factory=list)
    enrolled_not_proposed: list[TieringPlacement] = field(default_factory=list)
    enrolled_without_placement: list[Enrolment] = field(default_factory=list)


# The tier_counts of a proposal: the annotation each tier's count is read from.
TIER_COUNT_ANNOTATIONS = {
    Tier.SV: "count_SV",
    Tier.DBV: "count_DBV",
    Tier.ESFA: "count_ESFA",
    Tier.NO_FIGURES: "count_no_figures",
    Tier.EXCLUDED: "count_excluded",
}


def tiering_proposal_list(*, user) -> QuerySet:
    """The proposals the user may see, newest first, with who made and approved each and how many
    authorities each tier holds (`count_SV`, `count_DBV`, ...)."""
    counts = {
        name: Count("placements", filter=Q(placements__tier=tier))
        for tier, name in TIER_COUNT_ANNOTATIONS.items()
    }
    return (
        access.visible(user, TieringProposal.objects.all())
        .select_related("created_by", "approved_by")
        .annotate(**counts)
        .order_by("-created_at", "-pk")
    )


def tiering_proposals_with_placements(*, user) -> QuerySet:
    """As tiering_proposal_list, each with every authority's placement: by rank (unranked last), then name."""
    placements = access.visible(user, TieringPlacement.objects.select_related("authority")).order_by(
        F("rank").asc(nulls_last=True), "authority__name", "pk"
    )
    return tiering_proposal_list(user=user).prefetch_related(Prefetch("placements", queryset=placements))


def proposal_detail(*, user, pk: int) -> TieringProposal:
    return get_object_or_404(tiering_proposals_with_placements(user=user), pk=pk)


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


def placements_to_invite(*, user, proposal: TieringProposal, today) -> list[TieringPlacement]:
    """The proposal's placements (by rank, then name), each with `open_enrolment` (the authority's open
    enrolment, if any) and `invitable` (operating today and not enrolled): two queries at most."""
    access.require(user, access.Permission.MANAGE_ENROLMENT, proposal)
    placements = list(proposal.placements.all())
    enrolments = (
        access.visible(user, Enrolment.objects.open())
        .filter(authority_id__in=[p.authority_id for p in placements])
        .select_related("cohort__programme")
    )
    open_enrolments = {e.authority_id: e for e in enrolments}
    for placement in placements:
        placement.open_enrolment = open_enrolments.get(placement.authority_id)
        placement.invitable = placement.open_enrolment is None and placement.authority.operates_on(today)
    return placements
