"""The tiering proposal (SPEC §4.3): ranking by deficit %, the tie rule, who is listed apart, and approval."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from authorities.factories import DsgFigureFactory
from authorities.models import FigureSource, LocalAuthority
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from programmes.models import Cohort, Enrolment, ProgrammeCode, ProposalStatus, Tier
from programmes.services.enrolment import enrolment_transition
from programmes.services.tiering import tiering_approve, tiering_invite, tiering_propose

pytestmark = pytest.mark.django_db

# A year no reference or demo data reaches, so only the figures a test makes count.
YEAR = FinancialYear(2030)
MILLION = Decimal("1000000")


def give_figures(
    la_code, *, deficit_millions, allocation_millions=100, source=FigureSource.PUBLISHED, year=YEAR
):
    """A DSG figure whose cumulative deficit is `deficit_millions` (negative for a surplus)."""
    return DsgFigureFactory(
        authority=LocalAuthority.objects.get(la_code=la_code),
        financial_year=year,
        source=source,
        total_dsg_allocation=Decimal(allocation_millions) * MILLION,
        cumulative_balance=-Decimal(deficit_millions) * MILLION,
    )


def placements_of(proposal):
    return {p.authority.la_code: p for p in proposal.placements.select_related("authority")}


def ranked_codes(proposal):
    return [p.authority.la_code for p in proposal.placements.exclude(rank=None).order_by("rank")]


@pytest.fixture
def cohorts():
    return {
        Tier.SV: Cohort.objects.get(programme__code=ProgrammeCode.SAFETY_VALVE, name="2021-22 round"),
        Tier.DBV: Cohort.objects.get(programme__code=ProgrammeCode.DBV, tranche=1),
        Tier.ESFA: Cohort.objects.get(programme__code=ProgrammeCode.ESFA, name="2022-23"),
    }


def free_one_dbv_place(actor):
    """The 55 reference invitations fill DBV: withdraw Hackney's (204) to leave exactly one place."""
    hackney = Enrolment.objects.open().get(
        authority__la_code="204", cohort__programme__code=ProgrammeCode.DBV
    )
    enrolment_transition(actor=actor, enrolment=hackney, transition="withdraw", reason="Test: frees a place.")


def test_authorities_are_ranked_by_deficit_percent_and_placed_sv_then_dbv_then_esfa(dfe_official):
    give_figures("202", deficit_millions=10)  # 10 %
    give_figures("203", deficit_millions=5)  # 5 %
    give_figures("205", deficit_millions=40, allocation_millions=200)  # 20 %
    give_figures("206", deficit_millions=-1)  # a surplus: -1 %

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=2)

    assert ranked_codes(proposal) == ["205", "202", "203", "206"]
    placed = placements_of(proposal)
    assert [placed[code].tier for code in ("205", "202", "203", "206")] == [
        Tier.SV,
        Tier.DBV,
        Tier.DBV,
        Tier.ESFA,
    ]
    top = placed["205"]
    assert (
        top.rank,
        top.deficit_percent,
        top.cumulative_balance,
        top.total_dsg_allocation,
        top.figure_source,
    ) == (
        1,
        Decimal("20.00"),
        Decimal("-40000000.00"),
        Decimal("200000000.00"),
        FigureSource.PUBLISHED,
    )
    assert placed["206"].deficit_percent == Decimal("-1.00")
    assert proposal.created_by == dfe_official and proposal.status == ProposalStatus.DRAFT


def test_equal_deficit_percent_puts_the_larger_deficit_in_pounds_first_then_the_lower_la_code(dfe_official):
    give_figures("213", deficit_millions=10)  # 10 %, £10m
    give_figures("212", deficit_millions=10)  # 10 %, £10m: same pounds, lower code first
    give_figures("208", deficit_millions=20, allocation_millions=200)  # 10 %, £20m: more pounds first

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0, dbv_places=1)

    assert ranked_codes(proposal) == ["208", "212", "213"]
    assert "Tie rule" in tiering_propose.__doc__


