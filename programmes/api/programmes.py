"""`programmes`: SV, DBV and ESFA, addressed by code, with their cohorts."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from portal.api.fields import FinancialYearField
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import Cohort, Programme, ProgrammeCode
from ..selectors import programme_list


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


@resource_schema(
    "programmes",
    list="List programmes",
    retrieve=operation(
        "One programme, by code",
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
    list_selector = programme_list
