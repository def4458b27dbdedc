"""Programmes, their cohorts, and the fixed definitions the programmes work to (Diagnostic stages, focus areas)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.financial_year import FinancialYearField


class ProgrammeCode(models.TextChoices):
    SAFETY_VALVE = "SV", "Safety Valve"
    DBV = "DBV", "Delivering Better Value in SEND"
    ESFA = "ESFA", "ESFA programme"


class Programme(models.Model):
    code = models.CharField(max_length=8, unique=True, choices=ProgrammeCode.choices)
    name = models.CharField(max_length=100, unique=True)
    summary = models.CharField(max_length=300)
    description = models.TextField(help_text="From the source document.")
    places = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The most open (invited, accepted or active) enrolments the programme holds at once; blank for no limit.",
    )
    diagnostics_due_by = models.DateField(
        null=True,
        blank=True,
        help_text="DBV: the date by which every Diagnostic is to be complete; later plans are flagged.",
    )
    lead_official = models.ForeignKey(
        "portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The DfE official overdue deadlines escalate to when an enrolment has no case lead.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def description_paragraphs(self) -> list[str]:
        return [part.strip() for part in self.description.split("\n\n") if part.strip()]


class Cohort(models.Model):
    """A group of enrolments: a Safety Valve round, a DBV tranche, an ESFA year."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=100)
    financial_year = FinancialYearField(help_text="The financial year the cohort starts in, like 2022-23.")
    tranche = models.PositiveSmallIntegerField(null=True, blank=True, help_text="DBV only: 1, 2 or 3.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__code", "financial_year", "tranche"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="unique_cohort_name"),
            models.UniqueConstraint(
                fields=["programme", "tranche"], condition=Q(tranche__isnull=False), name="unique_tranche"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.name}"


class DiagnosticStageDefinition(models.Model):
    """One of the 12 ordered stages every DBV Diagnostic goes through (SPEC §4.4)."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class FocusArea(models.Model):
    """One of the five areas of a sustainable high needs system (source document, July 2021)."""

    number = models.PositiveSmallIntegerField(unique=True)
    short_name = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.title


class FocusAreaQuestion(models.Model):
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["focus_area__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["focus_area", "number"], name="unique_question_number"),
        ]

    def __str__(self) -> str:
        return self.text
