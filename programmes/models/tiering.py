"""A tiering proposal: authorities ranked by deficit % at a reference year and placed in SV, DBV or ESFA."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from portal.financial_year import FinancialYearField
from portal.money import MoneyField


class Tier(models.TextChoices):
    SV = "SV", "Safety Valve"
    DBV = "DBV", "DBV"
    ESFA = "ESFA", "ESFA"
    NO_FIGURES = "no figures", "No figures"
    EXCLUDED = "excluded", "Already in Safety Valve"


# "Figures from" on the pages: which source put a placement where it is.
FIGURE_SOURCE_NAMES = {"published": "Published", "la_return": "LA return", "demo": "Demo"}


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class TieringProposal(models.Model):
    reference_year = FinancialYearField()
    sv_places = models.PositiveSmallIntegerField()
    dbv_places = models.PositiveSmallIntegerField(default=55)
    figure_sources = models.JSONField(
        default=list,
        blank=True,
        help_text="The sources of DSG figures the official chose to rank on, in order of preference "
        "(empty for proposals made before the choice was recorded).",
    )
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT, editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Tiering proposal {self.pk} ({self.reference_year}, {self.sv_places} Safety Valve places)"

    @property
    def figure_source_names(self) -> list[str]:
        return [FIGURE_SOURCE_NAMES.get(source, source) for source in self.figure_sources]


class TieringPlacement(models.Model):
    """Where the proposal puts one authority, with the figures that put it there."""

    proposal = models.ForeignKey(TieringProposal, on_delete=models.CASCADE, related_name="placements")
    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(max_length=16, choices=Tier.choices)
    rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 is the highest deficit %.")
    deficit_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    cumulative_balance = MoneyField(null=True, blank=True)
    total_dsg_allocation = MoneyField(null=True, blank=True)
    figure_source = models.CharField(
        max_length=16, blank=True, help_text="The source of the figure that placed the authority."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "rank", "authority__name"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "authority"], name="one_placement_per_authority"),
        ]

    def __str__(self) -> str:
        return f"{self.authority}: {self.tier}"

    @property
    def figure_source_name(self) -> str:
        """ "Published", "LA return" or "Demo": the source of the figure that placed the authority."""
        return FIGURE_SOURCE_NAMES.get(self.figure_source, self.figure_source)
