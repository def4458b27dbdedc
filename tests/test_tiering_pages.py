"""The tiering proposal in the browser: run it, review it against the DBV cohort, approve it, then invite a
selection of each tier (DfE only; docs/decisions/0025-inviting-from-a-proposal.md)."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import DsgFigureFactory
from authorities.models import FigureSource, LocalAuthority
from portal.financial_year import FinancialYear
from programmes.factories import cohort
from programmes.models import Enrolment, ProposalStatus, TieringProposal
from programmes.services.tiering import tiering_approve, tiering_invite, tiering_propose

pytestmark = pytest.mark.django_db

TIERING = reverse("programmes:tiering")
YEAR = FinancialYear(2030)  # a year no reference data reaches


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def give_figures(la_code, *, deficit_millions, source=FigureSource.PUBLISHED):
    return DsgFigureFactory(
        authority=LocalAuthority.objects.get(la_code=la_code),
        financial_year=YEAR,
        source=source,
        total_dsg_allocation=Decimal(100_000_000),
        cumulative_balance=-Decimal(deficit_millions) * 1_000_000,
    )


def test_a_dfe_official_runs_a_proposal_on_published_figures_and_sees_the_comparison(
    client_for, dfe_official
):
    client = client_for(dfe_official)
    response = client.post(
        TIERING, {"reference_year": "2020-21", "sv_places": "26", "sources": ["published"]}
    )
    proposal = TieringProposal.objects.get()
    assert response["Location"] == reverse("programmes:tiering-detail", args=[proposal.pk])
    page = client.get(response["Location"]).content.decode()
    assert "agree on 50 authorities" in page
    assert "Proposed for DBV but not enrolled in DBV" in page
    assert "Already in Safety Valve: 9" in page
    assert "Newham (316)" in page and "3.44%" in page


def test_the_form_ranks_on_published_figures_only_unless_the_official_adds_others(client_for, dfe_official):
    client = client_for(dfe_official)
    form = client.get(TIERING).content.decode()
    checked = re.findall(r'<input[^>]*name="sources"[^>]*>', form)
    assert len(checked) == 3
    assert [('value="published"' in box, "checked" in box) for box in checked] == [
        (True, True),
        (False, False),
        (False, False),
    ]
    assert "Figures to use" in text_of(client.get(TIERING))

    give_figures("202", deficit_millions=10)
    give_figures("203", deficit_millions=20, source=FigureSource.LA_RETURN)
    give_figures("205", deficit_millions=5, source=FigureSource.DEMO)
    client.post(TIERING, {"reference_year": "2030-31", "sv_places": "0", "sources": ["published"]})
    published_only = TieringProposal.objects.get()
    page = text_of(client.get(reverse("programmes:tiering-detail", args=[published_only.pk])))
    assert "Figures used: Published." in page
    assert published_only.placements.get(authority__la_code="203").tier == "no figures"

    client.post(
        TIERING,
        {"reference_year": "2030-31", "sv_places": "0", "sources": ["published", "la_return", "demo"]},
    )
    everything = TieringProposal.objects.exclude(pk=published_only.pk).get()
    page = text_of(client.get(reverse("programmes:tiering-detail", args=[everything.pk])))
    assert "Figures used: Published, LA return, Demo" in page
    # Each placement says which source put it there, in the "Figures from" column.
    assert "Figures from" in page
    assert "2 Camden (202) 10.00% −£10,000,000 £100,000,000 Published" in page
    assert "1 Greenwich (203) 20.00% −£20,000,000 £100,000,000 LA return" in page
    assert "3 Hammersmith and Fulham (205) 5.00% −£5,000,000 £100,000,000 Demo" in page


def test_no_source_of_figures_chosen_is_an_error(client_for, dfe_official):
    response = client_for(dfe_official).post(TIERING, {"reference_year": "2020-21", "sv_places": "5"})
    assert response.status_code == 400
    assert "Select at least one source of figures" in text_of(response)
    assert not TieringProposal.objects.exists()


def test_the_safety_valve_places_field_states_its_default(client_for, dfe_official):
    page = client_for(dfe_official).get(TIERING)
    assert re.search(r'<input[^>]*name="sv_places"[^>]*value="26"', page.content.decode())
    assert "Leave as 26 to stand in for the authorities DfE had already invited to Safety Valve" in text_of(
        page
    )


def test_a_bad_reference_year_is_shown_in_an_error_summary_and_nothing_is_made(client_for, dfe_official):
    response = client_for(dfe_official).post(TIERING, {"reference_year": "2020-22", "sv_places": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "the two years must follow on" in page
    assert "Enter the number of Safety Valve places as a whole number" in page
    assert not TieringProposal.objects.exists()


def test_approving_on_the_page_records_the_approval_and_invites_nobody(client_for, dfe_official):
    client = client_for(dfe_official)
    client.post(TIERING, {"reference_year": "2020-21", "sv_places": "26", "sources": ["published"]})
    proposal = TieringProposal.objects.get()
    detail = reverse("programmes:tiering-detail", args=[proposal.pk])
    draft = text_of(client.get(detail))
    assert "Approve the proposal" in draft and "A proposal is approved only once" in draft
    assert 'name="authority"' not in client.get(detail).content.decode()  # nothing to select before approval

    before = Enrolment.objects.count()
    response = client.post(reverse("programmes:tiering-approve", args=[proposal.pk]))
    assert response["Location"] == detail
    assert Enrolment.objects.count() == before
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED

    approved = client.get(detail)
    page = text_of(approved)
    assert (
        f"Tiering proposal {proposal.pk} approved. Now choose the authorities to invite in each tier." in page
    )
    assert "Invite the selected Safety Valve authorities" in page
    assert "Invite the selected ESFA authorities" in page
    assert "Invite the selected DBV authorities" in page  # the 5 proposed but not enrolled in DBV
    assert "Select Newham" not in page  # Newham (316) is in DBV already: no checkbox

    again = client.post(reverse("programmes:tiering-approve", args=[proposal.pk]))
    assert again.status_code == 400
    assert "approved only once" in text_of(again)


def test_an_approved_tier_sends_its_selection_to_the_invitation_pages(client_for, dfe_official):
    give_figures("202", deficit_millions=20)
    give_figures("203", deficit_millions=15)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=2, dbv_places=0)
    tiering_approve(actor=dfe_official, proposal=proposal)
    client = client_for(dfe_official)
    html = client.get(reverse("programmes:tiering-detail", args=[proposal.pk])).content.decode()

    form = html.split('<input type="hidden" name="tier" value="SV">', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("programmes:invite-many")}"' in html
    assert re.findall(r'name="authority" type="checkbox" value="(\d+)"', form) == ["202", "203"]  # by rank
    assert "Select Camden" in form and "Select Greenwich" in form


def test_other_roles_cannot_run_or_see_proposals(
    client_for, dfe_official, finance_lead, newton_partner, steering_member
):
    client_for(dfe_official).post(
        TIERING, {"reference_year": "2020-21", "sv_places": "5", "sources": ["published"]}
    )
    proposal = TieringProposal.objects.get()
    for user in (finance_lead, newton_partner, steering_member):
        client = client_for(user)
        assert client.get(TIERING).status_code == 403
        assert client.get(reverse("programmes:tiering-detail", args=[proposal.pk])).status_code == 404
        assert client.post(reverse("programmes:tiering-approve", args=[proposal.pk])).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_an_approved_proposals_page_makes_as_many_queries_however_many_are_invited(client_for, dfe_official):
    for n, code in enumerate(("202", "203", "205", "206", "208")):
        give_figures(code, deficit_millions=20 - n)
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=5, dbv_places=0)
    tiering_approve(actor=dfe_official, proposal=proposal)
    client = client_for(dfe_official)
    detail = reverse("programmes:tiering-detail", args=[proposal.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail).status_code == 200
        return len(captured)

    none_invited = queries()
    tiering_invite(
        actor=dfe_official,
        proposal=proposal,
        authorities=LocalAuthority.objects.filter(la_code__in=["202", "203", "205"]),
        cohort=cohort("SV"),
    )
    assert queries() == none_invited
    assert text_of(client.get(detail)).count("Safety Valve, 2021-22 round Invited") == 3
