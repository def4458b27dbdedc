"""`cohorts`: Safety Valve rounds, DBV tranches, ESFA years."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers

from portal.api.fields import FinancialYearField, FinancialYearFilter, WholeNumberFilter
from portal.api.schema import INHERITED_DESCRIPTION, operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import Cohort, ProgrammeCode
from ..selectors import cohort_list


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


@resource_schema(
    "cohorts",
    list=operation("List cohorts", description=INHERITED_DESCRIPTION),
    retrieve=operation("One cohort", description=INHERITED_DESCRIPTION),
)
class CohortViewSet(ScopedViewSet):
    queryset = Cohort.objects.all()
    serializer_class = CohortSerializer
    filterset_class = CohortFilter
    ordering_fields = ["financial_year", "tranche", "name", "programme__code"]
    ordering = ["programme__code", "financial_year", "tranche", "pk"]
    list_selector = cohort_list
