"""`cohorts`: Safety Valve rounds, DBV tranches, ESFA years."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from portal.api.fields import FinancialYearField, FinancialYearFilter, WholeNumberFilter
from portal.api.viewsets import ScopedViewSet

from ..models import Cohort, ProgrammeCode


class CohortSerializer(serializers.ModelSerializer):
    programme = serializers.ChoiceField(
        source="programme.code", choices=ProgrammeCode.choices, read_only=True
    )
    financial_year = FinancialYearField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "programme", "name", "financial_year", "tranche"]
        read_only_fields = fields


class CohortFilter(filters.FilterSet):
    programme = filters.ChoiceFilter(field_name="programme__code", choices=ProgrammeCode.choices)
    tranche = WholeNumberFilter(field_name="tranche")
    financial_year = FinancialYearFilter(field_name="financial_year")

    class Meta:
        model = Cohort
        fields = ["programme", "tranche", "financial_year"]


@extend_schema_view(
    list=extend_schema(summary="List cohorts", tags=["cohorts"]),
    retrieve=extend_schema(summary="One cohort", tags=["cohorts"]),
)
class CohortViewSet(ScopedViewSet):
    queryset = Cohort.objects.all()
    serializer_class = CohortSerializer
    filterset_class = CohortFilter
    ordering_fields = ["financial_year", "tranche", "name", "programme__code"]
    ordering = ["programme__code", "financial_year", "tranche", "pk"]

    def optimise(self, queryset):
        return queryset.select_related("programme")
