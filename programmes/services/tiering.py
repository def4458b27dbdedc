"""The tiering proposal (SPEC §4.3): rank authorities by DSG deficit % and place them in Safety Valve, DBV or
ESFA; approve it; invite a selection of its authorities (docs/decisions/0025-inviting-from-a-proposal.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal import access
from portal.access import Permission
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from portal.history import save_as
from portal.roles import DeliveryPartner

from ..models import (
    Cohort,
    Enrolment,
    Programme,
    ProgrammeCode,
    ProposalStatus,
    Tier,
    TieringPlacement,
    TieringProposal,
)
from .enrolment import cohort_label, enrolment_invite, enrolments_invite, programme_name

# When the official lets several sources of figures in, an authority's first usable one wins.
SOURCE_PREFERENCE = (FigureSource.PUBLISHED, FigureSource.LA_RETURN, FigureSource.DEMO)
# By default a proposal ranks on DfE's published figures only: LA returns and demo figures only
# when the official chooses them.
DEFAULT_SOURCES = (FigureSource.PUBLISHED,)
# The default number of Safety Valve places. On DfE's published 2020-21 figures, 26 stands in best for
# the Safety Valve authorities DfE had already invited (which the portal does not know): the DBV tier
# then holds 50 of the 55 authorities the document chose (tests/test_published_figures.py).
DEFAULT_SV_PLACES = 26
INVITED_TIERS = (Tier.SV, Tier.DBV, Tier.ESFA)
# The programme each invited tier enrols into, and the partners a DBV enrolment is delivered with.
TIER_PROGRAMME = {
    Tier.SV: ProgrammeCode.SAFETY_VALVE,
    Tier.DBV: ProgrammeCode.DBV,
    Tier.ESFA: ProgrammeCode.ESFA,
}
TIER_PARTNERS = {Tier.DBV: (DeliveryPartner.NEWTON, DeliveryPartner.CIPFA)}


def _chosen_sources(*, source: str | None, sources: Iterable[str] | None) -> tuple[str, ...]:
    """The sources to rank on, in SOURCE_PREFERENCE order: `source` alone, else `sources`, else published only."""
    if source is not None:
        if source not in FigureSource.values:
            raise DomainError(
                f"“{source}” is not a source of DSG figures: use one of {', '.join(FigureSource.values)}.",
                field="source",
            )
        return (source,)
    if sources is None:
        return DEFAULT_SOURCES
    sources = list(sources)
    unknown = [s for s in sources if s not in FigureSource.values]
    if unknown:
        raise DomainError(
            f"“{unknown[0]}” is not a source of DSG figures: use one of {', '.join(FigureSource.values)}.",
            field="sources",
        )
    if not sources:
        raise DomainError("Choose at least one source of figures to rank on.", field="sources")
    return tuple(s for s in SOURCE_PREFERENCE if s in sources)


def _usable_figures(*, reference_year: FinancialYear, sources: tuple[str, ...]) -> dict[int, DsgFigure]:
    """Each authority's figure for the year: the first usable one of `sources`, in that order."""
    figures = DsgFigure.objects.filter(financial_year=reference_year, source__in=sources)
    chosen: dict[int, DsgFigure] = {}
    for figure in sorted(figures, key=lambda f: sources.index(f.source)):
        if figure.authority_id not in chosen and figure.deficit_percent is not None:
            chosen[figure.authority_id] = figure
    return chosen


def _deficit_pounds(figure: DsgFigure) -> Decimal | None:
    """The cumulative deficit in pounds (positive = deficit); derived from the % where only that was published."""
    if figure.cumulative_balance is not None:
        return -figure.cumulative_balance
    if figure.total_dsg_allocation:
        return figure.deficit_percent * figure.total_dsg_allocation / 100
    return None


def _ranking_key(authority: LocalAuthority, figure: DsgFigure) -> tuple:
    pounds = _deficit_pounds(figure)
    return (-figure.deficit_percent, pounds is None, -(pounds or 0), authority.la_code)


def _placement(*, proposal, authority, tier, rank=None, figure: DsgFigure | None = None) -> TieringPlacement:
    return TieringPlacement(
        proposal=proposal,
        authority=authority,
        tier=tier,
        rank=rank,
        deficit_percent=figure.deficit_percent if figure else None,
        cumulative_balance=figure.cumulative_balance if figure else None,
        total_dsg_allocation=figure.total_dsg_allocation if figure else None,
        figure_source=figure.source if figure else "",
    )


