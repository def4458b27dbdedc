"""Safety Valve agreements (SPEC §4.5): conditions, yearly targets and monitoring reports.

The DfE contribution and its instalments are a Grant with Payments (programmes.models.grant).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from simple_history.models import HistoricalRecords

from portal.financial_year import FinancialYearField
from portal.money import MoneyField


class Agreement(models.Model):
    enrolment = models.OneToOneField(
        "programmes.Enrolment", on_delete=models.PROTECT, related_name="agreement"
    )
    signed_on = models.DateField(null=True, blank=True)
    published_url = models.URLField(blank=True)
    deficit_at_signing = MoneyField("deficit at signing (£)")
    total_contribution = MoneyField("total DfE contribution (£)")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment__authority__name"]

    def __str__(self) -> str:
        return f"Safety Valve agreement: {self.enrolment.authority}"

    @property
    def authority(self):
        return self.enrolment.authority


class AgreementCondition(models.Model):
    """A reform the authority commits to in its agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="conditions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_condition_number")
        ]

    def __str__(self) -> str:
        return self.text


class AgreementTarget(models.Model):
    """The DSG position the authority agreed to reach by the end of a financial year (negative = deficit)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    financial_year = FinancialYearField()
    in_year_balance = MoneyField("in-year balance (£)")
    cumulative_balance = MoneyField("cumulative balance (£)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "financial_year"], name="one_target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.authority} {self.financial_year} target"


class AgreementVariation(models.Model):
    """A change to a signed agreement's conditions, targets or instalments, numbered 1, 2, ... in order.

    The agreement's conditions, targets and instalments are always its current terms; each variation
    says when and why they changed, who recorded it, and what changed (`changes`, one line each).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="variations")
    number = models.PositiveSmallIntegerField()
    varied_on = models.DateField("date of the variation")
    reason = models.TextField()
    changes = models.TextField(help_text="What the variation changed, one line each.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_variation_number")
        ]

    def __str__(self) -> str:
        return f"Variation {self.number} of the {self.agreement}"

    @property
    def change_lines(self) -> list[str]:
        return [line for line in self.changes.splitlines() if line.strip()]


class Assessment(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class ReportStatus(models.TextChoices):
    """Where a monitoring report stands, derived from its dates (MonitoringReport.status)."""

    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted, awaiting assessment"
    ASSESSED = "assessed", "Assessed"


class MonitoringReportQuerySet(models.QuerySet):
    # The one definition of each status, in SQL here and in Python as MonitoringReport.status.
    _STATUS = {
        ReportStatus.ASSESSED: models.Q(assessed_at__isnull=False),
        ReportStatus.SUBMITTED: models.Q(submitted_at__isnull=False, assessed_at__isnull=True),
        ReportStatus.DUE: models.Q(submitted_at__isnull=True, assessed_at__isnull=True),
    }

    def with_status(self, status: str) -> "MonitoringReportQuerySet":
        return self.filter(self._STATUS[status])


class MonitoringReport(models.Model):
    """A report the LA owes DfE by `due_on`: actual figures and a narrative, then DfE's assessment."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="monitoring_reports")
    due_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actual_in_year_balance = MoneyField(null=True, blank=True)
    actual_cumulative_balance = MoneyField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    assessment = models.CharField(max_length=16, choices=Assessment.choices, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment_notes = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="source_type", object_id_field="source_id"
    )
    history = HistoricalRecords()

    objects = MonitoringReportQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "due_on"], name="one_report_per_due_date")
        ]

    def __str__(self) -> str:
        return f"Monitoring report due {self.due_on}: {self.agreement.authority}"

    @property
    def status(self) -> str:
        """Due, submitted (awaiting DfE's assessment) or assessed: see MonitoringReportQuerySet."""
        if self.assessed_at is not None:
            return ReportStatus.ASSESSED
        if self.submitted_at is not None:
            return ReportStatus.SUBMITTED
        return ReportStatus.DUE
