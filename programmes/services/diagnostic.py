"""DBV Diagnostics (SPEC §4.4): opened with 12 stages when a DBV enrolment is invited, following it.

Every write to a Diagnostic — its stages, planned completion, stakeholder engagements and training
feedback — goes through here. Each stage with a planned date has a deadline (SPEC §4.8) for the
delivery partners assigned to the authority, kept in step on every change.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from deadlines.models import DeadlineKind, OwnerGroup
from deadlines.services import deadline_sync
from portal import access
from portal.access import Permission
from portal.errors import DomainError, TransitionNotAllowed
from portal.history import save_as

from ..models import (
    Diagnostic,
    DiagnosticStage,
    DiagnosticStageDefinition,
    EngagementKind,
    Enrolment,
    ProgrammeCode,
    StageStatus,
    StakeholderEngagement,
    TrainingSession,
)

OPTED_IN_STAGE = 2
TRAINING_MODULES = (1, 2, 3)
RATING_FIELDS = ("exceptional", "very_good", "good", "fair", "poor")


class _NotGiven:
    """Marks an argument the caller left out, so that `None` can mean "clear this date"."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()


# --- Following the enrolment -----------------------------------------------------------------


def diagnostic_open(*, enrolment: Enrolment, actor) -> Diagnostic | None:
    """Open the Diagnostic of a new DBV enrolment, with every stage not started."""
    if enrolment.cohort.programme.code != ProgrammeCode.DBV:
        return None
    diagnostic = Diagnostic(enrolment=enrolment)
    save_as(actor, diagnostic)
    for definition in DiagnosticStageDefinition.objects.all():
        stage = DiagnosticStage(diagnostic=diagnostic, definition=definition)
        save_as(actor, stage)
        if stage.planned_date is not None:
            _sync_stage_deadline(stage, actor=actor)
    return diagnostic


def diagnostic_follow_enrolment(*, enrolment: Enrolment, transition: str, actor, reason: str = "") -> None:
    """Accepting the enrolment completes "Opted in to Diagnostic"; declining or withdrawing closes it.

    An opt-in already logged as complete keeps the date it was logged with. Closing the Diagnostic
    closes every one of its stages' deadlines.
    """
    diagnostic = _lock(Diagnostic.objects.filter(enrolment=enrolment).order_by("pk")).first()
    if diagnostic is None:
        return
    now = timezone.now()
    if transition == "accept":
        stage = diagnostic.stages.select_related("definition").get(definition__number=OPTED_IN_STAGE)
        if stage.status == StageStatus.COMPLETE:
            return
        stage.status = StageStatus.COMPLETE
        stage.actual_date = timezone.localdate(now)
        stage.logged_by, stage.logged_at = actor, now
        save_as(actor, stage)
        _sync_stage_deadline(stage, actor=actor)
    elif transition in ("decline", "withdraw") and diagnostic.is_open:
        diagnostic.closed_at = now
        diagnostic.closed_reason = reason
        save_as(actor, diagnostic)
        for stage in diagnostic.stages.select_related("definition").exclude(planned_date=None):
            _sync_stage_deadline(stage, actor=actor)


# --- Logging progress ------------------------------------------------------------------------


@transaction.atomic
def diagnostic_stage_update(
    *,
    actor,
    stage: DiagnosticStage,
    status: str | None = None,
    planned_date: date | None | _NotGiven = NOT_GIVEN,
    actual_date: date | None | _NotGiven = NOT_GIVEN,
    notes: str | _NotGiven = NOT_GIVEN,
) -> DiagnosticStage:
    """Log a stage's progress: any of its status, planned date, actual date and notes.

    Arguments left out keep their value; `None` clears a date. A complete stage needs the date it
    was completed, and no actual date is in the future. The stage's deadline follows its planned
    date, and closes when the stage is complete.
    """
    access.require(actor, Permission.LOG_DIAGNOSTIC_PROGRESS, stage)
    # The Diagnostic first, then the stage: the order diagnostic_follow_enrolment locks them in.
    diagnostic = _lock(Diagnostic.objects.all()).get(pk=stage.diagnostic_id)
    stage = _lock(DiagnosticStage.objects.select_related("definition")).get(pk=stage.pk)
    _require_open(diagnostic)
    if status is not None:
        if status not in StageStatus.values:
            raise DomainError(
                f"“{status}” is not a stage status: use one of {', '.join(StageStatus.values)}.",
                field="status",
            )
        stage.status = StageStatus(status)
    if planned_date is not NOT_GIVEN:
        if planned_date is not None:
            _require_date(planned_date, field="planned_date", what="The planned date")
        stage.planned_date = planned_date
    if actual_date is not NOT_GIVEN:
        if actual_date is not None:
            _require_date(actual_date, field="actual_date", what="The actual date")
        stage.actual_date = actual_date
    if notes is not NOT_GIVEN:
        stage.notes = (notes or "").strip()
    if stage.actual_date is not None:
        _require_not_future(stage.actual_date, field="actual_date", what="The actual date")
    if stage.status == StageStatus.COMPLETE and stage.actual_date is None:
        raise DomainError(
            f"Give the date “{stage.definition.name}” was completed: a complete stage needs its actual date.",
            field="actual_date",
        )
    stage.diagnostic = diagnostic
    stage.logged_by, stage.logged_at = actor, timezone.now()
    save_as(actor, stage)
    _sync_stage_deadline(stage, actor=actor)
    return stage