def test_an_authority_in_an_open_safety_valve_enrolment_is_excluded_and_not_ranked(dfe_official):
    give_figures("838", deficit_millions=50)  # Dorset, in Safety Valve (2021-22): 50 %
    give_figures("202", deficit_millions=10)

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=0)

    dorset = placements_of(proposal)["838"]
    assert (dorset.tier, dorset.rank, dorset.deficit_percent) == (Tier.EXCLUDED, None, Decimal("50.00"))
    assert ranked_codes(proposal) == ["202"]
    assert placements_of(proposal)["202"].tier == Tier.SV
    assert proposal.placements.filter(tier=Tier.EXCLUDED).count() == 9  # the nine 2021-22 agreements


def test_authorities_without_usable_figures_are_listed_apart_and_never_guessed(dfe_official):
    give_figures("202", deficit_millions=10)
    DsgFigureFactory(  # figures without the cumulative balance: no deficit % to rank by
        authority=LocalAuthority.objects.get(la_code="203"),
        financial_year=YEAR,
        source=FigureSource.PUBLISHED,
        total_dsg_allocation=100 * MILLION,
        cumulative_balance=None,
    )

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0)

    placed = placements_of(proposal)
    for code in ("203", "301"):  # 301 has no figures at all
        assert (placed[code].tier, placed[code].rank, placed[code].deficit_percent) == (
            Tier.NO_FIGURES,
            None,
            None,
        )
    assert ranked_codes(proposal) == ["202"]
    operating = LocalAuthority.objects.operating_on(YEAR.ends_on).count()
    assert proposal.placements.count() == operating
    assert "909" not in placed  # Cumbria ended in 2023: not operating at the end of 2030-31


def test_by_default_only_published_figures_rank_and_la_returns_and_demo_are_left_out(dfe_official):
    give_figures("202", deficit_millions=3)  # published
    give_figures("203", deficit_millions=5, source=FigureSource.LA_RETURN)
    give_figures("204", deficit_millions=9, source=FigureSource.DEMO)

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0)

    placed = placements_of(proposal)
    assert ranked_codes(proposal) == ["202"]
    assert (placed["202"].figure_source, placed["202"].figure_source_name) == ("published", "Published")
    assert placed["203"].tier == placed["204"].tier == Tier.NO_FIGURES  # never taken from other sources
    assert proposal.figure_sources == ["published"]


def test_the_official_may_add_la_returns_and_demo_figures_published_first_then_la_return_then_demo(
    dfe_official,
):
    give_figures("202", deficit_millions=3)
    give_figures("202", deficit_millions=30, source=FigureSource.DEMO)
    give_figures("203", deficit_millions=5, source=FigureSource.LA_RETURN)
    give_figures("203", deficit_millions=1, source=FigureSource.DEMO)
    give_figures("205", deficit_millions=2, source=FigureSource.DEMO)

    proposal = tiering_propose(
        actor=dfe_official,
        reference_year=YEAR,
        sv_places=0,
        sources=[FigureSource.DEMO, FigureSource.LA_RETURN, FigureSource.PUBLISHED],
    )
    placed = placements_of(proposal)
    assert {
        code: (placed[code].deficit_percent, placed[code].figure_source_name)
        for code in placed
        if placed[code].rank
    } == {
        "202": (Decimal("3.00"), "Published"),
        "203": (Decimal("5.00"), "LA return"),
        "205": (Decimal("2.00"), "Demo"),
    }
    assert proposal.figure_sources == ["published", "la_return", "demo"]  # in order of preference

    with_la_returns = tiering_propose(
        actor=dfe_official,
        reference_year=YEAR,
        sv_places=0,
        sources=[FigureSource.PUBLISHED, FigureSource.LA_RETURN],
    )
    assert ranked_codes(with_la_returns) == ["203", "202"]

    demo = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0, source=FigureSource.DEMO)
    assert ranked_codes(demo) == ["202", "205", "203"]
    assert placements_of(demo)["202"].deficit_percent == Decimal("30.00")


def test_a_proposal_needs_at_least_one_source_of_figures(dfe_official):
    with pytest.raises(DomainError, match="at least one source") as refused:
        tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0, sources=[])
    assert refused.value.field == "sources"


