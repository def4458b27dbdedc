"""Reads of DBV Diagnostics (SPEC §4.4), scoped through the access policy, in a fixed number of queries.

Per-authority rows are the Diagnostics the user may see (`access.visible`): all for DfE, the assigned
ones for a delivery partner, their own for an LA finance lead, none for a steering member. National
progress figures (counts per stage and status, the training feedback share) are for the roles with
VIEW_DBV_PROGRESS, and never name an authority.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from portal import access
from portal.access import Permission

from ..models import (
    PLANNED_LATE,
    Cohort,
    Diagnostic,
    DiagnosticStage,
    DiagnosticStageDefinition,
    ProgrammeCode,
    StageStatus,
    StakeholderEngagement,
    TrainingSession,
)

ONE_PLACE = Decimal("0.1")


def diagnostic_list(*, user) -> QuerySet:
    """The Diagnostics the user may see, each with its enrolment, authority, cohort, programme and
    stages in order (with who logged each)."""
    stages = access.visible(user, DiagnosticStage.objects.select_related("definition", "logged_by"))
    return (
        access.visible(user, Diagnostic.objects.all())
        .select_related("enrolment__authority", "enrolment__cohort__programme")
        .prefetch_related(Prefetch("stages", queryset=stages.order_by("definition__number")))
    )


def diagnostic_detail(*, user, pk: int) -> Diagnostic:
    """One Diagnostic within the user's scope (404 otherwise), with its stages and who logged each.

    Its engagements and training sessions, which grow without bound, are read a page at a time by
    diagnostic_engagements and diagnostic_training_sessions."""
    return get_object_or_404(diagnostic_list(user=user), pk=pk)


def diagnostics_planned_late(*, user) -> QuerySet:
    """Open Diagnostics the user may see whose planned completion is after the programme's due date."""
    return diagnostic_list(user=user).planned_late()


def diagnostic_stage_list(*, user) -> QuerySet:
    """The stages of the Diagnostics the user may see, each with its authority, cohort and definition."""
    return access.visible(user, DiagnosticStage.objects.all()).select_related(
        "diagnostic__enrolment__authority", "diagnostic__enrolment__cohort", "definition", "logged_by"
    )


def engagement_list(*, user) -> QuerySet:
    """The stakeholder engagements the user may see, with their authority and who logged each."""
    return access.visible(user, StakeholderEngagement.objects.all()).select_related(
        "diagnostic__enrolment__authority", "logged_by"
    )


def training_session_list(*, user) -> QuerySet:
    """The training sessions the user may see, with their authority and who logged each."""
    return access.visible(user, TrainingSession.objects.all()).select_related(
        "diagnostic__enrolment__authority", "logged_by"
    )


@dataclass(frozen=True)
class TrainingFeedback:
    """The programme's training feedback: how many delegate responses, how many very good or exceptional."""

    responses: int
    favourable: int

    @property
    def responses_shown(self) -> str:
        """The number of responses as a page shows it, like 1,326."""
        return f"{self.responses:,}"

    @property
    def share(self) -> Decimal:
        """The % of responses rated very good or exceptional, to 1 place (half up)."""
        return (Decimal(100 * self.favourable) / Decimal(self.responses)).quantize(
            ONE_PLACE, rounding=ROUND_HALF_UP
        )


def training_feedback(*, user) -> TrainingFeedback | None:
    """Programme-wide delegate responses and how many rated the training very good or exceptional; None
    with no responses. One query.

    A national figure (the document's "92% ... very good or exceptional"): every training session
    counts, whichever authorities the user may see. For the roles with VIEW_DBV_PROGRESS only.
    """
    access.require(user, Permission.VIEW_DBV_PROGRESS)
    totals = TrainingSession.objects.aggregate(
        exceptional=Sum("exceptional"),
        very_good=Sum("very_good"),
        good=Sum("good"),
        fair=Sum("fair"),
        poor=Sum("poor"),
    )
    responses = sum(value or 0 for value in totals.values())
    if not responses:
        return None
    return TrainingFeedback(
        responses=responses, favourable=(totals["exceptional"] or 0) + (totals["very_good"] or 0)
    )


def training_feedback_share(*, user) -> Decimal | None:
    """Programme-wide % of delegate responses rated very good or exceptional, to 1 place; None with no responses."""
    feedback = training_feedback(user=user)
    return feedback.share if feedback else None


# --- One Diagnostic's engagements and training sessions, newest first, capped ------------------