def _validated_places(value, *, tier: str, field: str, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(f"The number of {tier} places must be a whole number, 0 or more.", field=field)
    if value > most:
        raise DomainError(
            f"Only {most} authorities operate at the end of the year, so there cannot be {value} {tier} places.",
            field=field,
        )
    return value


@transaction.atomic
def tiering_propose(
    *,
    actor,
    reference_year: FinancialYear,
    sv_places: int = DEFAULT_SV_PLACES,
    dbv_places: int | None = None,
    sources: Iterable[str] | None = None,
    source: str | None = None,
) -> TieringProposal:
    """Rank the authorities operating at the end of `reference_year` by DSG deficit % and place them.

    - Authorities with an open Safety Valve enrolment are EXCLUDED: not ranked, listed apart.
    - Authorities with no usable figure for the year are NO_FIGURES: listed apart, never guessed.
    - The rest are ranked: the top `sv_places` go to SV, the next `dbv_places` (default: the DBV
      programme's places, 55) to DBV, the remainder to ESFA.
    - Tie rule: equal deficit % → the larger cumulative deficit in pounds first, then LA code ascending.
    - Figures: DfE's published ones only, unless the official lets in `sources` (any of published,
      LA return, demo; an authority's first usable one in that order wins) or names one `source`.
      Each placement keeps the figures that put the authority there, and their source.
    """
    access.require(actor, Permission.MANAGE_ENROLMENT)
    if not isinstance(reference_year, FinancialYear):
        raise DomainError(
            "Choose the reference year as a financial year, like 2020-21.", field="reference_year"
        )
    chosen_sources = _chosen_sources(source=source, sources=sources)
    authorities = list(LocalAuthority.objects.operating_on(reference_year.ends_on).order_by("la_code"))
    if dbv_places is None:
        dbv_places = Programme.objects.get(code=ProgrammeCode.DBV).places
        if dbv_places is None:
            raise DomainError("The DBV programme has no set number of places: give the number of DBV places.")
    sv_places = _validated_places(sv_places, tier="Safety Valve", field="sv_places", most=len(authorities))
    dbv_places = _validated_places(dbv_places, tier="DBV", field="dbv_places", most=len(authorities))

    in_safety_valve = set(
        Enrolment.objects.open()
        .filter(cohort__programme__code=ProgrammeCode.SAFETY_VALVE)
        .values_list("authority_id", flat=True)
    )
    figures = _usable_figures(reference_year=reference_year, sources=chosen_sources)

    proposal = TieringProposal(
        reference_year=reference_year,
        sv_places=sv_places,
        dbv_places=dbv_places,
        figure_sources=list(chosen_sources),
        created_by=actor,
    )
    save_as(actor, proposal)

    placements, ranked = [], []
    for authority in authorities:
        figure = figures.get(authority.pk)
        if authority.pk in in_safety_valve:
            placements.append(
                _placement(proposal=proposal, authority=authority, tier=Tier.EXCLUDED, figure=figure)
            )
        elif figure is None:
            placements.append(_placement(proposal=proposal, authority=authority, tier=Tier.NO_FIGURES))
        else:
            ranked.append((authority, figure))
    ranked.sort(key=lambda pair: _ranking_key(*pair))
    for rank, (authority, figure) in enumerate(ranked, start=1):
        if rank <= sv_places:
            tier = Tier.SV
        elif rank <= sv_places + dbv_places:
            tier = Tier.DBV
        else:
            tier = Tier.ESFA
        placements.append(
            _placement(proposal=proposal, authority=authority, tier=tier, rank=rank, figure=figure)
        )
    bulk_create_with_history(placements, TieringPlacement, default_user=actor)
    return proposal


@dataclass(frozen=True)
class Skipped:
    authority: LocalAuthority
    tier: str
    reason: str


@dataclass(frozen=True)
class TieringApproval:
    """What approving a proposal did: the invitations made, and the authorities left out and why."""

    proposal: TieringProposal
    invited: list[Enrolment]
    skipped: list[Skipped]


def _check_cohorts(cohorts: dict[str, Cohort], tiers: set[str]) -> None:
    for tier in INVITED_TIERS:
        if tier not in tiers:
            continue
        cohort = cohorts.get(tier)
        if cohort is None:
            raise DomainError(
                f"Choose the cohort to invite the {Tier(tier).label} authorities into.", field="cohorts"
            )
        if cohort.programme.code != TIER_PROGRAMME[tier]:
            raise DomainError(
                f"{cohort_label(cohort)} is not a {Tier(tier).label} cohort: "
                f"the {Tier(tier).label} authorities cannot go there.",
                field="cohorts",
            )


def _placement_reason(proposal: TieringProposal, placement: TieringPlacement) -> str:
    return (
        f"Tiering proposal {proposal.pk} ({proposal.reference_year}): ranked {placement.rank}, "
        f"deficit {placement.deficit_percent}% of DSG."
    )


@transaction.atomic
def tiering_approve(
    *, actor, proposal: TieringProposal, cohorts: dict[str, Cohort] | None = None
) -> TieringApproval:
    """Approve a draft proposal: once, recording who and when.

    With `cohorts` (one per tier, as the API sends), approving also invites every Safety Valve, DBV
    and ESFA authority of the proposal into its tier's cohort, all or nothing: an authority that
    already has an open enrolment, or no longer operates, is skipped and reported; any other refusal
    (such as DBV's places running out part-way) undoes every invitation and the approval, and raises
    a DomainError naming the authority. Without `cohorts` (the pages) nobody is invited: the official
    then invites a selection with `tiering_invite`.
    """
    access.require(actor, Permission.MANAGE_ENROLMENT, proposal)
    proposal = TieringProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.DRAFT:
        raise DomainError(
            f"{proposal} was already approved on {timezone.localtime(proposal.approved_at):%-d %B %Y}: "
            "a proposal is approved only once."
        )
    invited, skipped = [], []
    if cohorts is not None:
        invited, skipped = _invite_every_placement(actor=actor, proposal=proposal, cohorts=cohorts)
    proposal.status = ProposalStatus.APPROVED
    proposal.approved_by = actor
    proposal.approved_at = timezone.now()
    save_as(actor, proposal, update_fields=["status", "approved_by", "approved_at"])
    return TieringApproval(proposal=proposal, invited=invited, skipped=skipped)


def _invite_every_placement(
    *, actor, proposal: TieringProposal, cohorts: dict[str, Cohort]
) -> tuple[list[Enrolment], list[Skipped]]:
    placements = list(
        proposal.placements.filter(tier__in=INVITED_TIERS)
        .select_related("authority")
        .order_by("rank", "authority__la_code")
    )
    placements.sort(key=lambda p: INVITED_TIERS.index(p.tier))
    _check_cohorts(cohorts, {p.tier for p in placements})

    today = timezone.localdate()
    enrolled = set(Enrolment.objects.open().values_list("authority_id", flat=True))
    invited, skipped = [], []
    for placement in placements:
        authority, tier = placement.authority, placement.tier
        if authority.pk in enrolled:
            skipped.append(Skipped(authority, tier, "already has an open enrolment"))
            continue
        if not authority.operates_on(today):
            skipped.append(Skipped(authority, tier, "no longer operates"))
            continue
        try:
            invited.append(
                enrolment_invite(
                    actor=actor,
                    authority=authority,
                    cohort=cohorts[tier],
                    reason=_placement_reason(proposal, placement),
                    partners=TIER_PARTNERS.get(tier, ()),
                )
            )
        except DomainError as refused:
            raise DomainError(
                f"{authority.label} could not be invited into {cohort_label(cohorts[tier])}: "
                f"{refused.message} No invitations were made and the proposal is still a draft."
            ) from refused
    return invited, skipped


def tier_of_programme(code: str) -> str | None:
    """The proposal's tier whose authorities a programme's cohorts take (SV → the Safety Valve tier)."""
    return next((tier for tier, programme in TIER_PROGRAMME.items() if programme == code), None)


@transaction.atomic
def tiering_invite(
    *,
    actor,
    proposal: TieringProposal,
    authorities: Iterable[LocalAuthority],
    cohort: Cohort,
    reason: str = "",
    partners: Iterable[str] = (),
) -> list[Enrolment]:
    """Invite a selection of an approved proposal's authorities into `cohort`, all or nothing.

    Each authority must be in the proposal's tier for the cohort's programme (a DBV cohort takes the
    DBV tier). The invitations are `enrolments_invite`'s, with all its rules; each records the
    proposal, and the authority's rank and figure, as its reason (then the official's note, if any).
    """
    access.require(actor, Permission.MANAGE_ENROLMENT, proposal)
    proposal = TieringProposal.objects.get(pk=proposal.pk)
    if proposal.status != ProposalStatus.APPROVED:
        raise DomainError(
            f"{proposal} is still a draft: approve it before inviting its authorities.", field="authorities"
        )
    chosen = list({authority.pk: authority for authority in authorities}.values())
    tier = tier_of_programme(cohort.programme.code)
    placements = {p.authority_id: p for p in proposal.placements.filter(authority__in=[a.pk for a in chosen])}
    for authority in chosen:
        placement = placements.get(authority.pk)
        if placement is None:
            raise DomainError(f"{authority.label} is not in {proposal}.", field="authorities")
        if placement.tier != tier:
            raise DomainError(
                f"{authority.label} is proposed for {Tier(placement.tier).label}, not "
                f"{programme_name(cohort.programme)}: invite it from the list of authorities instead.",
                field="authorities",
            )
    note = (reason or "").strip()
    invited = []
    # One authority at a time, so each invitation records its own rank and figure; enrolments_invite
    # gives every refusal its words, and this transaction undoes them all if one is refused.
    for authority in chosen:
        why = _placement_reason(proposal, placements[authority.pk])
        invited += enrolments_invite(
            actor=actor,
            cohort=cohort,
            authorities=[authority],
            reason=f"{why} {note}" if note else why,
            partners=partners,
        )
    return invited