def test_safety_valve_places_default_to_26(dfe_official):
    assert tiering_propose(actor=dfe_official, reference_year=YEAR).sv_places == 26


def test_dbv_places_default_to_the_dbv_programmes_55(dfe_official):
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=5)
    assert proposal.dbv_places == 55


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"sv_places": -1}, "sv_places"),
        ({"sv_places": 2, "dbv_places": -3}, "dbv_places"),
        ({"sv_places": 1000}, "sv_places"),
        ({"sv_places": 1, "source": "guesswork"}, "source"),
        ({"sv_places": 1, "reference_year": "2020-21"}, "reference_year"),
    ],
)
def test_proposal_inputs_are_checked(dfe_official, arguments, field):
    with pytest.raises(DomainError) as refused:
        tiering_propose(actor=dfe_official, **{"reference_year": YEAR, **arguments})
    assert refused.value.field == field


def test_a_finance_lead_may_not_run_a_tiering_proposal(finance_lead):
    with pytest.raises(PermissionDenied):
        tiering_propose(actor=finance_lead, reference_year=YEAR, sv_places=5)


def test_the_proposal_and_its_placements_record_who_made_them(dfe_official):
    give_figures("202", deficit_millions=10)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1)
    assert proposal.history.get().history_user == dfe_official
    placement = proposal.placements.get(authority__la_code="202")
    assert placement.history.get().history_user == dfe_official


def test_approval_invites_each_tier_into_its_cohort_and_skips_authorities_already_enrolled(
    dfe_official, cohorts
):
    free_one_dbv_place(dfe_official)
    give_figures("202", deficit_millions=20)  # SV
    give_figures("207", deficit_millions=15)  # DBV, but already invited into DBV tranche 1: skipped
    give_figures("203", deficit_millions=10)  # DBV: takes the free place
    give_figures("205", deficit_millions=5)  # ESFA
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=2)

    result = tiering_approve(actor=dfe_official, proposal=proposal, cohorts=cohorts)

    assert [(e.authority.la_code, e.cohort, e.status) for e in result.invited] == [
        ("202", cohorts[Tier.SV], "invited"),
        ("203", cohorts[Tier.DBV], "invited"),
        ("205", cohorts[Tier.ESFA], "invited"),
    ]
    assert [(s.authority.la_code, s.tier, s.reason) for s in result.skipped] == [
        ("207", Tier.DBV, "already has an open enrolment")
    ]
    dbv = result.invited[1]
    assert sorted(dbv.partner_assignments.values_list("organisation", flat=True)) == ["cipfa", "newton"]
    assert f"Tiering proposal {proposal.pk}" in dbv.transitions.get().reason
    proposal.refresh_from_db()
    assert (proposal.status, proposal.approved_by) == (ProposalStatus.APPROVED, dfe_official)
    assert proposal.approved_at is not None


def test_approval_is_all_or_nothing_when_dbv_places_run_out_part_way(dfe_official, cohorts):
    free_one_dbv_place(dfe_official)  # one DBV place left
    give_figures("202", deficit_millions=20)  # SV: invited first
    give_figures("203", deficit_millions=10)  # DBV: takes the last place
    give_figures("205", deficit_millions=9)  # DBV: no place left
    give_figures("206", deficit_millions=1)  # ESFA
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=2)
    enrolments_before = Enrolment.objects.count()

    with pytest.raises(DomainError) as refused:
        tiering_approve(actor=dfe_official, proposal=proposal, cohorts=cohorts)

    assert "Hammersmith and Fulham (205)" in refused.value.message
    assert "places" in refused.value.message
    assert Enrolment.objects.count() == enrolments_before
    assert not Enrolment.objects.filter(authority__la_code__in=["202", "203", "205", "206"]).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT and proposal.approved_by is None


