"""API resources of the register: DSG figures (`dsg-returns`). The `authorities` resource, which shows
each authority's enrolments, is programmes.api.authorities."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from rest_framework import serializers

from portal.api.fields import (
    FinancialYearField,
    FinancialYearFilter,
    LaCodeField,
)
from portal.api.schema import resource_schema
from portal.api.viewsets import ScopedViewSet

from .models import DsgFigure, FigureSource
from .selectors import dsg_figure_list


def region_filter(queryset, name, value):
    """A region by its GSS code (E12000007) or its name (London)."""
    prefix = f"{name}__" if name != "region" else ""
    return queryset.filter(
        Q(**{f"{prefix}region__gss_code__iexact": value}) | Q(**{f"{prefix}region__name__iexact": value})
    )


# --- DSG figures -------------------------------------------------------------------------------


class DsgReturnSerializer(serializers.ModelSerializer):
    authority = LaCodeField()
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    financial_year = FinancialYearField(read_only=True)
    deficit_percent = serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Cumulative deficit as % of total DSG (positive is a deficit): as published, else computed.",
    )

    class Meta:
        model = DsgFigure
        fields = [
            "id",
            "authority",
            "authority_name",
            "financial_year",
            "source",
            "total_dsg_allocation",
            "high_needs_allocation",
            "in_year_balance",
            "cumulative_balance",
            "usable_reserves",
            "published_balance_percent",
            "deficit_percent",
            "notes",
        ]
        read_only_fields = fields


class DsgReturnFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="authority__la_code", help_text="LA code.")
    region = filters.CharFilter(
        field_name="authority", method=region_filter, help_text="Region GSS code or name."
    )
    financial_year = FinancialYearFilter(field_name="financial_year")
    source = filters.ChoiceFilter(choices=FigureSource.choices)

    class Meta:
        model = DsgFigure
        fields = ["authority", "region", "financial_year", "source"]


@resource_schema("dsg-returns", list="List DSG figures", retrieve="One DSG figure")
class DsgReturnViewSet(ScopedViewSet):
    """Yearly DSG figures per authority, one row per source (published, LA return, demo). Money in pounds."""

    queryset = DsgFigure.objects.all()
    serializer_class = DsgReturnSerializer
    filterset_class = DsgReturnFilter
    ordering_fields = ["financial_year", "authority__la_code", "authority__name", "source"]
    ordering = ["authority__name", "financial_year", "source"]
    list_selector = dsg_figure_list
