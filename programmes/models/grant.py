"""Grants and their payments (SPEC §4.6): DBV implementation grants and Safety Valve contributions alike."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from simple_history.models import HistoricalRecords

from portal.financial_year import FinancialYearField
from portal.money import MoneyField


class GrantKind(models.TextChoices):
    SV_CONTRIBUTION = "sv_contribution", "Safety Valve contribution"
    DBV_IMPLEMENTATION = "dbv_implementation", "DBV implementation grant"


class Grant(models.Model):
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.PROTECT, related_name="grants")
    kind = models.CharField(max_length=24, choices=GrantKind.choices)
    agreement = models.OneToOneField(
        "programmes.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contribution",
        help_text="Safety Valve contributions only: the agreement the contribution is paid under.",
    )
    amount = MoneyField("amount awarded (£)")
    awarded_on = models.DateField()
    financial_year = FinancialYearField(help_text="The financial year of the award.")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-awarded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(kind=GrantKind.DBV_IMPLEMENTATION),
                name="one_dbv_grant_per_enrolment",
                violation_error_message="This enrolment already has a DBV implementation grant.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.enrolment.authority}"


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    RELEASED = "released", "Released"
    WITHHELD = "withheld", "Withheld"


class Payment(models.Model):
    """An instalment of a grant: scheduled, then released or withheld by a DfE decision (who, when, why)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="payments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    financial_year = FinancialYearField(help_text="The financial year the payment is due in.")
    amount = MoneyField("amount (£)")
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Why it was released although the latest assessment was off track."
    )
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="source_type", object_id_field="source_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["grant", "number"]
        constraints = [models.UniqueConstraint(fields=["grant", "number"], name="unique_payment_number")]

    def __str__(self) -> str:
        return f"Payment {self.number} of {self.grant}"
