"""API resources of the register: authorities (by LA code) and their DSG figures (`dsg-returns`)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from portal import access
from portal.api.fields import (
    LA_CODE_SCHEMA,
    FinancialYearField,
    FinancialYearFilter,
    LaCodeField,
    WholeNumberFilter,
)
from portal.api.viewsets import ScopedViewSet
from programmes.models import Enrolment, EnrolmentStatus, ProgrammeCode

from .api_trajectory import TrajectoryMixin
from .models import AuthorityAlias, AuthorityType, DsgFigure, FigureSource, GssCode, LocalAuthority


def _region_filter(queryset, name, value):
    """A region by its GSS code (E12000007) or its name (London)."""
    prefix = f"{name}__" if name != "region" else ""
    return queryset.filter(
        Q(**{f"{prefix}region__gss_code__iexact": value}) | Q(**{f"{prefix}region__name__iexact": value})
    )


# --- Authorities -------------------------------------------------------------------------------


class AuthorityEnrolmentSerializer(serializers.Serializer):
    """One of the authority's enrolments (those the caller may see), newest first."""

    id = serializers.IntegerField()
    programme = serializers.ChoiceField(source="cohort.programme.code", choices=ProgrammeCode.choices)
    cohort = serializers.IntegerField(source="cohort_id")
    cohort_name = serializers.CharField(source="cohort.name")
    tranche = serializers.IntegerField(source="cohort.tranche", allow_null=True)
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)


class AuthoritySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    region_code = serializers.CharField(source="region.gss_code", help_text="The region's ONS GSS code.")
    enrolments = AuthorityEnrolmentSerializer(many=True, read_only=True)

    class Meta:
        model = LocalAuthority
        fields = [
            "la_code",
            "name",
            "gss_code",
            "region",
            "region_code",
            "la_type",
            "operated_from",
            "operated_until",
            "enrolments",
        ]
        read_only_fields = fields


class AuthorityFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", help_text="Part of the name, or the LA or GSS code.")
    region = filters.CharFilter(method=_region_filter, help_text="Region GSS code (E12000007) or name.")
    la_type = filters.ChoiceFilter(choices=AuthorityType.choices)
    operating_on = filters.DateFilter(method="filter_operating_on", help_text="Operating on this date.")
    programme = filters.ChoiceFilter(
        choices=ProgrammeCode.choices,
        method="enrolment_condition",
        help_text="Has an enrolment in this programme.",
    )
    tranche = WholeNumberFilter(
        method="enrolment_condition", help_text="Has an enrolment in this DBV tranche."
    )
    status = filters.ChoiceFilter(
        choices=EnrolmentStatus.choices,
        method="enrolment_condition",
        help_text="Has an enrolment in this status (with programme and tranche: the same enrolment).",
    )

    class Meta:
        model = LocalAuthority
        fields = ["search", "region", "la_type", "operating_on", "programme", "tranche", "status"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(la_code=value)
            | Q(pk__in=GssCode.objects.filter(code__iexact=value).values("authority_id"))
            | Q(pk__in=AuthorityAlias.objects.filter(name__icontains=value).values("authority_id"))
        )

    def filter_operating_on(self, queryset, name, value):
        return queryset.operating_on(value)

    def enrolment_condition(self, queryset, name, value):
        return queryset  # applied together, in filter_queryset: one enrolment meeting them all

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        lookups = {"programme": "cohort__programme__code", "tranche": "cohort__tranche", "status": "status"}
        conditions = {
            lookup: self.form.cleaned_data[name]
            for name, lookup in lookups.items()
            if self.form.cleaned_data.get(name) not in (None, "")
        }
        if conditions:
            enrolments = access.visible(
                self.request.user, Enrolment.objects.filter(authority=OuterRef("pk"), **conditions)
            )
            queryset = queryset.filter(Exists(enrolments))
        return queryset


@extend_schema_view(
    list=extend_schema(summary="List authorities", tags=["authorities"]),
    retrieve=extend_schema(
        summary="One authority, by LA code",
        tags=["authorities"],
        parameters=[OpenApiParameter("la_code", type=LA_CODE_SCHEMA, location=OpenApiParameter.PATH)],
    ),
)
class AuthorityViewSet(TrajectoryMixin, ScopedViewSet):
    """Local authorities, addressed by their DfE LA code (e.g. /api/v1/authorities/202/).

    GET /authorities/{la_code}/trajectory/ answers the authority's DSG trajectory (api_trajectory).
    """

    queryset = LocalAuthority.objects.all()
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilter
    lookup_field = "la_code"
    ordering_fields = ["la_code", "name", "region__name", "la_type", "operated_from"]
    ordering = ["name", "la_code"]

    def optimise(self, queryset):
        if self.action == "trajectory":
            return queryset  # the trajectory reads what it needs itself
        enrolments = self.visible(Enrolment.objects.select_related("cohort__programme")).order_by(
            "-created_at", "-pk"
        )
        return queryset.select_related("region").prefetch_related(Prefetch("enrolments", queryset=enrolments))


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
        field_name="authority", method=_region_filter, help_text="Region GSS code or name."
    )
    financial_year = FinancialYearFilter(field_name="financial_year")
    source = filters.ChoiceFilter(choices=FigureSource.choices)

    class Meta:
        model = DsgFigure
        fields = ["authority", "region", "financial_year", "source"]


@extend_schema_view(
    list=extend_schema(summary="List DSG figures", tags=["dsg-returns"]),
    retrieve=extend_schema(summary="One DSG figure", tags=["dsg-returns"]),
)
class DsgReturnViewSet(ScopedViewSet):
    """Yearly DSG figures per authority, one row per source (published, LA return, demo). Money in pounds."""

    queryset = DsgFigure.objects.all()
    serializer_class = DsgReturnSerializer
    filterset_class = DsgReturnFilter
    ordering_fields = ["financial_year", "authority__la_code", "authority__name", "source"]
    ordering = ["authority__name", "financial_year", "source"]

    def optimise(self, queryset):
        return queryset.select_related("authority")
