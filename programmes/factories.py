"""Test factories for the programmes (factory-boy and small helpers built on the services).

Enrolments are made through the enrolment service, never by writing a status directly, so a
factory-made enrolment has the same transitions, Diagnostic and history as a real one. The
reference programmes and cohorts (DBV tranches 1-3, Safety Valve 2021-22, ESFA 2022-23) are in the
test database; `cohort()` finds one.

To add a factory: put it at the end of this file under a name nobody has used; reuse what exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from authorities.factories import LocalAuthorityFactory
from authorities.models import LocalAuthority
from portal.factories import DfeOfficialFactory

from .models import Cohort, Enrolment, EnrolmentStatus, ProgrammeCode
from .services.enrolment import enrolment_invite, enrolment_transition

# The transitions that take a new invitation to each status (SPEC §4.2).
_PATH_TO = {
    EnrolmentStatus.INVITED: [],
    EnrolmentStatus.ACCEPTED: ["accept"],
    EnrolmentStatus.ACTIVE: ["accept", "activate"],
    EnrolmentStatus.COMPLETED: ["accept", "activate", "complete"],
    EnrolmentStatus.DECLINED: ["decline"],
    EnrolmentStatus.WITHDRAWN: ["withdraw"],
}


def cohort(programme: str = ProgrammeCode.DBV, *, tranche: int | None = None) -> Cohort:
    """A reference cohort: a DBV tranche (1 unless given), or the first cohort of SV or ESFA."""
    cohorts = Cohort.objects.filter(programme__code=programme).order_by("financial_year", "tranche", "pk")
    if programme == ProgrammeCode.DBV:
        cohorts = cohorts.filter(tranche=tranche or 1)
    return cohorts.first()


def enrolment(
    *,
    authority: LocalAuthority | None = None,
    programme: str = ProgrammeCode.DBV,
    tranche: int | None = None,
    status: str = EnrolmentStatus.INVITED,
    partners: Iterable[str] = (),
    actor=None,
) -> Enrolment:
    """An enrolment of `authority` (a new one unless given) moved to `status` through the service."""
    actor = actor or DfeOfficialFactory()
    enrolment = enrolment_invite(
        actor=actor,
        authority=authority or LocalAuthorityFactory(),
        cohort=cohort(programme, tranche=tranche),
        partners=partners,
    )
    for transition in _PATH_TO[status]:
        enrolment = enrolment_transition(
            actor=actor, enrolment=enrolment, transition=transition, reason=f"Test: {transition}"
        )
    return enrolment
