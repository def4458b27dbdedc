"""API resources of the Sector Steering Group: `steering-group/members` (every seat, the chair's included).

Meetings and actions follow the same pattern once their services exist.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from portal.api.viewsets import ScopedViewSet

from .models import Member, MemberRole


class SteeringMemberSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_abbreviation = serializers.CharField(source="organisation.abbreviation", read_only=True)
    role = serializers.ChoiceField(
        choices=MemberRole.choices, read_only=True, help_text="chair, co_chair or member"
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "number",
            "role",
            "name",
            "job_title",
            "organisation",
            "organisation_abbreviation",
            "vacant",
            "job_share",
            "started_on",
            "ended_on",
        ]
        read_only_fields = fields


class SteeringMemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=MemberRole.choices)
    vacant = filters.BooleanFilter()

    class Meta:
        model = Member
        fields = ["role", "vacant"]


@extend_schema_view(
    list=extend_schema(summary="List the steering group's seats", tags=["steering-group"]),
    retrieve=extend_schema(summary="One seat", tags=["steering-group"]),
)
class SteeringMemberViewSet(ScopedViewSet):
    """Seats of the Sector Steering Group, in their listed order; a vacant seat has no name."""

    queryset = Member.objects.all()
    serializer_class = SteeringMemberSerializer
    filterset_class = SteeringMemberFilter
    ordering_fields = ["number", "name", "role"]
    ordering = ["group", "number"]

    def optimise(self, queryset):
        return queryset.select_related("organisation")
