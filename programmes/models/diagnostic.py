"""DBV Diagnostics (SPEC §4.4): 12 ordered stages per DBV enrolment, engagements and training feedback."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    BLOCKED = "blocked", "Blocked"


# "Planned late": open, and planned to be complete after the date its programme set for every
# Diagnostic. The one definition: in SQL here, in Python as Diagnostic.planned_after_due.
PLANNED_LATE = Q(
    closed_at__isnull=True, planned_completion__gt=F("enrolment__cohort__programme__diagnostics_due_by")
)


class DiagnosticQuerySet(models.QuerySet):
    def planned_late(self, late: bool = True) -> "DiagnosticQuerySet":
        """The Diagnostics planned late (late=False: all the others)."""
        return self.filter(PLANNED_LATE) if late else self.exclude(PLANNED_LATE)


class Diagnostic(models.Model):
    enrolment = models.OneToOneField(
        "programmes.Enrolment", on_delete=models.CASCADE, related_name="diagnostic"
    )
    planned_completion = models.DateField(
        null=True, blank=True, help_text="When this Diagnostic is planned to be complete."
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the enrolment is declined or withdrawn."
    )
    closed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment__cohort__tranche", "enrolment__authority__name"]

    def __str__(self) -> str:
        return f"Diagnostic: {self.enrolment.authority}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def planned_after_due(self) -> bool:
        """PLANNED_LATE for this one (reads enrolment.cohort.programme: select it)."""
        due_by = self.enrolment.cohort.programme.diagnostics_due_by
        return bool(self.is_open and due_by and self.planned_completion and self.planned_completion > due_by)


class DiagnosticStage(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="stages")
    definition = models.ForeignKey(
        "programmes.DiagnosticStageDefinition", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=StageStatus.choices, default=StageStatus.NOT_STARTED)
    planned_date = models.DateField(null=True, blank=True)
    actual_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(null=True, blank=True)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="source_type", object_id_field="source_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["diagnostic", "definition__number"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "definition"], name="one_stage_per_definition"),
            models.CheckConstraint(
                name="complete_stage_has_actual_date",
                condition=~Q(status=StageStatus.COMPLETE) | Q(actual_date__isnull=False),
                violation_error_message="A complete stage needs the date it was completed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition} ({self.get_status_display()})"


class EngagementKind(models.TextChoices):
    SCHOOLS_FORUM = "schools_forum", "Schools forum consulted"
    PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum involved"
    HEALTH_PARTNERS = "health_partners", "Health partners engaged"
    EDUCATION_PARTNERS = "education_partners", "Education partners engaged"


class StakeholderEngagement(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=24, choices=EngagementKind.choices)
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["diagnostic", "held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on}"


class FeedbackRating(models.TextChoices):
    EXCEPTIONAL = "exceptional", "Exceptional"
    VERY_GOOD = "very_good", "Very good"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


class TrainingSession(models.Model):
    """One training session of a Diagnostic, with how many delegates gave each feedback rating."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="training_sessions")
    module = models.PositiveSmallIntegerField(choices=[(1, "Module 1"), (2, "Module 2"), (3, "Module 3")])
    held_on = models.DateField()
    exceptional = models.PositiveIntegerField(default=0)
    very_good = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    fair = models.PositiveIntegerField(default=0)
    poor = models.PositiveIntegerField(default=0)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["diagnostic", "held_on", "module"]

    def __str__(self) -> str:
        return f"Training module {self.module} on {self.held_on}"

    @property
    def responses(self) -> int:
        return self.exceptional + self.very_good + self.good + self.fair + self.poor
