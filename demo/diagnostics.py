"""Demo progress on the DBV Diagnostics: invented stages, engagements and training feedback, marked as demo.

Made through the Diagnostic services, as the actor given (seed_demo passes the system user). The
story is set in mid-2023, when the document's plan had tranche 1 well advanced and tranche 3 just
started; a couple of Diagnostics are planned to finish after the programme's due date (31 December
2023), so the flag shows. Engagements and training sessions are `is_demo`; stages, which have no
such field, have notes starting "Demo: ". Only a Diagnostic nobody has logged anything on is
seeded, so a second run (or real progress) is never overwritten: a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch

from programmes.models import (
    Diagnostic,
    DiagnosticStage,
    EngagementKind,
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

DEMO_NOTE = "Demo: "
TRANCHE_STARTS = {1: date(2022, 9, 5), 2: date(2023, 1, 9), 3: date(2023, 5, 2)}
STAGE_LENGTH = timedelta(weeks=3)
# How many stages a tranche's Diagnostics have completed, taken in turn by LA code. None reaches
# stage 12 "Grant awarded": only awarding a grant (programmes.services.grants) completes it.
COMPLETED_STAGES = {1: (11, 10, 9, 8, 7), 2: (8, 7, 6, 5, 4), 3: (3, 2, 1)}
# (tranche, position by LA code): Diagnostics whose current stage is blocked and whose plan runs late.
RUNNING_LATE = {(2, 2): date(2024, 3, 28), (3, 4): date(2024, 2, 16)}
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


@dataclass(frozen=True)
class _StagePlan:
    status: str
    planned_date: date | None
    actual_date: date | None
    notes: str


def seed(*, actor) -> int:
    """Give demo progress to every open DBV Diagnostic nobody has logged anything on. Returns how many."""
    seeded = 0
    for tranche, diagnostics in _untouched_by_tranche().items():
        for position, diagnostic in diagnostics:
            _seed_diagnostic(diagnostic, tranche=tranche, position=position, actor=actor)
            seeded += 1
    return seeded


def _untouched_by_tranche() -> dict[int, list[tuple[int, Diagnostic]]]:
    """Per tranche, (position by LA code, Diagnostic) of the open Diagnostics with nothing logged yet."""
    diagnostics = (
        Diagnostic.objects.filter(
            enrolment__cohort__programme__code=ProgrammeCode.DBV,
            enrolment__cohort__tranche__in=TRANCHE_STARTS,
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
    by_tranche: dict[int, list[tuple[int, Diagnostic]]] = {tranche: [] for tranche in TRANCHE_STARTS}
    positions = dict.fromkeys(TRANCHE_STARTS, 0)
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


def _stage_plans(*, tranche: int, position: int) -> dict[int, _StagePlan]:
    """The demo state of each stage of the Diagnostic at `position` in `tranche`."""
    completed = COMPLETED_STAGES[tranche][position % len(COMPLETED_STAGES[tranche])]
    blocked = (tranche, position) in RUNNING_LATE
    plans = {}
    for number in range(1, 13):
        planned = TRANCHE_STARTS[tranche] + STAGE_LENGTH * (number - 1)
        if number <= completed:
            slip = timedelta(days=3 * ((position + number) % 3))
            plans[number] = _StagePlan(
                StageStatus.COMPLETE, planned, planned + slip, f"{DEMO_NOTE}completed."
            )
        elif number == completed + 1:
            status = StageStatus.BLOCKED if blocked else StageStatus.IN_PROGRESS
            note = "blocked: waiting for data from the authority." if blocked else "under way."
            plans[number] = _StagePlan(status, planned, None, f"{DEMO_NOTE}{note}")
    return plans


def _seed_diagnostic(diagnostic: Diagnostic, *, tranche: int, position: int, actor) -> None:
    plans = _stage_plans(tranche=tranche, position=position)
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
    on_time = TRANCHE_STARTS[tranche] + STAGE_LENGTH * 11
    diagnostic_plan(
        actor=actor, diagnostic=diagnostic, planned_completion=RUNNING_LATE.get((tranche, position), on_time)
    )

    done = {number: plan.actual_date for number, plan in plans.items() if plan.status == StageStatus.COMPLETE}
    for after_stage, days, kind in ENGAGEMENTS:
        if after_stage in done:
            engagement_log(
                actor=actor,
                diagnostic=diagnostic,
                kind=kind,
                held_on=done[after_stage] + timedelta(days=days),
                notes=f"{DEMO_NOTE}invented engagement for demonstration.",
                is_demo=True,
            )
    la_code = diagnostic.enrolment.authority.la_code
    for stage_number, module in TRAINING_STAGES.items():
        if stage_number in done:
            training_session_log(
                actor=actor,
                diagnostic=diagnostic,
                module=module,
                held_on=done[stage_number],
                is_demo=True,
                **_ratings(f"demo-training-{la_code}-{module}"),
            )


def _ratings(seed: str) -> dict[str, int]:
    """Invented delegate feedback, the same on every run (seeded by authority and module)."""
    rng = random.Random(seed)  # noqa: S311 (invented figures, not security)
    delegates = rng.randint(8, 16)
    picks = rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()), k=delegates)
    return {rating.value: picks.count(rating) for rating in RATING_WEIGHTS}
