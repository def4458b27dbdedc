"""Enrolment: the only way an enrolment is made or its status moves (SPEC §4.2).

Rules enforced here, and by the database where it can hold them:
- an authority has at most one open (invited, accepted or active) enrolment across SV, DBV and
  ESFA (also a partial unique index);
- a programme with a number of places (DBV: 55) never holds more open enrolments than that. The
  programme's row is locked while places are counted, so two people taking the last place at the
  same moment cannot both succeed;
- a replacement goes to an operating authority with no open enrolment, in the same cohort;
- decline, withdraw and replace need a reason; every transition records who, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from authorities.models import LocalAuthority
from portal import access
from portal.access import Permission
from portal.errors import DomainError, TransitionNotAllowed
from portal.history import save_as

from ..models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    PartnerAssignment,
    Programme,
    ProgrammeCode,
)
from .diagnostic import diagnostic_follow_enrolment, diagnostic_open
from .management_plan import management_plan_follow_enrolment

S = EnrolmentStatus

# How messages name each programme: the names people use, not the codes.
PROGRAMME_NAMES = {
    ProgrammeCode.SAFETY_VALVE: "Safety Valve",
    ProgrammeCode.DBV: "DBV",
    ProgrammeCode.ESFA: "ESFA",
}


def programme_name(programme: Programme) -> str:
    return PROGRAMME_NAMES.get(programme.code, programme.name)


def cohort_label(cohort: Cohort) -> str:
    """A cohort as messages write it: "DBV, Tranche 1", "Safety Valve, 2021-22 round"."""
    return f"{programme_name(cohort.programme)}, {cohort.name}"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    needs_reason: bool = False
    verb: str = ""


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("accept", (S.INVITED,), S.ACCEPTED, verb="accept"),
        Transition("decline", (S.INVITED,), S.DECLINED, needs_reason=True, verb="decline"),
        Transition("activate", (S.ACCEPTED,), S.ACTIVE, verb="activate"),
        Transition("complete", (S.ACTIVE,), S.COMPLETED, verb="complete"),
        Transition(
            "withdraw", (S.INVITED, S.ACCEPTED, S.ACTIVE), S.WITHDRAWN, needs_reason=True, verb="withdraw"
        ),
        Transition("replace", (S.DECLINED, S.WITHDRAWN), S.REPLACED, needs_reason=True, verb="replace"),
    )
}


def allowed_transitions(enrolment: Enrolment) -> list[str]:
    return [t.name for t in TRANSITIONS.values() if enrolment.status in t.sources]


def _require_reason(transition: Transition, reason: str) -> str:
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise DomainError(f"Give a reason to {transition.verb} this enrolment.", field="reason")
    return reason


def _log(*, enrolment: Enrolment, name: str, from_status: str, actor, at: datetime, reason: str) -> None:
    entry = EnrolmentTransition(
        enrolment=enrolment,
        name=name,
        from_status=from_status,
        to_status=enrolment.status,
        actor=actor,
        at=at,
        reason=reason,
    )
    save_as(actor, entry)


def _recorded_at(as_at: date | None, now: datetime) -> datetime:
    """When a transition happened: now, or (for one recorded as at an earlier day) noon that day."""
    if as_at is None:
        return now
    if as_at > timezone.localdate(now):
        raise DomainError(f"A transition cannot be recorded as at a future day ({as_at:%-d %B %Y}).")
    return timezone.make_aware(datetime.combine(as_at, time(12)))


def _take_place(*, authority: LocalAuthority, cohort: Cohort, today) -> None:
    """Refuse a new open enrolment that a rule forbids. Call inside a transaction: it locks the programme."""
    programme = Programme.objects.select_for_update().get(pk=cohort.programme_id)
    if not authority.operates_on(today):
        raise DomainError(
            f"{authority.label} no longer operates, so it cannot be enrolled.", field="authority"
        )
    existing = (
        Enrolment.objects.open().filter(authority=authority).select_related("cohort__programme").first()
    )
    if existing is not None:
        raise DomainError(
            f"{authority.label} already has an open enrolment: {cohort_label(existing.cohort)} "
            f"({existing.get_status_display().lower()}). "
            "An authority can be in only one of Safety Valve, DBV and ESFA at a time.",
            field="authority",
        )
    if programme.places is not None:
        taken = Enrolment.objects.open().filter(cohort__programme=programme).count()
        if taken >= programme.places:
            raise DomainError(
                f"{programme_name(programme)} already holds {taken} of its {programme.places} places "
                "(invited, accepted or active): withdraw or complete one first.",
                field="cohort",
            )


def _lock(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("authority", "cohort__programme")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def enrolment_invite(
    *,
    actor,
    authority: LocalAuthority,
    cohort: Cohort,
    reason: str = "",
    partners: Iterable[str] = (),
    replaces: Enrolment | None = None,
    as_at: date | None = None,
) -> Enrolment:
    """Invite an authority into a cohort: the first transition of every enrolment.

    `as_at` records an invitation made earlier (the reference data's, as at October 2022): the
    authority must have been operating then, not necessarily now.
    """
    access.require(actor, Permission.MANAGE_ENROLMENT)
    now = timezone.now()
    _take_place(authority=authority, cohort=cohort, today=as_at or timezone.localdate(now))
    enrolment = Enrolment(authority=authority, cohort=cohort, status=S.INVITED, replaces=replaces)
    try:
        with transaction.atomic():
            save_as(actor, enrolment)
    except IntegrityError as clash:
        # Another transaction enrolled the same authority between our check and our insert.
        raise DomainError(f"{authority.label} already has an open enrolment.", field="authority") from clash
    for organisation in partners:
        assignment = PartnerAssignment(enrolment=enrolment, organisation=organisation)
        save_as(actor, assignment)
    _log(
        enrolment=enrolment,
        name="invite",
        from_status="",
        actor=actor,
        at=_recorded_at(as_at, now),
        reason=(reason or "").strip(),
    )
    diagnostic_open(enrolment=enrolment, actor=actor)
    return enrolment


@transaction.atomic
def enrolments_invite(
    *,
    actor,
    cohort: Cohort,
    authorities: Iterable[LocalAuthority],
    reason: str = "",
    partners: Iterable[str] = (),
) -> list[Enrolment]:
    """Invite several authorities into one cohort, in the order given: all or nothing.

    Each invitation is `enrolment_invite`'s, with every rule it checks. If any one is refused (the
    authority already has an open enrolment or no longer operates, the programme's places run out
    part-way) none is made, and the DomainError names the authority and gives the rule's own words.
    """
    access.require(actor, Permission.MANAGE_ENROLMENT)
    chosen = list({authority.pk: authority for authority in authorities}.values())
    if not chosen:
        raise DomainError("Select at least one authority to invite.", field="authorities")
    partners = list(partners)
    invited = []
    for authority in chosen:
        try:
            invited.append(
                enrolment_invite(
                    actor=actor, authority=authority, cohort=cohort, reason=reason, partners=partners
                )
            )
        except DomainError as refused:
            said = refused.message
            if not said.startswith(authority.label):
                said = f"{authority.label} could not be invited: {said}"
            raise DomainError(
                f"{said} No invitations were sent.",
                field="authorities" if refused.field == "authority" else refused.field,
            ) from refused
    return invited


@transaction.atomic
def enrolment_transition(
    *, actor, enrolment: Enrolment, transition: str, reason: str = "", as_at: date | None = None
) -> Enrolment:
    """Move an enrolment by accept, decline, activate, complete or withdraw.

    `as_at` records a transition made earlier (on that day) rather than now.
    """
    if transition == "replace" or transition not in TRANSITIONS:
        raise DomainError(f"“{transition}” is not a transition: use one of {', '.join(TRANSITIONS)}.")
    access.require(actor, Permission.MANAGE_ENROLMENT, enrolment)
    step = TRANSITIONS[transition]
    reason = _require_reason(step, reason)
    enrolment = _lock(enrolment)
    _check_allowed(enrolment, step)
    from_status = enrolment.status
    enrolment.status = step.target
    save_as(actor, enrolment, update_fields=["status", "updated_at"])
    _log(
        enrolment=enrolment,
        name=step.name,
        from_status=from_status,
        actor=actor,
        at=_recorded_at(as_at, timezone.now()),
        reason=reason,
    )
    diagnostic_follow_enrolment(enrolment=enrolment, transition=step.name, actor=actor, reason=reason)
    management_plan_follow_enrolment(enrolment=enrolment, actor=actor)
    return enrolment


@transaction.atomic
def enrolment_replace(*, actor, enrolment: Enrolment, authority: LocalAuthority, reason: str) -> Enrolment:
    """Close a declined or withdrawn enrolment and invite `authority` into its place. Returns the new one."""
    access.require(actor, Permission.MANAGE_ENROLMENT, enrolment)
    step = TRANSITIONS["replace"]
    reason = _require_reason(step, reason)
    enrolment = _lock(enrolment)
    _check_allowed(enrolment, step)
    from_status = enrolment.status
    enrolment.status = step.target
    save_as(actor, enrolment, update_fields=["status", "updated_at"])
    _log(
        enrolment=enrolment,
        name="replace",
        from_status=from_status,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    partners = enrolment.partner_assignments.values_list("organisation", flat=True)
    return enrolment_invite(
        actor=actor,
        authority=authority,
        cohort=enrolment.cohort,
        reason=f"Replaces {enrolment.authority.label}: {reason}",
        partners=list(partners),
        replaces=enrolment,
    )


def _check_allowed(enrolment: Enrolment, step: Transition) -> None:
    if enrolment.status not in step.sources:
        allowed = allowed_transitions(enrolment)
        raise TransitionNotAllowed(
            f"An enrolment that is {enrolment.get_status_display().lower()} cannot be {step.target}"
            f" (“{step.name}”). Allowed: {', '.join(allowed) if allowed else 'none: it is closed'}.",
            allowed=allowed,
        )
