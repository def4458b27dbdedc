"""DfE's published DSG figures, read in their published layout (Step 5): allocations and deficit percentages.

Both are import kinds of portal.imports, so they go through the same all-or-nothing pipeline as
any user's import. National and regional rows are skipped and counted; every authority row must
match exactly one authority (by LA code, or by name through the register and its aliases).
"""

from __future__ import annotations

import re
from decimal import Decimal

from import_export import widgets
from import_export.fields import Field
from import_export.results import RowResult

from portal.financial_year import FinancialYear
from portal.imports import ExactDecimalWidget, MoneyWidget, PortalResource, cell_text

from .models import AmbiguousAuthorityName, DsgFigure, FigureSource, LocalAuthority, UnknownAuthorityName

LA_CODE = re.compile(r"^\d{3}$")


def _year(row) -> FinancialYear:
    return FinancialYear.from_time_period(cell_text(row.get("time_period")))


class TimePeriodWidget(widgets.Widget):
    """DfE's `time_period` (202021 for 2020-21), checked against a `financial_year` column where there is one."""

    def clean(self, value, row=None, **kwargs) -> FinancialYear:
        year = FinancialYear.from_time_period(cell_text(value))
        written = cell_text((row or {}).get("financial_year"))
        if written and written != str(year):
            raise ValueError(f"time_period {cell_text(value)} is {year}, but financial_year says {written}.")
        return year


class AuthorityByNameWidget(widgets.Widget):
    """The one authority operating in the row's year that has this name, officially or as an alias."""

    def clean(self, value, row=None, **kwargs) -> LocalAuthority:
        name = cell_text(value)
        if not name:
            raise ValueError("This cell is empty: it needs the authority's name.")
        try:
            return LocalAuthority.objects.resolve(name, on=_year(row).starts_on)
        except (UnknownAuthorityName, AmbiguousAuthorityName) as problem:
            raise ValueError(str(problem)) from None


class AuthorityByCodeWidget(widgets.Widget):
    """The authority with this LA code; its name in the file must be one the register knows for it."""

    def clean(self, value, row=None, **kwargs) -> LocalAuthority:
        code = cell_text(value)
        authority = LocalAuthority.objects.filter(la_code=code).first()
        if authority is None:
            raise ValueError(f"No authority has the LA code “{code}”.")
        name = cell_text((row or {}).get("la_name"))
        if name and not LocalAuthority.objects.matching_name(name).filter(pk=authority.pk).exists():
            raise ValueError(f"LA code {code} is {authority.name}, but the row names “{name}”.")
        return authority


class PoundsWidget(MoneyWidget):
    """Published pounds carry fractions of a penny: kept to the penny (half up), never as float."""

    def __init__(self):
        super().__init__(round_to_penny=True)

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        amount = super().clean(value, row, **kwargs)
        if amount is None:
            raise ValueError("This cell is empty: it needs an amount in pounds.")
        return amount


class BalancePercentWidget(ExactDecimalWidget):
    """The published balance %, exactly as published, and it must agree with the `deficit` column."""

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        percent = super().clean(value, row, **kwargs)
        if percent is None:
            raise ValueError("This cell is empty: it needs the published percentage.")
        deficit = cell_text((row or {}).get("deficit"))
        if deficit and Decimal(deficit) != -percent:
            raise ValueError(
                f"The balance is {percent} % but the deficit column says {deficit} %: they must be opposite."
            )
        return percent


class PublishedFigureResource(PortalResource):
    """A published file: one row per authority and year, plus national and regional total rows."""

    kind_label = "authority and year"

    class Meta:
        model = DsgFigure
        import_id_fields = ()

    def is_total_row(self, row) -> str:
        """'' for an authority's row; otherwise what kind of total the row is."""
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs) -> RowResult:
        total = self.is_total_row(row)
        if not total:
            return super().import_row(row, instance_loader, **kwargs)
        skipped = self.get_row_result_class()()
        skipped.import_type = RowResult.IMPORT_TYPE_SKIP
        skipped.object_repr = f"({total} row: not an authority)"
        return skipped

    def get_instance(self, instance_loader, row):
        try:
            authority = self.fields["authority"].clean(row)
            year = self.fields["financial_year"].clean(row)
        except ValueError:
            return None  # reported against its column when the row's fields are read
        return DsgFigure.objects.filter(
            authority=authority, financial_year=year, source=FigureSource.PUBLISHED
        ).first()

    def init_instance(self, row=None) -> DsgFigure:
        return DsgFigure(source=FigureSource.PUBLISHED)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.derive_cumulative_balance()


class PublishedAllocationResource(PublishedFigureResource):
    """dsg-total-allocation-by-year.csv: la_code, la_name, Total DSG allocation (£s), time_period."""

    key_columns = ("la_code", "time_period")
    required_columns = ("la_code", "la_name", "Total DSG allocation (£s)", "time_period")

    authority = Field(attribute="authority", column_name="la_code", widget=AuthorityByCodeWidget())
    la_name = Field(attribute=None, column_name="la_name")
    total_dsg_allocation = Field(
        attribute="total_dsg_allocation", column_name="Total DSG allocation (£s)", widget=PoundsWidget()
    )
    financial_year = Field(attribute="financial_year", column_name="time_period", widget=TimePeriodWidget())

    class Meta(PublishedFigureResource.Meta):
        fields = ("authority", "la_name", "total_dsg_allocation", "financial_year")

    def is_total_row(self, row) -> str:
        code = cell_text(row.get("la_code"))
        if LA_CODE.match(code):
            return ""
        return "national" if code.casefold() == "england" else "regional or group total"


class PublishedDeficitResource(PublishedFigureResource):
    """dsg-deficit-derived.csv: the cumulative balance as a % of the total DSG, authorities by name."""

    key_columns = ("time_period", "la_name")
    required_columns = (
        "time_period",
        "geographic_level",
        "region_name",
        "la_name",
        "deficit",
        "DSG cumulative balance as a % of the total income",
        "financial_year",
    )

    financial_year = Field(attribute="financial_year", column_name="time_period", widget=TimePeriodWidget())
    geographic_level = Field(attribute=None, column_name="geographic_level")
    region_name = Field(attribute=None, column_name="region_name")
    authority = Field(attribute="authority", column_name="la_name", widget=AuthorityByNameWidget())
    deficit = Field(attribute=None, column_name="deficit")
    published_balance_percent = Field(
        attribute="published_balance_percent",
        column_name="DSG cumulative balance as a % of the total income",
        widget=BalancePercentWidget(),
    )
    written_year = Field(attribute=None, column_name="financial_year")

    class Meta(PublishedFigureResource.Meta):
        fields = (
            "financial_year",
            "geographic_level",
            "region_name",
            "authority",
            "deficit",
            "published_balance_percent",
            "written_year",
        )

    def is_total_row(self, row) -> str:
        level = cell_text(row.get("geographic_level"))
        return "" if level.casefold() == "local authority" else level.casefold()
