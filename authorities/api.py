"""API resources of the register: DSG figures (`dsg-returns`), which an authority's finance lead returns
(POST, authorities.services.dsg_return_submit). The `authorities` resource, which shows each authority's
enrolments, is programmes.api.authorities."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from rest_framework import serializers, status

from portal.access import Permission
from portal.api.fields import (
    FinancialYearField,
    FinancialYearFilter,
    LaCodeField,
    MoneyField,
)
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from .api_fields import AuthorityByLaCode
from .models import DsgFigure, FigureSource
from .selectors import dsg_figure_list
from .services import dsg_return_submit


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


class DsgReturnSubmitSerializer(serializers.Serializer):
    authority = AuthorityByLaCode(
        required=False, help_text="Your authority's LA code (the default: a finance lead has one)."
    )
    financial_year = FinancialYearField(help_text="The year the figures are for, like 2022-23.")
    total_dsg_allocation = MoneyField(
        help_text="The authority's total Dedicated Schools Grant for the year, in pounds."
    )
    high_needs_allocation = MoneyField(
        help_text="The high needs block of that grant (which funds SEND provision), in pounds."
    )
    in_year_balance = MoneyField(
        help_text="The DSG balance of the year alone, in pounds: negative is an in-year deficit."
    )
    cumulative_balance = MoneyField(
        help_text="The DSG balance carried at the end of the year, in pounds: negative is a deficit."
    )
    usable_reserves = MoneyField(
        help_text="The council's usable reserves at the end of the year, in pounds (0 or more)."
    )
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Anything DfE should know about the figures.",
    )


@resource_schema(
    "dsg-returns",
    list="List DSG figures",
    retrieve="One DSG figure",
    create=operation(
        "Submit a DSG return (the authority's finance lead)",
        DsgReturnSubmitSerializer,
        DsgReturnSerializer,
        201,
        responses={200: DsgReturnSerializer},
        description=(
            "The authority's figures for one year, kept as its LA return beside DfE's published figures, "
            "never over them. Returning a year again updates that year's LA return (answering 200; a "
            "first return answers 201); the change history keeps what it said before."
        ),
    ),
)
class DsgReturnViewSet(ScopedViewSet):
    """Yearly DSG figures per authority, one row per source (published, LA return, demo). Money in pounds."""

    queryset = DsgFigure.objects.all()
    serializer_class = DsgReturnSerializer
    filterset_class = DsgReturnFilter
    ordering_fields = ["financial_year", "authority__la_code", "authority__name", "source"]
    ordering = ["authority__name", "financial_year", "source"]
    required_actions = {"create": Permission.SUBMIT_DSG_RETURN}
    list_selector = dsg_figure_list

    def create(self, request):
        data = self.validated(DsgReturnSubmitSerializer)
        authority = data.pop("authority", None) or request.user.authority
        if authority is None:
            raise serializers.ValidationError({"authority": ["Give the authority's LA code."]})
        figure = dsg_return_submit(actor=request.user, authority=authority, **data)
        return self.answer(figure, status.HTTP_201_CREATED if figure.created else status.HTTP_200_OK)
