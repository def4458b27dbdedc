"""`deadlines`: every dated obligation with its owner (SPEC §4.8), read-only.

Deadlines follow their source records (a monitoring report, an instalment decision, a Diagnostic
stage, a steering group action, a plan review): they change only when the source does, through its
service. Filters: `mine=true` (open ones the caller must act on), `upcoming=true` (open, due today
or later), `overdue=true` (open, due before today), `authority`, `kind`, `open`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.fields import LA_CODE_SCHEMA
from portal.api.schema import resource_schema
from portal.api.viewsets import ScopedViewSet

from .models import Deadline, DeadlineKind, OwnerGroup
from .selectors import deadline_list, deadlines_owned_by

# The API resource each kind of deadline comes from (its `source_id` is that resource's id).
SOURCE_RESOURCES = {
    DeadlineKind.MONITORING_REPORT: "monitoring-reports",
    DeadlineKind.INSTALMENT_DECISION: "payments",
    DeadlineKind.DIAGNOSTIC_STAGE: "diagnostic-stages",
    DeadlineKind.STEERING_ACTION: "steering-group/actions",
    DeadlineKind.PLAN_REVIEW: "management-plans",
}


@extend_schema_field({**LA_CODE_SCHEMA, "nullable": True})
class OptionalLaCodeField(serializers.CharField):
    """The LA code of the deadline's authority, or null (a steering group action has none)."""

    def __init__(self, **kwargs):
        super().__init__(source="authority.la_code", read_only=True, allow_null=True, **kwargs)


class DeadlineSerializer(serializers.ModelSerializer):
    authority = OptionalLaCodeField(help_text="Null for steering group actions.")
    authority_name = serializers.CharField(source="authority.name", read_only=True, allow_null=True)
    source = serializers.SerializerMethodField(help_text="The resource the deadline follows.")
    owner = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, help_text="The person who must act."
    )
    owner_group = serializers.ChoiceField(
        choices=OwnerGroup.choices,
        allow_blank=True,
        read_only=True,
        help_text="Who must act, when a group does (blank otherwise).",
    )
    responsible = serializers.CharField(
        source="responsible.username",
        read_only=True,
        allow_null=True,
        help_text="The DfE official it escalates to when overdue.",
    )
    open = serializers.SerializerMethodField(help_text="False once the obligation is met (closed_at).")
    overdue = serializers.SerializerMethodField(help_text="Open and due before today.")

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "title",
            "authority",
            "authority_name",
            "source",
            "source_id",
            "due_on",
            "owner",
            "owner_group",
            "responsible",
            "open",
            "overdue",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=sorted(set(SOURCE_RESOURCES.values()))))
    def get_source(self, deadline) -> str:
        return SOURCE_RESOURCES.get(deadline.kind, "")

    def get_open(self, deadline) -> bool:
        return deadline.is_open

    def get_overdue(self, deadline) -> bool:
        return deadline.is_overdue(self.context["today"])


class DeadlineFilter(filters.FilterSet):
    mine = filters.BooleanFilter(
        method="filter_mine",
        help_text="true: the open deadlines you must act on (yours, your group's, or as DfE yours to "
        "escalate); false: the others.",
    )
    upcoming = filters.BooleanFilter(
        method="filter_upcoming", help_text="true: open and due today or later; false: the others."
    )
    overdue = filters.BooleanFilter(
        method="filter_overdue", help_text="true: open and due before today; false: the others."
    )
    open = filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", help_text="Not yet met.")
    authority = filters.CharFilter(field_name="authority__la_code", help_text="LA code.")
    kind = filters.ChoiceFilter(choices=DeadlineKind.choices)
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after.")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before.")

    class Meta:
        model = Deadline
        fields = ["mine", "upcoming", "overdue", "open", "authority", "kind", "due_after", "due_before"]

    @staticmethod
    def _narrow(queryset, condition: Q, value: bool):
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_mine(self, queryset, name, value):
        mine = Q(pk__in=deadlines_owned_by(self.request.user).values("pk"))
        return self._narrow(queryset, mine, value)

    def filter_upcoming(self, queryset, name, value):
        return queryset.upcoming(timezone.localdate(), value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate(), value)


@resource_schema("deadlines", list="List deadlines", retrieve="One deadline")
class DeadlineViewSet(ScopedViewSet):
    """Deadlines you may see, by due date: your own and, for an authority's people, the authority's."""

    queryset = Deadline.objects.all()
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    ordering_fields = ["due_on", "kind", "authority__name", "closed_at"]
    ordering = ["due_on", "pk"]
    list_selector = deadline_list

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
