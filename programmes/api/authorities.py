"""`authorities`: local authorities by LA code, each with the enrolments the caller may see.

It lives here, not in the authorities app, because it shows and filters by programme enrolment;
the register itself knows nothing of programmes (docs/decisions/0017-layers.md).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from authorities.api import region_filter
from authorities.models import AuthorityAlias, AuthorityType, GssCode, LocalAuthority
from portal import access
from portal.api.fields import LA_CODE_SCHEMA, WholeNumberFilter
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import Enrolment, EnrolmentStatus, ProgrammeCode
from ..selectors.authority import authorities_with_enrolments
from .trajectory import TrajectoryMixin

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
    region = filters.CharFilter(method=region_filter, help_text="Region GSS code (E12000007) or name.")
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


@resource_schema(
    "authorities",
    list="List authorities",
    retrieve=operation(
        "One authority, by LA code",
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
    list_selector = authorities_with_enrolments
