"""Serializer and filter fields the resources share: LA codes, money, financial years, scoped relations."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal import access
from portal.financial_year import FinancialYear, FinancialYearFormField
from portal.money import DECIMAL_PLACES, MAX_DIGITS, MoneyError, parse_money

LA_CODE_PATTERN = r"^\d{3}$"
FINANCIAL_YEAR_PATTERN = r"^\d{4}-\d{2}$"

LA_CODE_SCHEMA = {
    "type": "string",
    "pattern": LA_CODE_PATTERN,
    "example": "202",
    "description": "DfE LA code",
}
FINANCIAL_YEAR_SCHEMA = {
    "type": "string",
    "pattern": FINANCIAL_YEAR_PATTERN,
    "example": "2022-23",
    "description": "Financial year (April to March)",
}


@extend_schema_field(FINANCIAL_YEAR_SCHEMA)
class FinancialYearField(serializers.Field):
    """A financial year written `2022-23`, in and out (read by FinancialYear.parse)."""

    default_error_messages = {"invalid": "{message}"}

    def to_representation(self, value) -> str:
        return str(value)

    def to_internal_value(self, data) -> FinancialYear:
        if not isinstance(data, str):
            self.fail("invalid", message="Write the financial year as text, like 2022-23.")
        try:
            return FinancialYear.parse(data)
        except ValueError as error:
            self.fail("invalid", message=str(error))


class MoneyField(serializers.DecimalField):
    """Pounds and pence, exact: a decimal string like "-1250000.00" out; in, text read by
    portal.money.parse_money, or a whole number (a JSON number with a fraction is refused)."""

    default_error_messages = {"invalid_money": "{message}"}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_money(data)
        except MoneyError as error:
            self.fail("invalid_money", message=error.message)


@extend_schema_field(LA_CODE_SCHEMA)
class LaCodeField(serializers.CharField):
    """The LA code of a record's authority (read-only): `authority` on every per-authority resource."""

    def __init__(self, source: str = "authority.la_code", **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(source=source, **kwargs)


class ScopedRelatedMixin:
    """A related-object input that only finds rows the requesting user may see (else: does not exist)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return access.visible(getattr(request, "user", None), queryset)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "No such record: {pk_value}.",
        "incorrect_type": "Give the record's id, a whole number.",
    }

    def to_internal_value(self, data):
        # Ids past the database's integer range do not exist (and must not reach the database).
        if isinstance(data, int) and not isinstance(data, bool) and not 0 < data < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


# --- Filters -----------------------------------------------------------------------------------


class FinancialYearFilter(filters.CharFilter):
    """Exact financial year, like 2022-23 (anything else answers 400)."""

    field_class = FinancialYearFormField


class WholeNumberFormField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 0})
class WholeNumberFilter(filters.NumberFilter):
    """A whole number, 0 or more (tranche, ids); anything else answers 400."""

    field_class = WholeNumberFormField
