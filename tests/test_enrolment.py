"""The enrolment lifecycle (SPEC §4.2): every transition, allowed and refused, and each rule."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from authorities.models import LocalAuthority
from portal.errors import DomainError, TransitionNotAllowed
from programmes.models import Cohort, Enrolment, EnrolmentStatus, EnrolmentTransition
from programmes.services.enrolment import (
    TRANSITIONS,
    allowed_transitions,
    enrolment_invite,
    enrolment_replace,
    enrolment_transition,
)

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


@pytest.fixture
def free_authorities(db):
    """Operating authorities with no enrolment at all, in LA code order."""
    return list(
        LocalAuthority.objects.operating_on(date.today())
        .filter(enrolments__isnull=True)
        .order_by("la_code")[:6]
    )


@pytest.fixture
def esfa(db):
    return Cohort.objects.get(programme__code="ESFA")


@pytest.fixture
def sv_round(db):
    return Cohort.objects.get(programme__code="SV")


@pytest.fixture
def tranche_1(db):
    return Cohort.objects.get(programme__code="DBV", tranche=1)


def _enrolment_in(status, *, actor, authority, cohort):
    """An enrolment brought to `status` through the service, the only way there is."""
    enrolment = enrolment_invite(actor=actor, authority=authority, cohort=cohort)
    path = {
        S.INVITED: [],
        S.ACCEPTED: ["accept"],
        S.ACTIVE: ["accept", "activate"],
        S.COMPLETED: ["accept", "activate", "complete"],
        S.DECLINED: ["decline"],
        S.WITHDRAWN: ["withdraw"],
    }
    for name in path[status]:
        enrolment = enrolment_transition(
            actor=actor, enrolment=enrolment, transition=name, reason="Test reason"
        )
    return enrolment


def test_an_invitation_opens_an_enrolment_and_logs_who_when_and_why(dfe_official, free_authorities, esfa):
    enrolment = enrolment_invite(
        actor=dfe_official, authority=free_authorities[0], cohort=esfa, reason="Tiering proposal 2022-23"
    )
    assert enrolment.status == S.INVITED
    entry = enrolment.transitions.get()
    assert (entry.name, entry.from_status, entry.to_status) == ("invite", "", S.INVITED)
    assert entry.actor == dfe_official
    assert entry.reason == "Tiering proposal 2022-23"
    assert entry.at is not None


@pytest.mark.parametrize(
    "start, transition, end",
    [
        (S.INVITED, "accept", S.ACCEPTED),
        (S.INVITED, "decline", S.DECLINED),
        (S.INVITED, "withdraw", S.WITHDRAWN),
        (S.ACCEPTED, "activate", S.ACTIVE),
        (S.ACCEPTED, "withdraw", S.WITHDRAWN),
        (S.ACTIVE, "complete", S.COMPLETED),
        (S.ACTIVE, "withdraw", S.WITHDRAWN),
    ],
)
def test_each_allowed_transition_moves_the_status_and_is_logged(
    dfe_official, free_authorities, esfa, start, transition, end
):
    enrolment = _enrolment_in(start, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    moved = enrolment_transition(
        actor=dfe_official, enrolment=enrolment, transition=transition, reason="Because"
    )
    assert moved.status == end
    assert Enrolment.objects.get(pk=enrolment.pk).status == end
    last = moved.transitions.last()
    assert (last.name, last.from_status, last.to_status, last.actor) == (transition, start, end, dfe_official)


REFUSED = [
    (start, name)
    for start in (S.INVITED, S.ACCEPTED, S.ACTIVE, S.COMPLETED, S.DECLINED, S.WITHDRAWN)
    for name in TRANSITIONS
    if name != "replace" and start not in TRANSITIONS[name].sources
]


@pytest.mark.parametrize("start, transition", REFUSED)
def test_each_impossible_transition_is_refused_naming_the_allowed_ones(
    dfe_official, free_authorities, esfa, start, transition
):
    enrolment = _enrolment_in(start, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    log_before = enrolment.transitions.count()
    with pytest.raises(TransitionNotAllowed) as refusal:
        enrolment_transition(actor=dfe_official, enrolment=enrolment, transition=transition, reason="Because")
    assert refusal.value.allowed == allowed_transitions(enrolment)
    for allowed in refusal.value.allowed:
        assert allowed in refusal.value.message
    enrolment.refresh_from_db()
    assert enrolment.status == start
    assert enrolment.transitions.count() == log_before


@pytest.mark.parametrize("start", [S.INVITED, S.ACCEPTED, S.ACTIVE, S.COMPLETED])
def test_only_a_declined_or_withdrawn_enrolment_can_be_replaced(dfe_official, free_authorities, esfa, start):
    enrolment = _enrolment_in(start, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    with pytest.raises(TransitionNotAllowed):
        enrolment_replace(
            actor=dfe_official, enrolment=enrolment, authority=free_authorities[1], reason="Because"
        )
    assert not Enrolment.objects.filter(authority=free_authorities[1]).exists()


@pytest.mark.parametrize("transition", ["decline", "withdraw"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_and_withdrawing_need_a_reason(dfe_official, free_authorities, esfa, transition, reason):
    enrolment = _enrolment_in(S.INVITED, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    with pytest.raises(DomainError, match="Give a reason") as refusal:
        enrolment_transition(actor=dfe_official, enrolment=enrolment, transition=transition, reason=reason)
    assert refusal.value.field == "reason"
    enrolment.refresh_from_db()
    assert enrolment.status == S.INVITED


def test_replacing_needs_a_reason(dfe_official, free_authorities, esfa):
    declined = _enrolment_in(S.DECLINED, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    with pytest.raises(DomainError, match="Give a reason"):
        enrolment_replace(actor=dfe_official, enrolment=declined, authority=free_authorities[1], reason="")


@pytest.mark.parametrize("closed", [S.DECLINED, S.WITHDRAWN])
def test_a_replacement_opens_an_invitation_in_the_same_cohort_linked_both_ways(
    dfe_official, free_authorities, esfa, closed
):
    old = _enrolment_in(closed, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    new = enrolment_replace(
        actor=dfe_official, enrolment=old, authority=free_authorities[1], reason="Opted out"
    )
    old.refresh_from_db()
    assert old.status == S.REPLACED
    assert (new.status, new.cohort, new.authority) == (S.INVITED, esfa, free_authorities[1])
    assert new.replaces == old
    assert old.replaced_by == new
    assert old.transitions.last().reason == "Opted out"
    assert "Opted out" in new.transitions.get().reason


def test_a_replacement_must_go_to_an_authority_with_no_open_enrolment(dfe_official, free_authorities, esfa):
    old = _enrolment_in(S.DECLINED, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    newham = LocalAuthority.objects.get(la_code="316")  # invited to DBV tranche 2 by the reference data
    with pytest.raises(DomainError, match="already has an open enrolment"):
        enrolment_replace(actor=dfe_official, enrolment=old, authority=newham, reason="Opted out")
    old.refresh_from_db()
    assert old.status == S.DECLINED  # nothing half-done
    assert not hasattr(old, "replaced_by") or old.replaced_by is None


def test_an_authority_is_in_at_most_one_programme_at_a_time(dfe_official, sv_round):
    newham = LocalAuthority.objects.get(la_code="316")
    with pytest.raises(DomainError, match="only one of Safety Valve, DBV and ESFA"):
        enrolment_invite(actor=dfe_official, authority=newham, cohort=sv_round)
    dbv = Enrolment.objects.get(authority=newham)
    enrolment_transition(
        actor=dfe_official, enrolment=dbv, transition="withdraw", reason="Moved to Safety Valve"
    )
    assert enrolment_invite(actor=dfe_official, authority=newham, cohort=sv_round).status == S.INVITED


def test_the_database_itself_refuses_a_second_open_enrolment(free_authorities, esfa, sv_round, dfe_official):
    enrolment_invite(actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(authority=free_authorities[0], cohort=sv_round, status=S.INVITED)


def test_dbv_holds_at_most_its_55_places(dfe_official, free_authorities, tranche_1):
    assert tranche_1.programme.places == 55
    assert Enrolment.objects.open().filter(cohort__programme__code="DBV").count() == 55
    with pytest.raises(DomainError, match="already holds 55 of its 55 places") as refusal:
        enrolment_invite(actor=dfe_official, authority=free_authorities[0], cohort=tranche_1)
    assert refusal.value.field == "cohort"
    assert not Enrolment.objects.filter(authority=free_authorities[0]).exists()

    someone = Enrolment.objects.filter(cohort=tranche_1).first()
    enrolment_transition(actor=dfe_official, enrolment=someone, transition="decline", reason="Opted out")
    replacement = enrolment_replace(
        actor=dfe_official,
        enrolment=someone,
        authority=free_authorities[0],
        reason="Opted out before the start",
    )
    assert replacement.status == S.INVITED
    assert Enrolment.objects.open().filter(cohort__programme__code="DBV").count() == 55


def test_an_authority_that_no_longer_operates_cannot_be_invited(dfe_official, esfa):
    cumbria = LocalAuthority.objects.get(la_code="909")
    Enrolment.objects.filter(authority=cumbria).delete()
    with pytest.raises(DomainError, match="no longer operates"):
        enrolment_invite(actor=dfe_official, authority=cumbria, cohort=esfa)


def test_only_a_dfe_official_may_invite(
    finance_lead, newton_partner, steering_member, free_authorities, esfa
):
    for user in (finance_lead, newton_partner, steering_member):
        with pytest.raises(PermissionDenied):
            enrolment_invite(actor=user, authority=free_authorities[0], cohort=esfa)
    assert not Enrolment.objects.filter(authority=free_authorities[0]).exists()


def test_a_partner_sees_their_dbv_enrolment_but_may_not_move_it(newton_partner):
    enrolment = Enrolment.objects.get(authority__la_code="316")
    with pytest.raises(PermissionDenied):
        enrolment_transition(actor=newton_partner, enrolment=enrolment, transition="accept")


def test_a_finance_lead_moving_another_authoritys_enrolment_gets_404(finance_lead):
    enrolment = Enrolment.objects.get(authority__la_code="316")
    with pytest.raises(Http404):
        enrolment_transition(actor=finance_lead, enrolment=enrolment, transition="accept")


def test_every_transition_leaves_a_history_row_naming_who(dfe_official, free_authorities, esfa):
    enrolment = _enrolment_in(S.ACTIVE, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    rows = list(enrolment.history.order_by("history_date"))
    assert [row.status for row in rows] == [S.INVITED, S.ACCEPTED, S.ACTIVE]
    assert {row.history_user for row in rows} == {dfe_official}
    assert {row.history_user for row in EnrolmentTransition.history.filter(enrolment_id=enrolment.pk)} == {
        dfe_official
    }


def test_the_reference_enrolments_are_in_the_state_the_document_describes():
    dbv = Enrolment.objects.filter(cohort__programme__code="DBV")
    assert dbv.count() == 55
    assert set(dbv.values_list("status", flat=True)) == {S.INVITED}
    assert {c: dbv.filter(cohort__tranche=c).count() for c in (1, 2, 3)} == {1: 20, 2: 20, 3: 15}
    sv = Enrolment.objects.filter(cohort__programme__code="SV")
    assert sv.count() == 9 and set(sv.values_list("status", flat=True)) == {S.ACTIVE}
    york = sv.get(authority__la_code="816")
    assert [t.name for t in york.transitions.all()] == ["invite", "accept", "activate"]
    assert all("Reference data" in t.reason and t.actor.username == "system" for t in york.transitions.all())
    assert york.history.earliest().history_user.username == "system"
