"""`programmes`: SV, DBV and ESFA, addressed by code, with their cohorts."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from portal.api.fields import FinancialYearField
from portal.api.viewsets import ScopedViewSet

from ..models import Cohort, Programme, ProgrammeCode


class ProgrammeCohortSerializer(serializers.ModelSerializer):
    financial_year = FinancialYearField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "financial_year", "tranche"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.ModelSerializer):
    cohorts = ProgrammeCohortSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ["code", "name", "summary", "description", "places", "diagnostics_due_by", "cohorts"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List programmes", tags=["programmes"]),
    retrieve=extend_schema(
        summary="One programme, by code",
        tags=["programmes"],
        parameters=[OpenApiParameter("code", enum=ProgrammeCode.values, location=OpenApiParameter.PATH)],
    ),
)
class ProgrammeViewSet(ScopedViewSet):
    """The three programmes, addressed by code: /api/v1/programmes/DBV/."""

    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def optimise(self, queryset):
        return queryset.prefetch_related("cohorts")