@dataclass(frozen=True)
class LoggedRecords:
    """The newest records of a kind logged on a Diagnostic (at most the cap), and how many there are in all."""

    rows: list
    total: int


def diagnostic_engagements(*, user, diagnostic: Diagnostic, limit: int) -> LoggedRecords:
    """The Diagnostic's `limit` most recent stakeholder engagements, newest first, and their number: two queries."""
    engagements = engagement_list(user=user).filter(diagnostic=diagnostic)
    return LoggedRecords(
        rows=list(engagements.order_by("-held_on", "-pk")[:limit]), total=engagements.count()
    )


def diagnostic_training_sessions(*, user, diagnostic: Diagnostic, limit: int) -> LoggedRecords:
    """The Diagnostic's `limit` most recent training sessions, newest first, and their number: two queries."""
    sessions = training_session_list(user=user).filter(diagnostic=diagnostic)
    return LoggedRecords(
        rows=list(sessions.order_by("-held_on", "-module", "-pk")[:limit]), total=sessions.count()
    )


# --- A delivery partner's authorities: each Diagnostic's next stage and anything late -----------


@dataclass(frozen=True)
class StageDue:
    number: int
    name: str
    planned_date: date | None


@dataclass(frozen=True)
class DiagnosticPosition:
    """Where one Diagnostic stands: its next stage to complete and what is late."""

    diagnostic_id: int
    authority_name: str
    la_code: str
    is_open: bool
    next_stage: StageDue | None
    """The lowest-numbered stage not complete; None when all 12 are complete or the Diagnostic is closed."""
    overdue_stages: list[StageDue]
    """Stages planned before today and not complete (open Diagnostics only)."""
    planned_completion: date | None
    planned_after_due: bool
    due_by: date | None
    """The date the programme set for every Diagnostic to be complete."""

    @property
    def is_late(self) -> bool:
        return bool(self.overdue_stages) or self.planned_after_due


def diagnostic_positions(*, user, today: date) -> list[DiagnosticPosition]:
    """Each DBV Diagnostic the user may see, by authority name, with its next stage and anything late.

    Two queries whatever the number of Diagnostics and stages: the Diagnostics and their stages.
    """
    diagnostics = (
        diagnostic_list(user=user)
        .filter(enrolment__cohort__programme__code=ProgrammeCode.DBV)
        .order_by("enrolment__authority__name", "pk")
    )
    return [_position(diagnostic, today) for diagnostic in diagnostics]


def _stage_due(stage: DiagnosticStage) -> StageDue:
    return StageDue(stage.definition.number, stage.definition.name, stage.planned_date)


def _position(diagnostic: Diagnostic, today: date) -> DiagnosticPosition:
    authority = diagnostic.enrolment.authority
    stages = list(diagnostic.stages.all())
    open_stages = [stage for stage in stages if stage.status != StageStatus.COMPLETE]
    return DiagnosticPosition(
        diagnostic_id=diagnostic.pk,
        authority_name=authority.name,
        la_code=authority.la_code,
        is_open=diagnostic.is_open,
        next_stage=_stage_due(open_stages[0]) if open_stages and diagnostic.is_open else None,
        overdue_stages=[
            _stage_due(stage)
            for stage in open_stages
            if diagnostic.is_open and stage.planned_date is not None and stage.planned_date < today
        ],
        planned_completion=diagnostic.planned_completion,
        planned_after_due=diagnostic.planned_after_due,
        due_by=diagnostic.enrolment.cohort.programme.diagnostics_due_by,
    )


# --- The programme view: every Diagnostic × 12 stages, by tranche ------------------------------


@dataclass(frozen=True)
class StageColumn:
    number: int
    name: str


@dataclass(frozen=True)
class StageCell:
    number: int
    status: str
    status_label: str
    planned_date: date | None
    actual_date: date | None


@dataclass(frozen=True)
class MatrixRow:
    diagnostic_id: int
    authority_name: str
    la_code: str
    enrolment_status: str
    enrolment_status_label: str
    is_open: bool
    """False once the Diagnostic is closed (its enrolment declined or withdrawn)."""
    closed_reason: str
    planned_completion: date | None
    planned_after_due: bool
    stages: list[StageCell]


@dataclass(frozen=True)
class StageStatusCounts:
    """How many open Diagnostics of a tranche have a stage in each status."""

    number: int
    counts: dict[str, int]

    @property
    def complete(self) -> int:
        return self.counts.get(StageStatus.COMPLETE, 0)