def test_approval_skips_an_authority_that_no_longer_operates(dfe_official, cohorts):
    # Northamptonshire (928) operated until 31 March 2021: in a 2020-21 proposal, but not invitable now.
    year = FinancialYear(2020)
    give_figures("928", deficit_millions=10, year=year, source=FigureSource.LA_RETURN)
    give_figures("202", deficit_millions=20, year=year, source=FigureSource.LA_RETURN)
    proposal = tiering_propose(
        actor=dfe_official, reference_year=year, sv_places=1, dbv_places=0, source=FigureSource.LA_RETURN
    )

    result = tiering_approve(actor=dfe_official, proposal=proposal, cohorts=cohorts)

    assert [e.authority.la_code for e in result.invited] == ["202"]
    assert [(s.authority.la_code, s.tier, s.reason) for s in result.skipped] == [
        ("928", Tier.ESFA, "no longer operates")
    ]


def test_a_proposal_is_approved_only_once(dfe_official, cohorts):
    give_figures("202", deficit_millions=20)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=0)
    tiering_approve(actor=dfe_official, proposal=proposal, cohorts=cohorts)

    with pytest.raises(DomainError, match="already approved"):
        tiering_approve(actor=dfe_official, proposal=proposal, cohorts=cohorts)
    assert Enrolment.objects.filter(authority__la_code="202").count() == 1


def test_approval_refuses_a_cohort_of_another_programme(dfe_official, cohorts):
    give_figures("202", deficit_millions=20)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=0)

    with pytest.raises(DomainError, match="not a Safety Valve cohort"):
        tiering_approve(
            actor=dfe_official, proposal=proposal, cohorts={**cohorts, Tier.SV: cohorts[Tier.ESFA]}
        )
    assert not Enrolment.objects.filter(authority__la_code="202").exists()


def test_only_a_dfe_official_may_approve_a_proposal(dfe_official, finance_lead, cohorts):
    from django.http import Http404

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0)
    with pytest.raises(Http404):  # a proposal is not in a finance lead's scope at all
        tiering_approve(actor=finance_lead, proposal=proposal, cohorts=cohorts)


def test_figures_for_every_authority_give_a_proposal_with_every_tier(dfe_official):
    operating = LocalAuthority.objects.operating_on(YEAR.ends_on).order_by("la_code")
    for n, authority in enumerate(operating):
        # Deficits from 25 % down to a 5 % surplus, in an order that is not the LA codes'.
        give_figures(authority.la_code, deficit_millions=25 - (n * 7) % 31)

    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=5)

    tiers = {tier: proposal.placements.filter(tier=tier).count() for tier in Tier.values}
    assert tiers[Tier.SV] == 5 and tiers[Tier.DBV] == 55 and tiers[Tier.ESFA] > 50
    assert tiers[Tier.EXCLUDED] == 9 and tiers[Tier.NO_FIGURES] == 0


# --- Approving on the pages, then inviting a selection (docs/decisions/0025) ---------------------


def test_approving_without_cohorts_records_the_approval_and_invites_nobody(dfe_official):
    give_figures("202", deficit_millions=20)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=0)
    before = Enrolment.objects.count()

    result = tiering_approve(actor=dfe_official, proposal=proposal)

    assert (result.invited, result.skipped) == ([], [])
    assert Enrolment.objects.count() == before
    proposal.refresh_from_db()
    assert (proposal.status, proposal.approved_by) == (ProposalStatus.APPROVED, dfe_official)
    with pytest.raises(DomainError, match="approved only once"):
        tiering_approve(actor=dfe_official, proposal=proposal)


def test_a_selection_of_an_approved_tier_is_invited_each_with_its_rank_and_figure(dfe_official, cohorts):
    give_figures("202", deficit_millions=20)
    give_figures("203", deficit_millions=15)
    give_figures("205", deficit_millions=10)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=3, dbv_places=0)
    tiering_approve(actor=dfe_official, proposal=proposal)
    chosen = list(LocalAuthority.objects.filter(la_code__in=["202", "205"]).order_by("la_code"))

    invited = tiering_invite(
        actor=dfe_official,
        proposal=proposal,
        authorities=chosen,
        cohort=cohorts[Tier.SV],
        reason="Letters sent.",
    )

    assert [(e.authority.la_code, e.cohort, e.status) for e in invited] == [
        ("202", cohorts[Tier.SV], "invited"),
        ("205", cohorts[Tier.SV], "invited"),
    ]
    assert invited[1].transitions.get().reason == (
        f"Tiering proposal {proposal.pk} (2030-31): ranked 3, deficit 10.00% of DSG. Letters sent."
    )
    assert not Enrolment.objects.filter(authority__la_code="203").exists()


