"""DBV Diagnostics (SPEC §4.4): opened with 12 stages when a DBV enrolment is invited, following it."""

from __future__ import annotations

from django.utils import timezone

from ..models import Diagnostic, DiagnosticStage, DiagnosticStageDefinition, Enrolment, ProgrammeCode, StageStatus

OPTED_IN_STAGE = 2


def diagnostic_open(*, enrolment: Enrolment, actor) -> Diagnostic | None:
    """Open the Diagnostic of a new DBV enrolment, with every stage not started."""
    if enrolment.cohort.programme.code != ProgrammeCode.DBV:
        return None
    diagnostic = Diagnostic(enrolment=enrolment)
    diagnostic._history_user = actor
    diagnostic.save()
    for definition in DiagnosticStageDefinition.objects.all():
        stage = DiagnosticStage(diagnostic=diagnostic, definition=definition)
        stage._history_user = actor
        stage.save()
    return diagnostic


def diagnostic_follow_enrolment(*, enrolment: Enrolment, transition: str, actor, reason: str = "") -> None:
    """Accepting the enrolment completes "Opted in to Diagnostic"; declining or withdrawing closes it."""
    diagnostic = Diagnostic.objects.filter(enrolment=enrolment).first()
    if diagnostic is None:
        return
    now = timezone.now()
    if transition == "accept":
        stage = diagnostic.stages.get(definition__number=OPTED_IN_STAGE)
        stage.status = StageStatus.COMPLETE
        stage.actual_date = timezone.localdate(now)
        stage.logged_by, stage.logged_at = actor, now
        stage._history_user = actor
        stage.save()
    elif transition in ("decline", "withdraw") and diagnostic.closed_at is None:
        diagnostic.closed_at = now
        diagnostic.closed_reason = reason
        diagnostic._history_user = actor
        diagnostic.save()
