"""Yearly Dedicated Schools Grant figures per authority, kept apart by where they came from."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from portal.financial_year import FinancialYearField
from portal.money import MoneyField


class FigureSource(models.TextChoices):
    PUBLISHED = "published", "Published by DfE"
    LA_RETURN = "la_return", "LA return"
    DEMO = "demo", "Demo (invented)"


class DsgFigure(models.Model):
    """One authority's DSG position for one financial year, from one source. Money in pounds (Decimal).

    Balances follow DfE's sign: negative is a deficit.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.PROTECT, related_name="dsg_figures"
    )
    financial_year = FinancialYearField()
    source = models.CharField(max_length=16, choices=FigureSource.choices)
    total_dsg_allocation = MoneyField("total DSG allocation (£)", null=True, blank=True)
    high_needs_allocation = MoneyField("high needs block allocation (£)", null=True, blank=True)
    in_year_balance = MoneyField("in-year balance (£)", null=True, blank=True)
    cumulative_balance = MoneyField("cumulative balance (£)", null=True, blank=True)
    usable_reserves = MoneyField("usable reserves (£)", null=True, blank=True)
    published_balance_percent = models.DecimalField(
        "published cumulative balance as % of total DSG",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Kept exactly as DfE published it (negative is a deficit).",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "DSG figure"
        ordering = ["authority__name", "financial_year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "financial_year", "source"],
                name="one_dsg_figure_per_authority_year_source",
                violation_error_message="This authority already has figures for that year from that source.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.financial_year} ({self.get_source_display()})"

    @property
    def deficit_percent(self) -> Decimal | None:
        """The cumulative deficit as a percentage of the total DSG (positive = deficit), to 2 places.

        Published percentages are used as published; otherwise computed from the pounds.
        """
        if self.published_balance_percent is not None:
            return -self.published_balance_percent
        if self.cumulative_balance is None or not self.total_dsg_allocation:
            return None
        return (-self.cumulative_balance * 100 / self.total_dsg_allocation).quantize(Decimal("0.01"))

    def derive_cumulative_balance(self) -> None:
        """Published figures give the balance as a % of the total DSG: the pounds are that % of the allocation."""
        if self.published_balance_percent is None or self.total_dsg_allocation is None:
            return
        pounds = self.total_dsg_allocation * self.published_balance_percent / 100
        self.cumulative_balance = pounds.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
