"""The enrolment lifecycle (SPEC §4.2): every transition, allowed and refused, and each rule.

The lifecycle is written out here by hand (LIFECYCLE), as SPEC §4.2 states it, and the service is
checked against it: each allowed transition moves the status, and every other one is refused naming
the allowed ones. Nothing here reads the service's own transition table.
"""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from authorities.factories import LocalAuthorityFactory
from portal.errors import DomainError, TransitionNotAllowed
from portal.roles import DeliveryPartner
from programmes import factories as programmes_factories
from programmes.models import Cohort, Enrolment, EnrolmentStatus, EnrolmentTransition
from programmes.services.enrolment import enrolment_invite, enrolment_replace, enrolment_transition

pytestmark = pytest.mark.django_db
S = EnrolmentStatus

# SPEC §4.2: invited → accepted → active → completed, invited → declined, any open state → withdrawn,
# declined/withdrawn → replaced. From each status: the transitions allowed, and the status each leads to.
LIFECYCLE = {
    "invited": {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"},
    "accepted": {"activate": "active", "withdraw": "withdrawn"},
    "active": {"complete": "completed", "withdraw": "withdrawn"},
    "completed": {},
    "declined": {"replace": "replaced"},
    "withdrawn": {"replace": "replaced"},
    "replaced": {},
}
TRANSITION_NAMES = ["accept", "decline", "activate", "complete", "withdraw", "replace"]
ALLOWED = [(start, name) for start, moves in LIFECYCLE.items() for name in moves]
REFUSED = [(start, name) for start in LIFECYCLE for name in TRANSITION_NAMES if name not in LIFECYCLE[start]]


@pytest.fixture
def free_authorities(db):
    """Operating authorities with no enrolment at all, made for the test."""
    return LocalAuthorityFactory.create_batch(6)


@pytest.fixture
def esfa(db):
    return Cohort.objects.get(programme__code="ESFA")


@pytest.fixture
def sv_round(db):
    return Cohort.objects.get(programme__code="SV")


@pytest.fixture
def tranche_1(db):
    return Cohort.objects.get(programme__code="DBV", tranche=1)


def _path_to(status: str) -> list[str]:
    """The transitions that bring a new invitation to `status`, found in LIFECYCLE (shortest first)."""
    paths, seen = [("invited", [])], {"invited"}
    while paths:
        current, path = paths.pop(0)
        if current == status:
            return path
        for name, target in LIFECYCLE[current].items():
            if target not in seen:
                seen.add(target)
                paths.append((target, [*path, name]))
    raise AssertionError(f"LIFECYCLE never reaches {status}")


def _move(enrolment, name: str, *, actor, to_authority=None, reason="Test reason"):
    """Run one transition through the service; "replace" names the authority taking the place."""
    if name == "replace":
        return enrolment_replace(
            actor=actor, enrolment=enrolment, authority=to_authority or LocalAuthorityFactory(), reason=reason
        )
    return enrolment_transition(actor=actor, enrolment=enrolment, transition=name, reason=reason)


def _enrolment_in(status, *, actor, authority, cohort):
    """An enrolment brought to `status` through the service, the only way there is."""
    enrolment = enrolment_invite(actor=actor, authority=authority, cohort=cohort)
    for name in _path_to(status):
        moved = _move(enrolment, name, actor=actor)
        enrolment = Enrolment.objects.get(pk=enrolment.pk) if name == "replace" else moved
    return enrolment


def test_the_written_lifecycle_names_every_status():
    assert set(LIFECYCLE) == set(S.values)
    assert {target for moves in LIFECYCLE.values() for target in moves.values()} <= set(S.values)


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


@pytest.mark.parametrize("start, transition", ALLOWED)
def test_each_allowed_transition_moves_the_status_and_is_logged(
    dfe_official, free_authorities, esfa, start, transition
):
    end = LIFECYCLE[start][transition]
    enrolment = _enrolment_in(start, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    _move(enrolment, transition, actor=dfe_official, to_authority=free_authorities[1], reason="Because")
    moved = Enrolment.objects.get(pk=enrolment.pk)
    assert moved.status == end
    last = moved.transitions.order_by("at", "pk").last()
    assert (last.name, last.from_status, last.to_status, last.actor) == (transition, start, end, dfe_official)
    assert last.reason == "Because"


@pytest.mark.parametrize("start, transition", REFUSED)
def test_each_impossible_transition_is_refused_naming_the_allowed_ones(
    dfe_official, free_authorities, esfa, start, transition
):
    enrolment = _enrolment_in(start, actor=dfe_official, authority=free_authorities[0], cohort=esfa)
    log_before = enrolment.transitions.count()
    with pytest.raises(TransitionNotAllowed) as refusal:
        _move(enrolment, transition, actor=dfe_official, to_authority=free_authorities[1], reason="Because")
    assert set(refusal.value.allowed) == set(LIFECYCLE[start])
    for allowed in LIFECYCLE[start]:
        assert allowed in refusal.value.message
    enrolment.refresh_from_db()
    assert enrolment.status == start
    assert enrolment.transitions.count() == log_before
    assert not Enrolment.objects.filter(authority=free_authorities[1]).exists()


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
    busy = programmes_factories.enrolment(programme="SV", actor=dfe_official).authority
    with pytest.raises(DomainError, match="already has an open enrolment"):
        enrolment_replace(actor=dfe_official, enrolment=old, authority=busy, reason="Opted out")
    old.refresh_from_db()
    assert old.status == S.DECLINED  # nothing half-done
    assert not hasattr(old, "replaced_by") or old.replaced_by is None


def test_an_authority_is_in_at_most_one_programme_at_a_time(dfe_official, sv_round):
    dbv = programmes_factories.dbv_enrolment(actor=dfe_official)
    with pytest.raises(DomainError, match="only one of Safety Valve, DBV and ESFA"):
        enrolment_invite(actor=dfe_official, authority=dbv.authority, cohort=sv_round)
    enrolment_transition(
        actor=dfe_official, enrolment=dbv, transition="withdraw", reason="Moved to Safety Valve"
    )
    assert enrolment_invite(actor=dfe_official, authority=dbv.authority, cohort=sv_round).status == S.INVITED


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

    someone = Enrolment.objects.filter(cohort=tranche_1).first()  # a reference invitation
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
    merged = LocalAuthorityFactory(operated_until=date(2023, 3, 31))
    with time_machine.travel(date(2023, 4, 1)):
        with pytest.raises(DomainError, match="no longer operates"):
            enrolment_invite(actor=dfe_official, authority=merged, cohort=esfa)
    with time_machine.travel(date(2023, 3, 31)):
        assert enrolment_invite(actor=dfe_official, authority=merged, cohort=esfa).status == S.INVITED


def test_only_a_dfe_official_may_invite(
    finance_lead, newton_partner, steering_member, free_authorities, esfa
):
    for user in (finance_lead, newton_partner, steering_member):
        with pytest.raises(PermissionDenied):
            enrolment_invite(actor=user, authority=free_authorities[0], cohort=esfa)
    assert not Enrolment.objects.filter(authority=free_authorities[0]).exists()


def test_a_partner_sees_their_dbv_enrolment_but_may_not_move_it(dfe_official, newton_partner):
    enrolment = programmes_factories.dbv_enrolment(partners=(DeliveryPartner.NEWTON,), actor=dfe_official)
    with pytest.raises(PermissionDenied):
        enrolment_transition(actor=newton_partner, enrolment=enrolment, transition="accept")


def test_a_finance_lead_moving_another_authoritys_enrolment_gets_404(dfe_official, finance_lead):
    enrolment = programmes_factories.enrolment(programme="ESFA", actor=dfe_official)
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