@dataclass
class TrancheProgress:
    tranche: int
    cohort_name: str
    rows: list[MatrixRow] = field(default_factory=list)
    """One per Diagnostic the user may see, open and closed."""
    stage_counts: list[StageStatusCounts] | None = None
    """National counts over the tranche's open Diagnostics; None for a user without VIEW_DBV_PROGRESS."""
    open_diagnostics: int | None = None
    closed_diagnostics: int | None = None
    planned_after_due: int | None = None


@dataclass(frozen=True)
class DbvMatrix:
    stages: list[StageColumn]
    tranches: list[TrancheProgress]
    diagnostics_due_by: date | None
    shows_national_counts: bool


def dbv_matrix(*, user) -> DbvMatrix:
    """The DBV programme view: the user's Diagnostics × 12 stages by tranche, and national counts.

    At most six queries whatever the number of Diagnostics: stage definitions, tranches, rows,
    their stages and, for the roles with VIEW_DBV_PROGRESS, the national counts per tranche and
    per stage and status.
    """
    columns = [
        StageColumn(d.number, d.name) for d in DiagnosticStageDefinition.objects.only("number", "name")
    ]
    cohorts = list(
        Cohort.objects.filter(programme__code=ProgrammeCode.DBV, tranche__isnull=False)
        .select_related("programme")
        .order_by("tranche")
    )
    due_by = cohorts[0].programme.diagnostics_due_by if cohorts else None
    tranches = {
        cohort.tranche: TrancheProgress(tranche=cohort.tranche, cohort_name=cohort.name) for cohort in cohorts
    }

    for diagnostic in diagnostic_list(user=user).filter(enrolment__cohort__tranche__isnull=False):
        tranche = tranches.get(diagnostic.enrolment.cohort.tranche)
        if tranche is not None:
            tranche.rows.append(_row(diagnostic))

    national = access.can(user, Permission.VIEW_DBV_PROGRESS)
    if national:
        _add_national_counts(tranches, columns)
    return DbvMatrix(
        stages=columns,
        tranches=list(tranches.values()),
        diagnostics_due_by=due_by,
        shows_national_counts=national,
    )


def _row(diagnostic: Diagnostic) -> MatrixRow:
    enrolment = diagnostic.enrolment
    return MatrixRow(
        diagnostic_id=diagnostic.pk,
        authority_name=enrolment.authority.name,
        la_code=enrolment.authority.la_code,
        enrolment_status=enrolment.status,
        enrolment_status_label=enrolment.get_status_display(),
        is_open=diagnostic.is_open,
        closed_reason=diagnostic.closed_reason,
        planned_completion=diagnostic.planned_completion,
        planned_after_due=diagnostic.planned_after_due,
        stages=[
            StageCell(
                number=stage.definition.number,
                status=stage.status,
                status_label=stage.get_status_display(),
                planned_date=stage.planned_date,
                actual_date=stage.actual_date,
            )
            for stage in diagnostic.stages.all()
        ],
    )


def _add_national_counts(tranches: dict[int, TrancheProgress], columns: list[StageColumn]) -> None:
    """Counts over every DBV Diagnostic, never naming one: the figures steering members see."""
    dbv = Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV)
    per_tranche = dbv.values(tranche=F("enrolment__cohort__tranche")).annotate(
        open=Count("pk", filter=Q(closed_at__isnull=True)),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
        late=Count("pk", filter=PLANNED_LATE),
    )
    per_stage = (
        DiagnosticStage.objects.filter(diagnostic__in=dbv.filter(closed_at__isnull=True))
        .values("status", tranche=F("diagnostic__enrolment__cohort__tranche"), number=F("definition__number"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(StageStatus.values, 0))
    for entry in per_stage:
        counts[entry["tranche"], entry["number"]][entry["status"]] = entry["count"]
    for tranche in tranches.values():
        tranche.open_diagnostics = tranche.closed_diagnostics = tranche.planned_after_due = 0
        tranche.stage_counts = [
            StageStatusCounts(number=column.number, counts=dict(counts[tranche.tranche, column.number]))
            for column in columns
        ]
    for entry in per_tranche.order_by():
        tranche = tranches.get(entry["tranche"])
        if tranche is not None:
            tranche.open_diagnostics = entry["open"]
            tranche.closed_diagnostics = entry["closed"]
            tranche.planned_after_due = entry["late"]
