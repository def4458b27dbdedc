"""History and audit (SPEC §4.12): every write names who made it, and "what changed" reads before and after."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal.financial_year import FinancialYear
from portal.history import Change, changes, history_for
from programmes.models import Cohort, Enrolment, EnrolmentTransition, PartnerAssignment, ProgrammeCode
from programmes.services.enrolment import enrolment_invite, enrolment_replace, enrolment_transition

pytestmark = pytest.mark.django_db


def authority(la_code):
    return LocalAuthority.objects.get(la_code=la_code)


@pytest.fixture
def esfa_cohort():
    return Cohort.objects.get(programme__code=ProgrammeCode.ESFA, name="2022-23")


@pytest.fixture
def camden_in_esfa(dfe_official, esfa_cohort):
    """Camden (202), invited into ESFA 2022-23 by the DfE official."""
    return enrolment_invite(actor=dfe_official, authority=authority("202"), cohort=esfa_cohort)


def test_every_write_through_the_enrolment_service_leaves_history_naming_the_actor(
    dfe_official, camden_in_esfa
):
    enrolment_transition(actor=dfe_official, enrolment=camden_in_esfa, transition="accept")
    enrolment_transition(actor=dfe_official, enrolment=camden_in_esfa, transition="activate")
    enrolment_transition(actor=dfe_official, enrolment=camden_in_esfa, transition="withdraw", reason="Test")
    hackney = Enrolment.objects.open().get(authority__la_code="204")  # DBV, with Newton and CIPFA assigned
    enrolment_transition(actor=dfe_official, enrolment=hackney, transition="withdraw", reason="Opted out")
    greenwich = enrolment_replace(
        actor=dfe_official, enrolment=hackney, authority=authority("203"), reason="Next"
    )

    touched = [camden_in_esfa.pk, hackney.pk, greenwich.pk]
    rows = [
        *Enrolment.history.filter(id__in=touched),
        *EnrolmentTransition.history.filter(enrolment_id__in=touched),
        *PartnerAssignment.history.filter(enrolment_id=greenwich.pk),
    ]
    # The reference data's rows were written by the system account, before this test.
    rows = [row for row in rows if row.history_user.username != "system"]
    camden = 4 + 4  # invite, accept, activate, withdraw: an enrolment row and a transition each
    hackney = 2 + 2  # withdraw and replace
    greenwich = 1 + 1 + 2  # invited, with Newton and CIPFA assigned
    assert len(rows) == camden + hackney + greenwich
    assert {row.history_user for row in rows} == {dfe_official}


def test_changes_shows_a_status_change_before_and_after_by_label(dfe_official, camden_in_esfa):
    enrolment_transition(actor=dfe_official, enrolment=camden_in_esfa, transition="accept")

    latest = camden_in_esfa.history.first()

    assert changes(latest) == [Change(field="status", label="status", old="Invited", new="Accepted")]


def test_a_creation_row_shows_every_field_set_as_new_with_foreign_keys_by_name(camden_in_esfa):
    created = camden_in_esfa.history.get(history_type="+")

    assert {change.field: (change.old, change.new) for change in changes(created)} == {
        "authority": ("", "Camden"),
        "cohort": ("", "ESFA 2022-23"),
        "status": ("", "Invited"),
    }


def test_changes_shows_money_years_and_deletions(dfe_official):
    figure = DsgFigure(
        authority=authority("202"),
        financial_year=FinancialYear(2030),
        source=FigureSource.LA_RETURN,
        cumulative_balance=Decimal("-1500.50"),
    )
    figure._history_user = dfe_official
    figure.save()
    figure.cumulative_balance = Decimal("-2000.00")
    figure.save()
    figure_id = figure.pk
    figure.delete()

    deleted, changed, created = DsgFigure.history.filter(id=figure_id).order_by("-history_id")
    assert {c.label: c.new for c in changes(created)}["financial year"] == "2030-31"
    assert {c.label: c.new for c in changes(created)}["source"] == "LA return"
    assert changes(changed) == [
        Change(field="cumulative_balance", label="cumulative balance (£)", old="−£1,500.50", new="−£2,000.00")
    ]
    assert {c.label: (c.old, c.new) for c in changes(deleted)}["cumulative balance (£)"] == ("−£2,000.00", "")


def test_history_for_lists_rows_newest_first_with_who_and_what(dfe_official, camden_in_esfa):
    enrolment_transition(actor=dfe_official, enrolment=camden_in_esfa, transition="accept")
    enrolment_transition(actor=dfe_official, enrolment=camden_in_esfa, transition="withdraw", reason="Test")

    entries = history_for(user=dfe_official, obj=camden_in_esfa)

    assert [entry.kind for entry in entries] == ["Changed", "Changed", "Created"]
    assert {entry.user for entry in entries} == {dfe_official}
    assert [(c.old, c.new) for c in entries[0].changes] == [("Accepted", "Withdrawn")]
    assert [(c.old, c.new) for c in entries[1].changes] == [("Invited", "Accepted")]
    assert entries[0].at >= entries[1].at >= entries[2].at


def test_history_for_runs_in_a_fixed_number_of_queries_whatever_the_number_of_rows(dfe_official, esfa_cohort):
    short = enrolment_invite(actor=dfe_official, authority=authority("202"), cohort=esfa_cohort)
    long = enrolment_invite(actor=dfe_official, authority=authority("203"), cohort=esfa_cohort)
    for transition in ("accept", "activate", "complete"):
        enrolment_transition(actor=dfe_official, enrolment=long, transition=transition)

    counts = []
    for enrolment in (short, long):
        with CaptureQueriesContext(connection) as queries:
            history_for(user=dfe_official, obj=enrolment)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_only_dfe_officials_see_history_others_get_403_in_scope_and_404_out_of_scope(
    dfe_official, finance_lead, newton_partner, steering_member, camden_in_esfa
):
    own = Enrolment.objects.get(authority=finance_lead.authority)  # Kensington and Chelsea, DBV

    assert history_for(user=dfe_official, obj=own)
    with pytest.raises(PermissionDenied):
        history_for(user=finance_lead, obj=own)
    with pytest.raises(PermissionDenied):
        history_for(user=newton_partner, obj=own)
    for outsider in (finance_lead, newton_partner, steering_member):
        with pytest.raises(Http404):
            history_for(user=outsider, obj=camden_in_esfa)
