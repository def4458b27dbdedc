"""Demo progress on the DBV Diagnostics: invented stages, engagements and training feedback, marked as demo.

Made through the Diagnostic and enrolment services, as the actor given (seed_demo passes the system
user). The story is placed relative to the day seed_demo runs: tranche 1's Diagnostics are furthest
on, tranche 3's have just started, and a third of tranche 3 has not opted in yet (those stay
"invited", with only their initial planning conversation booked). Each Diagnostic's current stage is planned in the next two weeks and
the one after within five; two are blocked, their current stage overdue. Opting in (stage 2) is
recorded by accepting the enrolment as at that day, the Diagnostic starting (stage 3) by activating
it, through the enrolment service, with a reason marked as demo.

Engagements and training sessions are marked demo; stages, which have no such field, have notes
starting "Demo: ". Only a Diagnostic nobody has logged anything on is seeded, so a second run (or
real progress) is never overwritten: a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from demo.marking import mark_demo
from programmes.models import (
    Diagnostic,
    DiagnosticStage,
    EngagementKind,
    EnrolmentStatus,
    FeedbackRating,
    ProgrammeCode,
    StageStatus,
)
from programmes.services.diagnostic import (
    diagnostic_plan,
    diagnostic_stage_update,
    engagement_log,
    training_session_log,
)
from programmes.services.enrolment import enrolment_transition

DEMO_NOTE = "Demo: "
TRANCHES = (1, 2, 3)
STAGE_LENGTH = timedelta(weeks=3)
LAST_STAGE = 12
OPTED_IN_STAGE = 2
STARTED_STAGE = 3
# How many stages a tranche's Diagnostics have completed, taken in turn by LA code (0: not opted in
# yet, so no progress at all). None reaches stage 12 "Grant awarded": only awarding a grant
# (programmes.services.grants) completes it.
COMPLETED_STAGES = {1: (11, 10, 9, 8, 7), 2: (8, 7, 6, 5, 4), 3: (3, 2, 0)}
# (tranche, position by LA code): Diagnostics whose current stage is blocked, overdue, and whose plan runs late.
RUNNING_LATE = {(2, 2): timedelta(weeks=10), (3, 4): timedelta(weeks=8)}
TRAINING_STAGES = {4: 1, 5: 2, 6: 3}  # stage number → training module
ENGAGEMENTS = (  # (stage number after which it is held, days after, kind)
    (3, 7, EngagementKind.SCHOOLS_FORUM),
    (5, 5, EngagementKind.PARENT_CARER_FORUM),
    (8, 3, EngagementKind.HEALTH_PARTNERS),
    (9, 2, EngagementKind.EDUCATION_PARTNERS),
)
# Most delegates rated the training very good or exceptional (the document reports 92 %).
RATING_WEIGHTS = {
    FeedbackRating.EXCEPTIONAL: 45,
    FeedbackRating.VERY_GOOD: 46,
    FeedbackRating.GOOD: 6,
    FeedbackRating.FAIR: 2,
    FeedbackRating.POOR: 1,
}
OPT_IN_REASON = f"{DEMO_NOTE}the authority opted in to the Diagnostic (invented for the demo)."
STARTED_REASON = f"{DEMO_NOTE}the Diagnostic started (invented for the demo)."


@dataclass(frozen=True)
class _StagePlan:
    status: str
    planned_date: date | None
    actual_date: date | None
    notes: str


def seed(*, actor) -> int:
    """Give demo progress to the open DBV Diagnostics nobody has logged anything on. Returns how many."""
    today = timezone.localdate()
    seeded = 0
    for tranche, diagnostics in _untouched_by_tranche().items():
        for position, diagnostic in diagnostics:
            seeded += _seed_diagnostic(
                diagnostic, tranche=tranche, position=position, actor=actor, today=today
            )
    return seeded


def _untouched_by_tranche() -> dict[int, list[tuple[int, Diagnostic]]]:
    """Per tranche, (position by LA code, Diagnostic) of the open Diagnostics with nothing logged yet."""
    diagnostics = (
        Diagnostic.objects.filter(
            enrolment__cohort__programme__code=ProgrammeCode.DBV,
            enrolment__cohort__tranche__in=TRANCHES,
            closed_at__isnull=True,
        )
        .select_related("enrolment__authority", "enrolment__cohort")
        .annotate(
            engagement_count=Count("engagements", distinct=True),
            session_count=Count("training_sessions", distinct=True),
        )
        .prefetch_related(Prefetch("stages", queryset=DiagnosticStage.objects.select_related("definition")))
        .order_by("enrolment__cohort__tranche", "enrolment__authority__la_code")
    )
    by_tranche: dict[int, list[tuple[int, Diagnostic]]] = {tranche: [] for tranche in TRANCHES}
    positions = dict.fromkeys(TRANCHES, 0)
    for diagnostic in diagnostics:
        tranche = diagnostic.enrolment.cohort.tranche
        position = positions[tranche]
        positions[tranche] += 1
        if _untouched(diagnostic):
            by_tranche[tranche].append((position, diagnostic))
    return by_tranche


def _untouched(diagnostic: Diagnostic) -> bool:
    return (
        diagnostic.planned_completion is None
        and diagnostic.engagement_count == 0
        and diagnostic.session_count == 0
        and all(
            stage.status == StageStatus.NOT_STARTED
            and stage.planned_date is None
            and stage.actual_date is None
            and not stage.notes
            and stage.logged_by_id is None
            for stage in diagnostic.stages.all()
        )
    )


def completed_stages(*, tranche: int, position: int) -> int:
    return COMPLETED_STAGES[tranche][position % len(COMPLETED_STAGES[tranche])]


def stage_plans(*, tranche: int, position: int, today: date) -> dict[int, _StagePlan]:
    """The demo state of each stage of the Diagnostic at `position` in `tranche`, around `today`.

    The last completed stage was planned 7 to 16 days ago (a blocked Diagnostic's, 31 or 38), every
    earlier one three weeks before the next; the current stage and the one after are planned three
    and six weeks after it. Completed stages finished up to 6 days late, never after today.
    """
    completed = completed_stages(tranche=tranche, position=position)
    blocked = (tranche, position) in RUNNING_LATE
    gap = timedelta(days=31 + 7 * (position % 2) if blocked else 7 + 3 * (position % 4))
    last_done = today - gap
    plans = {}
    for number in range(1, min(completed + 2, LAST_STAGE) + 1):
        planned = last_done + STAGE_LENGTH * (number - completed)
        if number <= completed:
            slip = timedelta(days=min(3 * ((position + number) % 3), gap.days - 1))
            plans[number] = _StagePlan(
                StageStatus.COMPLETE, planned, planned + slip, f"{DEMO_NOTE}completed."
            )
        elif number == completed + 1:
            status = StageStatus.BLOCKED if blocked else StageStatus.IN_PROGRESS
            note = "blocked: waiting for data from the authority." if blocked else "under way."
            plans[number] = _StagePlan(status, planned, None, f"{DEMO_NOTE}{note}")
        else:
            plans[number] = _StagePlan(StageStatus.NOT_STARTED, planned, None, f"{DEMO_NOTE}planned.")
    return plans


def planned_completion(*, tranche: int, position: int, today: date) -> date:
    plans = stage_plans(tranche=tranche, position=position, today=today)
    completed = completed_stages(tranche=tranche, position=position)
    last_done = plans[completed].planned_date
    return (
        last_done
        + STAGE_LENGTH * (LAST_STAGE - completed)
        + RUNNING_LATE.get((tranche, position), timedelta())
    )


def _seed_diagnostic(diagnostic: Diagnostic, *, tranche: int, position: int, actor, today: date) -> int:
    if completed_stages(tranche=tranche, position=position) == 0:
        # Not opted in yet: only the initial planning conversation is booked, in the coming weeks.
        first = next(stage for stage in diagnostic.stages.all() if stage.definition.number == 1)
        diagnostic_stage_update(
            actor=actor,
            stage=first,
            planned_date=today + timedelta(days=10 + 4 * (position % 3)),
            notes=f"{DEMO_NOTE}planning conversation booked.",
        )
        return 0
    plans = stage_plans(tranche=tranche, position=position, today=today)
    for stage in diagnostic.stages.all():
        plan = plans.get(stage.definition.number)
        if plan is not None:
            diagnostic_stage_update(
                actor=actor,
                stage=stage,
                status=plan.status,
                planned_date=plan.planned_date,
                actual_date=plan.actual_date,
                notes=plan.notes,
            )
    diagnostic_plan(
        actor=actor,
        diagnostic=diagnostic,
        planned_completion=planned_completion(tranche=tranche, position=position, today=today),
    )
    done = {number: plan.actual_date for number, plan in plans.items() if plan.status == StageStatus.COMPLETE}
    _follow_with_enrolment(diagnostic, done=done, actor=actor)

    engagements = [
        engagement_log(
            actor=actor,
            diagnostic=diagnostic,
            kind=kind,
            held_on=done[after_stage] + timedelta(days=days),
            notes=f"{DEMO_NOTE}invented engagement for demonstration.",
        )
        for after_stage, days, kind in ENGAGEMENTS
        if after_stage in done and done[after_stage] + timedelta(days=days) <= today
    ]
    mark_demo(engagements)
    la_code = diagnostic.enrolment.authority.la_code
    sessions = [
        training_session_log(
            actor=actor,
            diagnostic=diagnostic,
            module=module,
            held_on=done[stage_number],
            **_ratings(f"demo-training-{la_code}-{module}"),
        )
        for stage_number, module in TRAINING_STAGES.items()
        if stage_number in done
    ]
    mark_demo(sessions)
    return 1


def _follow_with_enrolment(diagnostic: Diagnostic, *, done: dict[int, date], actor) -> None:
    """Opting in accepts the enrolment, as at that day; the Diagnostic starting activates it."""
    enrolment = diagnostic.enrolment
    if OPTED_IN_STAGE in done and enrolment.status == EnrolmentStatus.INVITED:
        enrolment = enrolment_transition(
            actor=actor,
            enrolment=enrolment,
            transition="accept",
            reason=OPT_IN_REASON,
            as_at=done[OPTED_IN_STAGE],
        )
    if STARTED_STAGE in done and enrolment.status == EnrolmentStatus.ACCEPTED:
        enrolment_transition(
            actor=actor,
            enrolment=enrolment,
            transition="activate",
            reason=STARTED_REASON,
            as_at=done[STARTED_STAGE],
        )


def _ratings(seed: str) -> dict[str, int]:
    """Invented delegate feedback, the same on every run (seeded by authority and module)."""
    rng = random.Random(seed)  # noqa: S311 (invented figures, not security)
    delegates = rng.randint(8, 16)
    picks = rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()), k=delegates)
    return {rating.value: picks.count(rating) for rating in RATING_WEIGHTS}
