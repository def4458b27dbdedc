"""`management-plans`: ESFA authorities' DSG management plans and DfE's reviews (SPEC §4.7, §4.8).

POST /management-plans/ is the authority's finance lead submitting a plan: multipart/form-data with
the document (`file`: PDF, DOCX, XLSX, CSV or ODT, checked by type and size) and its headline
forecast for the next three financial years (`forecasts`, as JSON text). POST .../{id}/review/ is
DfE's review. The document is downloaded through GET .../{id}/download/, which asks the access
policy like every other read: never from a public /media/ address.
"""

from __future__ import annotations

import json
import re

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser

from portal.access import Permission
from portal.api.domain import fields_renamed
from portal.api.fields import FinancialYearField, LaCodeField, ScopedPrimaryKeyRelatedField
from portal.api.files import (
    MULTIPART,
    MULTIPART_ONLY,
    FileDownloadMixin,
    download_responses,
    download_url,
    file_name,
    file_response,
)
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import Enrolment, ManagementPlan, ManagementPlanForecast, ReviewOutcome
from ..selectors.management_plan import management_plan_list
from ..services.management_plan import management_plan_review, management_plan_submit
from .agreements import MoneyField

_SERVICE_FORECAST_FIELD = re.compile(r"^(in_year_balance|cumulative_balance)_(\d{4}-\d{2})$")


class ForecastSerializer(serializers.ModelSerializer):
    financial_year = FinancialYearField(read_only=True)

    class Meta:
        model = ManagementPlanForecast
        fields = ["financial_year", "in_year_balance", "cumulative_balance"]
        read_only_fields = fields


class ManagementPlanSerializer(serializers.ModelSerializer):
    authority = LaCodeField(source="enrolment.authority.la_code")
    authority_name = serializers.CharField(source="enrolment.authority.name", read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    file_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="The document, for whoever may see the plan.")
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    review_outcome = serializers.ChoiceField(
        choices=ReviewOutcome.choices, allow_blank=True, read_only=True, help_text="Blank until reviewed."
    )
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True)
    forecasts = ForecastSerializer(many=True, read_only=True)

    class Meta:
        model = ManagementPlan
        fields = [
            "id",
            "authority",
            "authority_name",
            "enrolment",
            "file_name",
            "download_url",
            "submitted_by",
            "submitted_at",
            "forecasts",
            "review_outcome",
            "reviewed_by",
            "reviewed_at",
            "review_notes",
            "next_review_on",
            "is_demo",
        ]
        read_only_fields = fields

    def get_file_name(self, plan) -> str:
        return file_name(plan.file)

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, plan) -> str:
        return download_url(self, "api:management-plan-download", plan.pk)


class ForecastInputSerializer(serializers.Serializer):
    financial_year = FinancialYearField()
    in_year_balance = MoneyField(help_text="Forecast; negative for a deficit.")
    cumulative_balance = MoneyField(help_text="Forecast; negative for a deficit.")


@extend_schema_field(
    {
        "type": "string",
        "description": "JSON text: a list of the three forecasts, like "
        '[{"financial_year": "2025-26", "in_year_balance": "-1000000.00", "cumulative_balance": '
        '"-5000000.00"}, ...].',
    }
)
class ForecastsField(serializers.ListField):
    """The forecasts, sent as JSON text in a multipart form (or as a list, when the body is JSON)."""

    def __init__(self, **kwargs):
        super().__init__(child=ForecastInputSerializer(), allow_empty=False, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as error:
                raise serializers.ValidationError(
                    "Give the forecasts as JSON: a list of {financial_year, in_year_balance, "
                    "cumulative_balance}."
                ) from error
        return super().to_internal_value(data)

    def get_value(self, dictionary):
        # In a form, the field is one value (the JSON text), not a list of values.
        return dictionary.get(self.field_name, serializers.empty)


class ManagementPlanSubmitSerializer(serializers.Serializer):
    enrolment = ScopedPrimaryKeyRelatedField(
        queryset=Enrolment.objects.all(), help_text="Your authority's open ESFA enrolment."
    )
    file = serializers.FileField(help_text="The plan: PDF, DOCX, XLSX, CSV or ODT, within the size limit.")
    forecasts = ForecastsField(help_text="The forecast for each of the next three financial years.")


class ReviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20_000, help_text="Needed for revisions."
    )
    next_review_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="In the future; needed for revisions. It becomes a deadline.",
    )


class ManagementPlanFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="enrolment__authority__la_code", help_text="LA code.")
    review_outcome = filters.ChoiceFilter(choices=ReviewOutcome.choices)
    reviewed = filters.BooleanFilter(field_name="reviewed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ManagementPlan
        fields = ["authority", "review_outcome", "reviewed"]


@resource_schema(
    "dsg-position",
    list="List DSG management plans",
    retrieve="One DSG management plan",
    create=operation(
        "Submit a DSG management plan (the authority's finance lead)",
        {MULTIPART: ManagementPlanSubmitSerializer},
        ManagementPlanSerializer,
        201,
        description="multipart/form-data: `enrolment`, `file` and `forecasts` (JSON text) for exactly the "
        "three financial years after the current one, while the ESFA enrolment is open.",
        responses={415: MULTIPART_ONLY},
    ),
    review=operation(
        "Review a plan (DfE)",
        ReviewSerializer,
        ManagementPlanSerializer,
        id="management_plans_review",
        description="Accepted, or revisions needed (with notes and a next review date). The next review "
        "date is a deadline; a later review moves it.",
    ),
    download=operation(
        "Download the plan's document", id="management_plans_download", responses=download_responses()
    ),
)
class ManagementPlanViewSet(FileDownloadMixin, ScopedViewSet):
    """DSG management plans of ESFA authorities, newest first; every submission is kept."""

    queryset = ManagementPlan.objects.all()
    serializer_class = ManagementPlanSerializer
    filterset_class = ManagementPlanFilter
    ordering_fields = ["submitted_at", "reviewed_at", "next_review_on", "enrolment__authority__name"]
    ordering = ["-submitted_at", "-pk"]
    required_actions = {
        "create": Permission.SUBMIT_MANAGEMENT_PLAN,
        "review": Permission.REVIEW_MANAGEMENT_PLAN,
    }

    def get_parsers(self):
        # Submitting carries a file: multipart. Everything else is JSON, as across the API.
        method = self.request.method.lower() if getattr(self, "request", None) else ""
        if getattr(self, "action_map", {}).get(method) == "create":
            return [MultiPartParser()]
        return [JSONParser()]

    list_selector = management_plan_list

    def create(self, request):
        data = self.validated(ManagementPlanSubmitSerializer)
        rows = data["forecasts"]
        positions = {str(row["financial_year"]): index for index, row in enumerate(rows)}

        def input_field(service_field: str) -> str:
            """The service's in_year_balance_2025-26 is the in_year_balance of that year's forecast."""
            match = _SERVICE_FORECAST_FIELD.match(service_field)
            if match and match.group(2) in positions:
                return f"forecasts.{positions[match.group(2)]}.{match.group(1)}"
            return service_field

        with fields_renamed(input_field):
            plan = management_plan_submit(
                actor=request.user,
                enrolment=data["enrolment"],
                file=data["file"],
                forecasts=[
                    (row["financial_year"], row["in_year_balance"], row["cumulative_balance"]) for row in rows
                ],
            )
        return self.answer(plan, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.write(ReviewSerializer, management_plan_review, plan=self.get_object())

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return file_response(self.get_object().file)