@transaction.atomic
def diagnostic_plan(*, actor, diagnostic: Diagnostic, planned_completion: date | None) -> Diagnostic:
    """Set (or clear, with None) when the Diagnostic is planned to be complete."""
    access.require(actor, Permission.LOG_DIAGNOSTIC_PROGRESS, diagnostic)
    diagnostic = _lock(Diagnostic.objects.all()).get(pk=diagnostic.pk)
    _require_open(diagnostic)
    if planned_completion is not None:
        _require_date(planned_completion, field="planned_completion", what="The planned completion")
    diagnostic.planned_completion = planned_completion
    save_as(actor, diagnostic, update_fields=["planned_completion"])
    return diagnostic


@transaction.atomic
def engagement_log(
    *, actor, diagnostic: Diagnostic, kind: str, held_on: date, notes: str = ""
) -> StakeholderEngagement:
    """Record a stakeholder engagement of the Diagnostic (schools forum, parent carer forum, partners)."""
    access.require(actor, Permission.LOG_DIAGNOSTIC_PROGRESS, diagnostic)
    diagnostic = _lock(Diagnostic.objects.all()).get(pk=diagnostic.pk)
    _require_open(diagnostic)
    if kind not in EngagementKind.values:
        raise DomainError(
            f"“{kind}” is not a kind of engagement: use one of {', '.join(EngagementKind.values)}.",
            field="kind",
        )
    _require_date(held_on, field="held_on", what="The date it was held")
    _require_not_future(held_on, field="held_on", what="The date it was held")
    engagement = StakeholderEngagement(
        diagnostic=diagnostic,
        kind=EngagementKind(kind),
        held_on=held_on,
        notes=(notes or "").strip(),
        logged_by=actor,
    )
    save_as(actor, engagement)
    return engagement


@transaction.atomic
def training_session_log(
    *,
    actor,
    diagnostic: Diagnostic,
    module: int,
    held_on: date,
    exceptional: int = 0,
    very_good: int = 0,
    good: int = 0,
    fair: int = 0,
    poor: int = 0,
) -> TrainingSession:
    """Record a training session and how many delegates rated it exceptional, very good, good, fair or poor."""
    access.require(actor, Permission.LOG_DIAGNOSTIC_PROGRESS, diagnostic)
    diagnostic = _lock(Diagnostic.objects.all()).get(pk=diagnostic.pk)
    _require_open(diagnostic)
    if isinstance(module, bool) or module not in TRAINING_MODULES:
        raise DomainError("The training module is 1, 2 or 3.", field="module")
    _require_date(held_on, field="held_on", what="The date it was held")
    _require_not_future(held_on, field="held_on", what="The date it was held")
    counts = {"exceptional": exceptional, "very_good": very_good, "good": good, "fair": fair, "poor": poor}
    for field, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            label = field.replace("_", " ")
            raise DomainError(f"The number of “{label}” ratings is a whole number, 0 or more.", field=field)
    if sum(counts.values()) == 0:
        raise DomainError(
            "Give the number of delegates who gave each rating: at least one response is needed."
        )
    session = TrainingSession(diagnostic=diagnostic, module=module, held_on=held_on, logged_by=actor)
    for field, count in counts.items():
        setattr(session, field, count)
    save_as(actor, session)
    return session


# --- Helpers ---------------------------------------------------------------------------------


def _lock(queryset):
    """Lock the rows read, so a stage is never logged on a Diagnostic being closed at the same moment."""
    return queryset.select_for_update(of=("self",))


def _require_open(diagnostic: Diagnostic) -> None:
    if not diagnostic.is_open:
        raise TransitionNotAllowed(
            "This Diagnostic is closed (the enrolment was declined or withdrawn): its progress can no longer change.",
            allowed=[],
        )


def _require_date(value, *, field: str, what: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise DomainError(f"{what} is needed, as a date.", field=field)


def _require_not_future(value: date, *, field: str, what: str) -> None:
    today = timezone.localdate()
    if value > today:
        raise DomainError(f"{what} cannot be in the future ({value:%d %B %Y} is after today).", field=field)


def _sync_stage_deadline(stage: DiagnosticStage, *, actor) -> None:
    """The stage's deadline: due on its planned date, open until it is complete or the Diagnostic closes."""
    enrolment = Enrolment.objects.select_related(
        "authority", "case_lead", "cohort__programme__lead_official"
    ).get(pk=stage.diagnostic.enrolment_id)
    deadline_sync(
        source=stage,
        kind=DeadlineKind.DIAGNOSTIC_STAGE,
        title=f"{enrolment.authority.name}: Diagnostic stage {stage.definition}",
        due_on=stage.planned_date,
        is_open=stage.status != StageStatus.COMPLETE and stage.diagnostic.is_open,
        actor=actor,
        authority=enrolment.authority,
        owner_group=OwnerGroup.DELIVERY_PARTNERS,
        responsible=enrolment.responsible_official,
    )
