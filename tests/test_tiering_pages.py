"""The tiering proposal in the browser: run it, review it against the DBV cohort, approve it (DfE only)."""

import pytest
from django.urls import reverse

from programmes.models import Enrolment, TieringProposal

pytestmark = pytest.mark.django_db


def test_a_dfe_official_runs_a_proposal_on_published_figures_and_sees_the_comparison(
    client_for, dfe_official
):
    client = client_for(dfe_official)
    response = client.post(
        reverse("programmes:tiering"), {"reference_year": "2020-21", "sv_places": "26", "source": "published"}
    )
    proposal = TieringProposal.objects.get()
    assert response["Location"] == reverse("programmes:tiering-detail", args=[proposal.pk])
    page = client.get(response["Location"]).content.decode()
    assert "agree on 50 authorities" in page
    assert "Proposed for DBV but not enrolled in DBV" in page
    assert "Already in Safety Valve: 9" in page
    assert "Newham (316)" in page and "3.44%" in page


def test_a_bad_reference_year_is_shown_in_an_error_summary_and_nothing_is_made(client_for, dfe_official):
    response = client_for(dfe_official).post(
        reverse("programmes:tiering"), {"reference_year": "2020-22", "sv_places": "x"}
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "the two years must follow on" in page
    assert "Enter the number of Safety Valve places as a whole number" in page
    assert not TieringProposal.objects.exists()


def test_approval_needs_a_cohort_for_each_tier_and_refuses_clearly_when_dbv_is_full(client_for, dfe_official):
    from programmes.models import Cohort

    client = client_for(dfe_official)
    client.post(
        reverse("programmes:tiering"), {"reference_year": "2020-21", "sv_places": "26", "source": "published"}
    )
    proposal = TieringProposal.objects.get()
    approve = reverse("programmes:tiering-approve", args=[proposal.pk])
    assert "Choose the cohort" in client.post(approve, {}).content.decode()

    before = Enrolment.objects.count()
    cohorts = {
        "sv_cohort": Cohort.objects.get(programme__code="SV").pk,
        "dbv_cohort": Cohort.objects.get(programme__code="DBV", tranche=1).pk,
        "esfa_cohort": Cohort.objects.get(programme__code="ESFA").pk,
    }
    response = client.post(approve, cohorts)
    assert response.status_code == 400
    assert "55 of its 55 places" in response.content.decode()
    assert Enrolment.objects.count() == before
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_other_roles_cannot_run_or_see_proposals(
    client_for, dfe_official, finance_lead, newton_partner, steering_member
):
    client_for(dfe_official).post(
        reverse("programmes:tiering"), {"reference_year": "2020-21", "sv_places": "5"}
    )
    proposal = TieringProposal.objects.get()
    for user in (finance_lead, newton_partner, steering_member):
        client = client_for(user)
        assert client.get(reverse("programmes:tiering")).status_code == 403
        assert client.get(reverse("programmes:tiering-detail", args=[proposal.pk])).status_code == 404