def test_a_draft_proposal_invites_nobody(dfe_official, cohorts):
    give_figures("202", deficit_millions=20)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=0)
    with pytest.raises(DomainError, match="still a draft: approve it"):
        tiering_invite(
            actor=dfe_official,
            proposal=proposal,
            authorities=[LocalAuthority.objects.get(la_code="202")],
            cohort=cohorts[Tier.SV],
        )
    assert not Enrolment.objects.filter(authority__la_code="202").exists()


def test_an_authority_goes_only_into_its_own_tiers_programme(dfe_official, cohorts):
    give_figures("202", deficit_millions=20)
    give_figures("203", deficit_millions=1)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=1, dbv_places=0)
    tiering_approve(actor=dfe_official, proposal=proposal)
    authorities = list(LocalAuthority.objects.filter(la_code__in=["202", "203"]).order_by("la_code"))

    with pytest.raises(DomainError) as refused:
        tiering_invite(
            actor=dfe_official, proposal=proposal, authorities=authorities, cohort=cohorts[Tier.SV]
        )

    assert refused.value.message.startswith("Greenwich (203) is proposed for ESFA, not Safety Valve")
    assert refused.value.field == "authorities"
    assert not Enrolment.objects.filter(authority__la_code__in=["202", "203"]).exists()


def test_inviting_a_selection_is_all_or_nothing_when_dbv_is_full(dfe_official, cohorts):
    free_one_dbv_place(dfe_official)  # one DBV place left, for two authorities
    give_figures("202", deficit_millions=20)
    give_figures("203", deficit_millions=15)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=0, dbv_places=2)
    tiering_approve(actor=dfe_official, proposal=proposal)
    authorities = list(LocalAuthority.objects.filter(la_code__in=["202", "203"]).order_by("la_code"))
    before = Enrolment.objects.count()

    with pytest.raises(DomainError) as refused:
        tiering_invite(
            actor=dfe_official, proposal=proposal, authorities=authorities, cohort=cohorts[Tier.DBV]
        )

    assert refused.value.message == (
        "Greenwich (203) could not be invited: DBV already holds 55 of its 55 places (invited, accepted or "
        "active): withdraw or complete one first. No invitations were sent."
    )
    assert Enrolment.objects.count() == before


def test_messages_name_the_programmes_as_people_do(dfe_official):
    with pytest.raises(DomainError, match="number of Safety Valve places"):
        tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=-1)
    assert [Tier(t).label for t in (Tier.SV, Tier.DBV, Tier.ESFA)] == ["Safety Valve", "DBV", "ESFA"]


def test_the_api_ranks_on_published_figures_by_default_and_takes_the_sources_chosen(client_for, dfe_official):
    give_figures("202", deficit_millions=3)
    give_figures("203", deficit_millions=5, source=FigureSource.LA_RETURN)
    client = client_for(dfe_official)

    default = client.post(
        "/api/v1/tiering-proposals/", {"reference_year": "2030-31"}, content_type="application/json"
    ).json()
    assert (default["sv_places"], default["figure_sources"]) == (26, ["published"])
    ranked = {p["authority"]: p["figure_source"] for p in default["placements"] if p["rank"]}
    assert ranked == {"202": "published"}

    both = client.post(
        "/api/v1/tiering-proposals/",
        {"reference_year": "2030-31", "sv_places": 0, "sources": ["la_return", "published"]},
        content_type="application/json",
    ).json()
    assert both["figure_sources"] == ["published", "la_return"]
    ranked = {p["authority"]: p["figure_source"] for p in both["placements"] if p["rank"]}
    assert ranked == {"202": "published", "203": "la_return"}
