"""Two people taking the last DBV place, or moving one enrolment, at the same moment on real PostgreSQL.

Each contender runs in its own thread with its own database connection and transaction; a
barrier starts them together. Exactly one wins and the other gets a clear refusal.
"""

import threading

import pytest
from django.db import connection

from authorities.factories import LocalAuthorityFactory
from portal.errors import DomainError, TransitionNotAllowed
from portal.factories import DfeOfficialFactory
from programmes import factories as programmes_factories
from programmes.models import Cohort, Enrolment, ProgrammeCode
from programmes.services.enrolment import enrolment_invite, enrolment_transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def committed_reference_data(reference_data):
    """The reference data, committed, and a DfE official (made by a factory, committed like everything here)."""
    return DfeOfficialFactory()


def _race(*contenders):
    """Run each callable in its own thread and connection, started together; return outcomes in order."""
    barrier = threading.Barrier(len(contenders))
    outcomes = [None] * len(contenders)

    def run(index, contender):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = contender()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("round_", range(3))
def test_two_officials_taking_the_last_dbv_place_at_once_one_wins(committed_reference_data, round_):
    official = committed_reference_data
    tranche = Cohort.objects.get(programme__code="DBV", tranche=3)
    leaving = Enrolment.objects.open().filter(cohort=tranche).order_by("pk").first()
    enrolment_transition(actor=official, enrolment=leaving, transition="withdraw", reason="Frees one place")
    assert Enrolment.objects.open().filter(cohort__programme__code="DBV").count() == 54

    first, second = LocalAuthorityFactory.create_batch(2)
    outcomes = _race(
        lambda: enrolment_invite(actor=official, authority=first, cohort=tranche),
        lambda: enrolment_invite(actor=official, authority=second, cohort=tranche),
    )

    winners = [o for o in outcomes if isinstance(o, Enrolment)]
    losers = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "55 of its 55 places" in losers[0].message
    assert Enrolment.objects.open().filter(cohort__programme__code="DBV").count() == 55


def test_two_officials_accepting_the_same_invitation_at_once_one_wins(committed_reference_data):
    official = committed_reference_data
    invitation = programmes_factories.enrolment(programme=ProgrammeCode.ESFA, actor=official)
    outcomes = _race(
        lambda: enrolment_transition(actor=official, enrolment=invitation, transition="accept"),
        lambda: enrolment_transition(actor=official, enrolment=invitation, transition="accept"),
    )
    winners = [o for o in outcomes if isinstance(o, Enrolment)]
    losers = [o for o in outcomes if isinstance(o, TransitionNotAllowed)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert set(losers[0].allowed) == {"activate", "withdraw"}  # from accepted (SPEC §4.2)
    assert invitation.transitions.filter(name="accept").count() == 1


def test_two_officials_inviting_the_same_authority_at_once_one_wins(committed_reference_data):
    official = committed_reference_data
    authority = LocalAuthorityFactory()
    esfa = Cohort.objects.get(programme__code="ESFA")
    sv = Cohort.objects.get(programme__code="SV")
    outcomes = _race(
        lambda: enrolment_invite(actor=official, authority=authority, cohort=esfa),
        lambda: enrolment_invite(actor=official, authority=authority, cohort=sv),
    )
    assert sum(isinstance(o, Enrolment) for o in outcomes) == 1, outcomes
    refusal = next(o for o in outcomes if isinstance(o, DomainError))
    assert "already has an open enrolment" in refusal.message
    assert Enrolment.objects.open().filter(authority=authority).count() == 1
