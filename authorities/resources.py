"""Spreadsheet columns for authorities, contacts and DSG figures: what an import reads and an export writes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from import_export.fields import Field

from portal.history import save_as
from portal.imports import (
    ChoiceWidget,
    DateWidget,
    ExactDecimalWidget,
    FinancialYearWidget,
    LookupWidget,
    MoneyWidget,
    PortalResource,
    TextWidget,
)

from .models import (
    AuthorityType,
    Contact,
    ContactRole,
    DsgFigure,
    FigureSource,
    GssCode,
    LocalAuthority,
    Region,
)


def authority_column() -> Field:
    return Field(
        attribute="authority",
        column_name="la_code",
        widget=LookupWidget(LocalAuthority, "la_code", missing="No authority has the LA code “{value}”."),
    )


class LocalAuthorityResource(PortalResource):
    """The register, keyed by LA code. A new GSS code is added to the authority's list of codes."""

    kind_label = "authority"
    key_columns = ("la_code",)
    required_columns = ("la_code", "name", "gss_code", "region", "la_type", "operated_from")

    la_code = Field(attribute="la_code", column_name="la_code", widget=TextWidget(required=True))
    name = Field(attribute="name", column_name="name", widget=TextWidget(required=True))
    gss_code = Field(attribute="gss_code", column_name="gss_code", widget=TextWidget(required=True))
    region = Field(
        attribute="region",
        column_name="region",
        widget=LookupWidget(
            Region,
            "name",
            also=("gss_code",),
            missing="No region is called or coded “{value}”: give its name (like London) or GSS code (like E12000007).",
        ),
    )
    la_type = Field(attribute="la_type", column_name="la_type", widget=ChoiceWidget(AuthorityType.choices))
    operated_from = Field(
        attribute="operated_from", column_name="operated_from", widget=DateWidget(required=True)
    )
    operated_until = Field(attribute="operated_until", column_name="operated_until", widget=DateWidget())

    class Meta:
        model = LocalAuthority
        fields = ("la_code", "name", "gss_code", "region", "la_type", "operated_from", "operated_until")
        import_id_fields = ("la_code",)

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def row_problems(self, instance: LocalAuthority) -> dict[str, str]:
        holder = GssCode.objects.filter(code=instance.gss_code).exclude(authority_id=instance.pk).first()
        if holder is None:
            return {}
        return {"gss_code": f"{instance.gss_code} is (or was) the GSS code of {holder.authority.label}."}

    def after_save_instance(self, instance: LocalAuthority, row, **kwargs):
        if instance.gss_codes.filter(code=instance.gss_code).exists():
            return
        today = timezone.localdate()
        is_first = not instance.gss_codes.exists()
        for previous in instance.gss_codes.filter(valid_until__isnull=True):
            previous.valid_until = max(previous.valid_from, today - timedelta(days=1))
            save_as(self.actor, previous)
        code = GssCode(
            authority=instance,
            code=instance.gss_code,
            valid_from=instance.operated_from if is_first else today,
        )
        save_as(self.actor, code)


class ContactResource(PortalResource):
    """Contacts, keyed by authority, email and role."""

    kind_label = "contact"
    key_columns = ("la_code", "email", "role")
    required_columns = ("la_code", "name", "email", "role")

    la_code = authority_column()
    name = Field(attribute="name", column_name="name", widget=TextWidget(required=True))
    email = Field(attribute="email", column_name="email", widget=TextWidget(required=True))
    role = Field(attribute="role", column_name="role", widget=ChoiceWidget(ContactRole.choices))

    class Meta:
        model = Contact
        fields = ("la_code", "name", "email", "role")
        import_id_fields = ("la_code", "email", "role")

    def get_queryset(self):
        return super().get_queryset().select_related("authority")


class DsgFigureResource(PortalResource):
    """DSG figures in pounds (exact decimals), keyed by authority, financial year and source."""

    kind_label = "set of figures"
    key_columns = ("la_code", "financial_year", "source")
    required_columns = ("la_code", "financial_year", "source")

    la_code = authority_column()
    financial_year = Field(
        attribute="financial_year", column_name="financial_year", widget=FinancialYearWidget()
    )
    source = Field(attribute="source", column_name="source", widget=ChoiceWidget(FigureSource.choices))
    total_dsg_allocation = Field(
        attribute="total_dsg_allocation", column_name="total_dsg_allocation", widget=MoneyWidget()
    )
    high_needs_allocation = Field(
        attribute="high_needs_allocation", column_name="high_needs_allocation", widget=MoneyWidget()
    )
    in_year_balance = Field(attribute="in_year_balance", column_name="in_year_balance", widget=MoneyWidget())
    cumulative_balance = Field(
        attribute="cumulative_balance", column_name="cumulative_balance", widget=MoneyWidget()
    )
    usable_reserves = Field(attribute="usable_reserves", column_name="usable_reserves", widget=MoneyWidget())
    published_balance_percent = Field(
        attribute="published_balance_percent",
        column_name="published_balance_percent",
        widget=ExactDecimalWidget(),
    )
    notes = Field(attribute="notes", column_name="notes", widget=TextWidget())

    class Meta:
        model = DsgFigure
        fields = (
            "la_code",
            "financial_year",
            "source",
            "total_dsg_allocation",
            "high_needs_allocation",
            "in_year_balance",
            "cumulative_balance",
            "usable_reserves",
            "published_balance_percent",
            "notes",
        )
        import_id_fields = ("la_code", "financial_year", "source")

    def get_queryset(self):
        return super().get_queryset().select_related("authority")
