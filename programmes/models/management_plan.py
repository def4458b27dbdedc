"""ESFA track: each ESFA enrolment's DSG management plan, its headline forecasts and DfE's review."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from simple_history.models import HistoricalRecords

from portal.financial_year import FinancialYearField
from portal.money import MoneyField


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REVISIONS_NEEDED = "revisions_needed", "Revisions needed"


class ManagementPlan(models.Model):
    enrolment = models.ForeignKey(
        "programmes.Enrolment", on_delete=models.PROTECT, related_name="management_plans"
    )
    file = models.FileField(upload_to="management-plans/%Y/")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    review_outcome = models.CharField(max_length=24, choices=ReviewOutcome.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="source_type", object_id_field="source_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment", "-submitted_at"]

    def __str__(self) -> str:
        return f"DSG management plan: {self.enrolment.authority} ({self.submitted_at:%d %b %Y})"


class ManagementPlanForecast(models.Model):
    """A headline figure of the plan: the forecast DSG position at the end of one of the next three years."""

    plan = models.ForeignKey(ManagementPlan, on_delete=models.CASCADE, related_name="forecasts")
    financial_year = FinancialYearField()
    in_year_balance = MoneyField("forecast in-year balance (£)")
    cumulative_balance = MoneyField("forecast cumulative balance (£)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "financial_year"], name="one_forecast_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.financial_year}"
